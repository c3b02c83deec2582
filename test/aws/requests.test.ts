/**
 * Issue 13 #6: port calls in AWS's words (the request and its resource), what counts as a change,
 * and errors that carry their request's resource through the session.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../src/aws/port';
import { describeRequest, isReadOperation, nameInArn } from '../../src/aws/requests';
import { sessionFromPort } from '../../src/aws/session';
import { FakeAws, MUTATING } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';

test('D-8: each request is named as AWS names it, with the resource it is about', () => {
  assert.equal(describeRequest('s3.putObject', [{ bucket: 'b', key: 'templates/x.json' }]), { api: 'S3 PutObject', resource: 's3://b/templates/x.json' });
  assert.equal(describeRequest('s3.headBucket', ['b', '1']), { api: 'S3 HeadBucket', resource: 's3://b' });
  assert.equal(describeRequest('cfn.describeStack', ['tap-dev']), { api: 'CloudFormation DescribeStacks', resource: 'stack tap-dev' });
  assert.equal(describeRequest('cfn.getTemplate', ['arn:aws:cloudformation:eu-west-1:1:stack/tap-dev-Network-X/uuid']), { api: 'CloudFormation GetTemplate', resource: 'stack tap-dev-Network-X' });
  assert.equal(describeRequest('cfn.createChangeSet', [{ stackName: 'tap-dev', changeSetName: 'tap-dev-1' }]), { api: 'CloudFormation CreateChangeSet', resource: 'change set tap-dev-1 on stack tap-dev' });
  assert.equal(describeRequest('cfn.executeChangeSet', ['arn:aws:cloudformation:eu-west-1:1:changeSet/tap-dev-1/uuid', 'token']), { api: 'CloudFormation ExecuteChangeSet', resource: 'change set tap-dev-1' });
  assert.equal(describeRequest('sts.callerIdentity', []), { api: 'STS GetCallerIdentity' });
  assert.equal(describeRequest('ecs.listStoppedTasks', ['c', 's']), { api: 'ECS ListTasks', resource: 'service s in cluster c' });
  assert.equal(describeRequest('secrets.forceDeleteSecret', ['arn:s']), { api: 'Secrets Manager DeleteSecret', resource: 'secret arn:s' });
  // A method added later is still named.
  assert.equal(describeRequest('ecs.describeImages', ['x']), { api: 'ECS DescribeImages' });
  assert.is(nameInArn('tap-dev'), 'tap-dev');
});

test('D-13: reads are told from requests that change AWS (the journal of an interrupted run lists only the latter)', () => {
  for (const op of ['s3.headBucket', 's3.headObject', 's3.listObjectVersions', 'cfn.describeStack', 'cfn.getTemplate', 'cfn.listChangeSets', 'sts.callerIdentity', 'sts.configuredRegion', 'ecs.describeService']) assert.ok(isReadOperation(op), op);
  for (const op of ['s3.putObject', 's3.deleteObjects', 'cfn.createChangeSet', 'cfn.executeChangeSet', 'cfn.deleteStack', 'cfn.setStackPolicy', 'cfn.updateTerminationProtection', 'secrets.forceDeleteSecret']) assert.not.ok(isReadOperation(op), op);
});

test('D-8: an error leaving the session names the resource of its request', async () => {
  const clock = new FakeClock();
  const aws = new FakeAws({ clock });
  aws.createBucket('tap-artifacts');
  aws.inject('s3.putObject', new AwsError('other', 'NoSuchBucket', 'The specified bucket does not exist', 's3.putObject', 404, { requestId: 'R1' }));
  const session = sessionFromPort(aws.port, { region: 'eu-west-1', clock });
  const error = await session.port.s3.putObject({ bucket: 'tap-artifacts', key: 'templates/a.json', body: new Uint8Array(), contentType: 'application/json', expectedOwner: aws.account }).then(() => undefined, (e: unknown) => e);
  assert.instance(error, AwsError);
  assert.equal((error as AwsError).context, { resource: 's3://tap-artifacts/templates/a.json', requestId: 'R1' });
  assert.is((error as AwsError).operation, 's3.putObject');
});


test('D-13: every request of the port is a read or a change as the fake AWS models it; only DetectStackDrift starts something without changing a resource', () => {
  const aws = new FakeAws({ clock: new FakeClock() });
  const operations = Object.entries(aws.port).flatMap(([group, methods]) => Object.keys(methods as object).map((method) => `${group}.${method}`));
  assert.ok(operations.length > 40, `${operations.length} port methods`);
  const startsWithoutChanging = new Set(['cfn.detectStackDrift']);
  const misjudged = operations.filter((op) => isReadOperation(op) === (MUTATING.has(op) || startsWithoutChanging.has(op)));
  assert.equal(misjudged, []);
});

test.run();
