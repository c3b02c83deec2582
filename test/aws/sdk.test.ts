/**
 * D-12: the SDK adapter's error classification (what the retry layer and the pipeline decide on)
 * and endpoint configuration.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifySdkError, endpointFor } from '../../src/aws/sdk';

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

test('D-12: AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL', () => {
  assert.is(endpointFor({ AWS_ENDPOINT_URL: 'http://localhost:5000' }, 'S3'), 'http://localhost:5000');
  assert.is(endpointFor({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://b' }, 'S3'), 'http://b');
  assert.is(endpointFor({}, 'S3'), undefined);
});

test.run();
