/**
 * Shared plumbing of the commands that talk to AWS: options every one of them takes, and opening
 * the session (render, load, connect, guard) with an injectable runtime.
 */
import { valueOf } from '../args';
import type { CommandContext } from '../command';
import type { ExitCode } from '../exit-codes';
import { openAwsCommand, type AwsCommand, type OpenOptions } from '../../operations/context';
import { defaultRuntime, type DeployRuntime } from '../../operations/runtime';

/** How a command gets its runtime: the real one unless a test injects another. */
export type RuntimeFactory = (root: string) => DeployRuntime;

export const realRuntime: RuntimeFactory = defaultRuntime;

export const yesOption = { kind: 'flag', description: 'approve without asking (CI): execute the change set that was just reviewed' } as const;

export async function withAwsCommand(
  context: CommandContext,
  runtimeFor: RuntimeFactory,
  options: OpenOptions,
  run: (command: AwsCommand) => Promise<ExitCode>,
): Promise<ExitCode> {
  const environment = valueOf(context.args, 'env') ?? 'dev';
  const opened = await openAwsCommand(context, runtimeFor(context.root), environment, options);
  if (opened.type === 'exit') return opened.code;
  return run(opened.command);
}
