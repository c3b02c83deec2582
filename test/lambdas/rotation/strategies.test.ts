/**
 * P-SEC: the pure parts of the rotation functions — secret formats, generated-value rules, the
 * "same login" check, the ECS target from tags, endpoint selection and redaction.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { API_KEY_LENGTH, apiKeyProblem, apiKeyStrategy } from '../../../src/lambdas/rotation/api-key-strategy';
import { redeployCommand, redeployTarget } from '../../../src/lambdas/rotation/ecs-redeploy';
import type { RandomPasswordRequest } from '../../../src/lambdas/rotation/secrets-api';
import { secretsManagerClient } from '../../../src/lambdas/rotation/secrets-api';
import {
  changedTarget,
  parseAdminSecret,
  parsePostgresSecret,
  PASSWORD_EXCLUDE_CHARACTERS,
  PASSWORD_LENGTH,
  withNewPassword,
} from '../../../src/lambdas/rotation/postgres-secret';
import { postgresStrategy } from '../../../src/lambdas/rotation/postgres-strategy';
import { REDACTED, Redactor, SECRET_FRAGMENT_LENGTH } from '../../../src/lambdas/rotation/redact';
import { recordingLogger } from './helpers/logs';

const PASSWORD = 'Canary-Password-0123456789abcdef';
const DB = { engine: 'postgres', host: 'db.internal', port: 5432, dbname: 'trades', username: 'app', password: PASSWORD };

function thrownMessage(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.unreachable('expected an error');
  return '';
}

async function rejectedMessage(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.unreachable('expected a rejection');
  return '';
}

/** Tools for a strategy call that needs no other secret. */
const tools = (readSecret: (secretId: string) => Promise<string | undefined> = async () => undefined) => ({ log: recordingLogger(), readSecret });

const fixedRandom = (value: string) => {
  const requests: RandomPasswordRequest[] = [];
  return { requests, random: async (request: RandomPasswordRequest) => (requests.push(request), value) };
};

test('P-SEC: api-key createSecret asks for 40 characters without punctuation and keeps other fields', async () => {
  const { requests, random } = fixedRandom('N'.repeat(40));
  const pending = await apiKeyStrategy.createPending(JSON.stringify({ apiKey: 'old', issuer: 'tap' }), random);
  assert.equal(requests, [{ length: API_KEY_LENGTH, excludePunctuation: true }]);
  assert.equal(JSON.parse(pending), { apiKey: 'N'.repeat(40), issuer: 'tap' });
});

test('P-SEC: api-key testSecret accepts a new well-formed key and rejects missing, short, punctuated or unchanged keys', async () => {
  const good = 'a'.repeat(20) + 'B'.repeat(10) + '0123456789';
  const current = JSON.stringify({ apiKey: 'c'.repeat(40) });
  assert.match(await apiKeyStrategy.testPending({ pending: JSON.stringify({ apiKey: good }), current }, tools()), /well-formed/);
  const cases: Array<[unknown, RegExp]> = [
    [{}, /has no apiKey/],
    [{ apiKey: 'short' }, /has 5 characters, expected 40/],
    [{ apiKey: 'a'.repeat(39) + '!' }, /other than letters and digits/],
    [{ apiKey: 'c'.repeat(40) }, /equals the AWSCURRENT one/],
  ];
  for (const [pending, pattern] of cases) {
    assert.match(await rejectedMessage(() => apiKeyStrategy.testPending({ pending: JSON.stringify(pending), current }, tools())), pattern);
  }
  assert.is(apiKeyProblem(good), undefined);
});

test('P-SEC: the database secret accepts port as number or string, defaults dbname, and maps ssl to a TLS mode', () => {
  const login = parsePostgresSecret(JSON.stringify({ ...DB, port: '6543', dbname: undefined }), 'AWSCURRENT').login;
  assert.is(login.port, 6543);
  assert.is(login.dbname, 'postgres');
  assert.is(login.tls, 'prefer');
  assert.is(login.verifyCertificate, false);
  assert.is(parsePostgresSecret(JSON.stringify({ ...DB, ssl: true }), 'x').login.tls, 'require');
  assert.is(parsePostgresSecret(JSON.stringify({ ...DB, ssl: 'false' }), 'x').login.tls, 'disable');
  assert.is(parsePostgresSecret(JSON.stringify({ ...DB, ssl: true, sslRejectUnauthorized: true }), 'x').login.verifyCertificate, true);
});

test('P-SEC: a malformed database secret is rejected with the field named and no value quoted', () => {
  const cases: Array<[string, RegExp]> = [
    [JSON.stringify({ ...DB, port: 'fivefour' }), /"port" must be a port number/],
    [JSON.stringify({ ...DB, port: 70000 }), /"port" must be a port number/],
    [JSON.stringify({ ...DB, password: '' }), /"password" must be a non-empty string/],
    [JSON.stringify({ ...DB, host: undefined }), /"host" must be a non-empty string/],
    [JSON.stringify({ ...DB, engine: 'mysql' }), /"engine" must be "postgres"/],
    [JSON.stringify({ ...DB, ssl: 'yes' }), /"ssl" must be true or false/],
    [`{"password": "${PASSWORD}", broken`, /AWSPENDING SecretString is not valid JSON/],
    [JSON.stringify([PASSWORD]), /not a JSON object/],
  ];
  for (const [text, pattern] of cases) {
    const message = thrownMessage(() => parsePostgresSecret(text, 'AWSPENDING'));
    assert.match(message, pattern);
    assert.not.ok(message.includes(PASSWORD), message);
  }
});

test('P-SEC: the pending database secret is the current one with only the password replaced', async () => {
  const current = parsePostgresSecret(JSON.stringify({ ...DB, port: '5432', ssl: false, note: 'kept' }), 'AWSCURRENT');
  assert.equal(JSON.parse(withNewPassword(current, 'new')), { ...DB, port: '5432', ssl: false, note: 'kept', password: 'new' });

  const { requests, random } = fixedRandom('p'.repeat(PASSWORD_LENGTH));
  await postgresStrategy.createPending(JSON.stringify(DB), random);
  assert.equal(requests, [{ length: 32, excludeCharacters: PASSWORD_EXCLUDE_CHARACTERS }]);
  for (const c of ['/', '@', '"', "'", '\\', ':', '?', '#', '[', ']', '%']) assert.ok(PASSWORD_EXCLUDE_CHARACTERS.includes(c), c);
});

test('P-SEC: setSecret refuses a pending secret for another host, port, database, user or admin secret before connecting anywhere', async () => {
  const parse = (value: object) => parsePostgresSecret(JSON.stringify(value), 'x');
  const current = parse({ ...DB, masterarn: 'arn:admin' });
  assert.equal(changedTarget(current, parse({ ...DB, masterarn: 'arn:admin', port: '5432', password: 'x' })), []);
  assert.equal(
    changedTarget(current, parse({ ...DB, host: 'evil.example', dbname: 'other', username: 'admin', port: 1, masterarn: 'arn:other' })),
    ['host', 'port', 'dbname', 'username', 'masterarn'],
  );
  assert.equal(changedTarget(current, parse(DB)), ['masterarn']);
  // 192.0.2.1 (TEST-NET-1) would hang until the connect timeout if the strategy tried to connect.
  const pending = JSON.stringify({ ...DB, host: '192.0.2.1' });
  const started = Date.now();
  const message = await rejectedMessage(() => postgresStrategy.setPending({ pending, current: JSON.stringify(DB) }, tools()));
  assert.match(message, /AWSPENDING differs from AWSCURRENT in host; refusing/);
  assert.ok(Date.now() - started < 1_000, 'refused without a connection attempt');
});

test('P-SEC: the admin secret (masterarn) must hold a username and a password; nothing of it is quoted in errors', () => {
  assert.equal(parseAdminSecret(JSON.stringify({ username: 'postgres', password: PASSWORD, engine: 'postgres' })), { username: 'postgres', password: PASSWORD });
  for (const text of [JSON.stringify({ username: 'postgres' }), `{"password": "${PASSWORD}"`]) {
    const message = thrownMessage(() => parseAdminSecret(text));
    assert.match(message, /admin \(masterarn\)/);
    assert.not.ok(message.includes(PASSWORD));
  }
  assert.match(thrownMessage(() => parsePostgresSecret(JSON.stringify({ ...DB, masterarn: '' }), 'AWSCURRENT')), /"masterarn" must be a non-empty string/);
});

test('P-SEC: the ECS target comes from both tags; the operator command names cluster, service and region', () => {
  assert.equal(redeployTarget({ 'tap:ecs-cluster': 'c', 'tap:ecs-service': 's', other: 'x' }), { cluster: 'c', service: 's' });
  assert.is(redeployTarget({ 'tap:ecs-cluster': 'c' }), undefined);
  assert.is(redeployTarget({ 'tap:ecs-cluster': 'c', 'tap:ecs-service': '' }), undefined);
  assert.is(
    redeployCommand({ cluster: 'ecs-platform-prod', service: 'pricing' }, 'arn:aws:secretsmanager:eu-central-1:111122223333:secret:db-AbCdEf'),
    'aws ecs update-service --cluster ecs-platform-prod --service pricing --force-new-deployment --region eu-central-1',
  );
});

test('P-SEC: SECRETS_MANAGER_ENDPOINT, when set, is the Secrets Manager endpoint', async () => {
  const client = secretsManagerClient({ SECRETS_MANAGER_ENDPOINT: 'https://vpce-0abc.secretsmanager.eu-west-1.vpce.amazonaws.com' });
  const endpoint = await client.config.endpoint?.();
  assert.is(endpoint?.hostname, 'vpce-0abc.secretsmanager.eu-west-1.vpce.amazonaws.com');
  assert.is(endpoint?.protocol, 'https:');
  assert.is(secretsManagerClient({}).config.endpoint, undefined, 'otherwise the SDK resolves it (AWS_ENDPOINT_URL, region)');
});

test('P-SEC: the redactor replaces whole SecretStrings before the values inside them', () => {
  const redactor = new Redactor();
  const secretString = JSON.stringify({ ...DB });
  redactor.addSecretString(secretString, ['password']);
  assert.is(redactor.redact(`got ${secretString}`), `got ${REDACTED}`);
  assert.is(redactor.redact(`password ${PASSWORD}!`), `password ${REDACTED}!`);
  assert.is(redactor.redact('host db.internal user app'), 'host db.internal user app', 'non-secret fields stay readable');
});

test('P-SEC: the redactor replaces every 8-character fragment of a password or key, as libraries quote fragments', () => {
  const redactor = new Redactor();
  redactor.addSecretString(JSON.stringify(DB), ['password']);
  // V8's JSON.parse on a bare value quotes its first 10 characters; a driver may truncate.
  let v8Message = '';
  try {
    JSON.parse(PASSWORD);
  } catch (error) {
    v8Message = (error as Error).message;
  }
  assert.match(v8Message, PASSWORD.slice(0, SECRET_FRAGMENT_LENGTH), 'V8 really quotes a fragment');
  const middle = PASSWORD.slice(5, 5 + SECRET_FRAGMENT_LENGTH);
  for (const text of [v8Message, `auth failed for "${middle}…"`, `tail ${PASSWORD.slice(-SECRET_FRAGMENT_LENGTH)}`]) {
    const redacted = redactor.redact(text);
    for (let i = 0; i + SECRET_FRAGMENT_LENGTH <= PASSWORD.length; i += 1) {
      assert.not.ok(redacted.includes(PASSWORD.slice(i, i + SECRET_FRAGMENT_LENGTH)), redacted);
    }
    assert.match(redacted, REDACTED);
  }
  assert.is(redactor.redact(`auth failed for "${middle}…"`), `auth failed for "${REDACTED}…"`, 'only the fragment goes');
  // Shorter coincidences and the secret's non-secret fields stay readable.
  assert.is(redactor.redact(`user app on db.internal, ${PASSWORD.slice(0, SECRET_FRAGMENT_LENGTH - 1)}`), `user app on db.internal, ${PASSWORD.slice(0, SECRET_FRAGMENT_LENGTH - 1)}`);
});

test.run();
