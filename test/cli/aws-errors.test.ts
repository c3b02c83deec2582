/**
 * D-8 AWS errors in words and exit classes (issue 13 #6), through the real entry point against the
 * fake AWS: the failed request and its resource are named, a long message is shortened (its whole
 * text is in .tap/<env>/aws-errors.log), network and credential failures exit 4 (not 1), AWS
 * refusing a request exits 13, and the "another operation" hint after a refused ExecuteChangeSet
 * appears only when another operation is running.
 *
 * Before this change: "error The specified bucket does not exist" with exit 1, a 2,000-character
 * message printed whole, connection refused exit 1, and the hint after every refusal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../src/aws/port';
import { Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props } from '../fakes/platform-fixture';

const DEPLOY = ['deploy', '--env', 'dev', '--yes'];
const BUCKET = 'tap-artifacts-111122223333-eu-west-1';
const changed = () => fixturePlatform((t) => {
  props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90;
});

test('D-8: an S3 error names the request and the object (S3 PutObject s3://bucket/key), exits 13, and its whole text is logged', async () => {
  const s = new Scenario('dev');
  s.aws.inject('s3.putObject', new AwsError('other', 'NoSuchBucket', 'The specified bucket does not exist', 's3.putObject', 404, { requestId: 'TX1' }));
  const result = await s.run(DEPLOY);
  assert.is(result.code, 13, result.stderr);
  assert.match(result.stderr, new RegExp(`^error S3 PutObject s3://${BUCKET}/templates/[0-9a-f]{64}\\.json: The specified bucket does not exist \\(NoSuchBucket\\)$`, 'm'));
  assert.match(result.stderr, /^ {2}Whole error: \.tap\/dev\/aws-errors\.log$/m);
  assert.match(s.stateFile('aws-errors.log'), /S3 PutObject s3:\/\/\S+ \(NoSuchBucket, HTTP 404, request id TX1\)\nThe specified bucket does not exist/);
  assert.not.match(result.stderr, /nother operation/);
});

test('D-8: a 2,000-character message is shortened to what matters; the log holds all of it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  const message = `Template format error: Unresolved resource dependencies [${Array.from({ length: 180 }, (_, i) => `MissingResource${i}`).join(', ')}] in the Resources block of the template`;
  assert.ok(message.length > 2000);
  s.aws.inject('cfn.createChangeSet', new AwsError('validation', 'ValidationError', message, 'cfn.createChangeSet', 400));
  const result = await s.run(DEPLOY);
  assert.is(result.code, 3, result.stderr);
  const line = result.stderr.split('\n').find((l) => l.startsWith('error ')) ?? '';
  assert.ok(line.length < 400, `printed ${line.length} characters`);
  assert.match(line, /^error CloudFormation CreateChangeSet rejected the change set: Template format error: Unresolved resource dependencies \[MissingResource0, .*… \(whole text in \.tap\/dev\/aws-errors\.log\)$/);
  assert.ok(s.stateFile('aws-errors.log').includes(message));
});

test('D-8: connection refused exits 4 (not 1), names the request, its resource and the endpoint', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.inject('cfn.describeStack', ...Array.from({ length: 4 }, () => new AwsError('transient', 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4566', 'cfn.describeStack')));
  const result = await s.run(DEPLOY, { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } });
  assert.is(result.code, 4, result.stderr);
  assert.match(result.stderr, /^error CloudFormation DescribeStacks stack tap-dev: connect ECONNREFUSED 127\.0\.0\.1:4566 \(ECONNREFUSED\)$/m);
  assert.match(result.stderr, /Nothing answered at the endpoint http:\/\/127\.0\.0\.1:4566 \(AWS_ENDPOINT_URL\): is it running, and is the address right\?/);
  assert.match(result.stderr, /Before it, this run had changed nothing in AWS\./);
});

test('D-8: credentials that expire mid-deploy exit 4, naming what this run had already sent', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.inject('cfn.createChangeSet', new AwsError('credentials', 'ExpiredToken', 'The security token included in the request is expired', 'cfn.createChangeSet', 403));
  const result = await s.run(DEPLOY);
  assert.is(result.code, 4, result.stderr);
  assert.match(result.stderr, /^error CloudFormation CreateChangeSet change set tap-dev-\S+ on stack tap-dev: The security token included in the request is expired \(ExpiredToken\)$/m);
  assert.match(result.stderr, /The credentials were refused \(expired or invalid\)/);
  assert.match(result.stderr, /Before it, this run had sent:\n {4}S3 PutObject ×2 s3:\/\/\S+ and 1 more\n/);
});

test('D-8: throttling that outlasts the retries exits 4 with its own hint', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.throttle('cfn.getTemplate', 8);
  const result = await s.run(DEPLOY);
  assert.is(result.code, 4, result.stderr);
  assert.match(result.stderr, /^error CloudFormation GetTemplate stack tap-dev: Rate exceeded \(ThrottlingException\)$/m);
  assert.match(result.stderr, /AWS kept throttling after the retries; run the command again in a few minutes\./);
});

test('D-8: after a refused ExecuteChangeSet with nothing else running, no "another operation" hint', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.inject('cfn.executeChangeSet', new AwsError('conflict', 'InvalidChangeSetStatus', 'ChangeSet cannot be executed in its current execution status', 'cfn.executeChangeSet', 400));
  const result = await s.run(DEPLOY);
  assert.is(result.code, 4, result.stderr);
  assert.match(result.stderr, /^error CloudFormation ExecuteChangeSet refused the change set: InvalidChangeSetStatus: ChangeSet cannot be executed in its current execution status$/m);
  assert.match(result.stderr, /^ {2}Nothing was executed; the change set is still AVAILABLE\.$/m);
  assert.not.match(result.stderr, /nother operation/);
});

test('D-8: after a refused ExecuteChangeSet because another deployment started, the hint says so (it is true)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  assert.is((await s.run(['diff', '--env', 'dev'])).code, 0);
  const other = s.aws.pendingChangeSets()[0].id;
  s.clock.advance(60_000);
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 120; });
  const result = await s.run(['deploy', '--env', 'dev'], {
    tty: true,
    answers: [async () => {
      await s.aws.port.cfn.executeChangeSet(other, 'someone-else');
      return 'yes';
    }],
  });
  assert.is(result.code, 4, result.stderr);
  assert.match(result.stderr, /^ {2}Another operation is running on tap-dev \(UPDATE_IN_PROGRESS\); nothing of this change set was executed\. make deploy ENV=dev follows it\.$/m);
});

test.run();
