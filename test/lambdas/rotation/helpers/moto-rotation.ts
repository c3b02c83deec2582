/**
 * Playing Secrets Manager's part of a rotation on a moto server, so the real rotation handlers can
 * be invoked step by step over HTTP.
 *
 * What AWS does on RotateSecret (and on every scheduled rotation): it records the rotation
 * configuration (RotationEnabled, the Lambda ARN), creates the new version — id =
 * ClientRequestToken, label AWSPENDING, *no value* — and then invokes the function with
 * createSecret, setSecret, testSecret and finishSecret in turn.
 *
 * What moto 5.2.5 does (moto/secretsmanager/models.py `rotate_secret`), and what we do about it:
 * - It creates the same AWSPENDING placeholder without a value, and marks rotation enabled only
 *   for `RotationRules.AutomaticallyAfterDays` > 0 (a ScheduleExpression alone leaves
 *   RotationEnabled false). We pass AutomaticallyAfterDays: 90.
 * - Without a RotationLambdaARN it immediately puts AWSCURRENT on the empty placeholder, which AWS
 *   never does. With one, it requires the function to exist in moto's Lambda backend and invokes
 *   it — in Docker, unless moto's config says `lambda.use_docker: false`, in which case each
 *   "invocation" is a no-op returning the payload. So: we switch Docker off through
 *   /moto-api/config, register a placeholder function (and the IAM role moto insists on), let
 *   RotateSecret run its no-op invocations, and then invoke the real handler's four steps
 *   ourselves with the same token.
 * - It refuses a new RotateSecret while AWSPENDING and AWSCURRENT are on the *same* version — the
 *   inverse of AWS, which treats exactly that as a completed rotation and refuses only while
 *   AWSPENDING sits on another version. Before a second rotation of one secret we therefore
 *   remove AWSPENDING from the current version (UpdateSecretVersionStage), which AWS accepts too.
 * - DescribeSecret keeps listing a version whose last label was moved away (with no labels); AWS
 *   lists only labelled versions. `labels()` below reports AWS's view.
 * - After the no-op invocations it makes the token the "default version" (what GetSecretValue
 *   returns with neither VersionId nor VersionStage). The handlers and these helpers always name
 *   a VersionStage, so this does not leak into any assertion.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { MOTO_CREDENTIALS } from '../../../helpers/moto-server';

export const REGION = 'eu-west-1';

export function smClient(endpoint: string): SecretsManagerClient {
  return new SecretsManagerClient({ endpoint, region: REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
}

/**
 * A request moto routes to `service`: moto reads the service from the SigV4 credential scope and
 * does not check signatures, so a well-formed Authorization header is enough. (The IAM and Lambda
 * SDK clients are not dependencies of this project.)
 */
async function motoCall(endpoint: string, service: string, pathname: string, body: string, contentType: string): Promise<string> {
  const response = await fetch(`${endpoint}${pathname}`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      authorization: `AWS4-HMAC-SHA256 Credential=${MOTO_CREDENTIALS.accessKeyId}/20250101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto ${service} ${pathname} → ${response.status}: ${text}`);
  return text;
}

/** An empty but valid zip archive (end-of-central-directory record only). */
const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06'), Buffer.alloc(18)]).toString('base64');

/** Docker off, a rotation role and a placeholder function; returns the function ARN for RotateSecret. */
export async function prepareRotationLambda(endpoint: string): Promise<string> {
  const config = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!config.ok) throw new Error(`moto config → ${config.status}`);
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const roleXml = await motoCall(
    endpoint,
    'iam',
    '/',
    new URLSearchParams({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'tap-rotation-test', AssumeRolePolicyDocument: trust }).toString(),
    'application/x-www-form-urlencoded',
  );
  const roleArn = /<Arn>([^<]+)<\/Arn>/.exec(roleXml)?.[1];
  if (!roleArn) throw new Error(`CreateRole returned no ARN: ${roleXml}`);
  const fn = JSON.parse(
    await motoCall(
      endpoint,
      'lambda',
      '/2015-03-31/functions',
      JSON.stringify({ FunctionName: 'tap-rotation-placeholder', Runtime: 'nodejs20.x', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: EMPTY_ZIP } }),
      'application/json',
    ),
  ) as { FunctionArn?: string };
  if (!fn.FunctionArn) throw new Error('CreateFunction returned no FunctionArn');
  return fn.FunctionArn;
}

export async function createSecret(sm: SecretsManagerClient, name: string, value: string, tags: Record<string, string> = {}): Promise<string> {
  const out = await sm.send(new CreateSecretCommand({
    Name: name,
    SecretString: value,
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  }));
  if (!out.ARN) throw new Error('CreateSecret returned no ARN');
  return out.ARN;
}

/**
 * version id → sorted labels, for the versions that carry any. AWS's DescribeSecret lists only
 * those (unlabelled versions are deprecated); moto also lists a version whose last label was
 * moved away, with `[]`, which is dropped here so assertions state AWS's view.
 */
export async function labels(sm: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  const out = await sm.send(new DescribeSecretCommand({ SecretId: secretId }));
  return Object.fromEntries(
    Object.entries(out.VersionIdsToStages ?? {}).filter(([, stages]) => stages.length > 0).map(([id, stages]) => [id, [...stages].sort()]),
  );
}

export async function versionWith(sm: SecretsManagerClient, secretId: string, label: string): Promise<string> {
  const found = Object.entries(await labels(sm, secretId)).find(([, stages]) => stages.includes(label));
  if (!found) throw new Error(`no version of ${secretId} carries ${label}`);
  return found[0];
}

export async function valueAt(sm: SecretsManagerClient, secretId: string, stage: string): Promise<string> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  if (out.SecretString === undefined) throw new Error(`${stage} of ${secretId} has no SecretString`);
  return out.SecretString;
}

/** Secrets Manager's side of starting a rotation (see the module comment); returns the token. */
export async function startRotation(sm: SecretsManagerClient, secretId: string, rotationLambdaArn: string): Promise<string> {
  const current = await versionWith(sm, secretId, 'AWSCURRENT');
  if ((await labels(sm, secretId))[current]?.includes('AWSPENDING')) {
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: current }));
  }
  const token = randomUUID();
  await sm.send(new RotateSecretCommand({
    SecretId: secretId,
    ClientRequestToken: token,
    RotationLambdaARN: rotationLambdaArn,
    RotationRules: { AutomaticallyAfterDays: 90 },
  }));
  return token;
}
