/**
 * D-13 on the AWS side: the local lock (lock.ts) cannot see a deploy of the same environment from
 * another machine (CI and a laptop). Before uploading, the change-set flow lists the stack's change
 * sets made by tap (by their names, changeset.ts):
 *
 * - one that CloudFormation is still computing (CREATE_PENDING, CREATE_IN_PROGRESS) belongs to a
 *   run that is creating it right now: this run stops, naming it (precondition);
 * - ones that wait AVAILABLE (a `diff` left for review, a deploy waiting for approval or
 *   interrupted) do not stop it, but are named: executing any change set makes CloudFormation
 *   delete the stack's others ("When you execute a change set, CloudFormation deletes all other
 *   change sets associated with the stack",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html).
 *
 * An operation already running on the stack (its status *_IN_PROGRESS) is followed by deploy and
 * refused by diff and destroy (stack-status.ts), as before. When ExecuteChangeSet is refused, what
 * is true right after (another operation running, the change set gone or spent) is read back, so
 * the words say only that (`executeConflict`).
 */
import type { ChangeSetSummary, CloudFormationPort } from '../aws/port';
import type { ErrorInfo, OperationIo, PendingChangeSet, Precondition, PreconditionReason } from './operation';

const MAX_PAGES = 10;

/** `tap-<env>-YYYYMMDD-HHMMSS-<8 hex>`: the names changeSetIdentity gives (changeset.ts). */
export const isTapChangeSet = (name: string, environment: string): boolean => name.startsWith(`tap-${environment}-`) && /-\d{8}-\d{6}-[0-9a-f]{8}$/.test(name);

export const pendingOf = (summary: ChangeSetSummary): PendingChangeSet => ({
  id: summary.id,
  name: summary.name,
  status: summary.status,
  executionStatus: summary.executionStatus,
  createdAt: summary.creationTime.toISOString(),
  ...(summary.description ? { description: summary.description } : {}),
});

/** tap's root change sets on `stack` now, oldest first. */
export async function tapChangeSets(cfn: CloudFormationPort, stack: string, environment: string): Promise<PendingChangeSet[]> {
  const found: ChangeSetSummary[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await cfn.listChangeSets(stack, token);
    found.push(...page.changeSets.filter((c) => isTapChangeSet(c.name, environment)));
    token = page.nextToken;
    pages += 1;
  } while (token && pages < MAX_PAGES);
  return found.sort((a, b) => a.creationTime.getTime() - b.creationTime.getTime()).map(pendingOf);
}

export const isBeingComputed = (c: PendingChangeSet): boolean => c.status === 'CREATE_PENDING' || c.status === 'CREATE_IN_PROGRESS';
export const isWaiting = (c: PendingChangeSet): boolean => c.status === 'CREATE_COMPLETE' && c.executionStatus === 'AVAILABLE';

/** Stops (a precondition) when another run is creating a change set on the stack; names the waiting ones. */
export async function checkOtherChangeSets(cfn: CloudFormationPort, io: OperationIo, stackName: string, environment: string): Promise<Precondition | undefined> {
  const others = await tapChangeSets(cfn, stackName, environment);
  const computing = others.find(isBeingComputed);
  if (computing) return { type: 'precondition', reason: { kind: 'change-set-in-progress', stackName, changeSet: computing } };
  const waiting = others.filter(isWaiting);
  if (waiting.length > 0) io.emit({ type: 'other-change-sets', stackName, changeSets: waiting });
  return undefined;
}

/** A refused ExecuteChangeSet with what is true now: the stack's status and the change set's (read back, best effort). */
export async function executeConflict(
  cfn: CloudFormationPort,
  target: { readonly stackName: string; readonly stackId: string; readonly changeSetId: string },
  error: ErrorInfo,
): Promise<PreconditionReason> {
  const [stack, page] = await Promise.all([
    cfn.describeStack(target.stackId || target.stackName).catch(() => undefined),
    cfn.describeChangeSet(target.changeSetId, { includePropertyValues: false }).then((p) => p ?? ('gone' as const), () => undefined),
  ]);
  return {
    kind: 'execute-conflict',
    stackName: target.stackName,
    error,
    ...(stack ? { stackNow: stack.status } : {}),
    ...(page ? { changeSetNow: page === 'gone' ? page : { status: page.status, executionStatus: page.executionStatus } } : {}),
  };
}
