/**
 * D-18 / D-12 over HTTP: `tap promote` with the real SDK adapter against moto, across two moto
 * accounts and regions. moto decides each request's account by its credentials (keys its STS
 * issued for a role in account X act in X: moto/sts/models.py assume_role, "The ARN can point to
 * another account"), so the test writes two profiles of a shared credentials file, one per
 * account, and the promotion reads staging with `--from-profile` and writes prod with
 * `--to-profile`, each side in its own region (from its profile in the shared config, with
 * AWS_REGION unset). Proven here: the source is read back by hash (GetTemplate, GetObject) in one
 * account, copied into the other's bucket, deployed there through a change set, and a second
 * promotion copies nothing; a workspace that differs is refused before anything is copied.
 * Code assets are copied in the fake's scenarios (test/operations/promote.test.ts): moto's Lambda
 * is not part of the wire fixture.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silenceSdkNodeNotice } from '../../src/aws/sdk';
import type { MotoServer } from '../helpers/moto-server';
import { onMoto, WireWorkspace } from './moto-harness';
import { motoTemplates } from './moto-fixtures';

silenceSdkNodeNotice();

interface Context { moto: MotoServer; sts: STSClient }
const wire = suite<Context>('wire promote');
onMoto(wire, 'wire promote', (moto) => ({ sts: new STSClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 }) }), { accountsByCredentials: true });

const SIDES = {
  staging: { account: '111111111111', region: 'eu-west-1', profile: 'staging-admin' },
  prod: { account: '222222222222', region: 'us-east-1', profile: 'prod-admin' },
} as const;
const bucketOf = (side: keyof typeof SIDES) => `tap-artifacts-${SIDES[side].account}-${SIDES[side].region}`;

interface Keys { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken: string }

/** Credentials that act in `account` on moto: its STS's answer to AssumeRole of a role there. */
async function keysIn(sts: STSClient, account: string): Promise<Keys> {
  const answer = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/tap-admin`, RoleSessionName: 'wire' }));
  const c = answer.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('moto issued no credentials');
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** A workspace with staging and prod params, two profiles in a shared config, and each side's bucket. */
async function twoAccounts(moto: MotoServer, sts: STSClient): Promise<{ w: WireWorkspace; clients: Record<keyof typeof SIDES, { s3: S3Client; cfn: CloudFormationClient }> }> {
  const w = new WireWorkspace(moto, motoTemplates());
  const keys = { staging: await keysIn(sts, SIDES.staging.account), prod: await keysIn(sts, SIDES.prod.account) };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-aws-'));
  fs.writeFileSync(path.join(dir, 'credentials'), (['staging', 'prod'] as const).map((side) =>
    `[${SIDES[side].profile}]\naws_access_key_id = ${keys[side].accessKeyId}\naws_secret_access_key = ${keys[side].secretAccessKey}\naws_session_token = ${keys[side].sessionToken}\n`).join('\n'));
  fs.writeFileSync(path.join(dir, 'config'), (['staging', 'prod'] as const).map((side) => `[profile ${SIDES[side].profile}]\nregion = ${SIDES[side].region}\n`).join('\n'));
  // The SDK's chain reads the process environment: profiles only, no region for every side.
  Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'), AWS_CONFIG_FILE: path.join(dir, 'config') });
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[key];
  for (const side of ['staging', 'prod'] as const) {
    const { account, region } = SIDES[side];
    fs.writeFileSync(path.join(w.root, 'params', `${side}.json`), JSON.stringify({
      deployment: { accountId: account, region, stackName: `tap-${side}`, artifactBucket: bucketOf(side), ...(side === 'prod' ? { promotedFrom: 'staging' } : {}) },
      // `delete` on both: prod's `retain` protections call UpdateTerminationProtection, which moto does not implement.
      parameters: { Environment: side, DataProtection: 'delete' },
      imageTags: {},
      tags: { 'cost-center': 'trading-analytics' },
    }));
  }
  const clients = Object.fromEntries((['staging', 'prod'] as const).map((side) => {
    const options = { region: SIDES[side].region, endpoint: moto.endpoint, credentials: keys[side], maxAttempts: 1, forcePathStyle: true };
    return [side, { s3: new S3Client(options), cfn: new CloudFormationClient(options) }];
  })) as Record<keyof typeof SIDES, { s3: S3Client; cfn: CloudFormationClient }>;
  await clients.staging.s3.send(new CreateBucketCommand({ Bucket: bucketOf('staging'), CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await clients.prod.s3.send(new CreateBucketCommand({ Bucket: bucketOf('prod') }));
  return { w, clients };
}

const keysOf = async (s3: S3Client, bucket: string): Promise<string[]> => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key ?? '').sort();

/** Each side's region comes from its profile: AWS_REGION would name one region for both. */
const NO_REGION = { AWS_REGION: '' };
const PROMOTE = ['promote', '--from', 'staging', '--to', 'prod', '--yes', '--from-profile', SIDES.staging.profile, '--to-profile', SIDES.prod.profile];

wire('D-18 / D-12: promote copies what staging runs (account 111111111111, eu-west-1) into prod\'s bucket (222222222222, us-east-1) by hash and deploys it there; a second promotion finds prod running it and copies nothing', async ({ moto, sts }) => {
  const { w, clients } = await twoAccounts(moto, sts);
  process.env['AWS_PROFILE'] = SIDES.staging.profile;
  const staged = await w.run(['deploy', '--env', 'staging', '--yes'], { env: NO_REGION });
  delete process.env['AWS_PROFILE'];
  assert.is(staged.code, 0, staged.stdout + staged.stderr);
  const stagingKeys = await keysOf(clients.staging.s3, bucketOf('staging'));

  const promoted = await w.run(PROMOTE, { env: NO_REGION });
  assert.is(promoted.code, 0, promoted.stdout + promoted.stderr);
  assert.match(promoted.stdout, 'staging: stack tap-staging in account 111111111111, eu-west-1');
  assert.match(promoted.stdout, 'prod: stack tap-prod in account 222222222222, us-east-1');
  assert.match(promoted.stdout, `Promoting what staging runs: tap-staging (account 111111111111, eu-west-1, CREATE_COMPLETE at`);
  assert.match(promoted.stdout, 'templates/ is what staging runs.');
  assert.match(promoted.stdout, `copied from s3://${bucketOf('staging')} to s3://${bucketOf('prod')}`);
  assert.ok((promoted.calls.get('s3.getObject') ?? 0) >= 3, 'each template read from staging\'s bucket');

  // Leaves keep their keys; the root names prod's bucket, so its key differs; staging is untouched.
  const prodKeys = await keysOf(clients.prod.s3, bucketOf('prod'));
  const templates = (keys: string[]) => keys.filter((key) => key.startsWith('templates/'));
  assert.is(templates(prodKeys).length, templates(stagingKeys).length);
  assert.is(templates(prodKeys).filter((key) => stagingKeys.includes(key)).length, templates(stagingKeys).length - 1, 'the two leaves are shared; the root is relocated');
  assert.equal(await keysOf(clients.staging.s3, bucketOf('staging')), stagingKeys);
  const [prod] = (await clients.prod.cfn.send(new DescribeStacksCommand({ StackName: 'tap-prod' }))).Stacks ?? [];
  assert.is(prod?.StackStatus, 'CREATE_COMPLETE');
  assert.is(prod?.Parameters?.find((p) => p.ParameterKey === 'Environment')?.ParameterValue, 'prod');
  const body = (await clients.prod.cfn.send(new GetTemplateCommand({ StackName: 'tap-prod' }))).TemplateBody ?? '';
  assert.match(body, `${moto.endpoint}/${bucketOf('prod')}/templates/`);
  assert.not.match(body, bucketOf('staging'));

  const again = await w.run(PROMOTE, { env: NO_REGION });
  assert.is(again.code, 0, again.stdout + again.stderr);
  assert.is(again.calls.get('s3.putObject'), undefined, 'nothing copied again');
  assert.match(again.stdout, '✓ No changes: the deployed templates (all 3 stacks), parameters and tags are identical to these');
  assert.is(again.calls.get('cfn.createChangeSet'), undefined);
});

wire('D-18 / D-12: a workspace that differs from what staging runs is refused (exit 10) before anything is copied into prod', async ({ moto, sts }) => {
  const { w, clients } = await twoAccounts(moto, sts);
  process.env['AWS_PROFILE'] = SIDES.staging.profile;
  const staged = await w.run(['deploy', '--env', 'staging', '--yes'], { env: NO_REGION });
  delete process.env['AWS_PROFILE'];
  assert.is(staged.code, 0, staged.stdout + staged.stderr);
  w.templates = motoTemplates(60);
  const refused = await w.run(PROMOTE, { env: NO_REGION });
  assert.is(refused.code, 10, refused.stdout + refused.stderr);
  assert.match(refused.stderr, 'refused templates/ is not what staging runs');
  assert.match(refused.stderr, '- template root differs');
  assert.equal(await keysOf(clients.prod.s3, bucketOf('prod')), []);
  assert.is(refused.calls.get('cfn.createChangeSet'), undefined);
});

wire.run();
