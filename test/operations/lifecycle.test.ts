/**
 * D-9 outputs, D-10 destroy, D-11 drift against the fake, asserted on the operations' outcomes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { destroy } from '../../src/operations/destroy';
import { drift, expectedDrift } from '../../src/operations/drift';
import { outputs, perServiceOutputs } from '../../src/operations/outputs';
import { deploying, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';

const destroying = (force = false) => (c: Parameters<typeof destroy>[0], io: Parameters<typeof destroy>[1]) => destroy(c, io, { force });

test('D-9: outputs gives the root and per-service outputs and every stack\'s outputs by path, read-only', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const { outcome, calls } = await s.operate(outputs);
  const read = expectOutcome(outcome, 'outputs-read');
  const document = read.outputs;
  assert.equal(Object.keys(document.stacks).sort(), ['Network', 'Registry', 'Services', 'Services/Frontend']);
  assert.is(document.services['frontend']?.['RepositoryUri'], '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-frontend-dev');
  assert.equal(document.services['api-gateway'], {
    RepositoryUri: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-api-gateway-dev',
    ServiceArn: 'arn:aws:ecs:eu-west-1:111122223333:service/tap-dev/api-gateway',
  });
  assert.is(document.root['VpcId']?.description, 'VPC');
  assert.is(read.stack.status, 'CREATE_COMPLETE');
  assert.not.ok(ops(calls).some((op) => /create|execute|delete|set|update/i.test(op.split('.')[1])), 'read-only');
});

test('D-9: list outputs are split per service only when they match the catalog', () => {
  const root = { ServiceArns: { value: 'a,b' }, RepositoryUris: { value: 'x' }, VpcId: { value: 'v' } };
  assert.equal(perServiceOutputs(root, ['frontend', 'api']), { frontend: { ServiceArn: 'a' }, api: { ServiceArn: 'b' } });
});

test('D-9: outputs of a stack that is not deployed is a precondition', async () => {
  const s = new Scenario('dev');
  const { outcome } = await s.operate(outputs);
  assert.equal(expectOutcome(outcome, 'precondition').reason, { kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: false });
});

test('D-11: drift is detected on the root and on every nested stack (the API does not recurse)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.setDrift('Services/Frontend', [{
    logicalId: 'TaskRole', resourceType: 'AWS::IAM::Role', status: 'MODIFIED',
    differences: [{ path: '/Policies/0/PolicyDocument/Statement/0/Action', expected: 'secretsmanager:GetSecretValue', actual: 'secretsmanager:*', type: 'NOT_EQUAL' }],
  }]);
  const { outcome, calls } = await s.operate(drift);
  const { report } = expectOutcome(outcome, 'drifted');
  assert.is(calls.filter((c) => c.op === 'cfn.detectStackDrift').length, 5);
  assert.equal(report.stacks.find((r) => r.path === 'Services/Frontend'), { path: 'Services/Frontend', stackId: report.stacks.find((r) => r.path === 'Services/Frontend')?.stackId, status: 'DRIFTED', detection: 'complete' });
  assert.equal(report.drifted.map((d) => [d.path, d.drift.logicalId, d.drift.status, d.expected]), [['Services/Frontend', 'TaskRole', 'MODIFIED', undefined]]);
  assert.equal(report.drifted[0].drift.differences[0], { path: '/Policies/0/PolicyDocument/Statement/0/Action', expected: 'secretsmanager:GetSecretValue', actual: 'secretsmanager:*', type: 'NOT_EQUAL' });
});

test('D-11: blue/green listener weights and autoscaled desired counts are expected drift (in sync)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.setDrift('Services/Frontend', [
    { logicalId: 'ProdListenerRule', resourceType: 'AWS::ElasticLoadBalancingV2::ListenerRule', status: 'MODIFIED', differences: [{ path: '/Actions/0/ForwardConfig/TargetGroups/0/Weight', expected: '100', actual: '0', type: 'NOT_EQUAL' }] },
    { logicalId: 'Service', resourceType: 'AWS::ECS::Service', status: 'MODIFIED', differences: [{ path: '/DesiredCount', expected: '2', actual: '6', type: 'NOT_EQUAL' }] },
  ]);
  const { outcome } = await s.operate(drift);
  const { report } = expectOutcome(outcome, 'in-sync');
  assert.is(report.drifted.length, 2);
  assert.ok(report.drifted.every((d) => d.expected));
  assert.match(report.drifted.find((d) => d.drift.logicalId === 'ProdListenerRule')?.expected ?? '', /ECS blue\/green deployments shift this rule's target-group weights/);
  assert.is(expectedDrift({ logicalId: 'X', resourceType: 'AWS::ECS::Service', status: 'MODIFIED', differences: [{ path: '/TaskDefinition', type: 'NOT_EQUAL' }] }), undefined);
});

test('D-10: destroy needs the stack name confirmed: typed, given beforehand, or it does not start', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const unconfirmed = await s.operate(destroying());
  assert.equal(expectOutcome(unconfirmed.outcome, 'unconfirmed'), { type: 'unconfirmed', stackName: 'tap-dev' });
  assert.equal(unconfirmed.questions, [{ kind: 'confirm-destroy', stackName: 'tap-dev', whenUnattended: 'unanswered' }]);
  const declined = await s.operate(destroying(), { answers: ['no'] });
  assert.equal(expectOutcome(declined.outcome, 'declined').what, { kind: 'destroy' });
  for (const r of [unconfirmed, declined]) assert.not.ok(ops(r.calls).includes('cfn.deleteStack'));
  // A --confirm that is not the stack name stops before any AWS call (the CLI's argument check).
  const wrong = await s.run(['destroy', '--env', 'dev', '--confirm', 'tap-prod']);
  assert.is(wrong.code, 2);
  assert.equal(wrong.calls, []);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-10: destroy empties the buckets the tree owns, deletes the tree, then force-deletes its secrets', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  for (let i = 0; i < 5; i += 1) s.aws.putObject('tap-alb-logs-dev', `AWSLogs/111122223333/elb/${i}.gz`, 'log');
  const secretArn = [...s.aws.secrets.keys()][0];
  const { outcome, events, calls } = await s.operate(destroying(), { answers: ['yes'] });
  expectOutcome(outcome, 'destroyed');
  const [plan] = eventsOf(events, 'destroy-plan');
  assert.equal({ ...plan, resources: 0 }, {
    type: 'destroy-plan', stackName: 'tap-dev', environment: 'dev', accountId: '111122223333', region: 'eu-west-1', stacks: 5, resources: 0, retain: false,
    buckets: [{ path: 'Network', logicalId: 'AccessLogBucket', physicalId: 'tap-alb-logs-dev' }],
    secrets: plan.secrets,
  });
  assert.ok(plan.resources > 0 && plan.secrets.length === 1);
  assert.equal(eventsOf(events, 'bucket-emptied'), [{ type: 'bucket-emptied', bucket: 'tap-alb-logs-dev', removed: 5 }]);
  assert.equal(eventsOf(events, 'operation-succeeded').map((e) => e.status), ['DELETE_COMPLETE']);
  assert.equal(eventsOf(events, 'secrets-deleted'), [{ type: 'secrets-deleted', deleted: 1, gone: 0 }]);
  const order = ops(calls);
  assert.ok(order.indexOf('s3.deleteObjects') < order.indexOf('cfn.deleteStack'));
  assert.ok(order.indexOf('cfn.deleteStack') < order.indexOf('secrets.forceDeleteSecret'));
  assert.is(s.aws.rootStack('tap-dev'), undefined);
  assert.not.ok(s.aws.secrets.has(secretArn));
});

test('D-10: a resource that cannot be deleted makes the delete fail with its reason', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.failResource({ path: 'Registry', logicalId: 'FrontendRepository', reason: 'Resource handler returned message: "The repository cannot be deleted because it still contains images"', phase: 'forward' });
  const { outcome } = await s.operate(destroying(), { answers: ['yes'] });
  const { failure, operation } = expectOutcome(outcome, 'delete-failed');
  assert.is(operation, 'delete');
  assert.is(failure.status, 'DELETE_FAILED');
  assert.equal([failure.rootCause?.path, failure.rootCause?.resourceType, failure.rootCause?.logicalId, failure.rootCause?.status], ['Registry', 'AWS::ECR::Repository', 'FrontendRepository', 'DELETE_FAILED']);
  assert.match(failure.rootCause?.reason ?? '', /still contains images/);
});

test('D-10 / P-DATA: prod is refused without force; with it, stateful resources are kept', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  const refused = await s.operate(destroying(), { answers: ['yes'] });
  assert.equal(expectOutcome(refused.outcome, 'refused').reason, { kind: 'retain', environment: 'prod' });
  assert.not.ok(ops(refused.calls).includes('cfn.deleteStack'));

  const forced = await s.operate(destroying(true), { answers: ['yes'] });
  expectOutcome(forced.outcome, 'destroyed');
  assert.equal(eventsOf(forced.events, 'termination-protection-off').length, 1);
  assert.is(eventsOf(forced.events, 'destroy-plan')[0]?.retain, true);
  const skipped = eventsOf(forced.events, 'stack-event').map((e) => e.event).find((e) => e.event.logicalId === 'FrontendRepository' && e.event.status === 'DELETE_SKIPPED');
  assert.is(skipped?.path, 'Registry');
  assert.not.ok(ops(forced.calls).includes('s3.deleteObjects'));
  assert.not.ok(ops(forced.calls).includes('secrets.forceDeleteSecret'));
});

test.run();
