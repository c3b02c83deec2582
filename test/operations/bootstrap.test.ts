/**
 * D-1 Bootstrap: the artifact bucket stack (template properties) and the bootstrap operation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ARTIFACT_BUCKET_EXPORT, bootstrapStackName, buildBootstrap } from '../../src/stacks/bootstrap';
import type { JsonObject } from '../../src/core/template-json';
import { bootstrap } from '../../src/operations/bootstrap';
import { deploying, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';

import { platformTemplates } from '../helpers/platform';

const template = () => buildBootstrap(platformTemplates().filter((t) => t.name !== 'bootstrap')).render();
const bucket = () => template().Resources['ArtifactBucket'].Properties as JsonObject;

test('D-1: the artifact bucket is encrypted (SSE-S3), versioned, private, owner-enforced and named from the params file', () => {
  assert.equal(bucket()['BucketName'], { Ref: 'ArtifactBucketName' });
  assert.equal(bucket()['BucketEncryption'], { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] });
  assert.equal(bucket()['VersioningConfiguration'], { Status: 'Enabled' });
  assert.equal(bucket()['PublicAccessBlockConfiguration'], { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
  assert.equal(bucket()['OwnershipControls'], { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
});

test('D-1: lifecycle expires objects after 90 days, old versions after 7, incomplete uploads after 1', () => {
  const [rule] = (bucket()['LifecycleConfiguration'] as { Rules: JsonObject[] }).Rules;
  assert.is(rule['Status'], 'Enabled');
  assert.is(rule['ExpirationInDays'], 90);
  assert.is(rule['NoncurrentVersionExpirationInDays'], 7);
  assert.equal(rule['AbortIncompleteMultipartUpload'], { DaysAfterInitiation: 1 });
});

test('D-1: the bucket policy denies every request without TLS, on the bucket and its objects', () => {
  const policy = template().Resources['ArtifactBucketPolicy'];
  assert.is(policy.Type, 'AWS::S3::BucketPolicy');
  const [statement] = ((policy.Properties as JsonObject)['PolicyDocument'] as { Statement: JsonObject[] }).Statement;
  assert.equal(statement, {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [{ 'Fn::GetAtt': ['ArtifactBucket', 'Arn'] }, { 'Fn::Sub': '${ArtifactBucket.Arn}/*' }],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
});

test('D-1 / P-DATA: the bucket is retained when DataProtection=retain, tagged, and its name exported', () => {
  const t = template();
  const resource = t.Resources['ArtifactBucket'];
  assert.equal(resource.DeletionPolicy, { 'Fn::If': ['RetainStatefulResources', 'Retain', 'Delete'] });
  assert.is(t.Transform, 'AWS::LanguageExtensions');
  const tags = (resource.Properties as { Tags: { Key: string }[] }).Tags.map((tag) => tag.Key);
  assert.equal(tags, ['project', 'environment', 'service']);
  assert.equal((t.Outputs?.['ArtifactBucketName'] as unknown as { Export: unknown }).Export, { Name: { 'Fn::Sub': ARTIFACT_BUCKET_EXPORT } });
  assert.is(bootstrapStackName('tap-dev'), 'tap-dev-bootstrap');
});

test('D-1: bootstrap creates <stack>-bootstrap through a reviewed change set, then has nothing to do', async () => {
  const s = new Scenario('dev', { bucket: false });
  const first = await s.operate(bootstrap, { answers: ['yes'] });
  const ready = expectOutcome(first.outcome, 'bootstrapped');
  assert.equal({ ...ready, outputs: [] }, { type: 'bootstrapped', bucket: 'tap-artifacts-111122223333-eu-west-1', stackName: 'tap-dev-bootstrap', exportName: 'tap-dev-bootstrap-ArtifactBucketName', outputs: [] });
  assert.ok(ready.outputs.some((o) => o.key === 'ArtifactBucketName' && o.value === 'tap-artifacts-111122223333-eu-west-1'));
  const request = first.calls.find((c) => c.op === 'cfn.createChangeSet')?.args[0] as { stackName: string; template: { body?: string }; parameters: Record<string, string> };
  assert.is(request.stackName, 'tap-dev-bootstrap');
  assert.ok(request.template.body?.includes('"ArtifactBucketName"'), 'the template goes inline: the bucket does not exist yet');
  assert.equal(request.parameters, {
    Environment: 'dev', DataProtection: 'delete', ArtifactBucketName: 'tap-artifacts-111122223333-eu-west-1', PlatformStackName: 'tap-dev',
    GitHubOidc: 'disabled', CreateGitHubOidcProvider: 'false', CreateEcsServiceLinkedRole: 'true',
  });
  assert.not.ok(ops(first.calls).includes('s3.putObject'));
  assert.equal(eventsOf(first.events, 'uploaded'), [], 'nothing is uploaded');
  const [{ review }] = eventsOf(first.events, 'review-ready');
  assert.ok(review.root.changes.some((c) => c.logicalId === 'ArtifactBucket' && c.action === 'Add' && c.resourceType === 'AWS::S3::Bucket'));
  assert.equal(eventsOf(first.events, 'review-artifact'), [], 'the bootstrap stack has no --review flow');
  assert.ok(s.aws.buckets.has('tap-artifacts-111122223333-eu-west-1'));

  const again = await s.operate(bootstrap, { answers: ['yes'] });
  expectOutcome(again.outcome, 'bootstrapped');
  assert.equal(eventsOf(again.events, 'unchanged').map((e) => e.stacks), [1]);
  assert.not.ok(ops(again.calls).includes('cfn.createChangeSet'));

  // The platform deploy now finds its bucket.
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
});

test('D-1: with nobody to ask the bootstrap change set waits; a bucket nobody manages is a clear stop', async () => {
  const s = new Scenario('dev', { bucket: false });
  const left = await s.operate(bootstrap);
  assert.is(expectOutcome(left.outcome, 'left-for-review').reviewSaved, false);
  assert.not.ok(ops(left.calls).includes('cfn.executeChangeSet'));

  const taken = new Scenario('dev');
  const result = await taken.operate(bootstrap, { answers: ['yes'] });
  assert.equal(expectOutcome(result.outcome, 'precondition').reason, {
    kind: 'bucket-unmanaged', bucket: 'tap-artifacts-111122223333-eu-west-1', accountId: '111122223333', stackName: 'tap-dev-bootstrap', file: 'params/dev.json',
  });
  assert.equal(taken.aws.mutatingCalls(), []);
});


/* ---------------------------------------------------------------------------------------------- */
/* D-17: account-wide resources and the deploy role's trust                                        */
/* ---------------------------------------------------------------------------------------------- */

const bootstrapRequest = (calls: readonly { op: string; args: readonly unknown[] }[]) =>
  calls.filter((c) => c.op === 'cfn.createChangeSet').map((c) => c.args[0] as { parameters: Record<string, string> }).pop();

test('D-17: bootstrap creates the ECS service-linked role only where the account lacks it, and keeps the one it created', async () => {
  const fresh = new Scenario('dev', { bucket: false });
  const first = await fresh.operate(bootstrap, { answers: ['yes'] });
  expectOutcome(first.outcome, 'bootstrapped');
  assert.equal(eventsOf(first.events, 'bootstrap-account').map((e) => e.ecsServiceLinkedRole), ['missing']);
  assert.is(bootstrapRequest(first.calls)?.parameters['CreateEcsServiceLinkedRole'], 'true');
  assert.ok(ops(first.calls).includes('iam.roleExists'), 'read through the port');
  assert.is(fresh.aws.stack('tap-dev-bootstrap')?.resources.get('EcsServiceLinkedRole')?.physicalId, 'AWSServiceRoleForECS');
  // The stack now owns it: the next bootstrap keeps it without asking IAM (which would now say "present").
  fresh.editParams((d) => { d.parameters['DataProtection'] = 'delete'; });
  const again = await fresh.operate(bootstrap, { answers: ['yes'] });
  assert.equal(eventsOf(again.events, 'bootstrap-account').map((e) => e.ecsServiceLinkedRole), ['managed-here']);
  assert.not.ok(ops(again.calls).includes('iam.roleExists'));

  const established = new Scenario('dev', { bucket: false });
  established.aws.accountRoles.add('AWSServiceRoleForECS');
  const result = await established.operate(bootstrap, { answers: ['yes'] });
  expectOutcome(result.outcome, 'bootstrapped');
  assert.is(bootstrapRequest(result.calls)?.parameters['CreateEcsServiceLinkedRole'], 'false');
  assert.is(established.aws.stack('tap-dev-bootstrap')?.resources.get('EcsServiceLinkedRole'), undefined);
});

test('D-17 / P-TRUTH: creating the ECS service-linked role where the account has one fails the stack (why bootstrap looks first)', async () => {
  const s = new Scenario('dev', { bucket: false });
  // ECS creates the role on its own (a cluster made in the console) between the look and the execution.
  s.aws.onCall = (call) => { if (call.op === 'cfn.executeChangeSet') s.aws.accountRoles.add('AWSServiceRoleForECS'); };
  const { outcome } = await s.operate(bootstrap, { answers: ['yes'] });
  const failure = expectOutcome(outcome, 'rolled-back').failure;
  assert.is(failure.rootCause?.logicalId, 'EcsServiceLinkedRole');
  assert.match(failure.rootCause?.reason ?? '', 'Service role name AWSServiceRoleForECS has been taken in this account');
});

test('D-17: with GitHub OIDC subjects the deploy role trusts exactly them, through a provider created only where the account lacks it', async () => {
  const subjects = ['repo:acme/tap-infra:ref:refs/heads/main', 'repo:acme/tap-infra:environment:prod'];
  const s = new Scenario('dev', { bucket: false });
  s.editParams((d) => { d.deployment['githubOidc'] = { subjects }; });
  const first = await s.operate(bootstrap, { answers: ['yes'] });
  expectOutcome(first.outcome, 'bootstrapped');
  const parameters = bootstrapRequest(first.calls)?.parameters ?? {};
  assert.equal([parameters['GitHubOidc'], parameters['GitHubOidcSubjects'], parameters['CreateGitHubOidcProvider']], ['enabled', subjects.join(','), 'true']);
  assert.is(s.aws.stack('tap-dev-bootstrap')?.resources.get('GitHubOidcProvider')?.physicalId, 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com');

  // The trust statement: the provider, sts.amazonaws.com, and the subjects compared exactly.
  const trust = (template().Resources['DeployRole'].Properties as JsonObject)['AssumeRolePolicyDocument'] as JsonObject;
  const [accountPrincipals, github] = trust['Statement'] as JsonObject[];
  assert.equal(accountPrincipals['Principal'], { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } });
  assert.equal(github, { 'Fn::If': ['TrustGitHubOidc', {
    Sid: 'NamedGitHubWorkflows', Effect: 'Allow',
    Principal: { Federated: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com' } },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', 'token.actions.githubusercontent.com:sub': { Ref: 'GitHubOidcSubjects' } } },
  }, { Ref: 'AWS::NoValue' }] });

  const shared = new Scenario('dev', { bucket: false });
  shared.aws.accountOidcProviders.add('arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com');
  shared.editParams((d) => { d.deployment['githubOidc'] = { subjects }; });
  const second = await shared.operate(bootstrap, { answers: ['yes'] });
  assert.is(bootstrapRequest(second.calls)?.parameters['CreateGitHubOidcProvider'], 'false');
  assert.is(shared.aws.stack('tap-dev-bootstrap')?.resources.get('GitHubOidcProvider'), undefined);
});

test.run();
