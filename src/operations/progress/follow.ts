/**
 * Follows a stack operation (deploy, attach, delete, continued rollback), reporting its events to
 * the io, and says how it ended: success, or a `WatchFailure` carrying the root cause, the ECS
 * diagnosis and what ContinueUpdateRollback may skip (D-7, D-8). Shared by deploy, bootstrap,
 * destroy and continue-rollback.
 */
import type { StackStatus } from '../../aws/port';
import type { Connection } from '../connection';
import { errorInfo, type FailureReport, type LastOperation, type OperationIo, type OperationKind, type WatchFailure } from '../operation';
import { diagnoseEcsService, failedResources, findRootCause, resourcesToSkip, type FailedResource } from './failure';
import type { PathEvent, WatchedStatus } from './state';
import { watchOperation, type Baseline, type WatchListener, type WatchResult } from './watch';
import { settledAs } from '../stack-status';

export type FollowEnd = { readonly type: 'succeeded'; readonly status: WatchedStatus } | WatchFailure;

const SUCCESS: Record<OperationKind, (status: WatchedStatus) => boolean> = {
  deploy: (s) => settledAs(s) === 'succeeded',
  attach: (s) => settledAs(s) === 'succeeded',
  delete: (s) => s === 'DELETE_COMPLETE',
  rollback: (s) => s === 'UPDATE_ROLLBACK_COMPLETE',
};

const key = (f: FailedResource) => `${f.path}/${f.logicalId}@${f.at.getTime()}`;

/** Root cause (with ECS details for a service), rollback failures and skip candidates of an operation's events. */
async function explain(c: Connection, events: readonly PathEvent[], skip: readonly string[]): Promise<LastOperation & { readonly forward: readonly FailedResource[] }> {
  const rootCause = findRootCause(events);
  const ecs = rootCause?.resourceType === 'AWS::ECS::Service' ? await diagnoseEcsService(c.session.port.ecs, rootCause.physicalId) : undefined;
  const { forward, rollback } = failedResources(events);
  return { ...(rootCause ? { rootCause } : {}), ...(ecs ? { ecs } : {}), rollbackFailures: rollback, skip, forward };
}

async function failureReport(c: Connection, result: WatchResult & { type: 'settled' }, stackName: string): Promise<FailureReport> {
  const { forward, ...last } = await explain(c, result.events, resourcesToSkip(result.state));
  return {
    ...last,
    stackName,
    status: result.status,
    ...(result.statusReason ? { statusReason: result.statusReason } : {}),
    otherFailures: forward.filter((f) => !last.rootCause || key(f) !== key(last.rootCause)),
  };
}

function reportingTo(io: OperationIo): WatchListener {
  return {
    event: (event, state) => io.emit({ type: 'stack-event', event, state }),
    tick: (state, now) => io.emit({ type: 'progress', state, now }),
    warning: (error) => io.emit({ type: 'watch-warning', error: errorInfo(error) }),
  };
}

export async function followOperation(c: Connection, io: OperationIo, target: { stackId: string; stackName: string }, baseline: Baseline, kind: OperationKind): Promise<FollowEnd> {
  const { clock } = c.runtime;
  const started = clock.now();
  io.emit({ type: 'watch-started', stackName: target.stackName, startedAt: started });
  const interrupt = c.runtime.interrupts();
  let result: WatchResult;
  try {
    result = await watchOperation({ cfn: c.session.port.cfn, clock, stackId: target.stackId, stackName: target.stackName, baseline, listener: reportingTo(io), signal: interrupt.signal });
  } finally {
    interrupt.dispose();
    io.emit({ type: 'watch-ended' });
  }
  const elapsedMs = clock.now() - started;
  if (result.type === 'interrupted') return { type: 'interrupted', stackName: target.stackName, status: result.status, elapsedMs, operation: kind };
  if (result.type === 'lost') {
    const now = await c.session.port.cfn.describeStack(target.stackId).catch(() => undefined);
    return { type: 'lost-contact', stackName: target.stackName, error: errorInfo(result.error), elapsedMs, lastStatus: result.status, ...(now ? { statusNow: now.status } : {}) };
  }
  if (SUCCESS[kind](result.status)) {
    io.emit({ type: 'operation-succeeded', stackName: target.stackName, status: result.status, elapsedMs });
    return { type: 'succeeded', status: result.status };
  }
  const failure = await failureReport(c, result, target.stackName);
  if (kind === 'delete') return { type: 'delete-failed', failure, operation: kind };
  return { type: settledAs(result.status) === 'rolled-back' ? 'rolled-back' : 'rollback-failed', failure, operation: kind };
}

/**
 * Reads back the last operation of a settled stack (root and nested, nested by ARN so deleted
 * children still answer) without reporting progress: for explaining a stack found stuck.
 */
export async function readLastOperation(c: Connection, stack: { stackId: string; stackName: string; status?: StackStatus }): Promise<LastOperation> {
  const silent: WatchListener = { event: () => {}, tick: () => {}, warning: () => {} };
  const result = await watchOperation({ cfn: c.session.port.cfn, clock: c.runtime.clock, stackId: stack.stackId, stackName: stack.stackName, baseline: { kind: 'running-operation' }, listener: silent });
  const { forward: _forward, ...last } = await explain(c, result.events, resourcesToSkip(result.state));
  return last;
}
