/**
 * Per-service key and secrets (P-SEC, P-OBS): one customer-managed key encrypts the service's log
 * group and its secrets; each secret rotates every 90 days through the platform rotation function
 * for its kind, which finishes by redeploying this service (tags below name it).
 */
import SecretsManager from 'cloudform-types/types/secretsManager';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, sub, type Value } from '../../cfn/fn';
import type { PolicyStatement } from '../../cfn/iam';
import { SECRET_ROTATION_DAYS } from '../../catalog/platform';
import type { SecretDefinition, SecretKind, ServiceDefinition } from '../../catalog/types';
import { customerKey, keyAlias, logsServiceUse, useThroughService } from '../../cfn/kms';
import { logGroupArnTemplate } from '../../cfn/logs';
import { databaseUser, ecsServiceNameTemplate, ID, rotationId, secretId, secretNameTemplate } from './ids';
import { rotationParameterNames, secretKinds } from './parameters';

/**
 * When the first rotation (right after the secret is created; RotateImmediatelyOnUpdate) runs
 * relative to the service's first deployment. Every rotation ends by forcing a new deployment of
 * the service (finishSecret), and one forced while the first blue/green deployment still runs would
 * disturb it. RotateSecret is asynchronous ("starts the asynchronous process of rotating",
 * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html), so only
 * resource order is in the template's hands:
 * - `after-first-deployment`: the generated value is already valid (API keys), so the schedule waits
 *   for the ECS service, which CloudFormation creates only once its first deployment has finished
 *   (CloudFormation waits for ECS deployments: it refuses linear deployments longer than 33 hours
 *   for its 36-hour timeout, AWS::ECS::Service LinearConfiguration). The first rotation and its
 *   redeploy come after, never during, the first deployment.
 * - `before-service`: the first rotation is what applies the value (a database password, set by
 *   the admin credentials), so the service waits for the schedule and its tasks start after the
 *   rotation has begun. Its redeploy can still meet the first deployment; the catalog's database
 *   services deploy rolling, where a new deployment supersedes the running one. For a blue/green
 *   service with a database secret, AWS documents nothing that closes this window.
 */
export const FIRST_ROTATION: Readonly<Record<SecretKind, 'after-first-deployment' | 'before-service'>> = {
  'api-key': 'after-first-deployment',
  database: 'before-service',
};

/** Rotation schedules the ECS service must wait for (see FIRST_ROTATION). */
export const rotationsBeforeService = (service: ServiceDefinition): string[] =>
  service.secrets.filter((secret) => FIRST_ROTATION[secret.kind] === 'before-service').map(rotationId);

/** The rotation functions' roles use the key only through Secrets Manager. */
function rotationKeyUse(service: ServiceDefinition): PolicyStatement[] {
  const roles = secretKinds(service).map((kind) => Fn.Ref(rotationParameterNames(kind).roleArn));
  if (roles.length === 0) return [];
  return [{
    Sid: 'RotationFunctionsRewriteSecrets',
    Effect: 'Allow',
    Principal: { AWS: roles },
    Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': sub('secretsmanager.${AWS::Region}.amazonaws.com') } },
  }];
}

function initialValue(service: ServiceDefinition, secret: SecretDefinition): SecretsManager.Secret['Properties']['GenerateSecretString'] {
  if (secret.kind === 'api-key') {
    return { SecretStringTemplate: '{}', GenerateStringKey: 'apiKey', PasswordLength: 40, ExcludePunctuation: true };
  }
  // The first rotation (right after creation) sets this password on the database with the admin
  // credentials named by masterarn, creating the role if needed.
  const document = JSON.stringify({
    engine: 'postgres',
    host: '${DatabaseHost}',
    port: '${DatabasePort}',
    dbname: '${DatabaseName}',
    username: databaseUser(service),
    masterarn: '${DatabaseAdminSecretArn}',
  });
  return { SecretStringTemplate: sub(document), GenerateStringKey: 'password', PasswordLength: 32, ExcludePunctuation: true };
}

export function secretResources(service: ServiceDefinition): Record<string, ResourceBase> {
  const resources: Record<string, ResourceBase> = {
    [ID.key]: customerKey(`Encrypts the log group and secrets of ${service.name}`, [
      logsServiceUse([logGroupArnTemplate(service.name)]),
      // The execution role reads secrets through Secrets Manager with its own, key-scoped policy;
      // so does the deploying principal when CloudFormation generates the first value.
      useThroughService('AccountPrincipalsUseKeyThroughSecretsManager', 'secretsmanager'),
      ...rotationKeyUse(service),
    ]),
    [ID.keyAlias]: keyAlias(service.name, ID.key),
  };
  for (const secret of service.secrets) {
    const rotationFunction: Value<string> = Fn.Ref(rotationParameterNames(secret.kind).functionArn);
    resources[secretId(secret)] = new SecretsManager.Secret({
      Name: sub(secretNameTemplate(service, secret)),
      Description: `${secret.description} (${secret.kind}, rotated every ${SECRET_ROTATION_DAYS} days)`,
      KmsKeyId: Fn.GetAtt(ID.key, 'Arn'),
      GenerateSecretString: initialValue(service, secret),
      Tags: [
        // Read by the rotation function's finishSecret to redeploy the tasks that use this secret.
        { Key: 'tap:ecs-cluster', Value: Fn.Ref('ClusterName') },
        { Key: 'tap:ecs-service', Value: sub(ecsServiceNameTemplate(service)) },
      ],
    });
    const schedule = new SecretsManager.RotationSchedule({
      SecretId: Fn.Ref(secretId(secret)),
      RotationLambdaARN: rotationFunction,
      // One schedule form only (never also AutomaticallyAfterDays). Rotating on creation is what
      // sets a database password the first time.
      RotationRules: { ScheduleExpression: `rate(${SECRET_ROTATION_DAYS} days)` },
      RotateImmediatelyOnUpdate: true,
    });
    resources[rotationId(secret)] = FIRST_ROTATION[secret.kind] === 'after-first-deployment' ? schedule.dependsOn(ID.service) : schedule;
  }
  return resources;
}
