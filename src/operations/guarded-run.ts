/**
 * Runs an operation so that it always ends in an outcome that says what happened (D-13, issue 13
 * #5 and #6). Around any operation (deploy, diff, bootstrap, destroy, continue-rollback, and the
 * read-only ones):
 *
 * 1. the environment's lock is taken (commands that change it; lock.ts): another tap command on
 *    this machine holding it stops this one before any AWS call;
 * 2. the connection is opened with Ctrl-C wired in (retries stop) and then guarded (interrupt.ts):
 *    after Ctrl-C nothing more is sent, and the journal lists what was;
 * 3. the operation runs; it ends in its own outcome, or
 *    - on Ctrl-C between its steps: `stopped`, with what it had sent and, read back from AWS,
 *      what it left (the stack's status, tap's change sets on it);
 *    - on an AWS error it does not handle itself: `aws-unavailable` (network, endpoint,
 *      throttling, credentials, permissions) or `aws-request-failed` (AWS refused the request),
 *      naming the request, its resource and the endpoint, with what it had sent before;
 * 4. the lock is released.
 */
import { AwsError, type AwsErrorKind, type CloudFormationPort } from '../aws/port';
import { endpointFor, type EnvironmentVariables } from '../aws/endpoint';
import { describeRequest, endpointKeyOf } from '../aws/requests';
import { openConnection, type Connection, type PreparedEnvironment } from './connection';
import { tapChangeSets } from './in-progress';
import { guardPort, interruptibleClock, interruptibleIo, Interrupted, type SentRequest } from './interrupt';
import { acquireLock } from './lock';
import { errorInfo, type AwsFailure, type LeftBehind, type OperationIo, type Outcome, type Precondition, type Question, type RunFailure } from './operation';

export interface GuardedRunOptions {
  /** Ctrl-C, held by the caller for the whole command (the runtime's `interrupts()`). */
  readonly signal: AbortSignal;
  /** The stack the operation changes: read back after Ctrl-C. */
  readonly stackName: string;
  /** Hold the environment's lock (in this directory) while the operation runs. */
  readonly lock?: { readonly directory: string; readonly command: string };
}

/** Network, endpoint, throttling, credentials, permissions: AWS cannot be used as configured. */
const UNAVAILABLE: ReadonlySet<AwsErrorKind> = new Set<AwsErrorKind>(['transient', 'throttled', 'credentials', 'access-denied', 'unsupported']);

export function awsFailureOf(error: AwsError, variables: EnvironmentVariables): AwsFailure {
  const key = endpointKeyOf(error.operation);
  const endpoint = key ? endpointFor(variables, key) : undefined;
  return {
    kind: error.kind,
    code: error.code,
    message: error.message,
    ...(error.context.fullText ? { fullText: error.context.fullText } : {}),
    operation: error.operation,
    api: describeRequest(error.operation, []).api,
    ...(error.context.resource ? { resource: error.context.resource } : {}),
    ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    ...(error.context.requestId ? { requestId: error.context.requestId } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

export const awsErrorOutcome = (error: AwsError, variables: EnvironmentVariables, sent: readonly SentRequest[]): RunFailure =>
  ({ type: UNAVAILABLE.has(error.kind) ? 'aws-unavailable' : 'aws-request-failed', failure: awsFailureOf(error, variables), sent });

/** The stack and tap's change sets on it, now (best effort: a failure to read is reported, not thrown). */
export async function readLeftBehind(cfn: CloudFormationPort, stackName: string, environment: string): Promise<LeftBehind> {
  try {
    const stack = await cfn.describeStack(stackName);
    if (!stack || stack.status === 'DELETE_COMPLETE') return { stackName, changeSets: [] };
    return {
      stackName,
      stack: { stackName: stack.stackName, status: stack.status, ...(stack.statusReason ? { statusReason: stack.statusReason } : {}) },
      changeSets: await tapChangeSets(cfn, stack.stackId, environment),
    };
  } catch (error) {
    return { stackName, changeSets: [], unreadable: error instanceof AwsError ? errorInfo(error) : { code: 'Error', message: String(error) } };
  }
}

export async function runGuarded<O extends Outcome>(
  prepared: PreparedEnvironment,
  variables: EnvironmentVariables,
  io: OperationIo,
  options: GuardedRunOptions,
  operation: (c: Connection, io: OperationIo) => Promise<O>,
): Promise<O | Precondition | RunFailure> {
  const { signal } = options;
  if (signal.aborted) return { type: 'stopped', sent: [] };
  const lock = options.lock ? acquireLock(options.lock.directory, { command: options.lock.command, toolkitVersion: prepared.runtime.toolkitVersion }) : undefined;
  if (lock?.type === 'held') return { type: 'precondition', reason: { kind: 'locked', file: lock.file, ...(lock.holder ? { holder: lock.holder } : {}), sameHost: lock.sameHost } };
  if (lock?.replaced) io.emit({ type: 'stale-lock-removed', file: lock.file, holder: lock.replaced });

  const sent: SentRequest[] = [];
  const guardedIo = interruptibleIo(io, signal);
  let raw: Connection | undefined;
  const stopped = async (question: Question['kind'] | undefined): Promise<RunFailure> => ({
    type: 'stopped',
    sent,
    ...(question ? { question } : {}),
    // Nothing sent, nothing to read back: AWS is as this run found it.
    ...(raw && sent.length > 0 ? { left: await readLeftBehind(raw.session.port.cfn, options.stackName, prepared.env.name) } : {}),
  });
  try {
    const opened = await openConnection(prepared, variables, io, signal);
    if (signal.aborted) return await stopped(undefined);
    if (opened.type !== 'connected') return opened;
    raw = opened.connection;
    const guarded: Connection = {
      ...raw,
      session: { ...raw.session, port: guardPort(raw.session.port, signal, sent) },
      // Waits end on Ctrl-C, and following a stack operation (follow.ts, drift.ts) hears the same Ctrl-C.
      runtime: { ...raw.runtime, clock: interruptibleClock(raw.runtime.clock, signal), interrupts: () => ({ signal, dispose: () => {} }) },
    };
    const outcome = await operation(guarded, guardedIo);
    // Ctrl-C came while the last step's answer was being handled: still a stop, and it says what was left.
    if (signal.aborted && outcome.type !== 'interrupted') return await stopped(guardedIo.pending());
    if (outcome.type !== 'interrupted') return outcome;
    // Ctrl-C while following a stack operation: say where it stands now, not where the last poll saw it.
    const now = await raw.session.port.cfn.describeStack(outcome.stackName).catch(() => undefined);
    return now ? { ...outcome, status: now.status } : outcome;
  } catch (error) {
    // After Ctrl-C, whatever ends the operation (Interrupted, or a retry cut short) is the stop.
    if (signal.aborted || error instanceof Interrupted) return await stopped(guardedIo.pending());
    if (error instanceof AwsError) return awsErrorOutcome(error, variables, sent);
    throw error;
  } finally {
    if (lock?.type === 'acquired') lock.release();
  }
}
