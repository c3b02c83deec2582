/**
 * D-8 Failure: the root cause from the deepest failed nested stack, ECS diagnosis, stuck states
 * and what continue-rollback may skip, as outcomes (their words and exit codes: test/cli/).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventStatus } from '../../../src/aws/port';
import { findRootCause, resourcesToSkip } from '../../../src/operations/progress/failure';
import { createState, applyEvent, trackStack, type PathEvent } from '../../../src/operations/progress/state';
import { continueRollback } from '../../../src/operations/continue-rollback';
import { CIRCUIT_BREAKER, deploying, eventsOf, expectOutcome, failFrontendDeployment, ops, Scenario } from '../../helpers/deploy-harness';

test('D-8: a failure inside a nested stack reports the root cause, not "Embedded stack …", with ECS details', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  failFrontendDeployment(s);
  const { outcome, events } = await s.operate(deploying(), { answers: ['yes'] });
  const { failure, operation } = expectOutcome(outcome, 'rolled-back');
  assert.is(operation, 'deploy');
  assert.equal([failure.stackName, failure.status], ['tap-dev', 'UPDATE_ROLLBACK_COMPLETE']);
  assert.equal([failure.rootCause?.path, failure.rootCause?.resourceType, failure.rootCause?.logicalId, failure.rootCause?.status, failure.rootCause?.reason], ['Services/Frontend', 'AWS::ECS::Service', 'Service', 'UPDATE_FAILED', CIRCUIT_BREAKER]);
  assert.is(failure.ecs?.service, 'svc-frontend-dev');
  assert.equal([failure.ecs?.state?.runningCount, failure.ecs?.state?.desiredCount], [2, 3]);
  assert.match(failure.ecs?.state?.events[0]?.message ?? '', /deployment ecs-svc\/4521 failed: tasks failed to start/);
  assert.equal(failure.ecs?.stoppedTasks.map((t) => [t.taskArn.split('/').pop(), t.stoppedReason, t.containers[0]?.exitCode]), [['9f1c2d7e', 'Essential container in task exited', 1]]);
  assert.equal(failure.skip, []);
  // The progress events showed the consequential failures too, each with its path.
  const embedded = eventsOf(events, 'stack-event').map((e) => e.event).find((e) => e.path === 'Services' && e.event.logicalId === 'Frontend' && e.event.status === 'UPDATE_FAILED');
  assert.match(embedded?.event.reason ?? '', /^Embedded stack/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_COMPLETE');
});

test('D-8: a failed first create (ROLLBACK_COMPLETE, nested stacks deleted) names its cause; the next deploy stops until told to replace it', async () => {
  const s = new Scenario('dev');
  s.aws.failResource({ path: 'Registry', logicalId: 'FrontendRepository', reason: 'Resource handler returned message: "Repository ecr-frontend-dev already exists"', phase: 'forward' });
  const first = await s.operate(deploying(), { answers: ['yes'] });
  const { failure } = expectOutcome(first.outcome, 'rolled-back');
  assert.is(failure.status, 'ROLLBACK_COMPLETE');
  assert.equal([failure.rootCause?.path, failure.rootCause?.logicalId, failure.rootCause?.status], ['Registry', 'FrontendRepository', 'CREATE_FAILED']);
  assert.match(failure.rootCause?.reason ?? '', /Repository ecr-frontend-dev already exists/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'ROLLBACK_COMPLETE');

  // A later deploy explains the stuck stack from its (deleted) nested stacks' events, by ARN.
  const again = await s.operate(deploying(), { answers: ['yes'] });
  const { reason } = expectOutcome(again.outcome, 'precondition');
  if (reason.kind !== 'failed-create') throw new Error(`expected failed-create, got ${reason.kind}`);
  assert.equal([reason.stack.stackName, reason.stack.status], ['tap-dev', 'ROLLBACK_COMPLETE']);
  assert.equal([reason.last.rootCause?.path, reason.last.rootCause?.logicalId, reason.last.rootCause?.status], ['Registry', 'FrontendRepository', 'CREATE_FAILED']);
  assert.not.ok(ops(again.calls).some((op) => op === 'cfn.createChangeSet' || op === 'cfn.deleteStack'));

  // --replace-failed-stack deletes the empty stack, then creates it again.
  const replaced = await s.operate(deploying({ replaceFailedStack: true }), { answers: ['yes'] });
  expectOutcome(replaced.outcome, 'deployed');
  assert.equal(eventsOf(replaced.events, 'replacing-failed-stack'), [{ type: 'replacing-failed-stack', stackName: 'tap-dev', status: 'ROLLBACK_COMPLETE', requested: true }]);
  assert.ok(ops(replaced.calls).indexOf('cfn.deleteStack') < ops(replaced.calls).indexOf('cfn.createChangeSet'));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-8: UPDATE_ROLLBACK_FAILED names the resources to skip; deploy stops until continue-rollback finishes it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  failFrontendDeployment(s);
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'LogGroup', reason: 'Resource handler returned message: "Log group /tap/dev/frontend was deleted outside CloudFormation"', phase: 'rollback' });
  const { outcome } = await s.operate(deploying(), { answers: ['yes'] });
  const { failure } = expectOutcome(outcome, 'rollback-failed');
  assert.is(failure.status, 'UPDATE_ROLLBACK_FAILED');
  assert.equal(failure.rollbackFailures.map((f) => [f.path, f.resourceType, f.logicalId, f.status]), [['Services/Frontend', 'AWS::Logs::LogGroup', 'LogGroup', 'UPDATE_FAILED']]);
  assert.match(failure.rollbackFailures[0].reason, /deleted outside CloudFormation/);
  assert.equal(failure.skip, ['Services.Frontend.LogGroup']);

  // deploy refuses while the rollback is unfinished, and knows what continue-rollback may skip.
  const blocked = await s.operate(deploying(), { answers: ['yes'] });
  const { reason } = expectOutcome(blocked.outcome, 'precondition');
  if (reason.kind !== 'rollback-unfinished') throw new Error(`expected rollback-unfinished, got ${reason.kind}`);
  assert.equal(reason.last.skip, ['Services.Frontend.LogGroup']);

  // With nobody to ask nothing is started; approved, it completes.
  const skip = { skip: ['Services.Frontend.LogGroup'] };
  const asked = await s.operate((c, io) => continueRollback(c, io, skip));
  assert.equal(expectOutcome(asked.outcome, 'not-started'), { type: 'not-started', stackName: 'tap-dev', skip: ['Services.Frontend.LogGroup'] });
  assert.equal(asked.questions, [{ kind: 'continue-rollback', stackName: 'tap-dev', skip: ['Services.Frontend.LogGroup'], whenUnattended: 'unanswered' }]);
  assert.equal(eventsOf(asked.events, 'rollback-failed-found')[0]?.last.skip, ['Services.Frontend.LogGroup']);
  assert.not.ok(ops(asked.calls).includes('cfn.continueUpdateRollback'));
  const continued = await s.operate((c, io) => continueRollback(c, io, skip), { answers: ['yes'] });
  expectOutcome(continued.outcome, 'rollback-continued');
  const call = continued.calls.find((c) => c.op === 'cfn.continueUpdateRollback');
  assert.equal(call?.args[1], ['Services.Frontend.LogGroup']);
  assert.equal(eventsOf(continued.events, 'operation-succeeded').map((e) => e.status), ['UPDATE_ROLLBACK_COMPLETE']);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_COMPLETE');
});

test('D-8: findRootCause prefers the deepest stack, then the earliest event, and ignores consequences', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const event = (path: string, logicalId: string, resourceType: string, status: EventStatus, reason: string, second: number): PathEvent => ({
    path,
    event: { eventId: `${path}-${logicalId}-${second}`, stackId: `arn:${path}`, stackName: path || 'root', logicalId, resourceType, status, reason, timestamp: at(second) },
  });
  const events = [
    event('Network', 'Subnet', 'AWS::EC2::Subnet', 'CREATE_FAILED', 'Resource creation cancelled', 5),
    event('Services/Frontend', 'TaskDefinition', 'AWS::ECS::TaskDefinition', 'CREATE_FAILED', 'Invalid memory value', 3),
    event('Services/Frontend', 'Service', 'AWS::ECS::Service', 'CREATE_FAILED', 'Invalid request provided', 4),
    event('Services', 'Frontend', 'AWS::CloudFormation::Stack', 'CREATE_FAILED', 'Embedded stack arn:x was not successfully created: The following resource(s) failed to create: [TaskDefinition].', 6),
    event('', 'Services', 'AWS::CloudFormation::Stack', 'CREATE_FAILED', 'Embedded stack arn:y was not successfully created', 7),
    event('', 'root', 'AWS::CloudFormation::Stack', 'ROLLBACK_IN_PROGRESS', 'The following resource(s) failed to create: [Services]. Rollback requested by user.', 8),
    event('Network', 'Bucket', 'AWS::S3::Bucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty', 9),
  ];
  const cause = findRootCause(events);
  assert.is(cause?.logicalId, 'TaskDefinition');
  assert.is(cause?.path, 'Services/Frontend');
});

test('D-8: resources to skip are named LogicalId in the root and Nested.LogicalId below it', () => {
  const state = createState('arn:root', 'tap-dev', 0);
  trackStack(state, 'arn:svc', 'Services', 'Services');
  trackStack(state, 'arn:fe', 'Services/Frontend', 'Frontend');
  const ev = (stackId: string, logicalId: string, resourceType: string, status: EventStatus): PathEvent => ({
    path: '',
    event: { eventId: `${stackId}${logicalId}${status}`, stackId, stackName: 'x', logicalId, resourceType, status, timestamp: new Date(0), ...(resourceType === 'AWS::CloudFormation::Stack' && logicalId === 'x' ? { physicalId: stackId } : {}) },
  });
  for (const [stackId] of [['arn:root'], ['arn:svc'], ['arn:fe']]) applyEvent(state, ev(stackId, 'x', 'AWS::CloudFormation::Stack', 'UPDATE_ROLLBACK_FAILED'));
  applyEvent(state, ev('arn:fe', 'LogGroup', 'AWS::Logs::LogGroup', 'UPDATE_FAILED'));
  applyEvent(state, ev('arn:svc', 'Frontend', 'AWS::CloudFormation::Stack', 'UPDATE_FAILED'));
  applyEvent(state, ev('arn:root', 'Alarm', 'AWS::CloudWatch::Alarm', 'UPDATE_FAILED'));
  assert.equal(resourcesToSkip(state), ['Alarm', 'Services.Frontend.LogGroup']);
});

test.run();
