/**
 * `continue-rollback` (D-8): brings a stack out of UPDATE_ROLLBACK_FAILED. It first reads back
 * what failed to roll back; without `skip` it retries, with `skip` it passes ResourcesToSkip
 * (`LogicalId` in the root, `NestedStack.LogicalId` in nested ones), which CloudFormation marks
 * rolled back without changing them.
 */
import { clientToken } from './client-token';
import type { Connection } from './connection';
import type { ContinueRollbackOutcome, OperationIo } from './operation';
import { followOperation, readLastOperation } from './progress/follow';
import { latestEventId } from './progress/watch';

export interface ContinueRollbackOptions {
  readonly skip: readonly string[];
}

export async function continueRollback(c: Connection, io: OperationIo, options: ContinueRollbackOptions): Promise<ContinueRollbackOutcome> {
  const { cfn } = c.session.port;
  const stackName = c.env.deployment.stackName;
  const stack = await cfn.describeStack(stackName);
  if (!stack || stack.status !== 'UPDATE_ROLLBACK_FAILED') {
    return { type: 'precondition', reason: { kind: 'no-failed-rollback', stackName, ...(stack ? { status: stack.status } : {}) } };
  }
  const last = await readLastOperation(c, stack);
  io.emit({ type: 'rollback-failed-found', stackName, last });
  for (const address of options.skip.filter((s) => !last.skip.includes(s))) io.emit({ type: 'skip-unknown', address, candidates: last.skip });
  const answer = await io.ask({ kind: 'continue-rollback', stackName, skip: options.skip, whenUnattended: 'unanswered' });
  if (answer === 'unanswered') return { type: 'not-started', stackName, skip: options.skip };
  if (answer === 'no') return { type: 'declined', what: { kind: 'continue-rollback' } };
  const baseline = await latestEventId(cfn, stack.stackId);
  await cfn.continueUpdateRollback(stack.stackId, options.skip, clientToken('continue', stack.stackId, stack.lastUpdatedTime?.toISOString() ?? '', ...options.skip));
  const end = await followOperation(c, io, stack, { kind: 'after-event', eventId: baseline }, 'rollback');
  return end.type === 'succeeded' ? { type: 'rollback-continued', stackName } : end;
}
