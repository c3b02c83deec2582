/**
 * P-SEC: the rotation protocol (src/lambdas/rotation/protocol.ts + handler.ts) against an
 * in-memory Secrets Manager with the documented version/label semantics
 * (helpers/fake-secrets-manager.ts): label transitions, idempotent retries, refusals, failure
 * handling, the redeploy after finishSecret, and redaction of secret values.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { apiKeyStrategy } from '../../../src/lambdas/rotation/api-key-strategy';
import { handleRotationEvent, RotationStepFailed } from '../../../src/lambdas/rotation/handler';
import type { EcsApi } from '../../../src/lambdas/rotation/ecs-redeploy';
import { runRotationStep, type RotationStep, type RotationStrategy, type RotationValues } from '../../../src/lambdas/rotation/protocol';
import { AwsLikeError, FakeSecretsManager } from './helpers/fake-secrets-manager';
import { recordingLogger, secretFragmentLeaks } from './helpers/logs';
import { postgresStrategy } from '../../../src/lambdas/rotation/postgres-strategy';

const CANARY_KEY = 'CanaryCurrentApiKey7fQ2xW9pL4mZ8rT1vB6nK';

/** A strategy that records what the protocol hands it and can be told to fail. */
class RecordingStrategy implements RotationStrategy {
  readonly kind = 'recording';
  readonly sensitiveFields = ['apiKey'];
  readonly sets: RotationValues[] = [];
  readonly tests: RotationValues[] = [];
  failSet?: Error;
  failTest?: Error;
  async createPending(current: string, randomPassword: Parameters<RotationStrategy['createPending']>[1]): Promise<string> {
    return JSON.stringify({ ...JSON.parse(current), apiKey: await randomPassword({ length: 40, excludePunctuation: true }) });
  }
  async setPending(values: RotationValues): Promise<string> {
    this.sets.push(values);
    if (this.failSet) throw this.failSet;
    return 'set';
  }
  async testPending(values: RotationValues): Promise<string> {
    this.tests.push(values);
    if (this.failTest) throw this.failTest;
    return 'tested';
  }
}

class FakeEcs implements EcsApi {
  readonly calls: Array<[string, string]> = [];
  failWith?: Error;
  async forceNewDeployment(cluster: string, service: string): Promise<string | undefined> {
    this.calls.push([cluster, service]);
    if (this.failWith) throw this.failWith;
    return 'ecs-svc/123';
  }
}

function world(strategy: RotationStrategy = new RecordingStrategy()) {
  const sm = new FakeSecretsManager('tap-api-key-dev', JSON.stringify({ apiKey: CANARY_KEY, client: 'pricing' }));
  const ecs = new FakeEcs();
  const log = recordingLogger();
  const step = (token: string, name: RotationStep | string) =>
    handleRotationEvent({ SecretId: sm.arn, ClientRequestToken: token, Step: name }, strategy, { secrets: sm, ecs, log });
  return { sm, ecs, log, step, strategy };
}

async function rejects(work: () => Promise<unknown>, pattern: RegExp): Promise<Error> {
  try {
    await work();
  } catch (error) {
    assert.instance(error, Error);
    assert.match((error as Error).message, pattern);
    return error as Error;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
  throw new Error('unreachable');
}

test('P-SEC: a full rotation moves the labels exactly as Secrets Manager documents', async () => {
  const { sm, step } = world();
  const v1 = sm.firstVersionId;
  const token = sm.startRotation();
  assert.equal(sm.labels(), { [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });

  assert.is((await step(token, 'createSecret')).outcome, 'created');
  assert.equal(sm.labels(), { [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
  const pending = JSON.parse(sm.valueOf('AWSPENDING') ?? '{}');
  assert.is(pending.client, 'pricing', 'other fields are carried over');
  assert.is.not(pending.apiKey, CANARY_KEY);

  assert.is((await step(token, 'setSecret')).outcome, 'set');
  assert.is((await step(token, 'testSecret')).outcome, 'tested');
  assert.equal(sm.labels(), { [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] }, 'set/test never touch AWSCURRENT');

  assert.is((await step(token, 'finishSecret')).outcome, 'finished');
  assert.equal(sm.labels(), { [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
  assert.is(JSON.parse(sm.valueOf('AWSCURRENT') ?? '{}').apiKey, pending.apiKey);
});

test('P-SEC: a second rotation makes the first version unlabelled and the second AWSPREVIOUS', async () => {
  const { sm, step } = world();
  const v1 = sm.firstVersionId;
  const first = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await step(first, name);
  const second = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await step(second, name);
  assert.equal(sm.labels(), { [first]: ['AWSPREVIOUS'], [second]: ['AWSCURRENT', 'AWSPENDING'] });
  assert.not.ok(v1 in sm.labels());
});

test('P-SEC: every step run twice is harmless (one generated value, labels unchanged)', async () => {
  const { sm, step, strategy } = world();
  const recording = strategy as RecordingStrategy;
  const token = sm.startRotation();
  assert.is((await step(token, 'createSecret')).outcome, 'created');
  const pending = sm.valueOf('AWSPENDING');
  assert.is((await step(token, 'createSecret')).outcome, 'already-created');
  assert.is(sm.valueOf('AWSPENDING'), pending, 'a retried createSecret keeps the first value');
  assert.is(sm.passwordRequests.length, 1, 'no second value was generated');
  assert.is(sm.calls.filter(([m]) => m === 'putPendingValue').length, 1);

  await step(token, 'setSecret');
  await step(token, 'setSecret');
  assert.is(recording.sets.length, 2);
  assert.ok(recording.sets.every((v) => v.pending === pending), 'both attempts apply the same pending value');
  await step(token, 'testSecret');
  await step(token, 'testSecret');

  assert.is((await step(token, 'finishSecret')).outcome, 'finished');
  const after = sm.labels();
  assert.is((await step(token, 'finishSecret')).outcome, 'already-current');
  assert.equal(sm.labels(), after);
  assert.is(sm.calls.filter(([m]) => m === 'moveCurrent').length, 1);
});

test('P-SEC: a late retry of any step after finishSecret does nothing', async () => {
  const { sm, step } = world();
  const token = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await step(token, name);
  const labels = sm.labels();
  const calls = sm.calls.length;
  for (const name of ['createSecret', 'setSecret', 'testSecret']) assert.is((await step(token, name)).outcome, 'already-current', name);
  assert.equal(sm.labels(), labels);
  assert.equal(sm.calls.slice(calls).map(([m]) => m), ['describe', 'describe', 'describe'], 'only DescribeSecret was called');
});

test('P-SEC: refuses an unknown token, a disabled rotation, a version without AWSPENDING and an unknown step', async () => {
  const { sm, step } = world();
  await rejects(() => step('00000000-0000-0000-0000-000000000000', 'createSecret'), /is not a version of secret/);
  const token = sm.startRotation();
  await rejects(() => step(token, 'rotateEverything'), /unknown rotation step "rotateEverything"/);

  sm.rotationEnabled = false;
  await rejects(() => step(token, 'createSecret'), /rotation is not enabled for secret arn:aws:secretsmanager/);
  sm.rotationEnabled = true;

  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await step(token, name);
  // The first version now carries only AWSPREVIOUS: it is not being rotated.
  await rejects(() => step(sm.firstVersionId, 'setSecret'), /is not AWSPENDING \(labels: AWSPREVIOUS\)/);
  assert.is(sm.calls.filter(([m]) => m === 'putPendingValue').length, 1, 'refusals wrote nothing');
});

test('P-SEC: finishSecret with a token that is not the AWSPENDING version changes no label and redeploys nothing', async () => {
  const { sm, step, ecs } = world();
  sm.tags = { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' };
  const v1 = sm.firstVersionId;
  const first = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await step(first, name);
  const second = sm.startRotation();
  await step(second, 'createSecret');
  const labels = sm.labels();
  assert.equal(labels, { [v1]: ['AWSPREVIOUS'], [first]: ['AWSCURRENT'], [second]: ['AWSPENDING'] });
  const moves = sm.calls.filter(([m]) => m === 'moveCurrent').length;
  const redeploys = ecs.calls.length;

  // The previous version (labelled AWSPREVIOUS), and a token Secrets Manager never issued.
  await rejects(() => step(v1, 'finishSecret'), /is not AWSPENDING \(labels: AWSPREVIOUS\)/);
  await rejects(() => step('5f0c8a52-7d1e-4c3b-9a64-2b8e1f0d3c77', 'finishSecret'), /is not a version of secret/);
  assert.equal(sm.labels(), labels, 'no label moved');
  assert.is(sm.calls.filter(([m]) => m === 'moveCurrent').length, moves, 'UpdateSecretVersionStage was not called');
  assert.is(ecs.calls.length, redeploys, 'no service was redeployed for a refused finishSecret');

  // The real pending token still completes.
  for (const name of ['setSecret', 'testSecret', 'finishSecret']) await step(second, name);
  assert.equal(sm.labels(), { [first]: ['AWSPREVIOUS'], [second]: ['AWSCURRENT', 'AWSPENDING'] });
});

test('P-SEC: finishSecret before createSecret stored a value changes no label (AWSCURRENT would point at an empty version)', async () => {
  const { sm, step, ecs } = world();
  const token = sm.startRotation();
  const labels = sm.labels();
  await rejects(() => step(token, 'finishSecret'), /has no value yet; createSecret must run first/);
  assert.equal(sm.labels(), labels);
  assert.is(sm.calls.filter(([m]) => m === 'moveCurrent').length, 0);
  assert.is(ecs.calls.length, 0);
});

test('P-SEC: setSecret before createSecret fails clearly instead of applying an empty value', async () => {
  const { sm, step, strategy } = world();
  const token = sm.startRotation();
  await rejects(() => step(token, 'setSecret'), /has no value yet; createSecret must run first/);
  assert.is((strategy as RecordingStrategy).sets.length, 0);
});

test('P-SEC: a failing setSecret or testSecret leaves AWSCURRENT alone, and the same token completes once fixed', async () => {
  const { sm, step, strategy } = world();
  const recording = strategy as RecordingStrategy;
  const v1 = sm.firstVersionId;
  const token = sm.startRotation();
  await step(token, 'createSecret');

  recording.failSet = new Error('connect ECONNREFUSED 10.0.3.4:5432');
  const setError = await rejects(() => step(token, 'setSecret'), /setSecret failed for .*ECONNREFUSED/);
  assert.instance(setError, RotationStepFailed);
  assert.equal(sm.labels(), { [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
  assert.is(JSON.parse(sm.valueOf('AWSCURRENT') ?? '{}').apiKey, CANARY_KEY);

  recording.failSet = undefined;
  recording.failTest = new Error('password authentication failed');
  await step(token, 'setSecret');
  await rejects(() => step(token, 'testSecret'), /testSecret failed/);
  assert.equal(sm.labels(), { [v1]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });

  recording.failTest = undefined;
  for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await step(token, name);
  assert.equal(sm.labels(), { [v1]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
});

test('P-SEC: a failed UpdateSecretVersionStage fails finishSecret with AWSCURRENT unchanged and no redeploy', async () => {
  const { sm, step, ecs } = world();
  sm.tags = { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' };
  const token = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret']) await step(token, name);
  sm.failNext('moveCurrent', new AwsLikeError('InternalServiceError', 'try again'));
  await rejects(() => step(token, 'finishSecret'), /InternalServiceError: try again/);
  assert.ok(sm.labels()[sm.firstVersionId]?.includes('AWSCURRENT'));
  assert.is(ecs.calls.length, 0);
  await step(token, 'finishSecret');
  assert.equal(ecs.calls, [['ecs-platform-dev', 'pricing']]);
});

test('P-SEC: finishSecret redeploys the tagged ECS service; untagged or half-tagged secrets are skipped', async () => {
  const tagged = world();
  tagged.sm.tags = { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' };
  const token = tagged.sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret']) await tagged.step(token, name);
  assert.is(tagged.ecs.calls.length, 0, 'no redeploy before finishSecret');
  await tagged.step(token, 'finishSecret');
  assert.equal(tagged.ecs.calls, [['ecs-platform-dev', 'pricing']]);
  // At least once: a retried finishSecret cannot know whether the first attempt redeployed.
  await tagged.step(token, 'finishSecret');
  assert.equal(tagged.ecs.calls.length, 2);

  const tagSets: Record<string, string>[] = [{}, { 'tap:ecs-service': 'pricing' }];
  for (const tags of tagSets) {
    const other = world();
    other.sm.tags = tags;
    const t = other.sm.startRotation();
    for (const name of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await other.step(t, name);
    assert.is(other.ecs.calls.length, 0);
    assert.ok(other.sm.labels()[t]?.includes('AWSCURRENT'));
    const level = Object.keys(tags).length === 0 ? 'INFO' : 'WARN';
    assert.ok(other.log.records.some((r) => r['redeploy'] === 'no-target' && r.level === level), JSON.stringify(other.log.records));
  }
});

test('P-SEC: the first rotation of a new environment, before its service exists, is not a warning', async () => {
  const { sm, step, ecs, log } = world();
  sm.tags = { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' };
  ecs.failWith = new AwsLikeError('ServiceNotFoundException', 'Service not found.');
  const token = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret']) await step(token, name);
  assert.is((await step(token, 'finishSecret')).outcome, 'finished');
  const record = log.records.find((r) => r['redeploy'] === 'not-created-yet');
  assert.is(record?.level, 'INFO');
  assert.not.ok(log.records.some((r) => r.level === 'WARN'));
});

test('P-SEC: a redeploy failure is a WARN with the operator command, and finishSecret still succeeds', async () => {
  const { sm, step, ecs, log } = world();
  sm.tags = { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' };
  ecs.failWith = new AwsLikeError('ThrottlingException', 'Rate exceeded.');
  const token = sm.startRotation();
  for (const name of ['createSecret', 'setSecret', 'testSecret']) await step(token, name);
  const result = await step(token, 'finishSecret');
  assert.is(result.outcome, 'finished');
  assert.ok(sm.labels()[token]?.includes('AWSCURRENT'));
  const warning = log.records.find((r) => r['redeploy'] === 'failed');
  assert.ok(warning, 'a redeploy warning was logged');
  assert.is(warning.level, 'WARN');
  assert.is(warning['operatorCommand'], 'aws ecs update-service --cluster ecs-platform-dev --service pricing --force-new-deployment --region eu-west-1');
  assert.match(String(warning['error']), /ThrottlingException: Rate exceeded/);
});

test('P-SEC: every log line names the step, the secret ARN and the token', async () => {
  const { sm, step, log } = world();
  const token = sm.startRotation();
  await step(token, 'createSecret');
  assert.ok(log.records.length >= 2);
  for (const record of log.records) {
    assert.is(record['step'], 'createSecret');
    assert.is(record['secretArn'], sm.arn);
    assert.is(record['token'], token);
  }
});

test('P-SEC: secret values are scrubbed from log lines and from the error Lambda reports, whatever produced them', async () => {
  const leaky = new RecordingStrategy();
  const { sm, step, log } = world(leaky);
  const token = sm.startRotation();
  await step(token, 'createSecret');
  const pendingKey = JSON.parse(sm.valueOf('AWSPENDING') ?? '{}').apiKey as string;
  // A library error quoting both values, like V8's JSON.parse or a careless driver message.
  leaky.failSet = new Error(`cannot use ${pendingKey} (was ${CANARY_KEY})`);
  const error = await rejects(() => step(token, 'setSecret'), /cannot use \[redacted\] \(was \[redacted\]\)/);
  for (const text of [...log.lines, error.message, error.stack ?? '']) {
    assert.not.ok(text.includes(pendingKey), text);
    assert.not.ok(text.includes(CANARY_KEY), text);
  }
});

test('P-SEC: no log line or error holds any 8-character piece of a secret value, across every step and failure path', async () => {
  const texts: string[] = [];
  const secretValues = new Set<string>([CANARY_KEY]);
  const ecs = new FakeEcs();
  let failures = 0;
  /** One secret with its own log; every step's lines, and every failure's message and stack, are kept. */
  const secretWorld = (initial: string, strategy: RotationStrategy) => {
    const sm = new FakeSecretsManager(`leak-${secretValues.size}-${texts.length}`, initial);
    sm.tags = { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' };
    const log = recordingLogger();
    const run = async (token: string, step: string, expected: 'ok' | RegExp): Promise<void> => {
      try {
        await handleRotationEvent({ SecretId: sm.arn, ClientRequestToken: token, Step: step }, strategy, { secrets: sm, ecs, log });
        assert.is(expected, 'ok', `${step} succeeded; expected ${String(expected)}`);
      } catch (error) {
        assert.instance(expected, RegExp, `${step} failed: ${(error as Error).message}`);
        assert.match((error as Error).message, expected as RegExp);
        texts.push((error as Error).message, (error as Error).stack ?? '');
        failures += 1;
      } finally {
        for (const value of sm.generated) secretValues.add(value);
      }
    };
    return { sm, log, run, collect: () => texts.push(...log.lines) };
  };
  const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

  // API keys: a full rotation, then every refusal and failure.
  const keys = secretWorld(JSON.stringify({ apiKey: CANARY_KEY }), apiKeyStrategy);
  const t1 = keys.sm.startRotation();
  for (const step of STEPS) await keys.run(t1, step, 'ok');
  const t2 = keys.sm.startRotation();
  await keys.run(t2, 'setSecret', /createSecret must run first/);
  await keys.run(keys.sm.firstVersionId, 'createSecret', /is not AWSPENDING/);
  await keys.run('0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70', 'testSecret', /is not a version/);
  const forged = 'ForgedPendingKey4q7W';
  secretValues.add(forged);
  keys.sm.setValue(t2, JSON.stringify({ apiKey: forged }));
  await keys.run(t2, 'testSecret', /apiKey has 20 characters/);
  const malformed = `{"apiKey": "${forged}Zz9", oops}`;
  keys.sm.setValue(t2, malformed);
  await keys.run(t2, 'testSecret', /AWSPENDING SecretString is not valid JSON/);
  keys.sm.setValue(t2, JSON.stringify({ apiKey: 'K7vX2mQ9pL4nR8tW1yB6cF3hJ5dG0sA2eU7iO9kM' }));
  secretValues.add('K7vX2mQ9pL4nR8tW1yB6cF3hJ5dG0sA2eU7iO9kM');
  keys.sm.failNext('moveCurrent', new AwsLikeError('InternalServiceError', 'try again'));
  await keys.run(t2, 'finishSecret', /InternalServiceError/);
  ecs.failWith = new AwsLikeError('AccessDeniedException', 'not authorized to perform ecs:UpdateService');
  await keys.run(t2, 'finishSecret', 'ok');
  ecs.failWith = undefined;
  keys.sm.rotationEnabled = false;
  await keys.run(keys.sm.startRotation(), 'createSecret', /rotation is not enabled/);
  keys.collect();

  // A library error that quotes fragments of both keys, the way V8 and drivers do.
  const leaky = new RecordingStrategy();
  const library = secretWorld(JSON.stringify({ apiKey: CANARY_KEY }), leaky);
  const t3 = library.sm.startRotation();
  await library.run(t3, 'createSecret', 'ok');
  const pendingKey = JSON.parse(library.sm.valueOf('AWSPENDING') ?? '{}').apiKey as string;
  let v8 = '';
  try {
    JSON.parse(pendingKey);
  } catch (error) {
    v8 = (error as Error).message;
  }
  leaky.failSet = new Error(`${v8}; previous key starts ${CANARY_KEY.slice(0, 12)}…, ends …${CANARY_KEY.slice(-9)}`);
  await library.run(t3, 'setSecret', /setSecret failed/);
  library.collect();

  // PostgreSQL: an unreachable database, a pending secret for another host, a malformed secret.
  const password = 'Pg-Current-h4W9qZ2xL7mB3vN8';
  secretValues.add(password);
  const login = { engine: 'postgres', host: '127.0.0.1', port: 1, dbname: 'trades', username: 'app', password, ssl: false };
  const database = secretWorld(JSON.stringify(login), postgresStrategy);
  const t4 = database.sm.startRotation();
  await database.run(t4, 'createSecret', 'ok');
  await database.run(t4, 'setSecret', /cannot connect as "app" on 127\.0\.0\.1:1\/trades/);
  await database.run(t4, 'testSecret', /cannot connect as "app"/);
  const elsewhere = 'Pg-Forged-c8R2nT6yK1pV5sD9';
  secretValues.add(elsewhere);
  database.sm.setValue(t4, JSON.stringify({ ...login, host: '192.0.2.1', password: elsewhere }));
  await database.run(t4, 'setSecret', /differs from AWSCURRENT in host/);
  database.sm.setValue(t4, `{"password": "${elsewhere}", "host": `);
  await database.run(t4, 'testSecret', /AWSPENDING SecretString is not valid JSON/);
  database.collect();

  assert.ok(failures >= 12, `only ${failures} failure paths ran`);
  assert.ok(secretValues.size >= 6, `only ${secretValues.size} secret values known`);
  assert.ok(texts.length > 60, `only ${texts.length} lines captured`);
  assert.equal(secretFragmentLeaks(texts, secretValues), []);
});

test('P-SEC: a malformed SecretString is reported without quoting it (V8 would quote it)', async () => {
  const sm = new FakeSecretsManager('broken', `{"apiKey": "${CANARY_KEY}", oops}`);
  const log = recordingLogger();
  const token = sm.startRotation();
  const error = await rejects(
    () => handleRotationEvent({ SecretId: sm.arn, ClientRequestToken: token, Step: 'createSecret' }, apiKeyStrategy, { secrets: sm, ecs: new FakeEcs(), log }),
    /AWSCURRENT SecretString is not valid JSON/,
  );
  for (const text of [...log.lines, error.message]) assert.not.ok(text.includes(CANARY_KEY), text);
});

test('P-SEC: runRotationStep validates the event before calling AWS', async () => {
  const sm = new FakeSecretsManager('x', '{}');
  await rejects(
    () => runRotationStep({ SecretId: '', ClientRequestToken: 't', Step: 'createSecret' }, sm, new RecordingStrategy(), recordingLogger()),
    /event.SecretId must be a non-empty string/,
  );
  assert.is(sm.calls.length, 0);
});

test.run();
