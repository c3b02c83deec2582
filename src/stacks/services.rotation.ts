/**
 * Secret rotation without SAM (P-SEC): one raw Lambda function per secret kind in the catalog,
 * with a role scoped to exactly the secrets of that kind, an invoke permission for Secrets
 * Manager, and, for database secrets, a VPC attachment whose security group reaches only the
 * database port and the VPC endpoints (or HTTPS through NAT when endpoints are disabled).
 * The code is bundled from src/lambdas and uploaded by the deploy to a content-addressed key.
 */
import EC2 from 'cloudform-types/types/ec2';
import IAM from 'cloudform-types/types/iam';
import Lambda from 'cloudform-types/types/lambda';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, sub, type Value } from '../cfn/fn';
import { exemptFromScan, LAMBDA_EXEMPTIONS } from '../cfn/scan-exemptions';
import { allow, policyDocument, serviceTrustPolicy, unscopedStatement } from '../cfn/iam';
import { assetKey, LAMBDA_RUNTIME, type AssetName, type BuiltAssets } from '../assets/code-assets';
import type { SecretKind, ServiceCatalog } from '../catalog/types';
import { pascal, physicalName } from '../cfn/names';
import { ecsServiceNameTemplate, secretNameTemplate } from './services/ids';
import { customerKey, keyAlias, logsServiceUse } from '../cfn/kms';
import { encryptedLogGroup, logGroupArnTemplate, logGroupNameTemplate } from '../cfn/logs';

export const HAS_ENDPOINTS = 'HasInterfaceEndpoints';
export const NO_ENDPOINTS = 'HasNoInterfaceEndpoints';

const ASSET_FOR_KIND: Readonly<Record<SecretKind, AssetName>> = { 'api-key': 'rotate-api-key', database: 'rotate-database' };

export const rotationIds = (kind: SecretKind) => {
  const base = `Rotate${pascal(kind)}`;
  return { fn: `${base}Function`, role: `${base}Role`, logGroup: `${base}LogGroup`, permission: `${base}Permission`, securityGroup: `${base}SecurityGroup` };
};

const functionOwner = (kind: SecretKind): string => `rotate-${kind}`;

/** Exact ARNs (with Secrets Manager's 6-character suffix) of the catalog's secrets of one kind. */
function secretArns(catalog: ServiceCatalog, kind: SecretKind): Value<string>[] {
  return catalog.flatMap((service) =>
    service.secrets
      .filter((secret) => secret.kind === kind)
      .map((secret) => sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretNameTemplate(service, secret)}-??????`)),
  );
}

function servicesUsing(catalog: ServiceCatalog, kind: SecretKind): Value<string>[] {
  return catalog
    .filter((service) => service.secrets.some((secret) => secret.kind === kind))
    .map((service) => sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/\${ClusterName}/${ecsServiceNameTemplate(service)}`));
}

function rotationRole(catalog: ServiceCatalog, kind: SecretKind): IAM.Role {
  const ids = rotationIds(kind);
  const role = new IAM.Role({
    Description: `Execution role of the ${kind} rotation function: exactly the ${kind} secrets of the catalog`,
    AssumeRolePolicyDocument: serviceTrustPolicy('lambda.amazonaws.com', { pinAccount: false }),
    Policies: [{
      PolicyName: `rotate-${kind}-secrets`,
      PolicyDocument: policyDocument([
        allow('RotateOwnSecrets', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], secretArns(catalog, kind)),
        unscopedStatement('GeneratePasswords', ['secretsmanager:GetRandomPassword']),
        // finishSecret redeploys the service that injects the secret, so new tasks read it.
        allow('RedeployUsingServices', ['ecs:UpdateService'], servicesUsing(catalog, kind)),
        allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [Fn.GetAtt(ids.logGroup, 'Arn')]),
        ...(kind === 'database'
          ? [
              allow('ReadDatabaseAdminSecret', ['secretsmanager:GetSecretValue'], [Fn.Ref('DatabaseAdminSecretArn')]),
              // The ec2 actions of AWS's AWSLambdaVPCAccessExecutionRole (v3, 2024-01-05), DescribeSubnets
              // included: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html
              unscopedStatement('AttachToVpc', ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses']),
            ]
          : []),
      ]),
    }],
  });
  return kind === 'database'
    ? exemptFromScan(role, [{ check: 'CKV_AWS_111', reason: 'Lambda manages the function ENIs in its subnets with these ec2 actions on "*", as AWS documents for VPC functions; every other write is scoped' }])
    : role;
}

/**
 * PostgreSQL, plus HTTPS to the VPC endpoints, or through NAT where the environment has no
 * endpoints: one conditional egress resource each, so every rule is a plain, readable rule.
 */
function rotationNetworkResources(): Record<string, ResourceBase> {
  const https = { GroupId: Fn.GetAtt('RotateDatabaseSecurityGroup', 'GroupId'), IpProtocol: 'tcp', FromPort: 443, ToPort: 443 };
  return {
    RotateDatabaseSecurityGroup: new EC2.SecurityGroup({
      GroupDescription: 'Database rotation function: PostgreSQL and the Secrets Manager/ECS endpoints only',
      VpcId: Fn.Ref('VpcId'),
      SecurityGroupIngress: [],
      SecurityGroupEgress: [
        { IpProtocol: 'tcp', FromPort: Fn.Ref('DatabasePort'), ToPort: Fn.Ref('DatabasePort'), CidrIp: Fn.Ref('DatabaseCidr'), Description: 'PostgreSQL' },
      ],
      Tags: [{ Key: 'Name', Value: sub('sg-rotate-database-${Environment}') }],
    }),
    RotateDatabaseEgressToEndpoints: new EC2.SecurityGroupEgress({
      ...https,
      DestinationSecurityGroupId: Fn.Ref('EndpointSecurityGroupId'),
      Description: 'Secrets Manager and ECS through the VPC endpoints',
    }).condition(HAS_ENDPOINTS),
    RotateDatabaseEgressThroughNat: new EC2.SecurityGroupEgress({
      ...https,
      CidrIp: '0.0.0.0/0',
      Description: 'Secrets Manager and ECS through NAT (this environment has no VPC endpoints)',
    }).condition(NO_ENDPOINTS),
  };
}

function rotationFunction(kind: SecretKind, assets: BuiltAssets): Lambda.Function {
  const ids = rotationIds(kind);
  const fn = new Lambda.Function({
    FunctionName: physicalName('fn', functionOwner(kind)),
    Description: `Secrets Manager rotation for ${kind} secrets (createSecret, setSecret, testSecret, finishSecret)`,
    Runtime: LAMBDA_RUNTIME,
    Handler: 'index.handler',
    Code: { S3Bucket: Fn.Ref('ArtifactBucket'), S3Key: assetKey(assets[ASSET_FOR_KIND[kind]]) },
    Role: Fn.GetAtt(ids.role, 'Arn'),
    Timeout: kind === 'database' ? 60 : 30,
    MemorySize: 256,
    // No reserved concurrency: Secrets Manager rotates one version of a secret at a time, and a
    // reservation is refused in accounts whose unreserved concurrency would drop below 100
    // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
    Environment: { Variables: { SECRETS_MANAGER_ENDPOINT: sub('https://secretsmanager.${AWS::Region}.${AWS::URLSuffix}') } },
    LoggingConfig: { LogFormat: 'JSON', LogGroup: Fn.Ref(ids.logGroup) },
    ...(kind === 'database'
      ? { VpcConfig: { SubnetIds: Fn.Ref('PrivateSubnetIds'), SecurityGroupIds: [Fn.Ref(ids.securityGroup)] } }
      : {}),
  });
  const exemptions = [LAMBDA_EXEMPTIONS.synchronousInvocation, LAMBDA_EXEMPTIONS.noSecretsInEnvironment, LAMBDA_EXEMPTIONS.noReservedConcurrency];
  return exemptFromScan(fn, kind === 'database' ? exemptions : [...exemptions, LAMBDA_EXEMPTIONS.reachesNoVpcResource]);
}

export function rotationResources(catalog: ServiceCatalog, kinds: readonly SecretKind[], assets: BuiltAssets): Record<string, ResourceBase> {
  if (kinds.length === 0) return {};
  const resources: Record<string, ResourceBase> = {
    RotationLogsKey: customerKey('Encrypts the logs of the secret rotation functions', [
      logsServiceUse(kinds.map((kind) => logGroupArnTemplate(`fn-${functionOwner(kind)}`))),
    ]),
    RotationLogsKeyAlias: keyAlias('rotation', 'RotationLogsKey'),
  };
  for (const kind of kinds) {
    const ids = rotationIds(kind);
    resources[ids.logGroup] = encryptedLogGroup(sub(logGroupNameTemplate(`fn-${functionOwner(kind)}`)), Fn.GetAtt('RotationLogsKey', 'Arn'));
    resources[ids.role] = rotationRole(catalog, kind);
    if (kind === 'database') Object.assign(resources, rotationNetworkResources());
    resources[ids.fn] = rotationFunction(kind, assets);
    resources[ids.permission] = new Lambda.Permission({
      FunctionName: Fn.GetAtt(ids.fn, 'Arn'),
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: sub('${AWS::AccountId}'),
    });
  }
  return resources;
}
