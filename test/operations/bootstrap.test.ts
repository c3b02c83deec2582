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

test.run();
