/**
 * `tap <command> [options]`: one CLI behind every make target (`npx tap` from the checkout).
 * Commands load lazily (registry.ts), so `synth` never pays for the AWS SDK.
 */
import { parseArgs } from './args';
import type { Hosts, RuntimeFactory } from './command';
import { commandHelp, generalHelp } from './help';
import { COMMANDS, loadAllCommands } from './registry';
import { EXIT, type ExitCode } from './exit-codes';
import { consoleOutput, processTerminal, styler, writeLine, type Output, type TerminalFactory } from './terminal';
import { printInputProblems } from './ui';
import { CheckFailedError, InputError } from '../core/problems';
import { repoRoot } from '../core/paths';
import { defaultRuntime } from '../operations/runtime';

export interface MainOptions {
  readonly root?: string;
  readonly output?: Output;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How AWS commands reach AWS; tests inject one. */
  readonly runtime?: RuntimeFactory;
  /** Where questions are asked; tests inject one. */
  readonly terminal?: TerminalFactory;
}

/** `tap --help` (or `tap help`) lists the commands; `tap <command> --help` describes one. */
const HELP: ReadonlySet<string> = new Set(['--help', '-h', 'help']);
const COMMAND_HELP: ReadonlySet<string> = new Set(['--help', '-h']);

export async function main(argv: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const output = options.output ?? consoleOutput();
  const style = styler(output.color);
  const [name, ...rest] = argv;
  const hosts: Hosts = { runtime: options.runtime ?? defaultRuntime, terminal: options.terminal ?? processTerminal };
  if (name !== undefined && HELP.has(name)) {
    writeLine(output.out, generalHelp(await loadAllCommands(hosts)));
    return EXIT.ok;
  }
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    writeLine(output.err, `usage: tap <command> [options]; commands: ${Object.keys(COMMANDS).join(', ')} (tap --help describes them)`);
    return EXIT.invalidInput;
  }
  try {
    const command = await load(hosts);
    if (rest.some((arg) => COMMAND_HELP.has(arg))) {
      writeLine(output.out, commandHelp(name, command.spec));
      return EXIT.ok;
    }
    const args = parseArgs(name, command.spec, rest);
    return await command.run({ root: options.root ?? repoRoot(), output, args, env: options.env ?? process.env });
  } catch (error) {
    if (error instanceof InputError) {
      printInputProblems(output, style, error.problems);
      return EXIT.invalidInput;
    }
    if (error instanceof CheckFailedError) {
      writeLine(output.err, `${style('red', 'check failed')} ${error.message}`);
      return EXIT.checkFailed;
    }
    writeLine(output.err, `${style('red', 'error')} ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.internal;
  }
}
