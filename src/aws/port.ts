/**
 * The narrow AWS port of the deploy pipeline: exactly the calls it makes, grouped per service, in
 * the toolkit's own types. Each method is ONE request (pagination loops live in the callers), so a
 * counter below the port counts real API calls. The real adapter is `aws-sdk.ts`; the scenario
 * tests drive the fake AWS, `test/fakes/aws/`.
 *
 * Every method throws `AwsError` (never a raw SDK error), classified by what the caller can do
 * about it; "does not exist" answers are values (`undefined`/`false`), not errors.
 *
 * Statuses, change actions and the other enumerations CloudFormation answers with are unions of
 * the values AWS documents (API reference, and the pinned SDK's enums), so a misspelt status in
 * the deploy code is a tsc error. AWS adds values over time (`SyncWithActual` joined the change
 * actions after this port was first written:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html).
 * The SDK adapter passes a value it does not know through as `unrecognized:<value>` (see
 * `Unrecognized`): it is shown as AWS spelled it, and no decision mistakes it for a known value.
 */
import type { bootstrapParameters } from '../stacks/bootstrap';
import type { rootParameters } from '../stacks/root';
import type { ImageTagParameterName } from '../stacks/releases';

/* ---------------------------------------------------------------------------------------------- */
/* Errors                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

export type AwsErrorKind =
  /** Rate exceeded: the request was rejected, so retrying is always safe. */
  | 'throttled'
  /** Network failure, timeout or 5xx: the request may or may not have been applied. */
  | 'transient'
  | 'credentials'
  | 'access-denied'
  /** ValidationError and friends: the request is wrong for the current state. */
  | 'validation'
  /** AlreadyExists, InvalidChangeSetStatus, TokenAlreadyExists... */
  | 'conflict'
  /** The endpoint does not implement the operation (emulators answer 500/501 with HTML). */
  | 'unsupported'
  | 'other';

/** What an error message alone does not say: the resource the request was about, AWS's request id, its whole text. */
export interface AwsErrorContext {
  /** `s3://bucket/key`, `stack tap-dev`, `change set tap-dev-…` (src/aws/requests.ts). */
  readonly resource?: string;
  readonly requestId?: string;
  /** The whole message when `message` is only its first line. */
  readonly fullText?: string;
}

export class AwsError extends Error {
  constructor(
    readonly kind: AwsErrorKind,
    /** Service error code, e.g. `ValidationError`, `ThrottlingException`, `ECONNRESET`. */
    readonly code: string,
    message: string,
    /** `cfn.describeStackEvents` style name of the port method. */
    readonly operation: string,
    readonly httpStatus?: number,
    readonly context: AwsErrorContext = {},
  ) {
    super(message);
    this.name = 'AwsError';
  }

  /** The same error with more context (what is already known wins). */
  withContext(context: AwsErrorContext): AwsError {
    return new AwsError(this.kind, this.code, this.message, this.operation, this.httpStatus, { ...context, ...this.context });
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* Enumerations                                                                                    */
/* ---------------------------------------------------------------------------------------------- */

/**
 * A value AWS answered that this toolkit does not know (added after the port was written), kept
 * with its text. It never equals a known value, so every decision treats it as "none of the
 * known cases": a stack in an unrecognised status takes no change set, an unrecognised change set
 * status is not ready to execute, and so on. `*_IN_PROGRESS`-shaped statuses still read as in
 * progress, following CloudFormation's naming.
 */
export type Unrecognized = `unrecognized:${string}`;

/** Every stack status (API reference: Stack.StackStatus). */
export const STACK_STATUSES = [
  'CREATE_IN_PROGRESS', 'CREATE_FAILED', 'CREATE_COMPLETE',
  'ROLLBACK_IN_PROGRESS', 'ROLLBACK_FAILED', 'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_COMPLETE',
  'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE', 'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
  'REVIEW_IN_PROGRESS',
  'IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_IN_PROGRESS', 'IMPORT_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_COMPLETE',
] as const;
export type StackStatus = (typeof STACK_STATUSES)[number] | Unrecognized;

/** Every resource status (API reference: StackEvent.ResourceStatus, StackResourceSummary.ResourceStatus). */
export const RESOURCE_STATUSES = [
  'CREATE_IN_PROGRESS', 'CREATE_FAILED', 'CREATE_COMPLETE',
  'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_COMPLETE', 'DELETE_SKIPPED',
  'UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'UPDATE_COMPLETE',
  'IMPORT_FAILED', 'IMPORT_COMPLETE', 'IMPORT_IN_PROGRESS', 'IMPORT_ROLLBACK_IN_PROGRESS', 'IMPORT_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_COMPLETE',
  'EXPORT_FAILED', 'EXPORT_COMPLETE', 'EXPORT_IN_PROGRESS', 'EXPORT_ROLLBACK_IN_PROGRESS', 'EXPORT_ROLLBACK_FAILED', 'EXPORT_ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED',
  'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED',
] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number] | Unrecognized;

/** A stack event's status: a resource status, or the stack's own for its stack-level events. */
export type EventStatus = ResourceStatus | StackStatus;

/** API reference: ResourceChange.Action. */
export const CHANGE_ACTIONS = ['Add', 'Modify', 'Remove', 'Import', 'Dynamic', 'SyncWithActual'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number] | Unrecognized;

/** API reference: ResourceChange.Replacement (Modify only). */
export const REPLACEMENTS = ['True', 'False', 'Conditional'] as const;
export type Replacement = (typeof REPLACEMENTS)[number] | Unrecognized;

/** API reference: ResourceTargetDefinition.RequiresRecreation. */
export const RECREATIONS = ['Never', 'Conditionally', 'Always'] as const;
export type RequiresRecreation = (typeof RECREATIONS)[number] | Unrecognized;

/** API reference: ResourceChangeDetail.Evaluation. */
export const EVALUATIONS = ['Static', 'Dynamic'] as const;
export type Evaluation = (typeof EVALUATIONS)[number] | Unrecognized;

/** API reference: DescribeChangeSet Status. */
export const CHANGE_SET_STATUSES = ['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_PENDING', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE', 'DELETE_FAILED', 'FAILED'] as const;
export type ChangeSetStatus = (typeof CHANGE_SET_STATUSES)[number] | Unrecognized;

/** API reference: DescribeChangeSet ExecutionStatus. */
export const EXECUTION_STATUSES = ['UNAVAILABLE', 'AVAILABLE', 'EXECUTE_IN_PROGRESS', 'EXECUTE_COMPLETE', 'EXECUTE_FAILED', 'OBSOLETE'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number] | Unrecognized;

/** API reference: DescribeStackDriftDetectionStatus DetectionStatus. */
export const DRIFT_DETECTION_STATUSES = ['DETECTION_IN_PROGRESS', 'DETECTION_FAILED', 'DETECTION_COMPLETE'] as const;
export type DriftDetectionState = (typeof DRIFT_DETECTION_STATUSES)[number] | Unrecognized;

/** API reference: DescribeStackDriftDetectionStatus StackDriftStatus. */
export const STACK_DRIFT_STATUSES = ['DRIFTED', 'IN_SYNC', 'UNKNOWN', 'NOT_CHECKED'] as const;
export type StackDriftStatus = (typeof STACK_DRIFT_STATUSES)[number] | Unrecognized;

/** API reference: StackResourceDrift.StackResourceDriftStatus. */
export const RESOURCE_DRIFT_STATUSES = ['IN_SYNC', 'MODIFIED', 'DELETED', 'NOT_CHECKED', 'UNKNOWN', 'UNSUPPORTED'] as const;
export type ResourceDriftStatus = (typeof RESOURCE_DRIFT_STATUSES)[number] | Unrecognized;

/** API reference: PropertyDifference.DifferenceType. */
export const DIFFERENCE_TYPES = ['ADD', 'REMOVE', 'NOT_EQUAL'] as const;
export type DifferenceType = (typeof DIFFERENCE_TYPES)[number] | Unrecognized;

/**
 * The root template's parameter names (src/stacks/root.ts): a misspelt one is a tsc error. The
 * image tags are one per service (src/stacks/releases.ts), so only their shape is known.
 */
export type RootParameterName = keyof typeof rootParameters | ImageTagParameterName;
/** The bootstrap template's parameter names (src/stacks/bootstrap.ts). */
export type BootstrapParameterName = keyof typeof bootstrapParameters;
/**
 * Parameter values by name. Stacks the toolkit reads without knowing their template (nested
 * stacks, anything DescribeStacks answers) use `string` names; the deploy code reads and writes
 * the root's and the bootstrap stack's through their name unions.
 */
export type ParameterValues<Name extends string = string> = Readonly<Partial<Record<Name, string>>>;

/* ---------------------------------------------------------------------------------------------- */
/* STS                                                                                             */
/* ---------------------------------------------------------------------------------------------- */

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** Where the SDK's configuration says the region is, if anywhere. */
export interface ConfiguredRegion {
  readonly region: string;
  /** e.g. `AWS_REGION`, `AWS_DEFAULT_REGION`, `profile "ops" in ~/.aws/config`. */
  readonly source: string;
}

/** Temporary credentials of an assumed role (secret: never printed, never saved). */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

export interface StsPort {
  /** The region the standard configuration chain would pick (local configuration; no request). */
  configuredRegion(): Promise<ConfiguredRegion | undefined>;
  callerIdentity(): Promise<CallerIdentity>;
  /** AssumeRole with the session's own credentials (D-17: the deploy role). */
  assumeRole(roleArn: string, sessionName: string): Promise<TemporaryCredentials>;
}

/* ---------------------------------------------------------------------------------------------- */
/* S3                                                                                              */
/* ---------------------------------------------------------------------------------------------- */

export interface ObjectVersion {
  readonly key: string;
  /** Absent for unversioned buckets. */
  readonly versionId?: string;
}

export interface S3Port {
  /** `absent` = no such bucket; `foreign` = it exists but is not owned by `expectedOwner`. */
  headBucket(bucket: string, expectedOwner: string): Promise<'present' | 'absent' | 'foreign'>;
  headObject(bucket: string, key: string, expectedOwner: string): Promise<boolean>;
  putObject(request: { bucket: string; key: string; body: Uint8Array; contentType: string; expectedOwner: string }): Promise<void>;
  /** The object's bytes; `undefined` when the bucket has no such key (promotion reads another environment's artifacts, D-18). */
  getObject(bucket: string, key: string, expectedOwner: string): Promise<Uint8Array | undefined>;
  /** One page of every object version and delete marker. */
  listObjectVersions(bucket: string, expectedOwner: string, token?: string): Promise<{ objects: ObjectVersion[]; next?: string }>;
  deleteObjects(bucket: string, expectedOwner: string, objects: readonly ObjectVersion[]): Promise<void>;
  /** DeleteBucket (it must be empty); `false` when it was already gone. */
  deleteBucket(bucket: string, expectedOwner: string): Promise<boolean>;
}

/* ---------------------------------------------------------------------------------------------- */
/* CloudFormation                                                                                  */
/* ---------------------------------------------------------------------------------------------- */

export interface StackOutput {
  readonly key: string;
  readonly value: string;
  readonly description?: string;
  readonly exportName?: string;
}

export interface StackDescription {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: StackStatus;
  readonly statusReason?: string;
  readonly creationTime: Date;
  readonly lastUpdatedTime?: Date;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly outputs: readonly StackOutput[];
  readonly terminationProtection: boolean;
  /** Set on nested stacks: the direct parent's stack id. */
  readonly parentId?: string;
  readonly rootId?: string;
}

export type ChangeSetType = 'CREATE' | 'UPDATE';

export interface CreateChangeSetRequest {
  readonly stackName: string;
  readonly changeSetName: string;
  readonly changeSetType: ChangeSetType;
  readonly template: { readonly url: string } | { readonly body: string };
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly capabilities: readonly string[];
  readonly includeNestedStacks: boolean;
  readonly clientToken: string;
  readonly description: string;
  /** The CloudFormation execution role (service role) the stack operations run as (D-17). */
  readonly roleArn?: string;
}

export interface ChangeTarget {
  readonly attribute?: string;
  readonly name?: string;
  readonly requiresRecreation?: RequiresRecreation;
  readonly path?: string;
  readonly beforeValue?: string;
  readonly afterValue?: string;
  readonly attributeChangeType?: string;
}

export interface ChangeDetail {
  readonly evaluation?: Evaluation;
  readonly changeSource?: string;
  readonly causingEntity?: string;
  readonly target: ChangeTarget;
}

export interface ResourceChangeEntry {
  readonly action: ChangeAction;
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  /** Modify only. */
  readonly replacement?: Replacement;
  readonly scope: readonly string[];
  readonly details: readonly ChangeDetail[];
  /** Nested change set of an `AWS::CloudFormation::Stack` change (IncludeNestedStacks). */
  readonly changeSetId?: string;
  readonly policyAction?: string;
  readonly beforeContext?: string;
  readonly afterContext?: string;
}

export interface ChangeSetPage {
  readonly id: string;
  readonly name: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly status: ChangeSetStatus;
  readonly statusReason?: string;
  readonly executionStatus: ExecutionStatus;
  readonly parentChangeSetId?: string;
  readonly rootChangeSetId?: string;
  readonly creationTime: Date;
  readonly parameters: Readonly<Record<string, string>>;
  readonly changes: readonly ResourceChangeEntry[];
  readonly nextToken?: string;
}

export interface StackEvent {
  readonly eventId: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: EventStatus;
  readonly reason?: string;
  readonly timestamp: Date;
}

export interface StackResourceSummary {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: ResourceStatus;
  readonly reason?: string;
}

export interface DriftDetectionStatus {
  readonly status: DriftDetectionState;
  readonly stackDriftStatus?: StackDriftStatus;
  readonly reason?: string;
}

export interface PropertyDifference {
  readonly path: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly type: DifferenceType;
}

export interface ResourceDrift {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: ResourceDriftStatus;
  readonly differences: readonly PropertyDifference[];
}

/** ListStacks' summary of a stack (deleted ones are listed for 90 days). */
export interface StackSummary {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: StackStatus;
  readonly deletionTime?: Date;
  /** Set on nested stacks. */
  readonly parentId?: string;
}

/** One root change set of a stack as ListChangeSets answers it (API reference: ChangeSetSummary). */
export type ChangeSetSummary = Pick<ChangeSetPage, 'id' | 'name' | 'stackId' | 'stackName' | 'status' | 'statusReason' | 'executionStatus' | 'creationTime'> & {
  readonly description?: string;
};

export interface CloudFormationPort {
  /** `undefined` when no such stack (by name: not deleted; by ARN: deleted ones answer too). */
  describeStack(stack: string): Promise<StackDescription | undefined>;
  /** One page of ListStacks with these statuses. */
  listStacks(statuses: readonly StackStatus[], nextToken?: string): Promise<{ stacks: StackSummary[]; nextToken?: string }>;
  /** The template as submitted (TemplateStage Original). */
  getTemplate(stack: string): Promise<string>;
  createChangeSet(request: CreateChangeSetRequest): Promise<{ id: string; stackId: string }>;
  /** `undefined` when the change set does not exist (deleted, or never did). */
  describeChangeSet(id: string, options: { nextToken?: string; includePropertyValues: boolean }): Promise<ChangeSetPage | undefined>;
  /** One page of the change sets of a stack (none when the stack does not exist); nested change sets are not listed. */
  listChangeSets(stack: string, nextToken?: string): Promise<{ changeSets: ChangeSetSummary[]; nextToken?: string }>;
  executeChangeSet(id: string, clientToken: string): Promise<void>;
  deleteChangeSet(id: string): Promise<void>;
  deleteStack(stack: string, clientToken: string): Promise<void>;
  /** One page, newest event first. */
  describeStackEvents(stack: string, nextToken?: string): Promise<{ events: StackEvent[]; nextToken?: string }>;
  listStackResources(stack: string, nextToken?: string): Promise<{ resources: StackResourceSummary[]; nextToken?: string }>;
  getStackPolicy(stack: string): Promise<string | undefined>;
  setStackPolicy(stack: string, policyBody: string): Promise<void>;
  updateTerminationProtection(stack: string, enabled: boolean): Promise<void>;
  continueUpdateRollback(stack: string, resourcesToSkip: readonly string[], clientToken: string): Promise<void>;
  detectStackDrift(stack: string): Promise<string>;
  describeStackDriftDetectionStatus(detectionId: string): Promise<DriftDetectionStatus>;
  describeStackResourceDrifts(stack: string, nextToken?: string): Promise<{ drifts: ResourceDrift[]; nextToken?: string }>;
}

/* ---------------------------------------------------------------------------------------------- */
/* ECS and Secrets Manager (diagnosis, destroy and verify)                                         */
/* ---------------------------------------------------------------------------------------------- */

export interface EcsServiceState {
  readonly status?: string;
  readonly runningCount?: number;
  readonly desiredCount?: number;
  /** Newest first, as ECS returns them. */
  readonly events: readonly { readonly at: Date; readonly message: string }[];
}

export interface StoppedTask {
  readonly taskArn: string;
  readonly stoppedReason?: string;
  readonly stoppedAt?: Date;
  readonly containers: readonly { readonly name: string; readonly reason?: string; readonly exitCode?: number }[];
}

export interface EcsPort {
  describeService(cluster: string, service: string): Promise<EcsServiceState | undefined>;
  listStoppedTasks(cluster: string, service: string): Promise<string[]>;
  describeTasks(cluster: string, taskArns: readonly string[]): Promise<StoppedTask[]>;
  /** make verify: DescribeServices for at most 10 services of one cluster (names or ARNs). */
  describeServices(cluster: string, services: readonly string[]): Promise<EcsServicesAnswer>;
  /** make verify: ListServiceDeployments of one service in the given statuses, one page. */
  listServiceDeployments(cluster: string, service: string, statuses: readonly ServiceDeploymentStatus[]): Promise<{ deployments: ServiceDeploymentBrief[]; nextToken?: string }>;
}

export interface SecretsPort {
  /** DeleteSecret with ForceDeleteWithoutRecovery; `false` when it was already gone. */
  forceDeleteSecret(secretId: string): Promise<boolean>;
  /** DescribeSecret: whether it exists (one scheduled for deletion still does: its name is taken). */
  secretExists(secretId: string): Promise<boolean>;
  /** make verify: DescribeSecret (rotation and version stages, never the value); `undefined` when there is no such secret. */
  describeSecret(secretId: string): Promise<SecretDescription | undefined>;
}

/* ---------------------------------------------------------------------------------------------- */
/* Destroy: the ALB's deletion protection, and deleting what a DataProtection=delete tree retains   */
/* (ECR repositories, log groups, KMS keys). Each method is one request; "does not exist" is a     */
/* value, so every deletion is safe to repeat.                                                      */
/* ---------------------------------------------------------------------------------------------- */

/** The half of the ecr group that destroy uses (its adapter builds it apart). */
export type RegistryPort = Pick<EcrPort, 'repositoryExists' | 'deleteRepository'>;

/** API reference: KeyMetadata.KeyState. */
export const KEY_STATES = ['Creating', 'Enabled', 'Disabled', 'PendingDeletion', 'PendingImport', 'PendingReplicaDeletion', 'Unavailable', 'Updating'] as const;
export type KeyState = (typeof KEY_STATES)[number] | Unrecognized;

export interface KeysPort {
  /** DescribeKey's KeyState; `undefined` when no such key. */
  keyState(keyId: string): Promise<KeyState | undefined>;
  /** ScheduleKeyDeletion after `pendingWindowInDays` (7-30); the date KMS gives. */
  scheduleKeyDeletion(keyId: string, pendingWindowInDays: number): Promise<Date | undefined>;
}

/* ---------------------------------------------------------------------------------------------- */
/* Live checks (make verify): read-only calls only                                                 */
/* ---------------------------------------------------------------------------------------------- */

/** API reference: Deployment.rolloutState (ECS). */
export const ROLLOUT_STATES = ['COMPLETED', 'FAILED', 'IN_PROGRESS'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number] | Unrecognized;

/** API reference: ServiceDeployment.status (ECS service deployments). */
export const SERVICE_DEPLOYMENT_STATUSES = [
  'PENDING', 'SUCCESSFUL', 'STOPPED', 'STOP_REQUESTED', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED',
] as const;
export type ServiceDeploymentStatus = (typeof SERVICE_DEPLOYMENT_STATUSES)[number];

export interface ServiceDeploymentBrief {
  readonly arn: string;
  readonly status: ServiceDeploymentStatus | Unrecognized;
  readonly statusReason?: string;
}

export interface EcsDeployment {
  readonly id: string;
  /** PRIMARY (the newest), ACTIVE (still running tasks), INACTIVE. */
  readonly status: string;
  /** Absent when ECS reports none. */
  readonly rolloutState?: RolloutState;
  readonly rolloutStateReason?: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly failedTasks: number;
}

export interface EcsServiceDetail {
  readonly arn: string;
  readonly name: string;
  /** ACTIVE, DRAINING, INACTIVE. */
  readonly status: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount: number;
  readonly deployments: readonly EcsDeployment[];
  /**
   * Service Connect discovery names of the PRIMARY deployment (its `discoveryName`, or its port
   * name where none is given, as ECS documents); `undefined` when ECS reported no Service Connect
   * configuration for it.
   */
  readonly discoveryNames?: readonly string[];
}

export interface EcsServicesAnswer {
  readonly services: readonly EcsServiceDetail[];
  /** Requested services ECS does not know (its `failures` with reason MISSING). */
  readonly missing: readonly string[];
}

export interface SecretDescription {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  readonly rotationRules?: { readonly automaticallyAfterDays?: number; readonly scheduleExpression?: string; readonly duration?: string };
  readonly lastRotatedDate?: Date;
  readonly nextRotationDate?: Date;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: Date;
  /** Version id → its staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING...). */
  readonly versionStages: Readonly<Record<string, readonly string[]>>;
}

/** API reference: TargetHealth.State (ELBv2). */
export const TARGET_HEALTH_STATES = ['initial', 'healthy', 'unhealthy', 'unhealthy.draining', 'unused', 'draining', 'unavailable'] as const;
export type TargetHealthState = (typeof TARGET_HEALTH_STATES)[number] | Unrecognized;

export interface TargetHealthEntry {
  readonly targetId: string;
  readonly port?: number;
  readonly state: TargetHealthState;
  /** e.g. Target.FailedHealthChecks, Target.ResponseCodeMismatch. */
  readonly reason?: string;
  readonly description?: string;
}

export interface TargetGroupWeight {
  readonly targetGroupArn: string;
  /** Absent for a plain `forward` to one target group (it takes all the traffic). */
  readonly weight?: number;
}

export interface ListenerRuleRoute {
  readonly ruleArn: string;
  /** Values of the rule's path-pattern conditions. */
  readonly pathPatterns: readonly string[];
  /** Target groups of its forward actions. */
  readonly forwards: readonly TargetGroupWeight[];
}

export interface Elbv2Port {
  /** destroy: DescribeLoadBalancerAttributes' `deletion_protection.enabled`; `undefined` when no such load balancer. */
  deletionProtection(loadBalancerArn: string): Promise<boolean | undefined>;
  /** destroy: ModifyLoadBalancerAttributes `deletion_protection.enabled`. */
  setDeletionProtection(loadBalancerArn: string, enabled: boolean): Promise<void>;
  /** DescribeTargetHealth of every registered target; `undefined` when the target group does not exist. */
  describeTargetHealth(targetGroupArn: string): Promise<TargetHealthEntry[] | undefined>;
  /** DescribeRules by ARN, one page. */
  describeRules(ruleArns: readonly string[], marker?: string): Promise<{ rules: ListenerRuleRoute[]; nextMarker?: string }>;
}

export interface DiscoveryPort {
  /** Cloud Map ListServices of one namespace (filter NAMESPACE_ID), one page. */
  listServices(namespaceId: string, nextToken?: string): Promise<{ services: { id: string; name: string }[]; nextToken?: string }>;
  /** Cloud Map ListInstances of one service, one page. */
  listInstances(serviceId: string, nextToken?: string): Promise<{ instanceIds: string[]; nextToken?: string }>;
}

/** API reference: MetricAlarm.StateValue (CloudWatch). */
export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number] | Unrecognized;

export interface AlarmDescription {
  readonly name: string;
  readonly state: AlarmState;
  readonly reason?: string;
  readonly updatedAt?: Date;
}

export interface CloudWatchPort {
  /** DescribeAlarms (metric and composite) by name, at most 100 names, one page. */
  describeAlarms(names: readonly string[], nextToken?: string): Promise<{ alarms: AlarmDescription[]; nextToken?: string }>;
}

export interface LogsPort {
  /** destroy: DescribeLogGroups with the name as prefix, matched exactly. */
  logGroupExists(logGroupName: string): Promise<boolean>;
  /** destroy: DeleteLogGroup (its events go too); `false` when it was already gone. */
  deleteLogGroup(logGroupName: string): Promise<boolean>;
  /**
   * verify: FilterLogEvents from `since`, asking for one event: whether this page held one (its content
   * never leaves the adapter). The API may answer an empty page with a token to search on.
   * `undefined` when there is no such log group.
   */
  filterLogEvents(logGroupName: string, since: Date, nextToken?: string): Promise<{ found: boolean; nextToken?: string } | undefined>;
}

/** The halves of the elbv2 and logs groups that destroy uses (its adapter builds them apart). */
export type LoadBalancingPort = Pick<Elbv2Port, 'deletionProtection' | 'setDeletionProtection'>;
export type LogGroupsPort = Pick<LogsPort, 'logGroupExists' | 'deleteLogGroup'>;

export interface HttpPort {
  /**
   * One GET, redirects not followed: the status the server answered. No answer (refused, reset,
   * timed out, no such host) throws AwsError `transient`, so the retry layer tries again.
   */
  get(url: string): Promise<{ status: number }>;
}

/* ---------------------------------------------------------------------------------------------- */
/* ECR and IAM (release and bootstrap reads)                                                       */
/* ---------------------------------------------------------------------------------------------- */

/** DescribeImages of one tag: the image, or which of the two is missing. */
export type ImageLookup =
  | { readonly kind: 'found'; readonly digest: string; readonly pushedAt?: Date }
  | { readonly kind: 'image-missing' }
  | { readonly kind: 'repository-missing' };

export interface EcrPort {
  /** destroy: DescribeRepositories of this one name. */
  repositoryExists(repositoryName: string): Promise<boolean>;
  /** destroy: DeleteRepository with `force` (its images go too); `false` when it was already gone. */
  deleteRepository(repositoryName: string): Promise<boolean>;
  /** release: */
  describeImage(request: { readonly registryId: string; readonly repository: string; readonly tag: string }): Promise<ImageLookup>;
}

export interface IamPort {
  /** GetRole; `false` when there is no such role. */
  roleExists(roleName: string): Promise<boolean>;
  /** GetOpenIDConnectProvider; `false` when there is no such provider. */
  oidcProviderExists(arn: string): Promise<boolean>;
}

export interface AwsPort {
  readonly sts: StsPort;
  readonly s3: S3Port;
  readonly cfn: CloudFormationPort;
  readonly ecs: EcsPort;
  readonly secrets: SecretsPort;
  // destroy, verify and release (sections above)
  readonly elbv2: Elbv2Port;
  readonly ecr: EcrPort;
  readonly logs: LogsPort;
  readonly kms: KeysPort;
  readonly discovery: DiscoveryPort;
  readonly cloudwatch: CloudWatchPort;
  readonly http: HttpPort;
  readonly iam: IamPort;
}

export const SERVICE_GROUPS = ['sts', 's3', 'cfn', 'ecs', 'secrets', 'elbv2', 'ecr', 'logs', 'kms', 'discovery', 'cloudwatch', 'http', 'iam'] as const satisfies readonly (keyof AwsPort)[];

/** The AWS connection a command works with. */
export interface AwsSession {
  readonly port: AwsPort;
  readonly region: string;
  /** AWS_ENDPOINT_URL when set (an emulator): S3 is path-style and TemplateURLs use this host. */
  readonly endpoint?: string;
  /** Requests sent so far, per `group.method` (retries count). */
  apiCalls(): ReadonlyMap<string, number>;
}
