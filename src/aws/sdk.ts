/**
 * The real adapter of the port: AWS SDK for JavaScript v3.
 *
 * - Region: always the params file's (the guard has already refused a disagreeing configuration).
 * - Credentials: the SDK's standard chain (env, profiles/SSO, web identity, container, instance),
 *   or the temporary credentials of an assumed role (the deploy role, D-17) when given.
 * - `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_<SERVICE>`) are honoured; S3 is path-style on an
 *   endpoint that is not AWS's own (an IP address, localhost, an emulator's host name), where a
 *   bucket name cannot be a host name (endpoint.ts).
 * - `maxAttempts: 1` on every client: `retry.ts` is the only retry layer, so ExecuteChangeSet can
 *   never be repeated by the SDK after an ambiguous 500.
 * - Every SDK error is classified into `AwsError`.
 * - Every enumeration is converted to the port's unions (`recognize`): a value AWS adds later is
 *   passed on as `unrecognized:<value>`, never dropped and never mistaken for a known one.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  ALARM_STATES,
  AwsError,
  CHANGE_ACTIONS,
  CHANGE_SET_STATUSES,
  DIFFERENCE_TYPES,
  DRIFT_DETECTION_STATUSES,
  EVALUATIONS,
  EXECUTION_STATUSES,
  RECREATIONS,
  REPLACEMENTS,
  RESOURCE_DRIFT_STATUSES,
  RESOURCE_STATUSES,
  ROLLOUT_STATES,
  SERVICE_DEPLOYMENT_STATUSES,
  STACK_DRIFT_STATUSES,
  STACK_STATUSES,
  TARGET_HEALTH_STATES,
  type AwsErrorKind,
  type AwsPort,
  type ChangeSetPage,
  type CloudFormationPort,
  type CloudWatchPort,
  type DiscoveryPort,
  type EcsPort,
  type EcsServiceDetail,
  type Elbv2Port,
  type LogsPort,
  type EcrPort,
  type IamPort,
  type ImageLookup,
  type ResourceChangeEntry,
  type S3Port,
  type SecretsPort,
  type StackDescription,
  type StackEvent,
  type StsPort,
  type TemporaryCredentials,
  type Unrecognized,
} from './port';
import { endpointFor, usesPathStyle, type EnvironmentVariables } from './endpoint';
import { createDestroyGroups } from './sdk-destroy';
import { httpProbe } from './http-probe';

type Env = EnvironmentVariables;

/* ---------------------------------------------------------------------------------------------- */
/* Error classification (pure, unit-tested)                                                        */
/* ---------------------------------------------------------------------------------------------- */

const THROTTLING = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'RequestThrottled', 'SlowDown', 'BandwidthLimitExceeded', 'ProvisionedThroughputExceededException',
]);
const CREDENTIALS = new Set([
  'CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException',
  'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'TokenRefreshRequired', 'InvalidToken',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);
const CONFLICT = new Set([
  'AlreadyExistsException', 'InvalidChangeSetStatus', 'InvalidChangeSetStatusException', 'TokenAlreadyExistsException',
  'OperationInProgressException', 'ConcurrentResourcesLimitExceeded',
]);
const ACCESS = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden', 'UnauthorizedOperation']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $retryable?: { throttling?: boolean };
  $response?: { statusCode?: number };
}

/**
 * What DescribeImages says of a tag, as a deploy can use it. An image not ACTIVE (ARCHIVED, or
 * ACTIVATING on its way back) is still described but cannot be pulled: "Archived images cannot be
 * pulled ... The image status will be shown as ARCHIVED"; pushing it again restores it
 * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html). No status (an
 * emulator, an older API) means active.
 */
export function imageLookupOf(image: { readonly imageDigest?: string; readonly imagePushedAt?: Date; readonly imageStatus?: string } | undefined): ImageLookup {
  if (!image || (image.imageStatus !== undefined && image.imageStatus !== 'ACTIVE')) return { kind: 'image-missing' };
  return { kind: 'found', digest: image.imageDigest ?? '', ...(image.imagePushedAt ? { pushedAt: image.imagePushedAt } : {}) };
}

export function classifySdkError(error: unknown, operation: string): AwsError {
  if (error instanceof AwsError) return error;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
  const code = shape.name && shape.name !== 'Error' ? shape.name : shape.code ?? 'Error';
  const status = shape.$metadata?.httpStatusCode ?? shape.$response?.statusCode;
  const fullText = (shape.message ?? String(error)).trim();
  const message = fullText.split('\n')[0];
  const kind: AwsErrorKind = ((): AwsErrorKind => {
    if (THROTTLING.has(code) || shape.$retryable?.throttling || status === 429) return 'throttled';
    if (CREDENTIALS.has(code)) return 'credentials';
    if (NETWORK.has(shape.code ?? '') || NETWORK.has(code) || code === 'TimeoutError' || code === 'RequestTimeout' || code === 'RequestTimeoutException') return 'transient';
    // An HTML 500/501 page instead of an AWS error document: the endpoint (an emulator) does not
    // implement the operation. AWS itself always answers in the protocol's format.
    if (status === 501 || (status !== undefined && status >= 500 && /deserializ|parse error|not yet implemented|<html/i.test(shape.message ?? ''))) return 'unsupported';
    if (status !== undefined && status >= 500) return 'transient';
    if (ACCESS.has(code) || status === 403) return 'access-denied';
    if (CONFLICT.has(code)) return 'conflict';
    if (code === 'ValidationError' || status === 400) return 'validation';
    return 'other';
  })();
  const requestId = shape.$metadata?.requestId;
  return new AwsError(kind, code, message, operation, status, {
    ...(requestId ? { requestId } : {}),
    ...(fullText !== message ? { fullText } : {}),
  });
}

/* ---------------------------------------------------------------------------------------------- */
/* Enumerations (pure, unit-tested)                                                                */
/* ---------------------------------------------------------------------------------------------- */

/** A documented value as it is; anything else (added by AWS later, or absent) as `unrecognized:<value>`. */
export function recognize<T extends string>(known: readonly T[], value: string | undefined): T | Unrecognized {
  return value !== undefined && (known as readonly string[]).includes(value) ? (value as T) : `unrecognized:${value ?? '(none)'}`;
}

const notFoundStack = (error: AwsError): boolean => error.kind === 'validation' && /does not exist/i.test(error.message);

/* ---------------------------------------------------------------------------------------------- */
/* The SDK's Node-version notice                                                                   */
/* ---------------------------------------------------------------------------------------------- */

const SDK_NODE_NOTICE_VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * The pinned SDK warns, on the first client it builds, that its releases after January 2027 need
 * Node 22; the toolkit pins both and runs on Node 20. Call before building a client (every client
 * of the toolkit is built by `createSdkPort`, which does).
 */
export function silenceSdkNodeNotice(): void {
  process.env[SDK_NODE_NOTICE_VARIABLE] ??= 'true';
}

/* ---------------------------------------------------------------------------------------------- */
/* Session                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

export interface SdkClients {
  readonly cfn: CloudFormationClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
  readonly ecs: ECSClient;
  readonly secrets: SecretsManagerClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly discovery: ServiceDiscoveryClient;
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly ecr: ECRClient;
  readonly iam: IAMClient;
}

const HTTP = { requestTimeout: 60_000, connectionTimeout: 10_000 } as const;

/**
 * Builds the SDK clients (loading the SDK lazily, after silencing its Node-version notice).
 * `credentials`: an assumed role's; otherwise the standard chain, read with `profile` when given.
 */
export async function createSdkPort(region: string, env: Env, credentials?: TemporaryCredentials, profile?: string): Promise<AwsPort> {
  silenceSdkNodeNotice();
  const [cfnSdk, s3Sdk, stsSdk, ecsSdk, smSdk, elbSdk, sdSdk, cwSdk, logsSdk, ecrSdk, iamSdk] = await Promise.all([
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-ecs'),
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-sdk/client-elastic-load-balancing-v2'),
    import('@aws-sdk/client-servicediscovery'),
    import('@aws-sdk/client-cloudwatch'),
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/client-iam'),
  ]);
  const common = (key: string) => {
    const endpoint = endpointFor(env, key);
    // A named profile (promote's --from-profile/--to-profile) selects that profile's credentials for
    // these clients only, as AWS_PROFILE would for the process.
    return { region, maxAttempts: 1, requestHandler: HTTP, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : profile ? { profile } : {}) };
  };
  const s3Endpoint = endpointFor(env, 'S3');
  const clients: SdkClients = {
    cfn: new cfnSdk.CloudFormationClient(common('CLOUDFORMATION')),
    s3: new s3Sdk.S3Client({ ...common('S3'), ...(usesPathStyle(s3Endpoint) ? { forcePathStyle: true } : {}) }),
    sts: new stsSdk.STSClient(common('STS')),
    ecs: new ecsSdk.ECSClient(common('ECS')),
    secrets: new smSdk.SecretsManagerClient(common('SECRETS_MANAGER')),
    elbv2: new elbSdk.ElasticLoadBalancingV2Client(common('ELASTIC_LOAD_BALANCING_V2')),
    discovery: new sdSdk.ServiceDiscoveryClient(common('SERVICEDISCOVERY')),
    cloudwatch: new cwSdk.CloudWatchClient(common('CLOUDWATCH')),
    logs: new logsSdk.CloudWatchLogsClient(common('CLOUDWATCH_LOGS')),
    ecr: new ecrSdk.ECRClient(common('ECR')),
    iam: new iamSdk.IAMClient(common('IAM')),
  };

  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw classifySdkError(error, operation);
    }
  };

  const sts: StsPort = {
    async configuredRegion() {
      for (const key of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
        const value = env[key];
        if (value) return { region: value, source: key };
      }
      // The SDK's own resolution (profile in ~/.aws/config) on a client built without a region.
      try {
        const probe = new stsSdk.STSClient(profile ? { profile } : {});
        const resolved = await probe.config.region();
        const named = profile ?? env['AWS_PROFILE'] ?? 'default';
        return resolved ? { region: resolved, source: `profile "${named}" in the shared AWS config` } : undefined;
      } catch {
        return undefined;
      }
    },
    callerIdentity: () =>
      call('sts.callerIdentity', async () => {
        const answer = await clients.sts.send(new stsSdk.GetCallerIdentityCommand({}));
        return { account: answer.Account ?? '', arn: answer.Arn ?? '' };
      }),
    assumeRole: (roleArn, sessionName) =>
      call('sts.assumeRole', async () => {
        const answer = await clients.sts.send(new stsSdk.AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
        const issued = answer.Credentials;
        if (!issued?.AccessKeyId || !issued.SecretAccessKey || !issued.SessionToken) {
          throw new AwsError('other', 'NoCredentials', `AssumeRole of ${roleArn} returned no credentials`, 'sts.assumeRole');
        }
        return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken, ...(issued.Expiration ? { expiration: issued.Expiration } : {}) };
      }),
  };

  const s3: S3Port = {
    async headBucket(bucket, expectedOwner) {
      try {
        await clients.s3.send(new s3Sdk.HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }));
        return 'present';
      } catch (error) {
        const classified = classifySdkError(error, 's3.headBucket');
        if (classified.httpStatus === 404) return 'absent';
        if (classified.kind === 'access-denied') return 'foreign';
        throw classified;
      }
    },
    async headObject(bucket, key, expectedOwner) {
      try {
        await clients.s3.send(new s3Sdk.HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: expectedOwner }));
        return true;
      } catch (error) {
        const classified = classifySdkError(error, 's3.headObject');
        if (classified.httpStatus === 404) return false;
        throw classified;
      }
    },
    putObject: ({ bucket, key, body, contentType, expectedOwner }) =>
      call('s3.putObject', async () => {
        await clients.s3.send(new s3Sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ExpectedBucketOwner: expectedOwner }));
      }),
    async getObject(bucket, key, expectedOwner) {
      try {
        const answer = await clients.s3.send(new s3Sdk.GetObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: expectedOwner }));
        return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        const classified = classifySdkError(error, 's3.getObject');
        // NoSuchKey is 404 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        if (classified.httpStatus === 404 && classified.code !== 'NoSuchBucket') return undefined;
        throw classified;
      }
    },
    listObjectVersions: (bucket, expectedOwner, token) =>
      call('s3.listObjectVersions', async () => {
        const [keyMarker, versionMarker] = token ? (JSON.parse(token) as [string, string | undefined]) : [undefined, undefined];
        const page = await clients.s3.send(new s3Sdk.ListObjectVersionsCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
        const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
          .filter((v) => v.Key !== undefined)
          .map((v) => ({ key: v.Key as string, ...(v.VersionId && v.VersionId !== 'null' ? { versionId: v.VersionId } : {}) }));
        const next = page.IsTruncated ? JSON.stringify([page.NextKeyMarker, page.NextVersionIdMarker]) : undefined;
        return { objects, ...(next ? { next } : {}) };
      }),
    deleteObjects: (bucket, expectedOwner, objects) =>
      call('s3.deleteObjects', async () => {
        if (objects.length === 0) return;
        const answer = await clients.s3.send(new s3Sdk.DeleteObjectsCommand({
          Bucket: bucket,
          ExpectedBucketOwner: expectedOwner,
          Delete: { Objects: objects.map((o) => ({ Key: o.key, ...(o.versionId ? { VersionId: o.versionId } : {}) })), Quiet: true },
        }));
        const failed = answer.Errors ?? [];
        if (failed.length > 0) throw new AwsError('other', failed[0].Code ?? 'DeleteObjectsFailed', `could not delete ${failed.length} objects from ${bucket}: ${failed[0].Message ?? ''}`, 's3.deleteObjects');
      }),
    async deleteBucket(bucket, expectedOwner) {
      try {
        await clients.s3.send(new s3Sdk.DeleteBucketCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }));
        return true;
      } catch (error) {
        const classified = classifySdkError(error, 's3.deleteBucket');
        if (classified.httpStatus === 404) return false;
        throw classified;
      }
    },
  };

  const toStack = (stack: import('@aws-sdk/client-cloudformation').Stack): StackDescription => ({
    stackId: stack.StackId ?? '',
    stackName: stack.StackName ?? '',
    status: recognize(STACK_STATUSES, stack.StackStatus),
    ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
    creationTime: stack.CreationTime ?? new Date(0),
    ...(stack.LastUpdatedTime ? { lastUpdatedTime: stack.LastUpdatedTime } : {}),
    parameters: Object.fromEntries((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ResolvedValue ?? p.ParameterValue ?? ''])),
    tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    outputs: (stack.Outputs ?? []).map((o) => ({
      key: o.OutputKey ?? '',
      value: o.OutputValue ?? '',
      ...(o.Description ? { description: o.Description } : {}),
      ...(o.ExportName ? { exportName: o.ExportName } : {}),
    })),
    terminationProtection: stack.EnableTerminationProtection ?? false,
    ...(stack.ParentId ? { parentId: stack.ParentId } : {}),
    ...(stack.RootId ? { rootId: stack.RootId } : {}),
  });

  const toChange = (change: import('@aws-sdk/client-cloudformation').Change): ResourceChangeEntry | undefined => {
    const rc = change.ResourceChange;
    if (!rc) return undefined;
    return {
      action: recognize(CHANGE_ACTIONS, rc.Action),
      logicalId: rc.LogicalResourceId ?? '',
      ...(rc.PhysicalResourceId ? { physicalId: rc.PhysicalResourceId } : {}),
      resourceType: rc.ResourceType ?? '',
      ...(rc.Replacement ? { replacement: recognize(REPLACEMENTS, rc.Replacement) } : {}),
      scope: rc.Scope ?? [],
      details: (rc.Details ?? []).map((d) => ({
        ...(d.Evaluation ? { evaluation: recognize(EVALUATIONS, d.Evaluation) } : {}),
        ...(d.ChangeSource ? { changeSource: d.ChangeSource } : {}),
        ...(d.CausingEntity ? { causingEntity: d.CausingEntity } : {}),
        target: {
          ...(d.Target?.Attribute ? { attribute: d.Target.Attribute } : {}),
          ...(d.Target?.Name ? { name: d.Target.Name } : {}),
          ...(d.Target?.RequiresRecreation ? { requiresRecreation: recognize(RECREATIONS, d.Target.RequiresRecreation) } : {}),
          ...(d.Target?.Path ? { path: d.Target.Path } : {}),
          ...(d.Target?.BeforeValue !== undefined ? { beforeValue: d.Target.BeforeValue } : {}),
          ...(d.Target?.AfterValue !== undefined ? { afterValue: d.Target.AfterValue } : {}),
          ...(d.Target?.AttributeChangeType ? { attributeChangeType: d.Target.AttributeChangeType } : {}),
        },
      })),
      ...(rc.ChangeSetId ? { changeSetId: rc.ChangeSetId } : {}),
      ...(rc.PolicyAction ? { policyAction: rc.PolicyAction } : {}),
      ...(rc.BeforeContext ? { beforeContext: rc.BeforeContext } : {}),
      ...(rc.AfterContext ? { afterContext: rc.AfterContext } : {}),
    };
  };

  const cfn: CloudFormationPort = {
    listStacks: (statuses, nextToken) =>
      call('cfn.listStacks', async () => {
        const answer = await clients.cfn.send(new cfnSdk.ListStacksCommand({ StackStatusFilter: statuses.filter((s) => !s.startsWith('unrecognized:')) as import('@aws-sdk/client-cloudformation').StackStatus[], ...(nextToken ? { NextToken: nextToken } : {}) }));
        return {
          stacks: (answer.StackSummaries ?? []).map((summary) => ({
            stackId: summary.StackId ?? '',
            stackName: summary.StackName ?? '',
            status: recognize(STACK_STATUSES, summary.StackStatus),
            ...(summary.DeletionTime ? { deletionTime: summary.DeletionTime } : {}),
            ...(summary.ParentId ? { parentId: summary.ParentId } : {}),
          })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
    async describeStack(stack) {
      try {
        const answer = await clients.cfn.send(new cfnSdk.DescribeStacksCommand({ StackName: stack }));
        const found = answer.Stacks?.[0];
        return found ? toStack(found) : undefined;
      } catch (error) {
        const classified = classifySdkError(error, 'cfn.describeStack');
        if (notFoundStack(classified)) return undefined;
        throw classified;
      }
    },
    getTemplate: (stack) =>
      call('cfn.getTemplate', async () => {
        const answer = await clients.cfn.send(new cfnSdk.GetTemplateCommand({ StackName: stack, TemplateStage: 'Original' }));
        return answer.TemplateBody ?? '';
      }),
    createChangeSet: (request) =>
      call('cfn.createChangeSet', async () => {
        const answer = await clients.cfn.send(new cfnSdk.CreateChangeSetCommand({
          StackName: request.stackName,
          ChangeSetName: request.changeSetName,
          ChangeSetType: request.changeSetType,
          ...('url' in request.template ? { TemplateURL: request.template.url } : { TemplateBody: request.template.body }),
          Parameters: Object.entries(request.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
          Tags: Object.entries(request.tags).map(([Key, Value]) => ({ Key, Value })),
          Capabilities: [...request.capabilities] as import('@aws-sdk/client-cloudformation').Capability[],
          IncludeNestedStacks: request.includeNestedStacks,
          ClientToken: request.clientToken,
          Description: request.description,
          ...(request.roleArn ? { RoleARN: request.roleArn } : {}),
        }));
        return { id: answer.Id ?? '', stackId: answer.StackId ?? '' };
      }),
    async describeChangeSet(id, { nextToken, includePropertyValues }) {
      try {
        const answer = await clients.cfn.send(new cfnSdk.DescribeChangeSetCommand({
          ChangeSetName: id,
          ...(nextToken ? { NextToken: nextToken } : {}),
          ...(includePropertyValues ? { IncludePropertyValues: true } : {}),
        }));
        const page: ChangeSetPage = {
          id: answer.ChangeSetId ?? id,
          name: answer.ChangeSetName ?? '',
          stackId: answer.StackId ?? '',
          stackName: answer.StackName ?? '',
          status: recognize(CHANGE_SET_STATUSES, answer.Status),
          ...(answer.StatusReason ? { statusReason: answer.StatusReason } : {}),
          // Absent while the change set is being computed: not executable (API reference: ExecutionStatus).
          executionStatus: answer.ExecutionStatus === undefined ? 'UNAVAILABLE' : recognize(EXECUTION_STATUSES, answer.ExecutionStatus),
          ...(answer.ParentChangeSetId ? { parentChangeSetId: answer.ParentChangeSetId } : {}),
          ...(answer.RootChangeSetId ? { rootChangeSetId: answer.RootChangeSetId } : {}),
          creationTime: answer.CreationTime ?? new Date(0),
          parameters: Object.fromEntries((answer.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? ''])),
          changes: (answer.Changes ?? []).map(toChange).filter((c): c is ResourceChangeEntry => c !== undefined),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
        return page;
      } catch (error) {
        const classified = classifySdkError(error, 'cfn.describeChangeSet');
        // moto answers an unknown change set ARN with ValidationError "… does not exist".
        if (classified.code === 'ChangeSetNotFoundException' || classified.code === 'ChangeSetNotFound' || notFoundStack(classified)) return undefined;
        throw classified;
      }
    },
    async listChangeSets(stack, nextToken) {
      try {
        const answer = await clients.cfn.send(new cfnSdk.ListChangeSetsCommand({ StackName: stack, ...(nextToken ? { NextToken: nextToken } : {}) }));
        const stackName = stack.startsWith('arn:') ? undefined : stack;
        return {
          changeSets: (answer.Summaries ?? [])
            // moto ignores StackName and lists the region's change sets; keep this stack's.
            .filter((c) => (stackName ? c.StackName === stackName : c.StackId === stack))
            .map((c) => ({
              id: c.ChangeSetId ?? '',
              name: c.ChangeSetName ?? '',
              stackId: c.StackId ?? '',
              stackName: c.StackName ?? '',
              status: recognize(CHANGE_SET_STATUSES, c.Status),
              ...(c.StatusReason ? { statusReason: c.StatusReason } : {}),
              executionStatus: c.ExecutionStatus === undefined ? 'UNAVAILABLE' : recognize(EXECUTION_STATUSES, c.ExecutionStatus),
              creationTime: c.CreationTime ?? new Date(0),
              ...(c.Description ? { description: c.Description } : {}),
            })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      } catch (error) {
        const classified = classifySdkError(error, 'cfn.listChangeSets');
        if (notFoundStack(classified)) return { changeSets: [] };
        throw classified;
      }
    },
    executeChangeSet: (id, clientToken) =>
      call('cfn.executeChangeSet', async () => {
        await clients.cfn.send(new cfnSdk.ExecuteChangeSetCommand({ ChangeSetName: id, ClientRequestToken: clientToken }));
      }),
    deleteChangeSet: (id) =>
      call('cfn.deleteChangeSet', async () => {
        await clients.cfn.send(new cfnSdk.DeleteChangeSetCommand({ ChangeSetName: id }));
      }),
    deleteStack: (stack, clientToken) =>
      call('cfn.deleteStack', async () => {
        await clients.cfn.send(new cfnSdk.DeleteStackCommand({ StackName: stack, ClientRequestToken: clientToken }));
      }),
    describeStackEvents: (stack, nextToken) =>
      call('cfn.describeStackEvents', async () => {
        const answer = await clients.cfn.send(new cfnSdk.DescribeStackEventsCommand({ StackName: stack, ...(nextToken ? { NextToken: nextToken } : {}) }));
        return {
          events: (answer.StackEvents ?? []).map((e) => ({
            eventId: e.EventId ?? '',
            stackId: e.StackId ?? '',
            stackName: e.StackName ?? '',
            logicalId: e.LogicalResourceId ?? '',
            ...(e.PhysicalResourceId ? { physicalId: e.PhysicalResourceId } : {}),
            resourceType: e.ResourceType ?? '',
            status: recognize<string>([...RESOURCE_STATUSES, ...STACK_STATUSES], e.ResourceStatus) as StackEvent['status'],
            ...(e.ResourceStatusReason ? { reason: e.ResourceStatusReason } : {}),
            timestamp: e.Timestamp ?? new Date(0),
          })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
    listStackResources: (stack, nextToken) =>
      call('cfn.listStackResources', async () => {
        const answer = await clients.cfn.send(new cfnSdk.ListStackResourcesCommand({ StackName: stack, ...(nextToken ? { NextToken: nextToken } : {}) }));
        return {
          resources: (answer.StackResourceSummaries ?? [])
            // moto lists placeholder rows with an empty logical id; they are not resources.
            .filter((r) => r.LogicalResourceId)
            .map((r) => ({
              logicalId: r.LogicalResourceId ?? '',
              ...(r.PhysicalResourceId ? { physicalId: r.PhysicalResourceId } : {}),
              resourceType: r.ResourceType ?? '',
              status: recognize(RESOURCE_STATUSES, r.ResourceStatus),
              ...(r.ResourceStatusReason ? { reason: r.ResourceStatusReason } : {}),
            })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
    getStackPolicy: (stack) =>
      call('cfn.getStackPolicy', async () => {
        const answer = await clients.cfn.send(new cfnSdk.GetStackPolicyCommand({ StackName: stack }));
        return answer.StackPolicyBody || undefined;
      }),
    setStackPolicy: (stack, policyBody) =>
      call('cfn.setStackPolicy', async () => {
        await clients.cfn.send(new cfnSdk.SetStackPolicyCommand({ StackName: stack, StackPolicyBody: policyBody }));
      }),
    updateTerminationProtection: (stack, enabled) =>
      call('cfn.updateTerminationProtection', async () => {
        await clients.cfn.send(new cfnSdk.UpdateTerminationProtectionCommand({ StackName: stack, EnableTerminationProtection: enabled }));
      }),
    continueUpdateRollback: (stack, resourcesToSkip, clientToken) =>
      call('cfn.continueUpdateRollback', async () => {
        await clients.cfn.send(new cfnSdk.ContinueUpdateRollbackCommand({
          StackName: stack,
          ClientRequestToken: clientToken,
          ...(resourcesToSkip.length > 0 ? { ResourcesToSkip: [...resourcesToSkip] } : {}),
        }));
      }),
    detectStackDrift: (stack) =>
      call('cfn.detectStackDrift', async () => {
        const answer = await clients.cfn.send(new cfnSdk.DetectStackDriftCommand({ StackName: stack }));
        return answer.StackDriftDetectionId ?? '';
      }),
    describeStackDriftDetectionStatus: (detectionId) =>
      call('cfn.describeStackDriftDetectionStatus', async () => {
        const answer = await clients.cfn.send(new cfnSdk.DescribeStackDriftDetectionStatusCommand({ StackDriftDetectionId: detectionId }));
        return {
          // No status is no answer: treated as a failed detection, so a report never claims "in sync" for it.
          status: answer.DetectionStatus === undefined ? 'DETECTION_FAILED' : recognize(DRIFT_DETECTION_STATUSES, answer.DetectionStatus),
          ...(answer.StackDriftStatus ? { stackDriftStatus: recognize(STACK_DRIFT_STATUSES, answer.StackDriftStatus) } : {}),
          ...(answer.DetectionStatusReason ? { reason: answer.DetectionStatusReason } : {}),
        };
      }),
    describeStackResourceDrifts: (stack, nextToken) =>
      call('cfn.describeStackResourceDrifts', async () => {
        const answer = await clients.cfn.send(new cfnSdk.DescribeStackResourceDriftsCommand({
          StackName: stack,
          StackResourceDriftStatusFilters: ['MODIFIED', 'DELETED'],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }));
        return {
          drifts: (answer.StackResourceDrifts ?? []).map((d) => ({
            logicalId: d.LogicalResourceId ?? '',
            ...(d.PhysicalResourceId ? { physicalId: d.PhysicalResourceId } : {}),
            resourceType: d.ResourceType ?? '',
            status: d.StackResourceDriftStatus === undefined ? 'NOT_CHECKED' : recognize(RESOURCE_DRIFT_STATUSES, d.StackResourceDriftStatus),
            differences: (d.PropertyDifferences ?? []).map((p) => ({
              path: p.PropertyPath ?? '',
              ...(p.ExpectedValue !== undefined ? { expected: p.ExpectedValue } : {}),
              ...(p.ActualValue !== undefined ? { actual: p.ActualValue } : {}),
              type: p.DifferenceType === undefined ? 'NOT_EQUAL' : recognize(DIFFERENCE_TYPES, p.DifferenceType),
            })),
          })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
  };

  const toServiceDetail = (service: import('@aws-sdk/client-ecs').Service): EcsServiceDetail => {
    const primary = (service.deployments ?? []).find((d) => d.status === 'PRIMARY');
    const connect = primary?.serviceConnectConfiguration;
    return {
      arn: service.serviceArn ?? '',
      name: service.serviceName ?? '',
      status: service.status ?? '',
      desiredCount: service.desiredCount ?? 0,
      runningCount: service.runningCount ?? 0,
      pendingCount: service.pendingCount ?? 0,
      deployments: (service.deployments ?? []).map((d) => ({
        id: d.id ?? '',
        status: d.status ?? '',
        ...(d.rolloutState ? { rolloutState: recognize(ROLLOUT_STATES, d.rolloutState) } : {}),
        ...(d.rolloutStateReason ? { rolloutStateReason: d.rolloutStateReason } : {}),
        desiredCount: d.desiredCount ?? 0,
        runningCount: d.runningCount ?? 0,
        pendingCount: d.pendingCount ?? 0,
        failedTasks: d.failedTasks ?? 0,
      })),
      // "If the discoveryName isn't specified, the port mapping name from the task definition is
      // used" (ServiceConnectService, ECS API reference).
      ...(connect ? { discoveryNames: (connect.services ?? []).map((sc) => sc.discoveryName ?? sc.portName ?? '') } : {}),
    };
  };

  const ecs: EcsPort = {
    describeService: (cluster, service) =>
      call('ecs.describeService', async () => {
        const answer = await clients.ecs.send(new ecsSdk.DescribeServicesCommand({ cluster, services: [service] }));
        const found = answer.services?.[0];
        if (!found) return undefined;
        return {
          ...(found.status ? { status: found.status } : {}),
          ...(found.runningCount !== undefined ? { runningCount: found.runningCount } : {}),
          ...(found.desiredCount !== undefined ? { desiredCount: found.desiredCount } : {}),
          events: (found.events ?? []).map((e) => ({ at: e.createdAt ?? new Date(0), message: e.message ?? '' })),
        };
      }),
    listStoppedTasks: (cluster, service) =>
      call('ecs.listStoppedTasks', async () => {
        const answer = await clients.ecs.send(new ecsSdk.ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', maxResults: 10 }));
        return answer.taskArns ?? [];
      }),
    describeTasks: (cluster, taskArns) =>
      call('ecs.describeTasks', async () => {
        if (taskArns.length === 0) return [];
        const answer = await clients.ecs.send(new ecsSdk.DescribeTasksCommand({ cluster, tasks: [...taskArns] }));
        return (answer.tasks ?? []).map((t) => ({
          taskArn: t.taskArn ?? '',
          ...(t.stoppedReason ? { stoppedReason: t.stoppedReason } : {}),
          ...(t.stoppedAt ? { stoppedAt: t.stoppedAt } : {}),
          containers: (t.containers ?? []).map((c) => ({
            name: c.name ?? '',
            ...(c.reason ? { reason: c.reason } : {}),
            ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
          })),
        }));
      }),
    describeServices: (cluster, services) =>
      call('ecs.describeServices', async () => {
        if (services.length === 0) return { services: [], missing: [] };
        const answer = await clients.ecs.send(new ecsSdk.DescribeServicesCommand({ cluster, services: [...services] }));
        return {
          services: (answer.services ?? []).map(toServiceDetail),
          missing: (answer.failures ?? []).filter((f) => f.reason === 'MISSING').map((f) => f.arn ?? ''),
        };
      }),
    listServiceDeployments: (cluster, service, statuses) =>
      call('ecs.listServiceDeployments', async () => {
        const answer = await clients.ecs.send(new ecsSdk.ListServiceDeploymentsCommand({ cluster, service, status: [...statuses] }));
        return {
          deployments: (answer.serviceDeployments ?? []).map((d) => ({
            arn: d.serviceDeploymentArn ?? '',
            status: recognize(SERVICE_DEPLOYMENT_STATUSES, d.status),
            ...(d.statusReason ? { statusReason: d.statusReason } : {}),
          })),
          ...(answer.nextToken ? { nextToken: answer.nextToken } : {}),
        };
      }),
  };

  const secrets: SecretsPort = {
    async forceDeleteSecret(secretId) {
      try {
        await clients.secrets.send(new smSdk.DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
        return true;
      } catch (error) {
        const classified = classifySdkError(error, 'secrets.forceDeleteSecret');
        if (classified.code === 'ResourceNotFoundException') return false;
        throw classified;
      }
    },
    async secretExists(secretId) {
      try {
        await clients.secrets.send(new smSdk.DescribeSecretCommand({ SecretId: secretId }));
        return true;
      } catch (error) {
        const classified = classifySdkError(error, 'secrets.secretExists');
        if (classified.code === 'ResourceNotFoundException') return false;
        throw classified;
      }
    },
    async describeSecret(secretId) {
      try {
        const answer = await clients.secrets.send(new smSdk.DescribeSecretCommand({ SecretId: secretId }));
        const rules = answer.RotationRules;
        return {
          arn: answer.ARN ?? secretId,
          name: answer.Name ?? secretId,
          rotationEnabled: answer.RotationEnabled ?? false,
          ...(rules ? {
            rotationRules: {
              ...(rules.AutomaticallyAfterDays !== undefined ? { automaticallyAfterDays: rules.AutomaticallyAfterDays } : {}),
              ...(rules.ScheduleExpression ? { scheduleExpression: rules.ScheduleExpression } : {}),
              ...(rules.Duration ? { duration: rules.Duration } : {}),
            },
          } : {}),
          ...(answer.LastRotatedDate ? { lastRotatedDate: answer.LastRotatedDate } : {}),
          ...(answer.NextRotationDate ? { nextRotationDate: answer.NextRotationDate } : {}),
          ...(answer.DeletedDate ? { deletedDate: answer.DeletedDate } : {}),
          versionStages: Object.fromEntries(Object.entries(answer.VersionIdsToStages ?? {}).map(([id, stages]) => [id, [...(stages ?? [])]])),
        };
      } catch (error) {
        const classified = classifySdkError(error, 'secrets.describeSecret');
        if (classified.code === 'ResourceNotFoundException') return undefined;
        throw classified;
      }
    },
  };

  const destroy = createDestroyGroups({ region, env, call, classify: classifySdkError, recognize });
  const elbv2: Elbv2Port = {
    ...destroy.elbv2,
    async describeTargetHealth(targetGroupArn) {
      try {
        const answer = await clients.elbv2.send(new elbSdk.DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        return (answer.TargetHealthDescriptions ?? []).map((d) => ({
          targetId: d.Target?.Id ?? '',
          ...(d.Target?.Port !== undefined ? { port: d.Target.Port } : {}),
          state: recognize(TARGET_HEALTH_STATES, d.TargetHealth?.State),
          ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
          ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
        }));
      } catch (error) {
        const classified = classifySdkError(error, 'elbv2.describeTargetHealth');
        if (classified.code === 'TargetGroupNotFoundException' || classified.code === 'TargetGroupNotFound') return undefined;
        throw classified;
      }
    },
    describeRules: (ruleArns, marker) =>
      call('elbv2.describeRules', async () => {
        if (ruleArns.length === 0) return { rules: [] };
        const answer = await clients.elbv2.send(new elbSdk.DescribeRulesCommand({ RuleArns: [...ruleArns], ...(marker ? { Marker: marker } : {}) }));
        return {
          rules: (answer.Rules ?? []).map((rule) => ({
            ruleArn: rule.RuleArn ?? '',
            pathPatterns: (rule.Conditions ?? [])
              .filter((c) => c.Field === 'path-pattern')
              .flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []),
            forwards: (rule.Actions ?? [])
              .filter((a) => a.Type === 'forward')
              .flatMap((a) => a.ForwardConfig?.TargetGroups?.length
                ? a.ForwardConfig.TargetGroups.map((g) => ({ targetGroupArn: g.TargetGroupArn ?? '', ...(g.Weight !== undefined ? { weight: g.Weight } : {}) }))
                : a.TargetGroupArn ? [{ targetGroupArn: a.TargetGroupArn }] : []),
          })),
          ...(answer.NextMarker ? { nextMarker: answer.NextMarker } : {}),
        };
      }),
  };

  const discovery: DiscoveryPort = {
    listServices: (namespaceId, nextToken) =>
      call('discovery.listServices', async () => {
        const answer = await clients.discovery.send(new sdSdk.ListServicesCommand({
          Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }));
        return {
          services: (answer.Services ?? []).map((sv) => ({ id: sv.Id ?? '', name: sv.Name ?? '' })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
    listInstances: (serviceId, nextToken) =>
      call('discovery.listInstances', async () => {
        const answer = await clients.discovery.send(new sdSdk.ListInstancesCommand({ ServiceId: serviceId, ...(nextToken ? { NextToken: nextToken } : {}) }));
        return {
          instanceIds: (answer.Instances ?? []).map((i) => i.Id ?? ''),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
  };

  const cloudwatch: CloudWatchPort = {
    describeAlarms: (names, nextToken) =>
      call('cloudwatch.describeAlarms', async () => {
        if (names.length === 0) return { alarms: [] };
        const answer = await clients.cloudwatch.send(new cwSdk.DescribeAlarmsCommand({
          AlarmNames: [...names],
          AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }));
        return {
          alarms: [...(answer.MetricAlarms ?? []), ...(answer.CompositeAlarms ?? [])].map((a) => ({
            name: a.AlarmName ?? '',
            state: recognize(ALARM_STATES, a.StateValue),
            ...(a.StateReason ? { reason: a.StateReason } : {}),
            ...(a.StateUpdatedTimestamp ? { updatedAt: a.StateUpdatedTimestamp } : {}),
          })),
          ...(answer.NextToken ? { nextToken: answer.NextToken } : {}),
        };
      }),
  };

  const logs: LogsPort = {
    ...destroy.logs,
    async filterLogEvents(logGroupName, since, nextToken) {
      try {
        const answer = await clients.logs.send(new logsSdk.FilterLogEventsCommand({
          logGroupName,
          startTime: since.getTime(),
          limit: 1,
          ...(nextToken ? { nextToken } : {}),
        }));
        return { found: (answer.events ?? []).length > 0, ...(answer.nextToken ? { nextToken: answer.nextToken } : {}) };
      } catch (error) {
        const classified = classifySdkError(error, 'logs.filterLogEvents');
        if (classified.code === 'ResourceNotFoundException') return undefined;
        throw classified;
      }
    },
  };

  const ecr: EcrPort = {
    ...destroy.ecr,
    async describeImage({ registryId, repository, tag }) {
      try {
        const answer = await clients.ecr.send(new ecrSdk.DescribeImagesCommand({ registryId, repositoryName: repository, imageIds: [{ imageTag: tag }] }));
        return imageLookupOf(answer.imageDetails?.[0]);
      } catch (error) {
        const classified = classifySdkError(error, 'ecr.describeImage');
        if (classified.code === 'ImageNotFoundException') return { kind: 'image-missing' };
        if (classified.code === 'RepositoryNotFoundException') return { kind: 'repository-missing' };
        throw classified;
      }
    },
  };

  /** One IAM Get request: `true` when it answers, `false` for NoSuchEntity. */
  const exists = async (operation: string, request: () => Promise<unknown>): Promise<boolean> => {
    try {
      await request();
      return true;
    } catch (error) {
      const classified = classifySdkError(error, operation);
      if (classified.code === 'NoSuchEntity' || classified.code === 'NoSuchEntityException') return false;
      throw classified;
    }
  };
  const iam: IamPort = {
    roleExists: (roleName) => exists('iam.roleExists', () => clients.iam.send(new iamSdk.GetRoleCommand({ RoleName: roleName }))),
    oidcProviderExists: (arn) => exists('iam.oidcProviderExists', () => clients.iam.send(new iamSdk.GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))),
  };

  return { sts, s3, cfn, ecs, secrets, elbv2, ecr, logs, kms: destroy.kms, discovery, cloudwatch, http: httpProbe(), iam };
}
