/**
 * Port calls in AWS's own words, for people: `s3.putObject` with its arguments is the request
 * "S3 PutObject" on `s3://bucket/key`. An error then names the request and the resource it was
 * about (D-13, issue 13 #6), and an interrupted run can list what it had asked AWS to change.
 *
 * The tables are partial on purpose: a port method added later is still named (its method name,
 * capitalised) and still read or write by its verb, so nothing here blocks a new operation.
 */
import { AwsError, type AwsPort } from './port';
import { decoratePort } from './retry';

/**
 * How AWS names each service in its documentation, and its `AWS_ENDPOINT_URL_<SERVICE>` key
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). A group without a
 * row (not an AWS service, or added later) is named by its key and has no endpoint variable.
 */
const SERVICES = {
  sts: { name: 'STS', endpointKey: 'STS' },
  s3: { name: 'S3', endpointKey: 'S3' },
  cfn: { name: 'CloudFormation', endpointKey: 'CLOUDFORMATION' },
  ecs: { name: 'ECS', endpointKey: 'ECS' },
  secrets: { name: 'Secrets Manager', endpointKey: 'SECRETS_MANAGER' },
  elbv2: { name: 'Elastic Load Balancing', endpointKey: 'ELASTIC_LOAD_BALANCING_V2' },
  ecr: { name: 'ECR', endpointKey: 'ECR' },
  logs: { name: 'CloudWatch Logs', endpointKey: 'CLOUDWATCH_LOGS' },
  kms: { name: 'KMS', endpointKey: 'KMS' },
  discovery: { name: 'Cloud Map', endpointKey: 'SERVICEDISCOVERY' },
  cloudwatch: { name: 'CloudWatch', endpointKey: 'CLOUDWATCH' },
  iam: { name: 'IAM', endpointKey: 'IAM' },
} as const satisfies Readonly<Record<string, { readonly name: string; readonly endpointKey: string }>>;

const serviceOf = (group: string): { readonly name: string; readonly endpointKey: string } | undefined => (SERVICES as Readonly<Record<string, { name: string; endpointKey: string }>>)[group];

/** Port methods whose AWS action has another name; the rest are their method name, capitalised. */
const ACTION_NAMES: Readonly<Record<string, string>> = {
  'sts.callerIdentity': 'GetCallerIdentity',
  'sts.configuredRegion': 'configuration (local)',
  'cfn.describeStack': 'DescribeStacks',
  'ecs.describeService': 'DescribeServices',
  'ecs.listStoppedTasks': 'ListTasks',
  'secrets.forceDeleteSecret': 'DeleteSecret',
  'secrets.secretExists': 'DescribeSecret',
  'elbv2.deletionProtection': 'DescribeLoadBalancerAttributes',
  'elbv2.setDeletionProtection': 'ModifyLoadBalancerAttributes',
  'ecr.repositoryExists': 'DescribeRepositories',
  'ecr.describeImage': 'DescribeImages',
  'logs.logGroupExists': 'DescribeLogGroups',
  'kms.keyState': 'DescribeKey',
  'iam.roleExists': 'GetRole',
  'iam.oidcProviderExists': 'GetOpenIDConnectProvider',
  'http.get': 'GET',
};

/** Reads whose port method is not named with a read verb (describe, get, list, head). */
const NAMED_READS = new Set([
  'secrets.secretExists', 'elbv2.deletionProtection', 'ecr.repositoryExists', 'logs.logGroupExists', 'logs.filterLogEvents',
  'kms.keyState', 'iam.roleExists', 'iam.oidcProviderExists', 'http.get',
  // A session's credentials: nothing in the account changes.
  'sts.assumeRole',
]);

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const field = (value: unknown, key: string): string | undefined => (typeof value === 'object' && value !== null ? text((value as Record<string, unknown>)[key]) : undefined);

/** `arn:aws:cloudformation:…:stack/tap-dev/uuid` → `tap-dev`; a name stays as it is. */
export function nameInArn(value: string): string {
  const match = /^arn:[^:]+:cloudformation:[^:]*:[^:]*:(?:stack|changeSet)\/([^/]+)\//.exec(value);
  return match ? match[1] : value;
}

const stack = (args: readonly unknown[]) => (text(args[0]) ? `stack ${nameInArn(text(args[0]) as string)}` : undefined);
const changeSet = (args: readonly unknown[]) => (text(args[0]) ? `change set ${nameInArn(text(args[0]) as string)}` : undefined);
const bucket = (args: readonly unknown[]) => (text(args[0]) ? `s3://${text(args[0])}` : undefined);

/** The resource of each request, from its arguments. */
const RESOURCES: Readonly<Record<string, (args: readonly unknown[]) => string | undefined>> = {
  's3.headBucket': bucket,
  's3.listObjectVersions': bucket,
  's3.deleteObjects': bucket,
  's3.headObject': (args) => (text(args[0]) ? `s3://${text(args[0])}/${text(args[1]) ?? ''}` : undefined),
  's3.getObject': (args) => (text(args[0]) ? `s3://${text(args[0])}/${text(args[1]) ?? ''}` : undefined),
  's3.putObject': ([request]) => (field(request, 'bucket') ? `s3://${field(request, 'bucket')}/${field(request, 'key') ?? ''}` : undefined),
  'cfn.createChangeSet': ([request]) => (field(request, 'stackName') ? `change set ${field(request, 'changeSetName') ?? '?'} on stack ${field(request, 'stackName')}` : undefined),
  'cfn.describeChangeSet': changeSet,
  'cfn.executeChangeSet': changeSet,
  'cfn.deleteChangeSet': changeSet,
  'cfn.describeStackDriftDetectionStatus': (args) => (text(args[0]) ? `drift detection ${text(args[0])}` : undefined),
  'ecs.describeService': (args) => (text(args[1]) ? `service ${text(args[1])} in cluster ${text(args[0]) ?? '?'}` : undefined),
  'ecs.listStoppedTasks': (args) => (text(args[1]) ? `service ${text(args[1])} in cluster ${text(args[0]) ?? '?'}` : undefined),
  'ecs.describeTasks': (args) => (text(args[0]) ? `tasks in cluster ${text(args[0])}` : undefined),
  'secrets.forceDeleteSecret': (args) => (text(args[0]) ? `secret ${text(args[0])}` : undefined),
};

export interface RequestDescription {
  /** `S3 PutObject`, `CloudFormation DescribeStacks`. */
  readonly api: string;
  readonly resource?: string;
}

/** `s3.putObject` + arguments → { api: 'S3 PutObject', resource: 's3://bucket/key' }. */
export function describeRequest(operation: string, args: readonly unknown[]): RequestDescription {
  const [group, method = ''] = operation.split('.');
  const service = serviceOf(group)?.name ?? group;
  const action = ACTION_NAMES[operation] ?? `${method.charAt(0).toUpperCase()}${method.slice(1)}`;
  // Every CloudFormation call not listed above takes a stack as its first argument.
  const resource = (RESOURCES[operation] ?? (group === 'cfn' ? stack : () => undefined))(args);
  return { api: `${service} ${action}`, ...(resource ? { resource } : {}) };
}

/** The API name of a port operation without its arguments. */
export const apiName = (operation: string): string => describeRequest(operation, []).api;

/** Reads change nothing in AWS; everything else (a write, or starting something) does. */
export const isReadOperation = (operation: string): boolean =>
  NAMED_READS.has(operation) || /^[a-z0-9]+\.(describe|get|list|head|callerIdentity|configuredRegion)/.test(operation);

/** The `AWS_ENDPOINT_URL_<SERVICE>` key for an operation's service. */
export const endpointKeyOf = (operation: string): string | undefined => serviceOf(operation.split('.')[0])?.endpointKey;

/** Every AwsError thrown by `port` carries the resource its request was about. */
export function withRequestContext(port: AwsPort): AwsPort {
  return decoratePort(port, async (operation, call, args) => {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof AwsError) || error.context.resource) throw error;
      const { resource } = describeRequest(operation, args);
      throw resource ? error.withContext({ resource }) : error;
    }
  });
}
