/**
 * The words for how any operation can end outside its own outcomes (operations/guarded-run.ts):
 * stopped by Ctrl-C between its steps (what it had sent, what it left in AWS, the next command),
 * or ended by an AWS error (the request, the resource, the one true hint, what it had sent).
 */
import type { RunFailure } from '../../operations/operation';
import { commandLine, executeReviewLine, rerunLine } from '../hints';
import { savedReviewOf } from '../review-file';
import type { OutcomeContext } from './outcomes';
import { createdChangeSets, failureHeadline, failureHint, isLeftInProgress, sentLines } from './aws-errors';

const QUESTIONS = {
  'execute-change-set': 'at the approval prompt',
  'continue-rollback': 'at the question whether to continue the rollback',
  'confirm-destroy': 'at the confirmation of the stack name',
} as const;

function renderSent(ctx: OutcomeContext, sent: Extract<RunFailure, { type: 'stopped' }>['sent'], before: string): void {
  if (sent.length === 0) return ctx.say.detail(`${before}, this run had changed nothing in AWS.`);
  ctx.say.detail(`${before}, this run had sent:`);
  for (const line of sentLines(sent)) ctx.say.detail(`  ${line}`);
}

function renderStopped(outcome: Extract<RunFailure, { type: 'stopped' }>, ctx: OutcomeContext): void {
  const { say, environment, command } = ctx;
  const again = ctx.reviewFile ? executeReviewLine(ctx, ctx.reviewFile).make : rerunLine(ctx).make;
  say.line();
  say.fail('interrupted', `Ctrl-C${outcome.question ? ` ${QUESTIONS[outcome.question]}` : ''}: stopped; nothing more was sent to AWS.`);
  const { left } = outcome;
  if (outcome.sent.length === 0 || !left) {
    say.detail('Nothing was changed in AWS by this run.');
    return say.detail(`Next: ${again}`);
  }
  renderSent(ctx, outcome.sent, 'Before that');
  if (outcome.sent.some((r) => r.operation === 's3.putObject')) say.detail('(Uploads are content-addressed: they stay in the artifact bucket, and the next deploy reuses them.)');
  if (left.unreadable) {
    say.detail(`What it left could not be read back (${left.unreadable.code}: ${left.unreadable.message}); look at ${left.stackName} in the CloudFormation console.`);
    return say.detail(`Next: ${again}`);
  }
  say.detail('Left in AWS now:');
  if (!left.stack) say.detail(`  no stack ${left.stackName}`);
  else if (left.stack.status === 'REVIEW_IN_PROGRESS') say.detail(`  stack ${left.stackName} REVIEW_IN_PROGRESS: empty, it holds the change set of its first create`);
  else say.detail(`  stack ${left.stackName} ${left.stack.status}`);
  const ours = new Set(createdChangeSets(outcome.sent));
  for (const changeSet of left.changeSets) {
    const state = changeSet.status === 'CREATE_PENDING' || changeSet.status === 'CREATE_IN_PROGRESS'
      ? 'CloudFormation is still computing it'
      : changeSet.executionStatus === 'AVAILABLE' ? 'not executed' : `${changeSet.executionStatus}`;
    say.detail(`  change set ${changeSet.name} ${changeSet.status}, ${state}${ours.has(changeSet.name) ? ' (created by this run)' : ''}`);
  }

  if (isLeftInProgress(left)) {
    say.detail(`CloudFormation carries on (nothing was cancelled): ${left.stackName} is ${left.stack?.status}.`);
    return say.detail(command === 'destroy' ? `Next: once it has ended, ${commandLine('destroy', environment).make} reports what is left.` : `Next: ${commandLine('deploy', environment).make} follows it and reports its result.`);
  }
  const waiting = left.changeSets.filter((c) => ours.has(c.name) && c.executionStatus === 'AVAILABLE');
  const computing = left.changeSets.filter((c) => ours.has(c.name) && (c.status === 'CREATE_PENDING' || c.status === 'CREATE_IN_PROGRESS'));
  for (const changeSet of waiting) {
    const review = savedReviewOf(ctx.root, environment, changeSet.name);
    say.detail('Next, either:');
    if (review) say.detail(`  execute exactly this change set: ${executeReviewLine(ctx, review).make}`);
    say.detail(`  or start over: ${command === 'bootstrap' || command === 'promote' ? rerunLine(ctx).make : commandLine('deploy', environment).make} (executing a newer change set makes CloudFormation delete this one)`);
    say.detail(`  or remove it: aws cloudformation delete-change-set --change-set-name ${changeSet.id}`);
    if (left.stack?.status === 'REVIEW_IN_PROGRESS') say.detail(`    and the empty stack: aws cloudformation delete-stack --stack-name ${left.stackName}`);
    return;
  }
  if (computing.length > 0) {
    return say.detail(`Next: ${again} once CloudFormation has computed it (until then a new run stops, naming it); it then waits, unexecuted, until a newer change set is executed or it is deleted.`);
  }
  const executed = outcome.sent.some((r) => r.operation === 'cfn.executeChangeSet' && !r.failed);
  if (executed && left.stack && /_COMPLETE$/.test(left.stack.status) && (command === 'deploy' || command === 'bootstrap' || command === 'promote')) {
    say.detail(`The stack operation itself has ended (${left.stackName} ${left.stack.status}); what follows it (prod protections, outputs) may not have run.`);
    return say.detail(`Next: ${rerunLine(ctx).make}: it finds nothing to deploy and finishes them.`);
  }
  return say.detail(`Next: ${again}`);
}

function renderAwsFailure(outcome: Extract<RunFailure, { type: 'aws-unavailable' | 'aws-request-failed' }>, ctx: OutcomeContext): void {
  const { say } = ctx;
  const headline = failureHeadline({ root: ctx.root, environment: ctx.environment, masker: ctx.masker, command: ctx.command }, outcome.failure);
  say.fail('error', headline.text);
  const hint = failureHint(outcome.failure);
  if (hint) say.detail(hint);
  renderSent(ctx, outcome.sent, 'Before it');
  if (outcome.sent.length > 0) say.detail(`Run ${rerunLine(ctx).make} again once this is resolved: it takes up from what is in AWS.`);
  say.detail(`Whole error: ${headline.log}`);
}

export function renderRunFailure(outcome: RunFailure, ctx: OutcomeContext): void {
  switch (outcome.type) {
    case 'stopped':
      return renderStopped(outcome, ctx);
    case 'aws-unavailable':
    case 'aws-request-failed':
      return renderAwsFailure(outcome, ctx);
  }
}
