/**
 * D-7: follows one stack operation across the root and every nested stack until the root settles.
 *
 * - Nested stacks are discovered from events of `AWS::CloudFormation::Stack` resources (physical
 *   id = the child's stack ARN) and polled by ARN, so deleted children still answer.
 * - Only this operation's events are reported: root events newer than the baseline, and nested
 *   events no older than the operation's first root event (server time on both sides).
 * - Polls back off from 2 s to 5 s while nothing happens. A failed poll (network, 5xx after the
 *   retry layer gave up) is reported once and polling continues; after 10 failures in a row the
 *   watch ends as `lost` (the operation itself goes on in CloudFormation).
 * - An aborted signal (Ctrl-C) ends the watch as `interrupted`; nothing is cancelled in AWS.
 */
import { AwsError, type CloudFormationPort, type EventStatus, type StackEvent, type StackStatus } from '../../aws/port';
import type { Clock } from '../../core/clock';
import { isInProgress } from '../stack-status';
import { applyEvent, createState, isStackLevel, trackStack, type OperationState, type PathEvent, type WatchedStatus } from './state';

export interface WatchListener {
  /** Each new event, oldest first, with its nested-stack path. */
  event(event: PathEvent, state: OperationState): void;
  /** After each poll (and when waiting): for redraws and heartbeats. */
  tick(state: OperationState, now: number): void;
  /** Reading events failed (once per run of failures); the watch goes on. */
  warning(error: AwsError): void;
}

export type WatchResult =
  | { readonly type: 'settled'; readonly status: WatchedStatus; readonly statusReason?: string; readonly state: OperationState; readonly events: readonly PathEvent[] }
  | { readonly type: 'interrupted'; readonly status: WatchedStatus; readonly state: OperationState; readonly events: readonly PathEvent[] }
  | { readonly type: 'lost'; readonly status: WatchedStatus; readonly error: AwsError; readonly state: OperationState; readonly events: readonly PathEvent[] };

/** Where this operation's events begin. */
export type Baseline =
  /** Events up to and including this id are from earlier operations (undefined: there were none). */
  | { readonly kind: 'after-event'; readonly eventId: string | undefined }
  /** Attach to a running operation: start at its latest stack-level "…_IN_PROGRESS" event. */
  | { readonly kind: 'running-operation' };

export interface WatchOptions {
  readonly cfn: CloudFormationPort;
  readonly clock: Clock;
  readonly stackId: string;
  readonly stackName: string;
  readonly baseline: Baseline;
  readonly listener: WatchListener;
  readonly signal?: AbortSignal;
  readonly minPollMs?: number;
  readonly maxPollMs?: number;
  readonly maxConsecutiveFailures?: number;
}

const MAX_PAGES_PER_POLL = 20;
const OPERATION_STARTS: ReadonlySet<EventStatus> = new Set<EventStatus>(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']);

/** A stack-level event that begins an operation (a continued rollback begins one too). */
export const startsOperation = (event: StackEvent): boolean =>
  isStackLevel(event) && (OPERATION_STARTS.has(event.status) || (event.status === 'UPDATE_ROLLBACK_IN_PROGRESS' && event.reason === 'User Initiated'));

/** The newest event id of a stack now, as the baseline before starting an operation. */
export async function latestEventId(cfn: CloudFormationPort, stack: string): Promise<string | undefined> {
  const page = await cfn.describeStackEvents(stack);
  return page.events[0]?.eventId;
}

interface Tracked {
  readonly stackId: string;
  readonly path: string;
  /** The parent's stack id and this stack's logical id in it (nested stacks only). */
  readonly parent?: { readonly stackId: string; readonly logicalId: string };
  readonly seen: Set<string>;
  /** Stop paging at this event id (baseline). */
  readonly stopAt?: string;
  gone: boolean;
}

/** Reads events newer than what `tracked` has seen (newest first from the API, returned oldest first). */
async function newEvents(cfn: CloudFormationPort, tracked: Tracked, notBefore: number | undefined): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let token: string | undefined;
  let pages = 0;
  paging: do {
    const page = await cfn.describeStackEvents(tracked.stackId, token);
    pages += 1;
    for (const event of page.events) {
      if (tracked.seen.has(event.eventId) || event.eventId === tracked.stopAt) break paging;
      if (notBefore !== undefined && event.timestamp.getTime() < notBefore) break paging;
      fresh.push(event);
    }
    token = page.nextToken;
  } while (token && pages < MAX_PAGES_PER_POLL);
  return fresh.reverse();
}

/** For attach: the events of the running operation so far (oldest first), from its start event. */
async function runningOperationEvents(cfn: CloudFormationPort, stackId: string): Promise<StackEvent[]> {
  const collected: StackEvent[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await cfn.describeStackEvents(stackId, token);
    pages += 1;
    for (const event of page.events) {
      collected.push(event);
      if (startsOperation(event)) return collected.reverse();
    }
    token = page.nextToken;
  } while (token && pages < MAX_PAGES_PER_POLL);
  return collected.reverse();
}

export async function watchOperation(options: WatchOptions): Promise<WatchResult> {
  const { cfn, clock, stackId, stackName, listener, signal } = options;
  const minPoll = options.minPollMs ?? 2000;
  const maxPoll = options.maxPollMs ?? 5000;
  const maxFailures = options.maxConsecutiveFailures ?? 10;
  const state = createState(stackId, stackName, clock.now());
  const all: PathEvent[] = [];
  const tracked = new Map<string, Tracked>();
  let operationStart: number | undefined;
  let rootStatus: WatchedStatus = 'UNKNOWN';
  let rootReason: string | undefined;
  // Right after ExecuteChangeSet the stack may still show its previous, settled status: the
  // operation counts as finished only once one of its own stack-level events has been seen.
  let sawRootEvent = false;

  const emit = (path: string, event: StackEvent) => {
    const pathEvent = { path, event };
    all.push(pathEvent);
    applyEvent(state, pathEvent);
    listener.event(pathEvent, state);
  };

  const discover = (parent: Tracked, event: StackEvent) => {
    if (event.resourceType !== 'AWS::CloudFormation::Stack' || !event.physicalId || isStackLevel(event)) return;
    if (tracked.has(event.physicalId)) return;
    const path = parent.path ? `${parent.path}/${event.logicalId}` : event.logicalId;
    tracked.set(event.physicalId, { stackId: event.physicalId, path, parent: { stackId: parent.stackId, logicalId: event.logicalId }, seen: new Set(), gone: false });
    trackStack(state, event.physicalId, path, event.logicalId);
  };

  const take = (entry: Tracked, events: readonly StackEvent[]) => {
    for (const event of events) {
      entry.seen.add(event.eventId);
      if (entry.path === '' && operationStart === undefined) operationStart = event.timestamp.getTime();
      if (entry.path === '' && isStackLevel(event)) {
        rootStatus = event.status as StackStatus;
        rootReason = event.reason;
        sawRootEvent = true;
      }
      emit(entry.path, event);
      discover(entry, event);
    }
  };

  const root: Tracked = {
    stackId,
    path: '',
    seen: new Set(),
    ...(options.baseline.kind === 'after-event' && options.baseline.eventId ? { stopAt: options.baseline.eventId } : {}),
    gone: false,
  };
  tracked.set(stackId, root);

  if (options.baseline.kind === 'running-operation') {
    take(root, await runningOperationEvents(cfn, stackId));
  }

  /**
   * A nested stack is polled while it, or its resource in the parent, is in progress (a settled
   * child is touched again only through its parent resource, e.g. during a rollback).
   */
  const active = (entry: Tracked): boolean => {
    if (entry.gone) return false;
    const own: WatchedStatus = state.stacks.get(entry.stackId)?.status ?? 'UNKNOWN';
    if (own === 'UNKNOWN' || isInProgress(own) || own === 'REVIEW_IN_PROGRESS') return true;
    const inParent = entry.parent ? state.stacks.get(entry.parent.stackId)?.resources.get(entry.parent.logicalId)?.status : undefined;
    return inParent !== undefined && inParent.endsWith('_IN_PROGRESS');
  };

  let failures = 0;
  let reported = false;
  let delay = minPoll;
  let polls = 0;
  const pollOnce = async (): Promise<void> => {
    polls += 1;
    take(root, await newEvents(cfn, root, undefined));
    for (const entry of [...tracked.values()]) {
      if (entry === root || !active(entry)) continue;
      try {
        take(entry, await newEvents(cfn, entry, operationStart));
      } catch (error) {
        if (error instanceof AwsError && error.kind === 'validation' && /does not exist/i.test(error.message)) entry.gone = true;
        else throw error;
      }
    }
    // The root's own events carry its status; DescribeStacks is a periodic cross-check (and the
    // only source when an endpoint records no stack-level events).
    if (polls === 1 || polls % 10 === 0 || rootStatus === 'UNKNOWN') {
      const described = await cfn.describeStack(stackId);
      if (described) {
        rootStatus = described.status;
        rootReason = described.statusReason;
        const rootState = state.stacks.get(stackId);
        if (rootState) rootState.status = described.status;
      }
    }
  };

  for (;;) {
    if (signal?.aborted) return { type: 'interrupted', status: rootStatus, state, events: all };
    const seenBefore = all.length;
    try {
      await pollOnce();
      failures = 0;
      reported = false;
    } catch (error) {
      // Ctrl-C during a poll: the guarded port refused the next request (interrupt.ts).
      if (signal?.aborted) return { type: 'interrupted', status: rootStatus, state, events: all };
      if (!(error instanceof AwsError) || error.kind === 'credentials' || error.kind === 'access-denied') throw error;
      failures += 1;
      if (!reported) listener.warning(error);
      reported = true;
      if (failures >= maxFailures) return { type: 'lost', status: rootStatus, error, state, events: all };
    }
    listener.tick(state, clock.now());
    const settled = rootStatus !== 'UNKNOWN' && !isInProgress(rootStatus) && rootStatus !== 'REVIEW_IN_PROGRESS';
    if (failures === 0 && settled && (sawRootEvent || polls >= 15)) {
      // One last pass so the nested stacks' final events are reported too.
      try {
        take(root, await newEvents(cfn, root, undefined));
        for (const entry of tracked.values()) if (entry !== root && !entry.gone) take(entry, await newEvents(cfn, entry, operationStart));
      } catch {
        // The result is known; a missing last event is not worth failing for.
      }
      listener.tick(state, clock.now());
      return { type: 'settled', status: rootStatus, ...(rootReason ? { statusReason: rootReason } : {}), state, events: all };
    }
    delay = all.length > seenBefore ? minPoll : Math.min(maxPoll, Math.round(delay * 1.5));
    await clock.sleep(delay, signal);
  }
}
