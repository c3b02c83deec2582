/**
 * `drift` (D-11) across the whole tree: DetectStackDrift does not recurse into nested stacks, so
 * it is started on the root and on every nested stack, polled, and the drifted resources are
 * gathered by stack path. Differences the platform causes on purpose are labelled, not hidden
 * (ECS blue/green listener weights and autoscaled desired counts do not fail the command).
 */
import { AwsError, type CloudFormationPort, type ResourceDrift, type StackDriftStatus } from '../aws/port';
import { pollDelay } from './changeset';
import type { Clock } from '../core/clock';
import { listStackTree } from './protection';
import type { Connection } from './connection';
import { errorInfo, type DriftOutcome, type ErrorInfo, type OperationIo } from './operation';

export interface StackDriftResult {
  readonly path: string;
  readonly stackId: string;
  readonly status: StackDriftStatus;
  readonly detection: 'complete' | 'failed';
  readonly reason?: string;
}

export interface DriftedResource {
  readonly path: string;
  readonly drift: ResourceDrift;
  /** Set when the platform itself causes this difference. */
  readonly expected?: string;
}

export interface DriftReport {
  readonly stacks: readonly StackDriftResult[];
  readonly drifted: readonly DriftedResource[];
}

/** Pure: differences the platform makes on purpose. */
export function expectedDrift(drift: ResourceDrift): string | undefined {
  const paths = drift.differences.map((d) => d.path);
  if (drift.status !== 'MODIFIED' || paths.length === 0) return undefined;
  if (drift.resourceType === 'AWS::ElasticLoadBalancingV2::ListenerRule' && paths.every((p) => p.startsWith('/Actions'))) {
    return 'expected: ECS blue/green deployments shift this rule\'s target-group weights (never "fix" it with a stack update)';
  }
  if (drift.resourceType === 'AWS::ECS::Service' && paths.every((p) => p === '/DesiredCount')) {
    return 'expected: Application Auto Scaling sets the desired count';
  }
  return undefined;
}

export type DriftDetection =
  | { readonly type: 'report'; readonly report: DriftReport }
  /** The endpoint does not implement drift detection (moto answers 500). */
  | { readonly type: 'unsupported'; readonly error: ErrorInfo };

export async function detectTreeDrift(cfn: CloudFormationPort, clock: Clock, rootStackId: string, signal?: AbortSignal): Promise<DriftDetection> {
  const tree = await listStackTree(cfn, rootStackId);
  const detections: { path: string; stackId: string; id: string }[] = [];
  try {
    for (const stack of tree) detections.push({ ...stack, id: await cfn.detectStackDrift(stack.stackId) });
  } catch (error) {
    if (error instanceof AwsError && error.kind === 'unsupported') {
      return { type: 'unsupported', error: errorInfo(error) };
    }
    throw error;
  }

  const stacks: StackDriftResult[] = [];
  for (const detection of detections) {
    for (let attempt = 0; ; attempt += 1) {
      const status = await cfn.describeStackDriftDetectionStatus(detection.id);
      if (status.status !== 'DETECTION_IN_PROGRESS') {
        stacks.push({
          path: detection.path,
          stackId: detection.stackId,
          status: status.stackDriftStatus ?? 'UNKNOWN',
          detection: status.status === 'DETECTION_COMPLETE' ? 'complete' : 'failed',
          ...(status.reason ? { reason: status.reason } : {}),
        });
        break;
      }
      await clock.sleep(pollDelay(attempt, 2000, 10_000), signal);
      if (signal?.aborted) throw new AwsError('other', 'Interrupted', 'interrupted while waiting for drift detection', 'cfn.describeStackDriftDetectionStatus');
    }
  }

  const drifted: DriftedResource[] = [];
  for (const stack of stacks) {
    if (stack.status !== 'DRIFTED') continue;
    let token: string | undefined;
    do {
      const page = await cfn.describeStackResourceDrifts(stack.stackId, token);
      for (const drift of page.drifts) {
        if (drift.status !== 'MODIFIED' && drift.status !== 'DELETED') continue;
        const expected = expectedDrift(drift);
        drifted.push({ path: stack.path, drift, ...(expected ? { expected } : {}) });
      }
      token = page.nextToken;
    } while (token);
  }
  return { type: 'report', report: { stacks, drifted } };
}

/** `drift`: the whole tree's drift; unexpected drift and failed detections are their own outcomes. */
export async function drift(c: Connection, io: OperationIo): Promise<DriftOutcome> {
  const { cfn } = c.session.port;
  const stackName = c.env.deployment.stackName;
  const stack = await cfn.describeStack(stackName);
  if (!stack || stack.status === 'REVIEW_IN_PROGRESS') return { type: 'precondition', reason: { kind: 'not-deployed', stackName, awaitingReview: stack !== undefined } };
  io.emit({ type: 'drift-detecting', stackName });
  const interrupt = c.runtime.interrupts();
  let detected: DriftDetection;
  try {
    detected = await detectTreeDrift(cfn, c.runtime.clock, stack.stackId, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
  if (detected.type === 'unsupported') return { type: 'precondition', reason: { kind: 'drift-unsupported', error: detected.error } };
  const { report } = detected;
  if (report.drifted.some((d) => !d.expected)) return { type: 'drifted', stackName, report };
  if (report.stacks.some((s) => s.detection === 'failed')) return { type: 'drift-incomplete', stackName, report };
  return { type: 'in-sync', stackName, report };
}
