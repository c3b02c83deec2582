/**
 * Shared plumbing of the commands that run an operation against AWS: hear Ctrl-C from the start,
 * prepare the environment (bad input stops before any AWS client), wire the operation's io to the
 * terminal (events rendered as they come, questions answered by prompt, --yes/--confirm or "no
 * terminal"), run it guarded (the environment's lock, Ctrl-C and AWS errors as outcomes:
 * operations/guarded-run.ts), render the outcome, and return its exit code from the one table.
 */
import { valueOf } from '../args';
import type { CommandContext, Hosts } from '../command';
import { exitCodeOf, type ExitCode } from '../exit-codes';
import { eventRenderer } from '../render/events';
import { renderOutcome, type OperationCommand } from '../render/outcomes';
import { styler } from '../terminal';
import { answerer, sayTo } from '../ui';
import { prepareConnection, type Connection, type PrepareOptions } from '../../operations/connection';
import { runGuarded } from '../../operations/guarded-run';
import type { OperationIo, Outcome } from '../../operations/operation';
import type { EnvironmentConfig } from '../../config/environment';
import { statePath } from '../state-dir';

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
  /** Changes nothing (outputs, drift): runs without the environment's lock. */
  readonly readOnly?: boolean;
  /** The stack the operation changes, read back after Ctrl-C (default: the environment's stack). */
  readonly stackName?: (env: EnvironmentConfig) => string;
  /** The environment operated on when the command names it otherwise than --env (promote's --to). */
  readonly environment?: string;
  /** Save the review as the latest too (`review.json`, `review.md`), as diff does. */
  readonly latestReview?: boolean;
  /** promote (D-18): the environment promoted from, for the commands the messages suggest. */
  readonly promotionFrom?: string;
}

export async function runOperation(context: CommandContext, hosts: Hosts, plan: OperationRun): Promise<ExitCode> {
  const runtime = hosts.runtime(context.root);
  // Ctrl-C is heard from here on, so even one during packaging ends in a report (D-13).
  const interrupt = runtime.interrupts();
  try {
    return await runWith(context, hosts, plan, runtime, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

async function runWith(context: CommandContext, hosts: Hosts, plan: OperationRun, runtime: ReturnType<Hosts['runtime']>, signal: AbortSignal): Promise<ExitCode> {
  const { root, output } = context;
  const environment = plan.environment ?? valueOf(context.args, 'env') ?? 'dev';
  const prepared = prepareConnection(runtime, root, environment, context.env, plan.prepare);
  const { masker } = prepared;
  const style = styler(output.color);
  const say = sayTo(output, style, masker);
  let session: Connection['session'] | undefined;
  const io: OperationIo = {
    emit: eventRenderer({ say, style, output, masker, root, yes: plan.yes ?? false, latestReview: plan.command === 'diff' || (plan.latestReview ?? false) }),
    ask: answerer({ terminal: hosts.terminal(output), preapproved: plan.preapproved, style }),
  };
  const outcome = await runGuarded(prepared, context.env, io, {
    signal,
    stackName: (plan.stackName ?? ((env) => env.deployment.stackName))(prepared.env),
    ...(plan.readOnly ? {} : { lock: { directory: statePath(root, prepared.env.name, ''), command: plan.promotionFrom ? `tap promote --from ${plan.promotionFrom} --to ${prepared.env.name}` : `tap ${plan.command} --env ${prepared.env.name}` } }),
  }, (connection, guardedIo) => {
    session = connection.session;
    return plan.run(connection, guardedIo);
  });
  const apiCalls = () => (session ? [...session.apiCalls().values()].reduce((a, b) => a + b, 0) : 0);
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
    ...(plan.promotionFrom ? { promotionFrom: plan.promotionFrom } : {}),
  });
  return exitCodeOf(outcome);
}
