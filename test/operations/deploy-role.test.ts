/**
 * D-17: deploys act as the deploy role when params/<env>.json names one, and every change set
 * names the execution role. The fake AWS checks each call an assumed-role session makes against
 * the role's policies as the bootstrap stack deployed them (rendered from
 * templates/bootstrap.json's builder), so a deploy, a diff and a release that complete here need
 * no permission the deploy role lacks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreateChangeSetRequest } from '../../src/aws/port';
import { bootstrap } from '../../src/operations/bootstrap';
import { release } from '../../src/operations/release';
import { renderPlatform } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { deploying, diffing, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { testAssets } from '../helpers/platform';
import type { RecordedCall } from '../fakes/aws';

const DEPLOY_ROLE = 'arn:aws:iam::111122223333:role/role-deploy-tap-dev';
const EXECUTION_ROLE = 'arn:aws:iam::111122223333:role/role-cfn-exec-tap-dev';
const withDeployRole = { prepare: { assumeDeployRole: true } } as const;

let platform: ReturnType<typeof renderPlatform> | undefined;
const realPlatform = () => (platform ??= renderPlatform(SERVICE_CATALOG, testAssets()));

/** The real platform's environment, bootstrapped with the account's own credentials, its images pushed. */
async function bootstrapped(): Promise<Scenario> {
  const s = new Scenario('dev', { platform: realPlatform(), bucket: false });
  expectOutcome((await s.operate(bootstrap, { answers: ['yes'] })).outcome, 'bootstrapped');
  for (const service of SERVICE_CATALOG) s.aws.pushImage(`ecr-${service.name}-dev`, '1.0.0');
  s.editParams((d) => { d.deployment['deployRoleArn'] = DEPLOY_ROLE; });
  return s;
}

const asRole = (calls: readonly RecordedCall[]) => calls.filter((c) => c.role === 'role-deploy-tap-dev');
const createRequests = (calls: readonly RecordedCall[]) => calls.filter((c) => c.op === 'cfn.createChangeSet').map((c) => c.args[0] as CreateChangeSetRequest);

test('D-17: a deploy, a diff and a release as the deploy role need no permission it lacks; each change set names the execution role', async () => {
  const s = await bootstrapped();
  const deployed = await s.operate(deploying(), { ...withDeployRole, answers: ['yes'] });
  expectOutcome(deployed.outcome, 'deployed');
  assert.is(ops(deployed.calls).filter((op) => op === 'sts.assumeRole').length, 1);
  // Everything after AssumeRole was made as the role, and the permission model allowed every call.
  const afterAssume = deployed.calls.slice(deployed.calls.findIndex((c) => c.op === 'sts.assumeRole') + 1);
  assert.ok(afterAssume.length > 20, `${afterAssume.length} calls`);
  assert.equal(afterAssume.filter((c) => c.role !== 'role-deploy-tap-dev').map((c) => c.op), []);
  assert.equal(s.aws.denials, []);
  for (const op of ['s3.headBucket', 's3.headObject', 's3.putObject', 'cfn.createChangeSet', 'cfn.describeChangeSet', 'cfn.executeChangeSet', 'cfn.describeStackEvents', 'cfn.describeStack']) {
    assert.ok(asRole(deployed.calls).some((c) => c.op === op), `${op} was made as the deploy role`);
  }

  s.editParams((d) => { d.parameters['DesiredCount'] = 2; });
  const diffed = await s.operate(diffing(), withDeployRole);
  expectOutcome(diffed.outcome, 'reviewed');
  s.editParams((d) => { d.parameters['DesiredCount'] = 1; });
  await s.operate(deploying(), { ...withDeployRole, answers: ['yes'] });

  s.aws.pushImage('ecr-frontend-dev', '1.0.1');
  s.editParams((d) => { d.imageTags['frontend'] = '1.0.1'; });
  const released = await s.operate((c, io) => release(c, io, { service: 'frontend', tag: '1.0.1' }), { ...withDeployRole, answers: ['yes'] });
  expectOutcome(released.outcome, 'released');
  assert.ok(asRole(released.calls).some((c) => c.op === 'ecr.describeImage'));
  assert.equal(s.aws.denials, [], 'no call of any of them was denied');

  const requests = [...deployed.calls, ...diffed.calls, ...released.calls].filter((c) => c.op === 'cfn.createChangeSet').map((c) => c.args[0] as CreateChangeSetRequest);
  assert.ok(requests.length >= 3);
  assert.equal([...new Set(requests.map((r) => r.roleArn))], [EXECUTION_ROLE], 'RoleARN on every CreateChangeSet');
  assert.is(s.aws.rootStack('tap-dev')?.roleArn, EXECUTION_ROLE);
});

test('D-17: the permission model refuses what the deploy role does not allow: the bootstrap stack, other stacks, other buckets', async () => {
  const s = await bootstrapped();
  const credentials = await s.aws.port.sts.assumeRole(DEPLOY_ROLE, 'test');
  const port = s.aws.portFor(credentials);
  await port.cfn.describeStack('tap-dev');
  for (const denied of [
    () => port.cfn.describeStack('tap-dev-bootstrap'),
    () => port.cfn.describeStack('tap-prod'),
    () => port.s3.headBucket('someone-elses-bucket', '111122223333'),
    () => port.iam.roleExists('role-cfn-exec-tap-dev'),
  ]) {
    await denied().then(() => assert.unreachable('allowed'), (error: Error) => assert.match(error.message, /is not authorized to perform: .* on resource: .* because no identity-based policy allows/));
  }
  assert.equal(s.aws.denials.map((d) => d.action), ['cloudformation:DescribeStacks', 'cloudformation:DescribeStacks', 's3:ListBucket', 'iam:GetRole']);
});

test('D-17: without the bootstrapped deploy role the deploy stops before any change, naming the role', async () => {
  const s = new Scenario('dev', { platform: realPlatform() });
  s.editParams((d) => { d.deployment['deployRoleArn'] = DEPLOY_ROLE; });
  const { outcome, calls } = await s.operate(deploying(), { ...withDeployRole, answers: ['yes'] });
  const reason = expectOutcome(outcome, 'precondition').reason;
  assert.is(reason.kind, 'assume-role-failed');
  if (reason.kind === 'assume-role-failed') assert.equal([reason.roleArn, reason.error.code], [DEPLOY_ROLE, 'AccessDenied']);
  assert.equal(s.aws.mutatingCalls().filter((c) => calls.includes(c)), []);
});

test('D-17: a caller that already is the deploy role (a CI job through GitHub OIDC) keeps its session: no second AssumeRole', async () => {
  const s = new Scenario('dev', { callerArn: 'arn:aws:sts::111122223333:assumed-role/role-deploy-tap-dev/GitHubActions' });
  s.editParams((d) => { d.deployment['deployRoleArn'] = DEPLOY_ROLE; });
  const { outcome, calls } = await s.operate(deploying(), { ...withDeployRole, answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  assert.not.ok(ops(calls).includes('sts.assumeRole'));
});

test('D-17: the bootstrap stack itself is created with the caller\'s credentials and without a RoleARN; the platform stack with it', async () => {
  const s = await bootstrapped();
  const bootstrapRequest = createRequests(s.aws.calls).find((r) => r.stackName === 'tap-dev-bootstrap');
  assert.is(bootstrapRequest?.roleArn, undefined);
  const { calls } = await s.operate(deploying(), { answers: ['yes'] });
  assert.equal(createRequests(calls).map((r) => r.roleArn), [EXECUTION_ROLE]);
  assert.equal(asRole(calls), [], 'without assumeDeployRole (bootstrap, destroy, drift, outputs) nothing is assumed');
});

test.run();
