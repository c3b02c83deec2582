/**
 * Parameters of a per-service stack, in groups: every service takes the base group; public
 * services add the ALB group; services with secrets add the rotation (and database) groups; a
 * caller adds one security-group parameter per service it calls. The services stack passes the
 * same names through, so one definition serves both sides of the contract.
 */
import { parameterGroup, passThrough, type ParameterGroup, type ParameterSpec, type ParameterSpecs } from '../../cfn/stack';
import type { Value } from '../../cfn/fn';
import { pascal } from '../../cfn/names';
import type { SecretKind, ServiceDefinition } from '../../catalog/types';
import { TASK_SIZE_PROFILES } from '../../catalog/types';
import { dataProtectionParameter, environmentParameter, listParameter, stringParameter } from '../../cfn/parameters';
import { Fn } from '../../cfn/fn';
import { imageTagParameter, releasedImageTagSpec } from '../releases';

const countParameter = (description: string, fallback: number): ParameterSpec =>
  ({ Type: 'Number', Description: description, Default: fallback, MinValue: 1, MaxValue: 100 });

/**
 * Parameters the root receives from params/<env>.json and passes down unchanged. The image tags,
 * one per service, are in ../releases.ts: each reaches one service stack only.
 */
export const releaseParameters = {
  TaskSizeProfile: {
    Type: 'String',
    Description: 'CPU/memory profile; each catalog service defines its size per profile',
    AllowedValues: TASK_SIZE_PROFILES,
  },
  DesiredCount: countParameter('Tasks per service at deploy time (P-SVC: 2)', 2),
  MinCapacity: countParameter('Autoscaling minimum tasks per service (P-SVC: 2)', 2),
  MaxCapacity: countParameter('Autoscaling maximum tasks per service (P-SVC: 10)', 10),
} as const satisfies ParameterSpecs;

/**
 * ECS Exec or a read-only root file system, never both: the SSM agent behind ECS Exec writes into
 * the container ("making the root file system read-only ... isn't supported",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html; containers-roadmap#1359).
 * One parameter decides both, so they cannot contradict (cfn-lint rule E9103 checks it).
 */
export const ecsExecParameter = {
  Type: 'String',
  Description: 'enabled: ECS Exec into tasks, whose root file systems are then writable (the SSM agent needs that); disabled: read-only root file systems and no exec',
  AllowedValues: ['enabled', 'disabled'],
  Default: 'disabled',
} as const satisfies ParameterSpec;

export const databaseParameters = {
  DatabaseHost: {
    Type: 'String',
    Description: 'PostgreSQL host the database secrets point at',
    AllowedPattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$',
    MaxLength: 253,
    ConstraintDescription: 'a DNS host name or IPv4 address, without scheme or port (the port is DatabasePort)',
  },
  DatabasePort: { Type: 'Number', Description: 'PostgreSQL port', Default: 5432, MinValue: 1024, MaxValue: 65535 },
  DatabaseName: {
    Type: 'String',
    Description: 'PostgreSQL database name',
    AllowedPattern: '^[A-Za-z_][A-Za-z0-9_$]{0,62}$',
    ConstraintDescription: 'a PostgreSQL identifier: a letter or _, then letters, digits, _ or $ (at most 63)',
  },
  DatabaseCidr: {
    Type: 'String',
    Description: 'CIDR of the database subnets: the only destination of database traffic',
    AllowedPattern: '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$',
    ConstraintDescription: 'an IPv4 CIDR block',
  },
  DatabaseAdminSecretArn: {
    Type: 'String',
    Description: 'Secret with the PostgreSQL admin credentials the rotation function uses to set service passwords',
    AllowedPattern: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$',
    ConstraintDescription: 'a Secrets Manager secret ARN',
  },
} as const satisfies ParameterSpecs;

/** Every per-service stack. */
export const serviceBaseParameters = {
  Environment: environmentParameter,
  DataProtection: dataProtectionParameter,
  VpcId: stringParameter('VPC of the platform'),
  PrivateSubnetIds: listParameter('Private subnets the tasks run in'),
  ClusterName: stringParameter('ECS cluster'),
  NamespaceArn: stringParameter('Service Connect namespace'),
  ServiceConnectTls: { Type: 'String', Description: 'enabled: TLS between Service Connect proxies', AllowedValues: ['enabled', 'disabled'] },
  TlsCertificateAuthorityArn: stringParameter('Private CA for Service Connect TLS, or empty'),
  TlsRoleArn: stringParameter('ECS infrastructure role for Service Connect TLS, or empty'),
  AlarmTopicArn: stringParameter('SNS topic alarms notify'),
  EcsExec: ecsExecParameter,
  ExecKeyArn: stringParameter('KMS key of ECS Exec sessions'),
  ExecLogGroupArn: stringParameter('Log group of ECS Exec sessions'),
  TaskSizeProfile: releaseParameters.TaskSizeProfile,
  DesiredCount: releaseParameters.DesiredCount,
  MinCapacity: releaseParameters.MinCapacity,
  MaxCapacity: releaseParameters.MaxCapacity,
} as const satisfies ParameterSpecs;

/** Public services: what they need from the ALB. */
export const publicServiceParameters = {
  AlbSecurityGroupId: stringParameter('ALB security group: the only ingress source of a public service'),
  AlbFullName: stringParameter('ALB full name, for metric dimensions'),
  ProductionListenerArn: stringParameter('Listener carrying production traffic'),
  TestListenerArn: stringParameter('Blue/green test listener'),
} as const satisfies ParameterSpecs;

/** The rotation function for a secret kind: `RotateDatabaseFunctionArn`, `RotateApiKeyRoleArn`. */
export function rotationParameterNames(kind: SecretKind): { functionArn: string; roleArn: string } {
  const base = `Rotate${pascal(kind)}`;
  return { functionArn: `${base}FunctionArn`, roleArn: `${base}RoleArn` };
}

/** Security group of a service this one calls: `ApiGatewaySecurityGroupId`. */
export const calleeSecurityGroupParameter = (callee: string): string => `${pascal(callee)}SecurityGroupId`;

export const secretKinds = (service: ServiceDefinition): SecretKind[] => [...new Set(service.secrets.map((s) => s.kind))];

/**
 * Where the services stack finds what it passes to a service stack, beyond its own parameters:
 * the callees' security groups (their stacks' outputs) and the rotation functions it creates.
 */
/** Parameters the services stack must declare to hand the base, ALB and database groups down. */
export type PassThroughParent = {
  readonly [K in keyof typeof serviceBaseParameters | keyof typeof publicServiceParameters | keyof typeof databaseParameters]: ParameterSpec;
};

export interface ServiceInputSource {
  /** The services stack's parameter specs: a missing pass-through parameter is a tsc error. */
  readonly parent: PassThroughParent;
  readonly calleeSecurityGroup: (callee: string) => Value<string>;
  readonly rotationFunction: (kind: SecretKind) => { readonly functionArn: Value<string>; readonly roleArn: Value<string> };
}

/** The rotation function and role of one secret kind: both names and both values from one place. */
function rotationGroup(kind: SecretKind, source: ServiceInputSource): ParameterGroup<ParameterSpecs> {
  const names = rotationParameterNames(kind);
  const arns = source.rotationFunction(kind);
  return parameterGroup(
    {
      [names.functionArn]: stringParameter(`Rotation function for ${kind} secrets`),
      [names.roleArn]: stringParameter(`Execution role of the ${kind} rotation function (granted use of this service's key)`),
    },
    { [names.functionArn]: arns.functionArn, [names.roleArn]: arns.roleArn },
  );
}

/**
 * The service's own image tag: its stack's `ImageTag`, from the services stack's
 * `<Service>ImageTag` (D-16). No other service stack takes it, so a release changes this stack only.
 */
function releaseGroup(service: ServiceDefinition): ParameterGroup<ParameterSpecs> {
  return parameterGroup({ ImageTag: releasedImageTagSpec(service.name) }, { ImageTag: Fn.Ref(imageTagParameter(service)) });
}

/** The security group of one callee, read from the callee's stack. */
function calleeGroup(callee: string, source: ServiceInputSource): ParameterGroup<ParameterSpecs> {
  const name = calleeSecurityGroupParameter(callee);
  return parameterGroup(
    { [name]: stringParameter(`Security group of ${callee}, which this service calls`) },
    { [name]: source.calleeSecurityGroup(callee) },
  );
}

/**
 * A service stack's parameter groups, each with what the services stack passes for it: the base
 * group and the service's own image tag for every service, the ALB group for public ones, the database group for services with
 * database secrets, one rotation group per secret kind and one group per callee. Specs and inputs
 * come from the same group, so the two sides cannot drift apart.
 */
export function serviceParameterGroups(service: ServiceDefinition, source: ServiceInputSource): ParameterGroup<ParameterSpecs>[] {
  const kinds = secretKinds(service);
  return [
    parameterGroup(serviceBaseParameters, passThrough(serviceBaseParameters, source.parent)),
    releaseGroup(service),
    ...(service.exposure.kind === 'public' ? [parameterGroup(publicServiceParameters, passThrough(publicServiceParameters, source.parent))] : []),
    ...(kinds.includes('database') ? [parameterGroup(databaseParameters, passThrough(databaseParameters, source.parent))] : []),
    ...kinds.map((kind) => rotationGroup(kind, source)),
    ...service.calls.map((callee) => calleeGroup(callee, source)),
  ];
}
