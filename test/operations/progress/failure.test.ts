/**
 * D-8 Failure: the root cause from the deepest failed nested stack, ECS diagnosis, stuck states
 * with their next step and command, and distinct exit codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventStatus } from '../../../src/aws/port';
import { findRootCause, resourcesToSkip } from '../../../src/operations/progress/failure';
import { createState, applyEvent, trackStack, type PathEvent } from '../../../src/operations/progress/state';
import { ops, Scenario } from '../../helpers/deploy-harness';
import { fixturePlatform, props } from '../../fakes/platform-fixture';

const SERVICE_ARN_CLUSTER = 'tap-cluster/svc-frontend-dev';
const CIRCUIT_BREAKER = 'Resource handler returned message: "Error occurred during operation \'ECS Deployment Circuit Breaker was triggered\'."';

function withNewImage() {
  return fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'Service')['DesiredCount'] = 3;
    props(t, 'services/frontend.json', 'LogGroup')['RetentionInDays'] = 60;
  });
}

test('D-8: a failure inside a nested stack prints the root cause, not "Embedded stack …", with ECS details (exit 7)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.ecsServices.set(SERVICE_ARN_CLUSTER, {
    status: 'ACTIVE',
    runningCount: 2,
    desiredCount: 3,
    events: [
      { at: new Date(s.clock.now()), message: '(service svc-frontend-dev) deployment ecs-svc/123 deployment failed: tasks failed to start.' },
      { at: new Date(s.clock.now() - 60_000), message: '(service svc-frontend-dev) has started 1 tasks: (task 9f1c).' },
    ],
  });
  s.aws.stoppedTasks.set(SERVICE_ARN_CLUSTER, [{
    taskArn: 'arn:aws:ecs:eu-west-1:111122223333:task/tap-cluster/9f1c2d',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'web', exitCode: 1, reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' }],
  }]);
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'Service', reason: CIRCUIT_BREAKER, phase: 'forward' });
  s.platform = withNewImage();
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 7);
  assert.match(result.stderr, /deployment failed tap-dev is UPDATE_ROLLBACK_COMPLETE/);
  assert.match(result.stderr, /Root cause:\n\s+Services\/Frontend › AWS::ECS::Service Service UPDATE_FAILED at \d\d:\d\d:\d\d\n\s+Resource handler returned message: "Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'\."/);
  assert.match(result.stderr, /ECS service svc-frontend-dev: 2 of 3 tasks running; latest service events:/);
  assert.match(result.stderr, /deployment ecs-svc\/123 deployment failed: tasks failed to start/);
  assert.match(result.stderr, /9f1c2d: Essential container in task exited \(web: exit code 1, CannotPullContainerError/);
  assert.match(result.stderr, /tap-dev is back to its previous state\. Fix the cause above, then make deploy ENV=dev\./);
  assert.not.match(result.stderr, /Root cause:\n\s+.*Embedded stack/);
  // The progress lines showed the consequential failures too, each with its path.
  assert.match(result.stdout, /Services › AWS::CloudFormation::Stack Frontend UPDATE_FAILED — Embedded stack/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_COMPLETE');
});

test('D-8: a failed first create (ROLLBACK_COMPLETE, nested stacks deleted) names its cause and how to retry (exit 7, then 4)', async () => {
  const s = new Scenario('dev');
  s.aws.failResource({ path: 'Registry', logicalId: 'FrontendRepository', reason: 'Resource handler returned message: "Repository ecr-frontend-dev already exists"', phase: 'forward' });
  const first = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(first.code, 7);
  assert.match(first.stderr, /Registry › AWS::ECR::Repository FrontendRepository CREATE_FAILED/);
  assert.match(first.stderr, /Repository ecr-frontend-dev already exists/);
  assert.match(first.stderr, /make deploy ENV=dev ARGS='--replace-failed-stack'/);
  assert.match(first.stderr, /make destroy ENV=dev/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'ROLLBACK_COMPLETE');

  // A later deploy explains the stuck stack from its (deleted) nested stacks' events, by ARN.
  const again = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(again.code, 4);
  assert.match(again.stderr, /tap-dev is ROLLBACK_COMPLETE: its first create failed/);
  assert.match(again.stderr, /Root cause of the last operation:\n\s+Registry › AWS::ECR::Repository FrontendRepository CREATE_FAILED/);
  assert.not.ok(ops(again.calls).some((op) => op === 'cfn.createChangeSet' || op === 'cfn.deleteStack'));

  // --replace-failed-stack deletes the empty stack, then creates it again.
  const replaced = await s.run(['deploy', '--env', 'dev', '--yes', '--replace-failed-stack']);
  assert.is(replaced.code, 0, replaced.stderr);
  assert.match(replaced.stdout, /deleting it before creating it again \(--replace-failed-stack\)/);
  assert.ok(ops(replaced.calls).indexOf('cfn.deleteStack') < ops(replaced.calls).indexOf('cfn.createChangeSet'));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-8: UPDATE_ROLLBACK_FAILED names the resources and the continue-rollback command with --skip (exit 8)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'Service', reason: CIRCUIT_BREAKER, phase: 'forward' });
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'LogGroup', reason: 'Resource handler returned message: "Log group /tap/dev/frontend was deleted outside CloudFormation"', phase: 'rollback' });
  s.platform = withNewImage();
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 8);
  assert.match(result.stderr, /tap-dev is UPDATE_ROLLBACK_FAILED/);
  assert.match(result.stderr, /Failed while rolling back \(1\):\n\s+Services\/Frontend › AWS::Logs::LogGroup LogGroup UPDATE_FAILED at [\d:]+: .*deleted outside CloudFormation/);
  assert.match(result.stderr, /make continue-rollback ENV=dev ARGS='--skip Services\.Frontend\.LogGroup'/);
  assert.match(result.stderr, /tap continue-rollback --env dev --skip Services\.Frontend\.LogGroup/);

  // deploy refuses while the rollback is unfinished, and points to continue-rollback.
  const blocked = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(blocked.code, 4);
  assert.match(blocked.stderr, /Finish the rollback first: make continue-rollback ENV=dev/);

  // Without a terminal or --yes nothing is started; with them it completes.
  const asked = await s.run(['continue-rollback', '--env', 'dev', '--skip', 'Services.Frontend.LogGroup']);
  assert.is(asked.code, 5);
  assert.not.ok(ops(asked.calls).includes('cfn.continueUpdateRollback'));
  const continued = await s.run(['continue-rollback', '--env', 'dev', '--skip', 'Services.Frontend.LogGroup', '--yes']);
  assert.is(continued.code, 0, continued.stderr);
  const call = continued.calls.find((c) => c.op === 'cfn.continueUpdateRollback');
  assert.equal(call?.args[1], ['Services.Frontend.LogGroup']);
  assert.match(continued.stdout, /✓ tap-dev UPDATE_ROLLBACK_COMPLETE/);
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
