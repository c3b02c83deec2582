/**
 * What a running operation looks like, folded from stack events (pure): per stack, its status and
 * the latest status of each resource. Both progress views render from this.
 */
import type { EventStatus, StackEvent, StackStatus } from '../../aws/port';

/** A stack's status as watched: `UNKNOWN` until the first of its own events or DescribeStacks answers. */
export type WatchedStatus = StackStatus | 'UNKNOWN';

export interface ResourceState {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly status: EventStatus;
  readonly reason?: string;
  /** When the resource entered `status` (event time, ms). */
  readonly since: number;
}

export interface StackState {
  readonly stackId: string;
  readonly path: string;
  readonly stackName: string;
  status: WatchedStatus;
  readonly resources: Map<string, ResourceState>;
}

export interface OperationState {
  readonly rootStackId: string;
  readonly startedAt: number;
  readonly stacks: Map<string, StackState>;
}

/** An event together with the nested-stack path it belongs to. */
export interface PathEvent {
  readonly path: string;
  readonly event: StackEvent;
}

export const isStackLevel = (event: StackEvent): boolean =>
  event.resourceType === 'AWS::CloudFormation::Stack' && (event.physicalId === event.stackId || event.logicalId === event.stackName);

export function createState(rootStackId: string, rootStackName: string, startedAt: number): OperationState {
  return {
    rootStackId,
    startedAt,
    stacks: new Map([[rootStackId, { stackId: rootStackId, path: '', stackName: rootStackName, status: 'UNKNOWN', resources: new Map() }]]),
  };
}

export function trackStack(state: OperationState, stackId: string, path: string, stackName: string): StackState {
  const existing = state.stacks.get(stackId);
  if (existing) return existing;
  const created: StackState = { stackId, path, stackName, status: 'UNKNOWN', resources: new Map() };
  state.stacks.set(stackId, created);
  return created;
}

export function applyEvent(state: OperationState, { event }: PathEvent): void {
  const stack = state.stacks.get(event.stackId);
  if (!stack) return;
  if (isStackLevel(event)) {
    // A stack-level event carries the stack's own status.
    stack.status = event.status as StackStatus;
    return;
  }
  stack.resources.set(event.logicalId, {
    logicalId: event.logicalId,
    resourceType: event.resourceType,
    status: event.status,
    ...(event.reason ? { reason: event.reason } : {}),
    since: event.timestamp.getTime(),
  });
}

export interface StackCounts {
  readonly inProgress: number;
  readonly complete: number;
  readonly failed: number;
}

export function countResources(stack: StackState): StackCounts {
  let inProgress = 0, complete = 0, failed = 0;
  for (const resource of stack.resources.values()) {
    if (resource.status.endsWith('_IN_PROGRESS')) inProgress += 1;
    else if (resource.status.endsWith('_FAILED')) failed += 1;
    else if (resource.status.endsWith('_COMPLETE') || resource.status.endsWith('_SKIPPED')) complete += 1;
  }
  return { inProgress, complete, failed };
}

/** Resources still in progress anywhere, longest-running first. */
export function inProgressResources(state: OperationState): { path: string; resource: ResourceState }[] {
  const running: { path: string; resource: ResourceState }[] = [];
  for (const stack of state.stacks.values()) {
    for (const resource of stack.resources.values()) {
      if (!resource.status.endsWith('_IN_PROGRESS')) continue;
      // A nested stack in progress is explained by its own resources; list leaves only.
      if (resource.resourceType === 'AWS::CloudFormation::Stack' && [...state.stacks.values()].some((s) => s.path === (stack.path ? `${stack.path}/${resource.logicalId}` : resource.logicalId))) continue;
      running.push({ path: stack.path, resource });
    }
  }
  return running.sort((a, b) => a.resource.since - b.resource.since);
}

export const pathLabel = (path: string, rootName: string): string => path || rootName;
