import type { CommandSpec, ParsedArgs } from './args';
import type { ExitCode } from './exit-codes';
import type { Output } from './terminal';

export interface CommandContext {
  /** Repository root: templates/, params/ and .venv/ are found from here. */
  readonly root: string;
  readonly output: Output;
  readonly args: ParsedArgs;
  /** Environment variables (injectable for tests). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  readonly spec: CommandSpec;
  run(context: CommandContext): Promise<ExitCode>;
}

export const envOption = { kind: 'value', description: 'environment name: one of the params/*.json files' } as const;
