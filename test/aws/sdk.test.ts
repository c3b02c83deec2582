/**
 * D-12: the SDK adapter's error classification (what the retry layer and the pipeline decide on)
 * and endpoint configuration.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHANGE_ACTIONS, STACK_STATUSES, type ChangeAction, type RootParameterName, type StackStatus } from '../../src/aws/port';
import { endpointFor, templateEndpoint, usesPathStyle } from '../../src/aws/endpoint';
import { templateUrl } from '../../src/operations/package/package';
import { classifySdkError, imageLookupOf, recognize } from '../../src/aws/sdk';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}), ...extra });

test('D-12: SDK errors are classified by what the caller can do about them', () => {
  const kind = (error: unknown) => classifySdkError(error, 'cfn.op').kind;
  assert.is(kind(sdkError('ThrottlingException', 400)), 'throttled');
  assert.is(kind(sdkError('Throttling', 400)), 'throttled');
  assert.is(kind(sdkError('SlowDown', 503)), 'throttled');
  assert.is(kind(sdkError('Anything', 400, { $retryable: { throttling: true } })), 'throttled');
  assert.is(kind(sdkError('CredentialsProviderError')), 'credentials');
  assert.is(kind(sdkError('ExpiredToken', 403)), 'credentials');
  assert.is(kind(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'transient');
  assert.is(kind(sdkError('TimeoutError')), 'transient');
  assert.is(kind(sdkError('InternalFailure', 500)), 'transient');
  assert.is(kind(Object.assign(new Error('Deserialization error: to see the raw response…'), { name: 'Error', $metadata: { httpStatusCode: 500 } })), 'unsupported');
  assert.is(kind(sdkError('AccessDenied', 403)), 'access-denied');
  assert.is(kind(sdkError('AlreadyExistsException', 400)), 'conflict');
  assert.is(kind(sdkError('InvalidChangeSetStatus', 400)), 'conflict');
  assert.is(kind(sdkError('ValidationError', 400)), 'validation');
  const classified = classifySdkError(sdkError('ValidationError', 400), 'cfn.describeStack');
  assert.is(classified.code, 'ValidationError');
  assert.is(classified.operation, 'cfn.describeStack');
  assert.is(classified.httpStatus, 400);
});

test('D-8: a classified error keeps the whole message (first line as its message) and AWS\'s request id', () => {
  const long = Object.assign(new Error('Template format error: Unresolved resource dependencies [A]\nin the Resources block'), { name: 'ValidationError', $metadata: { httpStatusCode: 400, requestId: 'req-1' } });
  const classified = classifySdkError(long, 'cfn.createChangeSet');
  assert.is(classified.message, 'Template format error: Unresolved resource dependencies [A]');
  assert.equal(classified.context, { requestId: 'req-1', fullText: 'Template format error: Unresolved resource dependencies [A]\nin the Resources block' });
  assert.equal(classifySdkError(sdkError('ValidationError', 400), 'cfn.op').context, {}, 'nothing added when there is nothing more to say');
});

test('D-12: S3 is path-style on an IP address, localhost or an emulator host; AWS\'s own endpoints stay virtual-hosted', () => {
  for (const endpoint of ['http://127.0.0.1:5000', 'http://[::1]:5000', 'http://localhost:4566', 'http://10.0.0.7:9000', 'http://moto:5000', 'http://s3.localhost.localstack.cloud:4566']) assert.ok(usesPathStyle(endpoint), endpoint);
  for (const endpoint of ['https://s3.eu-west-1.amazonaws.com', 'https://bucket.vpce-0a1b-2c3d.s3.eu-west-1.vpce.amazonaws.com', 'https://s3.cn-north-1.amazonaws.com.cn', 'https://s3.dualstack.eu-west-1.api.aws']) assert.not.ok(usesPathStyle(endpoint), endpoint);
  assert.not.ok(usesPathStyle(undefined), 'no endpoint: the SDK default');
});

test('D-12: TemplateURLs on a loopback address name it localhost (emulators parse the URL; moto reads 127.0.0.1/bucket as bucket "127")', () => {
  assert.is(templateEndpoint('http://127.0.0.1:5055'), 'http://localhost:5055/');
  assert.is(templateEndpoint('http://[::1]:5055'), 'http://localhost:5055/');
  assert.is(templateEndpoint('http://localhost:5055'), 'http://localhost:5055');
  assert.is(templateEndpoint('http://10.0.0.7:5055'), 'http://10.0.0.7:5055', 'another machine is not localhost');
  assert.is(templateUrl({ bucket: 'b', region: 'eu-west-1', endpoint: 'http://127.0.0.1:5055' }, 'templates/x.json'), 'http://localhost:5055/b/templates/x.json');
});

test('D-12: AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL', () => {
  assert.is(endpointFor({ AWS_ENDPOINT_URL: 'http://localhost:5000' }, 'S3'), 'http://localhost:5000');
  assert.is(endpointFor({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://b' }, 'S3'), 'http://b');
  assert.is(endpointFor({}, 'S3'), undefined);
});

test('D-12: enumerations become the port\'s unions; a value AWS adds later stays visible and matches no known one', () => {
  assert.is(recognize(STACK_STATUSES, 'UPDATE_ROLLBACK_FAILED'), 'UPDATE_ROLLBACK_FAILED');
  const later: StackStatus = recognize(STACK_STATUSES, 'UPDATE_PAUSED');
  assert.is(later, 'unrecognized:UPDATE_PAUSED');
  assert.not.ok((STACK_STATUSES as readonly string[]).includes(later));
  assert.is(recognize(CHANGE_ACTIONS, undefined), 'unrecognized:(none)');
  const action: ChangeAction = recognize(CHANGE_ACTIONS, 'SyncWithActual');
  assert.is(action, 'SyncWithActual');
});

test('D-12: statuses, change actions and root parameter names are unions: a misspelt one does not compile', () => {
  const status = recognize(STACK_STATUSES, 'CREATE_COMPLETE') as StackStatus;
  const action = recognize(CHANGE_ACTIONS, 'Add') as ChangeAction;
  // @ts-expect-error 'UPDATE_ROLLBAK_FAILED' is no stack status
  const misspeltStatus = status === 'UPDATE_ROLLBAK_FAILED';
  // @ts-expect-error 'Delete' is no change action (CloudFormation says Remove)
  const misspeltAction = action === 'Delete';
  // @ts-expect-error 'DataProtecton' is no root parameter
  const misspeltParameter: RootParameterName = 'DataProtecton';
  const spelt: RootParameterName = 'DataProtection';
  assert.equal([misspeltStatus, misspeltAction, misspeltParameter, spelt], [false, false, 'DataProtecton', 'DataProtection']);
});

test('D-16: an archived (or still activating) image is not there for a deploy: ECR describes it, but it cannot be pulled', () => {
  const pushedAt = new Date('2026-11-30T10:00:00Z');
  assert.equal(imageLookupOf({ imageDigest: 'sha256:a', imagePushedAt: pushedAt, imageStatus: 'ACTIVE' }), { kind: 'found', digest: 'sha256:a', pushedAt });
  assert.equal(imageLookupOf({ imageDigest: 'sha256:a' }), { kind: 'found', digest: 'sha256:a' }, 'no status: an emulator or an older API');
  assert.equal(imageLookupOf({ imageDigest: 'sha256:a', imageStatus: 'ARCHIVED' }), { kind: 'image-missing' });
  assert.equal(imageLookupOf({ imageDigest: 'sha256:a', imageStatus: 'ACTIVATING' }), { kind: 'image-missing' });
  assert.equal(imageLookupOf(undefined), { kind: 'image-missing' });
});

test.run();
