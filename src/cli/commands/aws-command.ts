/**
 * Shared plumbing of the commands that run an operation against AWS: prepare the environment
 * (bad input stops before any AWS client), wire the operation's io to the terminal (events
 * rendered as they come, questions answered by prompt, --yes/--confirm or "no terminal"), open the
 * connection, run, render the outcome, and return its exit code from the one table.
 */
import { valueOf } from '../args';
import type { CommandContext, Hosts } from '../command';
import { exitCodeOf, type ExitCode } from '../exit-codes';
import { eventRenderer } from '../render/events';
import { renderOutcome, type OperationCommand } from '../render/outcomes';
import { styler } from '../terminal';
import { answerer, sayTo } from '../ui';
import { openConnection, prepareConnection, type Connection, type PrepareOptions } from '../../operations/connection';
import type { OperationIo, Outcome } from '../../operations/operation';

export const yesOption = { kind: 'flag', description: 'approve without asking (CI): execute the change set that was just reviewed' } as const;

export interface OperationRun {
  readonly command: OperationCommand;
  readonly prepare: PrepareOptions;
  /** The operation's question is answered on the command line (--yes, --confirm). */
  readonly preapproved: boolean;
  readonly run: (connection: Connection, io: OperationIo) => Promise<Outcome>;
  /** --yes given: a reviewed change set from a file shows its summary only. */
  readonly yes?: boolean;
  /** `deploy --review <file>` as typed, for messages. */
  readonly reviewFile?: string;
  /** `outputs --json`. */
  readonly json?: boolean;
}

export async function runOperation(context: CommandContext, hosts: Hosts, plan: OperationRun): Promise<ExitCode> {
  const { root, output } = context;
  const environment = valueOf(context.args, 'env') ?? 'dev';
  const prepared = prepareConnection(hosts.runtime(root), root, environment, context.env, plan.prepare);
  const { masker } = prepared;
  const style = styler(output.color);
  const say = sayTo(output, style, masker);
  const io: OperationIo = {
    emit: eventRenderer({ say, style, output, masker, root, yes: plan.yes ?? false }),
    ask: answerer({ terminal: hosts.terminal(output), preapproved: plan.preapproved, style }),
  };
  const opened = await openConnection(prepared, context.env, io);
  const outcome = opened.type === 'connected' ? await plan.run(opened.connection, io) : opened;
  const apiCalls = () => (opened.type === 'connected' ? [...opened.connection.session.apiCalls().values()].reduce((a, b) => a + b, 0) : 0);
  renderOutcome(outcome, {
    command: plan.command,
    environment: prepared.env.name,
    say,
    style,
    output,
    root,
    masker,
    apiCalls,
    ...(plan.reviewFile ? { reviewFile: plan.reviewFile } : {}),
    json: plan.json ?? false,
  });
  return exitCodeOf(outcome);
}
