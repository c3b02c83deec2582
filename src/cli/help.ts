/**
 * Help from the command specs, the only source: `tap --help`, `tap <command> --help`, and the
 * CLI reference docs/cli.md (with the exit codes from the one table). Nothing here is written by
 * hand twice, so help and reference cannot disagree with what the commands accept.
 */
import type { CommandSpec, OptionSpec } from './args';
import { EXIT_MEANINGS, OUTCOME_EXIT_CODES, type ExitCode } from './exit-codes';
import type { NamedCommand } from './registry';

export const CLI_REFERENCE_FILE = 'docs/cli.md';

const optionUsage = (name: string, option: OptionSpec): string =>
  option.kind === 'flag' ? `--${name}` : `--${name} <${option.placeholder}>${option.repeatable ? ' (repeatable)' : ''}`;

const pad = (rows: readonly (readonly [string, string])[], indent = '  '): string[] => {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
};

export function generalHelp(commands: readonly NamedCommand[]): string {
  return [
    'tap: typed CloudFormation for the Trading Analytics Platform (render, check, review, deploy)',
    '',
    'Usage: npx tap <command> [options]        (the make targets run the same commands: make help)',
    '',
    'Commands:',
    ...pad(commands.map(({ name, command }) => [name, command.spec.summary])),
    '',
    '`npx tap <command> --help` lists a command\'s options. Exit codes: docs/cli.md (make turns every failure into 2).',
  ].join('\n');
}

export function commandHelp(name: string, spec: CommandSpec): string {
  const options = Object.entries(spec.options);
  return [
    `Usage: npx tap ${name}${options.length > 0 ? ' [options]' : ''}`,
    ...(spec.make ? [`   or: ${spec.make}`] : []),
    '',
    spec.summary,
    ...(options.length > 0 ? ['', 'Options:', ...pad(options.map(([option, o]) => [optionUsage(option, o), o.description]))] : []),
    ...(spec.conflicts?.length ? ['', `Not together: ${spec.conflicts.map(([a, b]) => `--${a} and --${b}`).join('; ')}`] : []),
  ].join('\n');
}

/** Markdown text outside code: `<env>` would be read as an HTML tag, `|` as a table border. */
const text = (value: string): string => value.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
/** Markdown code in a table: only the border needs escaping. */
const code = (value: string): string => `\`${value.replace(/\|/g, '\\|')}\``;

/** Outcome types by the code they exit with, for the reference's exit-code table. */
function outcomesByCode(): Map<ExitCode, string[]> {
  const byCode = new Map<ExitCode, string[]>();
  for (const [outcome, code] of Object.entries(OUTCOME_EXIT_CODES)) byCode.set(code, [...(byCode.get(code) ?? []), outcome]);
  return byCode;
}

/** docs/cli.md: commands, options and exit codes, from the specs and the exit-code table. */
export function cliReference(commands: readonly NamedCommand[]): string {
  const byCode = outcomesByCode();
  const lines = [
    '# `tap` command reference',
    '',
    '<!-- Generated from the command specs (src/cli/commands/) and the exit-code table (src/cli/exit-codes.ts)',
    '     by `make docs`; `make test` fails when it is stale. Do not edit by hand. -->',
    '',
    'Every make target runs one `tap` command; `npx tap <command>` runs it directly from the',
    'checkout (it rebuilds the CLI bundle, `.build/tap.js`, when a source changed). `npx tap --help`',
    'and `npx tap <command> --help` print what this page says.',
    '',
    '**Exit codes pass through `npx tap` only.** `make` reports any failing command with its own exit',
    'status 2, so a script that branches on the code runs `npx tap <command> --env <env> …` (the make',
    'variables map to options: `ENV=` is `--env`, `REVIEW=` is `--review`, `CONFIRM=` is `--confirm`,',
    '`SERVICE=` is `--service`, `TAG=` is `--tag`, `FROM=` is `--from`, `TO=` is `--to`, and `ARGS=` is',
    'passed as it is).',
    '',
    '## Commands',
    '',
    '| command | what it does | make |',
    '|---|---|---|',
    ...commands.map(({ name, command }) => `| [\`${name}\`](#${name}) | ${text(command.spec.summary)} | ${command.spec.make ? code(command.spec.make) : '—'} |`),
  ];
  for (const { name, command } of commands) {
    const { spec } = command;
    const options = Object.entries(spec.options);
    lines.push('', `### ${name}`, '', text(spec.summary), '', '```text', `npx tap ${name}${options.length > 0 ? ' [options]' : ''}`, ...(spec.make ? [spec.make] : []), '```');
    if (options.length > 0) {
      lines.push('', '| option | meaning |', '|---|---|', ...options.map(([option, o]) => `| ${code(optionUsage(option, o))} | ${text(o.description)} |`));
    }
    if (spec.conflicts?.length) lines.push('', `Not together: ${spec.conflicts.map(([a, b]) => `\`--${a}\` and \`--${b}\``).join('; ')}.`);
  }
  lines.push(
    '',
    '## Exit codes',
    '',
    'The operations (deploy, diff, bootstrap, destroy, drift, outputs, continue-rollback) end in a typed outcome; the',
    'CLI maps each outcome to one code (`OUTCOME_EXIT_CODES`). Bad input and failed checks stop before any AWS call.',
    '',
    '| code | meaning | operation outcomes |',
    '|---|---|---|',
    ...Object.entries(EXIT_MEANINGS).map(([exitCode, meaning]) => {
      const outcomes = byCode.get(Number(exitCode) as ExitCode) ?? [];
      return `| ${exitCode} | ${meaning.replace(/\|/g, '\\|')} | ${outcomes.map(code).join(', ') || '—'} |`;
    }),
    '',
  );
  return lines.join('\n');
}
