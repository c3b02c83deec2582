/**
 * D-8 Failure: the root cause of a failed operation and the next step, instead of "Embedded stack
 * … was not successfully updated".
 *
 * Root cause (pure, `findRootCause`): among the events of the operation before the first rollback
 * began, the failed non-stack resources whose reason is not a consequence of another failure
 * ("Resource creation cancelled", "Embedded stack … was not successfully …", "The following
 * resource(s) failed to …"); the deepest stack wins, then the earliest event. ECS services get
 * their latest service events and stopped-task reasons (`diagnoseEcsService`).
 */
import type { EcsPort, EcsServiceState, EventStatus, StoppedTask } from '../../aws/port';
import type { OperationState, PathEvent } from './state';
import { isStackLevel } from './state';

const CONSEQUENTIAL = [
  /resource (creation|update|deletion) cancelled/i,
  /embedded stack .* was not successfully/i,
  /^the following resource\(s\) failed to/i,
  /^resource update cancelled/i,
];

export const isConsequential = (reason: string | undefined): boolean => !reason || CONSEQUENTIAL.some((pattern) => pattern.test(reason));

export interface FailedResource {
  readonly path: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly physicalId?: string;
  readonly status: EventStatus;
  readonly reason: string;
  readonly at: Date;
}

const depth = (path: string): number => (path ? path.split('/').length : 0);
const isRollbackStart = (e: PathEvent) => isStackLevel(e.event) && /ROLLBACK_IN_PROGRESS$/.test(e.event.status);

function toFailed({ path, event }: PathEvent): FailedResource {
  return {
    path,
    logicalId: event.logicalId,
    resourceType: event.resourceType,
    ...(event.physicalId ? { physicalId: event.physicalId } : {}),
    status: event.status,
    reason: event.reason ?? '',
    at: event.timestamp,
  };
}

/** Pure: failed, non-consequential resource events, forward phase first. */
export function failedResources(events: readonly PathEvent[]): { forward: FailedResource[]; rollback: FailedResource[] } {
  const sorted = [...events].sort((a, b) => a.event.timestamp.getTime() - b.event.timestamp.getTime());
  const firstRollback = sorted.findIndex(isRollbackStart);
  const forward: FailedResource[] = [];
  const rollback: FailedResource[] = [];
  sorted.forEach((e, index) => {
    if (!e.event.status.endsWith('_FAILED') || isStackLevel(e.event) || e.event.resourceType === 'AWS::CloudFormation::Stack') return;
    if (isConsequential(e.event.reason)) return;
    (firstRollback >= 0 && index > firstRollback ? rollback : forward).push(toFailed(e));
  });
  return { forward, rollback };
}

export function findRootCause(events: readonly PathEvent[]): FailedResource | undefined {
  const { forward, rollback } = failedResources(events);
  const pool = forward.length > 0 ? forward : rollback;
  if (pool.length > 0) {
    return [...pool].sort((a, b) => depth(b.path) - depth(a.path) || a.at.getTime() - b.at.getTime())[0];
  }
  // Nothing but stack-level failures: report the deepest stack's own reason.
  const stackFailures = events.filter((e) => e.event.status.endsWith('_FAILED') && e.event.reason && !isConsequential(e.event.reason));
  const deepest = [...stackFailures].sort((a, b) => depth(b.path) - depth(a.path) || a.event.timestamp.getTime() - b.event.timestamp.getTime())[0];
  return deepest ? toFailed(deepest) : undefined;
}

/**
 * Resources ContinueUpdateRollback may skip: non-stack resources left UPDATE_FAILED in stacks that
 * are UPDATE_ROLLBACK_FAILED, named as CloudFormation expects — `LogicalId` in the root and
 * `NestedStackLogicalId.LogicalId` (logical ids from the root, dot-separated) in nested stacks.
 */
export function resourcesToSkip(state: OperationState): string[] {
  const skip: string[] = [];
  for (const stack of state.stacks.values()) {
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') continue;
    for (const resource of stack.resources.values()) {
      if (resource.status !== 'UPDATE_FAILED' || resource.resourceType === 'AWS::CloudFormation::Stack') continue;
      skip.push(stack.path ? `${stack.path.split('/').join('.')}.${resource.logicalId}` : resource.logicalId);
    }
  }
  return skip.sort();
}

/* ---------------------------------------------------------------------------------------------- */
/* ECS diagnosis                                                                                   */
/* ---------------------------------------------------------------------------------------------- */

/** `arn:aws:ecs:eu-west-1:1111:service/cluster-name/service-name` → its cluster and service. */
export function parseServiceArn(arn: string): { cluster: string; service: string } | undefined {
  const match = /^arn:aws[a-z-]*:ecs:[^:]+:\d+:service\/([^/]+)\/([^/]+)$/.exec(arn);
  return match ? { cluster: match[1], service: match[2] } : undefined;
}

/** What ECS says about a failed service: its counts and latest events, and why recent tasks stopped. */
export interface EcsDiagnosis {
  readonly service: string;
  /** Absent when ECS does not know the service (any more). */
  readonly state?: EcsServiceState;
  readonly stoppedTasks: readonly StoppedTask[];
  /** ECS could not be read; what is above was read before the error. */
  readonly error?: string;
}

export async function diagnoseEcsService(ecs: EcsPort, physicalId: string | undefined): Promise<EcsDiagnosis | undefined> {
  const parsed = physicalId ? parseServiceArn(physicalId) : undefined;
  if (!parsed) return undefined;
  let state: EcsServiceState | undefined;
  let stoppedTasks: StoppedTask[] = [];
  try {
    state = await ecs.describeService(parsed.cluster, parsed.service);
    const stopped = await ecs.listStoppedTasks(parsed.cluster, parsed.service);
    stoppedTasks = await ecs.describeTasks(parsed.cluster, stopped.slice(0, 3));
  } catch (error) {
    return { service: parsed.service, ...(state ? { state } : {}), stoppedTasks, error: (error as Error).message };
  }
  return { service: parsed.service, ...(state ? { state } : {}), stoppedTasks };
}
