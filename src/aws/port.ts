/**
 * The narrow AWS port of the deploy pipeline: exactly the calls it makes, grouped per service, in
 * the toolkit's own types. Each method is ONE request (pagination loops live in the callers), so a
 * counter below the port counts real API calls. The real adapter is `aws-sdk.ts`; the scenario
 * tests drive `test/fakes/aws.ts`.
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

/** The root template's parameter names (src/stacks/root.ts): a misspelt one is a tsc error. */
export type RootParameterName = keyof typeof rootParameters;
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

export interface StsPort {
  /** The region the standard configuration chain would pick (local configuration; no request). */
  configuredRegion(): Promise<ConfiguredRegion | undefined>;
  callerIdentity(): Promise<CallerIdentity>;
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
  /** One page of every object version and delete marker. */
  listObjectVersions(bucket: string, expectedOwner: string, token?: string): Promise<{ objects: ObjectVersion[]; next?: string }>;
  deleteObjects(bucket: string, expectedOwner: string, objects: readonly ObjectVersion[]): Promise<void>;
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


/** One root change set of a stack as ListChangeSets answers it (API reference: ChangeSetSummary). */
export type ChangeSetSummary = Pick<ChangeSetPage, 'id' | 'name' | 'stackId' | 'stackName' | 'status' | 'statusReason' | 'executionStatus' | 'creationTime'> & {
  readonly description?: string;
};

export interface CloudFormationPort {
  /** `undefined` when no such stack (by name: not deleted; by ARN: deleted ones answer too). */
  describeStack(stack: string): Promise<StackDescription | undefined>;
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
/* ECS and Secrets Manager (diagnosis and destroy only)                                            */
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
}

export interface SecretsPort {
  /** DeleteSecret with ForceDeleteWithoutRecovery; `false` when it was already gone. */
  forceDeleteSecret(secretId: string): Promise<boolean>;
}

export interface AwsPort {
  readonly sts: StsPort;
  readonly s3: S3Port;
  readonly cfn: CloudFormationPort;
  readonly ecs: EcsPort;
  readonly secrets: SecretsPort;
}

export const SERVICE_GROUPS = ['sts', 's3', 'cfn', 'ecs', 'secrets'] as const satisfies readonly (keyof AwsPort)[];

/** The AWS connection a command works with. */
export interface AwsSession {
  readonly port: AwsPort;
  readonly region: string;
  /** AWS_ENDPOINT_URL when set (an emulator): S3 is path-style and TemplateURLs use this host. */
  readonly endpoint?: string;
  /** Requests sent so far, per `group.method` (retries count). */
  apiCalls(): ReadonlyMap<string, number>;
}
