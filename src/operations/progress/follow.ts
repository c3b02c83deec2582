/**
 * Follows a stack operation with the right progress view and turns how it ended into an exit
 * code and a report: success, or the root cause, ECS diagnosis and the next step. Shared by
 * deploy, bootstrap, destroy and continue-rollback.
 */
import { EXIT, type ExitCode } from '../../cli/exit-codes';
import { commandLine, type AwsCommand } from '../context';
import { formatDuration } from '../../core/clock';
import { describeFailed, diagnoseEcsService, failedResources, findRootCause, resourcesToSkip } from './failure';
import { lineView, liveView } from './render';
import type { OperationState, WatchedStatus } from './state';
import { watchOperation, type Baseline, type WatchResult } from './watch';
import { outcomeOf, type Outcome } from '../stack-status';

export type OperationKind = 'deploy' | 'attach' | 'delete' | 'rollback';

export interface OperationReport {
  readonly code: ExitCode;
  readonly status: WatchedStatus;
  readonly outcome: Outcome | 'interrupted' | 'lost';
  readonly state?: OperationState;
}

/** Pure: the next step for a stack left in `status` after a failed operation. */
export function nextStep(status: string, environment: string, stackName: string, skip: readonly string[]): string[] {
  const deploy = commandLine('deploy', environment);
  switch (status) {
    case 'ROLLBACK_COMPLETE': {
      const replace = commandLine('deploy', environment, '--replace-failed-stack');
      return [
        `The first create of ${stackName} failed and CloudFormation removed what it had created.`,
        'The empty stack must be deleted before the next create. Fix the cause above, then either:',
        `  ${replace.make}     (deletes the failed stack, then creates; ${replace.tap})`,
        `  ${commandLine('destroy', environment).make}     (deletes it; then ${deploy.make})`,
      ];
    }
    case 'UPDATE_ROLLBACK_COMPLETE':
      return [`${stackName} is back to its previous state. Fix the cause above, then ${deploy.make}.`];
    case 'UPDATE_ROLLBACK_FAILED': {
      const plain = commandLine('continue-rollback', environment);
      const skipping = commandLine('continue-rollback', environment, skip.map((s) => `--skip ${s}`).join(' '));
      return [
        `${stackName} is UPDATE_ROLLBACK_FAILED: it cannot be updated until its rollback completes.`,
        `If the resources above can be fixed by hand, fix them and run: ${plain.make}   (${plain.tap})`,
        ...(skip.length > 0
          ? [
              `Otherwise skip them (CloudFormation marks them rolled back without changing them; reconcile them before the next deploy):`,
              `  ${skipping.make}`,
              `  ${skipping.tap}`,
            ]
          : []),
      ];
    }
    case 'ROLLBACK_FAILED':
      return [`The failed create of ${stackName} could not be cleaned up. Delete what is left: ${commandLine('destroy', environment).make}.`];
    case 'DELETE_FAILED':
      return [`Some resources could not be deleted (above). Fix them (e.g. empty a bucket), then run ${commandLine('destroy', environment).make} again.`];
    default:
      return [`${stackName} is ${status}. Check the events above, then ${deploy.make}.`];
  }
}

const SUCCESS: Record<OperationKind, (status: WatchedStatus) => boolean> = {
  deploy: (s) => outcomeOf(s) === 'succeeded',
  attach: (s) => outcomeOf(s) === 'succeeded',
  delete: (s) => s === 'DELETE_COMPLETE',
  rollback: (s) => s === 'UPDATE_ROLLBACK_COMPLETE',
};

function exitFor(outcome: Outcome, kind: OperationKind): ExitCode {
  if (kind === 'delete') return EXIT.destroyFailed;
  if (outcome === 'rolled-back') return EXIT.rolledBack;
  return EXIT.rollbackFailed;
}

async function reportFailure(c: AwsCommand, result: WatchResult & { type: 'settled' }, kind: OperationKind): Promise<void> {
  const { say } = c;
  const stackName = c.env.deployment.stackName;
  const rootCause = findRootCause(result.events);
  say.line();
  say.fail(kind === 'delete' ? 'destroy failed' : 'deployment failed', `${stackName} is ${result.status}${result.statusReason ? ` (${result.statusReason})` : ''}`);
  if (rootCause) {
    say.detail('Root cause:');
    say.detail(`  ${describeFailed(rootCause, stackName)}`);
    say.detail(`  ${rootCause.reason}`);
    if (rootCause.resourceType === 'AWS::ECS::Service') {
      for (const line of await diagnoseEcsService(c.session.port.ecs, rootCause.physicalId)) say.detail(`  ${line}`);
    }
  } else {
    say.detail('CloudFormation reported no resource failure; see the events above.');
  }
  const { forward, rollback } = failedResources(result.events);
  const key = (f: { path: string; logicalId: string; at: Date }) => `${f.path}/${f.logicalId}@${f.at.getTime()}`;
  const others = forward.filter((f) => !rootCause || key(f) !== key(rootCause));
  if (others.length > 0) {
    say.detail(`Other failures (${others.length}):`);
    for (const f of others.slice(0, 5)) say.detail(`  ${describeFailed(f, stackName)}: ${f.reason}`);
  }
  if (rollback.length > 0) {
    say.detail(`Failed while rolling back (${rollback.length}):`);
    for (const f of rollback.slice(0, 5)) say.detail(`  ${describeFailed(f, stackName)}: ${f.reason}`);
  }
  say.detail('');
  say.detail('Next step:');
  for (const line of nextStep(result.status, c.env.name, stackName, resourcesToSkip(result.state))) say.detail(`  ${line}`);
}

export async function followOperation(c: AwsCommand, target: { stackId: string; stackName: string }, baseline: Baseline, kind: OperationKind): Promise<OperationReport> {
  const { say, runtime, output } = c;
  const started = runtime.clock.now();
  const viewOptions = { out: output.out, style: c.style, masker: c.masker, rootName: target.stackName, startedAt: started };
  const live = output.out.isTTY ? liveView({ ...viewOptions, ...(output.out.columns ? { columns: output.out.columns } : {}) }) : undefined;
  const view = live ?? lineView(viewOptions);
  const interrupt = runtime.interrupts();
  let result: WatchResult;
  try {
    result = await watchOperation({ cfn: c.session.port.cfn, clock: runtime.clock, stackId: target.stackId, stackName: target.stackName, baseline, listener: view, signal: interrupt.signal });
  } finally {
    interrupt.dispose();
    live?.finish();
  }
  const elapsed = formatDuration(runtime.clock.now() - started);
  if (result.type === 'interrupted') {
    const again = kind === 'delete' ? commandLine('destroy', c.env.name) : commandLine('deploy', c.env.name);
    say.line();
    say.fail('interrupted', `stopped watching after ${elapsed}; nothing was cancelled.`);
    say.detail(`CloudFormation carries on: ${target.stackName} is ${result.status}.`);
    say.detail(`Re-attach with ${again.make} (a deploy started while one is running follows it and reports its result).`);
    return { code: EXIT.interrupted, status: result.status, outcome: 'interrupted', state: result.state };
  }
  if (result.type === 'lost') {
    const now = await c.session.port.cfn.describeStack(target.stackId).catch(() => undefined);
    say.line();
    say.fail('error', `lost contact with CloudFormation after ${elapsed} (${result.error.code}: ${result.error.message}).`);
    say.detail(`The operation continues in AWS (${target.stackName} ${now ? `is ${now.status}` : `was ${result.status}`}). Re-attach with ${commandLine('deploy', c.env.name).make}.`);
    return { code: EXIT.internal, status: result.status, outcome: 'lost', state: result.state };
  }
  const outcome = outcomeOf(result.status);
  if (SUCCESS[kind](result.status)) {
    say.line();
    say.ok(`${target.stackName} ${result.status} in ${elapsed}`);
    return { code: EXIT.ok, status: result.status, outcome: 'succeeded', state: result.state };
  }
  await reportFailure(c, result, kind);
  return { code: exitFor(outcome, kind), status: result.status, outcome, state: result.state };
}

/**
 * Reads back the last operation of a settled stack (root and nested, nested by ARN so deleted
 * children still answer) without printing progress: for explaining a stack found stuck.
 */
export async function lastOperation(c: AwsCommand, stack: { stackId: string; stackName: string }): Promise<WatchResult> {
  const silent = { event: () => {}, tick: () => {}, warning: () => {} };
  return watchOperation({ cfn: c.session.port.cfn, clock: c.runtime.clock, stackId: stack.stackId, stackName: stack.stackName, baseline: { kind: 'running-operation' }, listener: silent });
}

/** Prints the root cause of the last operation (and ECS details); returns what ContinueUpdateRollback may skip. */
export async function explainLastOperation(c: AwsCommand, stack: { stackId: string; stackName: string }): Promise<string[]> {
  const result = await lastOperation(c, stack);
  const rootCause = findRootCause(result.events);
  if (rootCause) {
    c.say.detail('Root cause of the last operation:');
    c.say.detail(`  ${describeFailed(rootCause, stack.stackName)}`);
    c.say.detail(`  ${rootCause.reason}`);
    if (rootCause.resourceType === 'AWS::ECS::Service') {
      for (const line of await diagnoseEcsService(c.session.port.ecs, rootCause.physicalId)) c.say.detail(`  ${line}`);
    }
  }
  const { rollback } = failedResources(result.events);
  if (rollback.length > 0) {
    c.say.detail(`Failed while rolling back (${rollback.length}):`);
    for (const f of rollback.slice(0, 10)) c.say.detail(`  ${describeFailed(f, stack.stackName)}: ${f.reason}`);
  }
  return resourcesToSkip(result.state);
}
