/**
 * D-8 in words: the root cause of a failed operation (the deepest failed resource, not "Embedded
 * stack … was not successfully updated"), the ECS service's events and stopped tasks, what else
 * failed, and the next step with the command to run.
 */
import { clockTime } from '../../core/clock';
import type { FailureReport, LastOperation } from '../../operations/operation';
import type { EcsDiagnosis, FailedResource } from '../../operations/progress/failure';
import { pathLabel, type WatchedStatus } from '../../operations/progress/state';
import { commandLine } from '../hints';
import type { Say } from '../ui';

/** `Services/Frontend › AWS::ECS::Service Service UPDATE_FAILED at 09:03:53` */
export function describeFailed(failed: FailedResource, rootName: string): string {
  return `${pathLabel(failed.path, rootName)} › ${failed.resourceType} ${failed.logicalId} ${failed.status} at ${clockTime(failed.at)}`;
}

export function ecsLines(diagnosis: EcsDiagnosis): string[] {
  const lines: string[] = [];
  const { state } = diagnosis;
  if (state) {
    lines.push(`ECS service ${diagnosis.service}: ${state.runningCount ?? '?'} of ${state.desiredCount ?? '?'} tasks running; latest service events:`);
    for (const event of state.events.slice(0, 5)) lines.push(`  ${clockTime(event.at)} ${event.message}`);
  }
  if (diagnosis.stoppedTasks.length > 0) lines.push('Recently stopped tasks:');
  for (const task of diagnosis.stoppedTasks) {
    const containers = task.containers
      .filter((c) => c.reason || c.exitCode !== undefined)
      .map((c) => `${c.name}: ${[c.exitCode !== undefined ? `exit code ${c.exitCode}` : '', c.reason ?? ''].filter(Boolean).join(', ')}`);
    const id = task.taskArn.split('/').pop() ?? task.taskArn;
    lines.push(`  ${id}: ${task.stoppedReason ?? 'stopped'}${containers.length > 0 ? ` (${containers.join('; ')})` : ''}`);
  }
  if (diagnosis.error) lines.push(`(could not read the ECS service: ${diagnosis.error})`);
  return lines;
}

function rootCauseLines(say: Say, heading: string, last: LastOperation, stackName: string): void {
  if (!last.rootCause) return;
  say.detail(heading);
  say.detail(`  ${describeFailed(last.rootCause, stackName)}`);
  say.detail(`  ${last.rootCause.reason}`);
  if (last.ecs) for (const line of ecsLines(last.ecs)) say.detail(`  ${line}`);
}

/** What a stack found stuck went through last (deploy refusing it, continue-rollback starting). */
export function renderLastOperation(say: Say, last: LastOperation, stackName: string): void {
  rootCauseLines(say, 'Root cause of the last operation:', last, stackName);
  if (last.rollbackFailures.length > 0) {
    say.detail(`Failed while rolling back (${last.rollbackFailures.length}):`);
    for (const f of last.rollbackFailures.slice(0, 10)) say.detail(`  ${describeFailed(f, stackName)}: ${f.reason}`);
  }
}

/** Pure: the next step for a stack left in `status` after a failed operation. */
export function nextStep(status: WatchedStatus, environment: string, stackName: string, skip: readonly string[]): string[] {
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

/** A failed deploy, attach, delete or continued rollback, root cause first. */
export function renderFailure(say: Say, failure: FailureReport, label: string, environment: string): void {
  const { stackName } = failure;
  say.line();
  say.fail(label, `${stackName} is ${failure.status}${failure.statusReason ? ` (${failure.statusReason})` : ''}`);
  if (failure.rootCause) rootCauseLines(say, 'Root cause:', failure, stackName);
  else say.detail('CloudFormation reported no resource failure; see the events above.');
  if (failure.otherFailures.length > 0) {
    say.detail(`Other failures (${failure.otherFailures.length}):`);
    for (const f of failure.otherFailures.slice(0, 5)) say.detail(`  ${describeFailed(f, stackName)}: ${f.reason}`);
  }
  if (failure.rollbackFailures.length > 0) {
    say.detail(`Failed while rolling back (${failure.rollbackFailures.length}):`);
    for (const f of failure.rollbackFailures.slice(0, 5)) say.detail(`  ${describeFailed(f, stackName)}: ${f.reason}`);
  }
  say.detail('');
  say.detail('Next step:');
  for (const line of nextStep(failure.status, environment, stackName, failure.skip)) say.detail(`  ${line}`);
}
