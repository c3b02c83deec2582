/**
 * D-9 outputs, D-10 destroy, D-11 drift against the fake.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expectedDrift } from '../../src/operations/drift';
import { perServiceOutputs } from '../../src/operations/outputs';
import { ops, Scenario } from '../helpers/deploy-harness';

test('D-9: tap outputs prints root and per-service outputs and writes every stack\'s outputs by path', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const result = await s.run(['outputs', '--env', 'dev']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Outputs of tap-dev\noutput\s+value/);
  assert.match(result.stdout, /Per service\nservice\s+RepositoryUri\s+ServiceArn/);
  assert.match(result.stdout, /api-gateway\s+111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecr-api-gateway-dev\s+arn:aws:ecs:eu-west-1:111122223333:service\/tap-dev\/api-gateway/);
  const document = JSON.parse(s.stateFile('outputs.json'));
  assert.equal(Object.keys(document.stacks).sort(), ['Network', 'Registry', 'Services', 'Services/Frontend']);
  assert.is(document.services.frontend.RepositoryUri, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-frontend-dev');
  assert.is(document.root.VpcId.description, 'VPC');
  assert.not.ok(ops(result.calls).some((op) => /create|execute|delete|set|update/i.test(op.split('.')[1])), 'read-only');
  const json = await s.run(['outputs', '--env', 'dev', '--json']);
  assert.equal(JSON.parse(json.stdout.slice(json.stdout.indexOf('{'))).services, document.services);
});

test('D-9: list outputs are split per service only when they match the catalog', () => {
  const root = { ServiceArns: { value: 'a,b' }, RepositoryUris: { value: 'x' }, VpcId: { value: 'v' } };
  assert.equal(perServiceOutputs(root, ['frontend', 'api']), { frontend: { ServiceArn: 'a' }, api: { ServiceArn: 'b' } });
});

test('D-9: outputs of a stack that is not deployed is a clear precondition (exit 4)', async () => {
  const s = new Scenario('dev');
  const result = await s.run(['outputs', '--env', 'dev']);
  assert.is(result.code, 4);
  assert.match(result.stderr, /tap-dev is not deployed; nothing to show\. Deploy it: make deploy ENV=dev/);
});

test('D-11: drift is detected on the root and on every nested stack (the API does not recurse); exit 11', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.setDrift('Services/Frontend', [{
    logicalId: 'TaskRole', resourceType: 'AWS::IAM::Role', status: 'MODIFIED',
    differences: [{ path: '/Policies/0/PolicyDocument/Statement/0/Action', expected: 'secretsmanager:GetSecretValue', actual: 'secretsmanager:*', type: 'NOT_EQUAL' }],
  }]);
  const result = await s.run(['drift', '--env', 'dev']);
  assert.is(result.code, 11);
  assert.is(result.calls.filter((c) => c.op === 'cfn.detectStackDrift').length, 5);
  assert.match(result.stdout, /Services\/Frontend\s+DRIFTED\s+complete/);
  assert.match(result.stdout, /Services\/Frontend\s+TaskRole\s+AWS::IAM::Role\s+MODIFIED\s+\/Policies\/0\/PolicyDocument\/Statement\/0\/Action: secretsmanager:GetSecretValue → secretsmanager:\*/);
  assert.match(result.stderr, /drifted 1 resource differs from the templates/);
  assert.ok(JSON.parse(s.stateFile('drift.json')).drifted.length === 1);
});

test('D-11: blue/green listener weights and autoscaled desired counts are expected drift (exit 0)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.setDrift('Services/Frontend', [
    { logicalId: 'ProdListenerRule', resourceType: 'AWS::ElasticLoadBalancingV2::ListenerRule', status: 'MODIFIED', differences: [{ path: '/Actions/0/ForwardConfig/TargetGroups/0/Weight', expected: '100', actual: '0', type: 'NOT_EQUAL' }] },
    { logicalId: 'Service', resourceType: 'AWS::ECS::Service', status: 'MODIFIED', differences: [{ path: '/DesiredCount', expected: '2', actual: '6', type: 'NOT_EQUAL' }] },
  ]);
  const result = await s.run(['drift', '--env', 'dev']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /MODIFIED \(expected\)/);
  assert.match(result.stdout, /ECS blue\/green deployments shift this rule's target-group weights/);
  assert.is(expectedDrift({ logicalId: 'X', resourceType: 'AWS::ECS::Service', status: 'MODIFIED', differences: [{ path: '/TaskDefinition', type: 'NOT_EQUAL' }] }), undefined);
});

test('D-10: destroy needs the stack name: typed on a terminal, or --confirm without one', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const noConfirm = await s.run(['destroy', '--env', 'dev']);
  assert.is(noConfirm.code, 2);
  assert.match(noConfirm.stderr, /--confirm: is required without a terminal: --confirm tap-dev/);
  const wrong = await s.run(['destroy', '--env', 'dev', '--confirm', 'tap-prod']);
  assert.is(wrong.code, 2);
  const typo = await s.run(['destroy', '--env', 'dev'], { tty: true, answers: ['tap-de'] });
  assert.is(typo.code, 6);
  assert.match(typo.stdout, /Not confirmed; nothing was deleted\./);
  for (const r of [noConfirm, wrong, typo]) assert.not.ok(ops(r.calls).includes('cfn.deleteStack'));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-10: destroy empties the buckets the tree owns, deletes the tree, then force-deletes its secrets', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  for (let i = 0; i < 5; i += 1) s.aws.putObject('tap-alb-logs-dev', `AWSLogs/111122223333/elb/${i}.gz`, 'log');
  const secretArn = [...s.aws.secrets.keys()][0];
  const result = await s.run(['destroy', '--env', 'dev'], { tty: true, answers: ['tap-dev'] });
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Destroying tap-dev \(dev, account 111122223333, eu-west-1\): 5 stacks, \d+ resources\./);
  assert.match(result.stdout, /bucket tap-alb-logs-dev \(Network\/AccessLogBucket\) will be emptied/);
  assert.match(result.stdout, /Emptied tap-alb-logs-dev: 5 objects and versions removed\./);
  assert.match(result.stdout, /✓ tap-dev DELETE_COMPLETE/);
  assert.match(result.stdout, /Secrets deleted without recovery window: 1\. Their names can be reused at once\./);
  const order = ops(result.calls);
  assert.ok(order.indexOf('s3.deleteObjects') < order.indexOf('cfn.deleteStack'));
  assert.ok(order.indexOf('cfn.deleteStack') < order.indexOf('secrets.forceDeleteSecret'));
  assert.is(s.aws.rootStack('tap-dev'), undefined);
  assert.not.ok(s.aws.secrets.has(secretArn));
});

test('D-10: a non-empty bucket the tree does not empty makes the delete fail with the reason (exit 12)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.failResource({ path: 'Registry', logicalId: 'FrontendRepository', reason: 'Resource handler returned message: "The repository cannot be deleted because it still contains images"', phase: 'forward' });
  const result = await s.run(['destroy', '--env', 'dev', '--confirm', 'tap-dev']);
  assert.is(result.code, 12);
  assert.match(result.stderr, /destroy failed tap-dev is DELETE_FAILED/);
  assert.match(result.stderr, /Registry › AWS::ECR::Repository FrontendRepository DELETE_FAILED/);
  assert.match(result.stderr, /still contains images/);
  assert.match(result.stderr, /then run make destroy ENV=dev again/);
});

test('D-10 / P-DATA: prod is refused without --force (exit 10); with it, stateful resources are kept', async () => {
  const s = new Scenario('prod');
  assert.is((await s.run(['deploy', '--env', 'prod', '--yes'])).code, 0);
  const refused = await s.run(['destroy', '--env', 'prod', '--confirm', 'tap-prod']);
  assert.is(refused.code, 10);
  assert.match(refused.stderr, /refused prod keeps its data \(DataProtection=retain\): destroy is refused\./);
  assert.not.ok(ops(refused.calls).includes('cfn.deleteStack'));

  const forced = await s.run(['destroy', '--env', 'prod', '--confirm', 'tap-prod', '--force']);
  assert.is(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /Termination protection turned off \(--force\)\./);
  assert.match(forced.stdout, /stateful resources are kept \(DataProtection=retain\)/);
  assert.match(forced.stdout, /Registry › AWS::ECR::Repository FrontendRepository DELETE_SKIPPED/);
  assert.not.ok(ops(forced.calls).includes('s3.deleteObjects'));
  assert.not.ok(ops(forced.calls).includes('secrets.forceDeleteSecret'));
});

test.run();
