import type { CommandSpec, ParsedArgs } from './args';
import type { ExitCode } from './exit-codes';
import type { Output, TerminalFactory } from './terminal';
import type { DeployRuntime } from '../operations/runtime';

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

/** How a command gets the operations' runtime: the real one unless a test injects another. */
export type RuntimeFactory = (root: string) => DeployRuntime;

/** The outside world of the AWS commands: the operations' runtime and the terminal (tests inject both). */
export interface Hosts {
  readonly runtime: RuntimeFactory;
  readonly terminal: TerminalFactory;
}

export const envOption = { kind: 'value', placeholder: 'name', description: 'environment name: one of the params/*.json files' } as const;
