/**
 * D-9 outputs, D-10 destroy (confirmation, failure; the rest: destroy.test.ts), D-11 drift against
 * the fake, asserted on the operations' outcomes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { destroy } from '../../src/operations/destroy';
import { drift, expectedDrift } from '../../src/operations/drift';
import { outputs, perServiceOutputs } from '../../src/operations/outputs';
import { expectOutcome, ops, Scenario } from '../helpers/deploy-harness';

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

test('D-11: a resource deleted outside CloudFormation is drift; resources in sync or not checked are not', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.setDrift('Services/Frontend', [
    { logicalId: 'LogGroup', resourceType: 'AWS::Logs::LogGroup', status: 'DELETED', differences: [] },
    { logicalId: 'TaskRole', resourceType: 'AWS::IAM::Role', status: 'IN_SYNC', differences: [] },
    { logicalId: 'Dashboard', resourceType: 'AWS::CloudWatch::Dashboard', status: 'NOT_CHECKED', differences: [] },
  ]);
  const { outcome } = await s.operate(drift);
  const { report } = expectOutcome(outcome, 'drifted');
  assert.equal(report.drifted.map((d) => [d.path, d.drift.logicalId, d.drift.status, d.expected]), [['Services/Frontend', 'LogGroup', 'DELETED', undefined]]);
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

test('D-10: a resource that cannot be deleted makes the delete fail with its reason', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.failResource({ path: 'Network', logicalId: 'AlbSecurityGroup', reason: 'Resource handler returned message: "resource sg-1 has a dependent object"', phase: 'forward' });
  const { outcome, calls } = await s.operate(destroying(), { answers: ['yes'] });
  const { failure, operation } = expectOutcome(outcome, 'delete-failed');
  assert.is(operation, 'delete');
  assert.is(failure.status, 'DELETE_FAILED');
  assert.equal([failure.rootCause?.path, failure.rootCause?.resourceType, failure.rootCause?.logicalId, failure.rootCause?.status], ['Network', 'AWS::EC2::SecurityGroup', 'AlbSecurityGroup', 'DELETE_FAILED']);
  assert.match(failure.rootCause?.reason ?? '', /has a dependent object/);
  // What the tree retained is deleted only once the tree is gone.
  assert.not.ok(ops(calls).some((op) => ['ecr.deleteRepository', 'logs.deleteLogGroup', 's3.deleteBucket', 'kms.scheduleKeyDeletion', 'secrets.forceDeleteSecret'].includes(op)));
});

test.run();
