/**
 * P-SEC: API-key rotation, end to end: the exported handler of src/lambdas/rotate-api-key.ts talks
 * HTTP to a moto server's Secrets Manager and ECS (found through AWS_ENDPOINT_URL alone, the SDK's
 * standard endpoint override). Secrets Manager's part — RotateSecret creating the empty AWSPENDING
 * version, then invoking the four steps with its token — is played by the test, as described in
 * helpers/moto-rotation.ts.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { handler } from '../../../src/lambdas/rotate-api-key';
import { failLoudly } from '../../helpers/fail-loudly';
import { startMotoServer, type MotoServer } from '../../helpers/moto-server';
import { createEcsService, ecsClient, Evidence, primaryDeployment, useFunctionEnvironment } from './helpers/integration';
import { createSecret, labels, prepareRotationLambda, smClient, startRotation, valueAt } from './helpers/moto-rotation';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
const KEY_PATTERN = /^[A-Za-z0-9]{40}$/;

let moto: MotoServer;
let sm: SecretsManagerClient;
let ecs: ECSClient;
let rotationLambdaArn: string;
let restoreEnv: () => void;
const evidence = new Evidence();

async function apiKeyAt(arn: string, stage: string): Promise<string> {
  const key = JSON.parse(await valueAt(sm, arn, stage)).apiKey as string;
  evidence.remember(key);
  return key;
}

async function newKeySecret(name: string, tags: Record<string, string> = {}) {
  // Random, and nothing of the secret's name in it: the leak check looks for any 8 characters of it.
  const key = `CanaryKey${randomBytes(24).toString('hex').slice(0, 31)}`;
  evidence.remember(key);
  const arn = await createSecret(sm, name, JSON.stringify({ apiKey: key, consumer: 'pricing' }), tags);
  return { arn, key };
}

test.before(failLoudly('rotation/api-key', async () => {
  moto = await startMotoServer();
  sm = smClient(moto.endpoint);
  ecs = ecsClient(moto.endpoint);
  rotationLambdaArn = await prepareRotationLambda(moto.endpoint);
  restoreEnv = useFunctionEnvironment({ AWS_ENDPOINT_URL: moto.endpoint });
}));

test.after(async () => {
  restoreEnv?.();
  await moto?.stop();
});

test('P-SEC: an api-key rotation yields a new well-formed key as AWSCURRENT, the old one as AWSPREVIOUS, and redeploys the service', async () => {
  await createEcsService(ecs, 'ecs-platform-dev', 'gateway');
  const before = await primaryDeployment(ecs, 'ecs-platform-dev', 'gateway');
  const { arn, key } = await newKeySecret('tap/gateway-api-key', { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'gateway' });
  const [v1] = Object.keys(await labels(sm, arn));
  const token = await startRotation(sm, arn, rotationLambdaArn);

  const logs = [];
  for (const step of STEPS) logs.push(...(await evidence.ok(handler, arn, token, step)));

  assert.equal(await labels(sm, arn), { [v1 as string]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
  const next = await apiKeyAt(arn, 'AWSCURRENT');
  assert.match(next, KEY_PATTERN);
  assert.is.not(next, key);
  assert.is(await apiKeyAt(arn, 'AWSPREVIOUS'), key);
  assert.is(JSON.parse(await valueAt(sm, arn, 'AWSCURRENT')).consumer, 'pricing', 'other fields carried over');
  assert.is.not(await primaryDeployment(ecs, 'ecs-platform-dev', 'gateway'), before);
  assert.ok(logs.some((l) => l['redeploy'] === 'redeployed'));
});

test('P-SEC: every api-key step run twice is harmless', async () => {
  const { arn, key } = await newKeySecret('tap/twice-api-key');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token, 'createSecret');
  const pending = await apiKeyAt(arn, 'AWSPENDING');
  for (const step of STEPS) await evidence.ok(handler, arn, token, step);
  const again = await evidence.ok(handler, arn, token, 'finishSecret');
  assert.ok(again.some((l) => l['outcome'] === 'already-current'));
  assert.is(await apiKeyAt(arn, 'AWSCURRENT'), pending, 'the key created first is the one that became current');
  assert.is(await apiKeyAt(arn, 'AWSPREVIOUS'), key);
  assert.ok(again.some((l) => l['redeploy'] === 'no-target'), 'untagged secret: no redeploy attempted');
});

test('P-SEC: a second rotation of the same secret moves AWSPREVIOUS along and drops the first version', async () => {
  const { arn, key } = await newKeySecret('tap/twice-rotated-api-key');
  const token1 = await startRotation(sm, arn, rotationLambdaArn);
  for (const step of STEPS) await evidence.ok(handler, arn, token1, step);
  const second = await apiKeyAt(arn, 'AWSCURRENT');
  const token2 = await startRotation(sm, arn, rotationLambdaArn);
  for (const step of STEPS) await evidence.ok(handler, arn, token2, step);
  const third = await apiKeyAt(arn, 'AWSCURRENT');
  assert.equal(await labels(sm, arn), { [token1]: ['AWSPREVIOUS'], [token2]: ['AWSCURRENT', 'AWSPENDING'] });
  assert.is(await apiKeyAt(arn, 'AWSPREVIOUS'), second);
  assert.equal(new Set([key, second, third]).size, 3);
});

test('P-SEC: testSecret rejects a hand-made pending key that is not well-formed, leaving AWSCURRENT in place', async () => {
  const { arn, key } = await newKeySecret('tap/forged-api-key');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, VersionStages: ['AWSPENDING'], SecretString: JSON.stringify({ apiKey: 'too-short!' }) }));
  await evidence.ok(handler, arn, token, 'createSecret'); // sees the pending value and keeps it
  await evidence.fails(handler, arn, token, 'testSecret', /AWSPENDING apiKey has 10 characters, expected 40/);
  assert.is(await apiKeyAt(arn, 'AWSCURRENT'), key);
  await evidence.fails(handler, arn, 'ffffffff-0000-0000-0000-000000000000', 'createSecret', /is not a version of secret/);
});

test('P-SEC: no 8 characters of any api key appeared in a log line or error message of this file', () => {
  evidence.assertNoSecretLogged(8);
});

test.run();
