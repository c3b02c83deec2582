/**
 * D-1 Bootstrap: the artifact bucket stack (template properties) and `tap bootstrap`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ARTIFACT_BUCKET_EXPORT, bootstrapStackName, buildBootstrap } from '../../src/stacks/bootstrap';
import type { JsonObject } from '../../src/core/template-json';
import { ops, Scenario } from '../helpers/deploy-harness';

const template = () => buildBootstrap().render();
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

test('D-1: tap bootstrap creates <stack>-bootstrap through a reviewed change set, then has nothing to do', async () => {
  const s = new Scenario('dev', { bucket: false });
  const first = await s.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(first.code, 0, first.stderr);
  const request = first.calls.find((c) => c.op === 'cfn.createChangeSet')?.args[0] as { stackName: string; template: { body?: string }; parameters: Record<string, string> };
  assert.is(request.stackName, 'tap-dev-bootstrap');
  assert.ok(request.template.body?.includes('"ArtifactBucketName"'), 'the template goes inline: the bucket does not exist yet');
  assert.equal(request.parameters, { Environment: 'dev', DataProtection: 'delete', ArtifactBucketName: 'tap-artifacts-111122223333-eu-west-1' });
  assert.not.ok(ops(first.calls).includes('s3.putObject'));
  assert.match(first.stdout, /\+ ArtifactBucket\s+AWS::S3::Bucket/);
  assert.match(first.stdout, /Artifact bucket tap-artifacts-111122223333-eu-west-1 is ready \(stack tap-dev-bootstrap; export tap-dev-bootstrap-ArtifactBucketName\)/);
  assert.ok(s.aws.buckets.has('tap-artifacts-111122223333-eu-west-1'));

  const again = await s.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /No changes: the deployed templates \(all 1 stack\), parameters and tags are identical/);
  assert.not.ok(ops(again.calls).includes('cfn.createChangeSet'));

  // The platform deploy now finds its bucket.
  assert.is((await s.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
});

test('D-1: without --yes and a terminal the bootstrap change set waits; a bucket nobody manages is a clear stop', async () => {
  const s = new Scenario('dev', { bucket: false });
  const left = await s.run(['bootstrap', '--env', 'dev']);
  assert.is(left.code, 5);
  assert.match(left.stdout, /After reviewing it above, run: make bootstrap ENV=dev ARGS='--yes'/);

  const taken = new Scenario('dev');
  const result = await taken.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(result.code, 4);
  assert.match(result.stderr, /bucket tap-artifacts-111122223333-eu-west-1 already exists in account 111122223333 but no tap-dev-bootstrap stack manages it/);
});

test.run();
