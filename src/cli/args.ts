/**
 * Command-line parsing without globals: each command declares its options; anything else is an
 * input error that names the argument and what was expected.
 */
import { InputError, quote, type Problem } from '../core/problems';

export type OptionSpec =
  | { readonly kind: 'flag'; readonly description: string }
  /** `placeholder` names the value in help: `--env <name>`. */
  | { readonly kind: 'value'; readonly description: string; readonly placeholder: string; readonly repeatable?: boolean };

/** A command as `tap --help`, `tap <command> --help` and docs/cli.md describe it. */
export interface CommandSpec {
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Pairs of options that cannot be used together. */
  readonly conflicts?: readonly (readonly [string, string])[];
  /** The make target that runs it, with the variables it passes (absent: no target). */
  readonly make?: string;
}

export interface ParsedArgs {
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, readonly string[]>;
}

export function parseArgs(command: string, spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const problems: Problem[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const at = (arg: string): Problem['path'] => arg;

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      problems.push({ file: 'command line', path: at(arg), message: `unexpected argument; \`tap ${command}\` takes only options (${Object.keys(spec.options).map((o) => `--${o}`).join(', ') || 'none'})` });
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const option = spec.options[name];
    if (!option) {
      problems.push({ file: 'command line', path: at(`--${name}`), message: `unknown option for \`tap ${command}\`; expected one of: ${Object.keys(spec.options).map((o) => `--${o}`).join(', ') || '(none)'}` });
      continue;
    }
    if (option.kind === 'flag') {
      if (inline !== undefined) problems.push({ file: 'command line', path: at(`--${name}`), message: 'is a flag and takes no value' });
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (inline === undefined) i += 1;
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      problems.push({ file: 'command line', path: at(`--${name}`), message: `needs a value: ${option.description}` });
      continue;
    }
    const existing = values.get(name) ?? [];
    if (existing.length > 0 && !option.repeatable) {
      problems.push({ file: 'command line', path: at(`--${name}`), message: `given twice (${quote(existing[0])} and ${quote(value)})` });
      continue;
    }
    values.set(name, [...existing, value]);
  }

  for (const [a, b] of spec.conflicts ?? []) {
    const has = (o: string) => flags.has(o) || values.has(o);
    if (has(a) && has(b)) {
      problems.push({ file: 'command line', path: `--${a} --${b}`, message: `cannot be used together` });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return { flags, values };
}

export function valueOf(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}
