/**
 * The narrow AWS port of the deploy pipeline: exactly the calls it makes, grouped per service, in
 * the toolkit's own types. Each method is ONE request (pagination loops live in the callers), so a
 * counter below the port counts real API calls. The real adapter is `aws-sdk.ts`; the scenario
 * tests drive `test/fakes/aws.ts`.
 *
 * Every method throws `AwsError` (never a raw SDK error), classified by what the caller can do
 * about it; "does not exist" answers are values (`undefined`/`false`), not errors.
 */

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

export class AwsError extends Error {
  constructor(
    readonly kind: AwsErrorKind,
    /** Service error code, e.g. `ValidationError`, `ThrottlingException`, `ECONNRESET`. */
    readonly code: string,
    message: string,
    /** `cfn.describeStackEvents` style name of the port method. */
    readonly operation: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

export const isAwsError = (error: unknown): error is AwsError => error instanceof AwsError;

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
  readonly status: string;
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
  readonly requiresRecreation?: string;
  readonly path?: string;
  readonly beforeValue?: string;
  readonly afterValue?: string;
  readonly attributeChangeType?: string;
}

export interface ChangeDetail {
  readonly evaluation?: string;
  readonly changeSource?: string;
  readonly causingEntity?: string;
  readonly target: ChangeTarget;
}

export interface ResourceChangeEntry {
  readonly action: string;
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  /** `True` | `False` | `Conditional` (Modify only). */
  readonly replacement?: string;
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
  readonly status: string;
  readonly statusReason?: string;
  readonly executionStatus: string;
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
  readonly status: string;
  readonly reason?: string;
  readonly timestamp: Date;
}

export interface StackResourceSummary {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  readonly status: string;
  readonly reason?: string;
}

export interface DriftDetectionStatus {
  readonly status: 'DETECTION_IN_PROGRESS' | 'DETECTION_COMPLETE' | 'DETECTION_FAILED' | string;
  /** DRIFTED | IN_SYNC | NOT_CHECKED | UNKNOWN */
  readonly stackDriftStatus?: string;
  readonly reason?: string;
}

export interface PropertyDifference {
  readonly path: string;
  readonly expected?: string;
  readonly actual?: string;
  /** ADD | REMOVE | NOT_EQUAL */
  readonly type: string;
}

export interface ResourceDrift {
  readonly logicalId: string;
  readonly physicalId?: string;
  readonly resourceType: string;
  /** MODIFIED | DELETED | IN_SYNC | NOT_CHECKED */
  readonly status: string;
  readonly differences: readonly PropertyDifference[];
}

export interface CloudFormationPort {
  /** `undefined` when no such stack (by name: not deleted; by ARN: deleted ones answer too). */
  describeStack(stack: string): Promise<StackDescription | undefined>;
  /** The template as submitted (TemplateStage Original). */
  getTemplate(stack: string): Promise<string>;
  createChangeSet(request: CreateChangeSetRequest): Promise<{ id: string; stackId: string }>;
  /** `undefined` when the change set does not exist (deleted, or never did). */
  describeChangeSet(id: string, options: { nextToken?: string; includePropertyValues: boolean }): Promise<ChangeSetPage | undefined>;
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

export function totalCalls(session: AwsSession): number {
  let total = 0;
  for (const count of session.apiCalls().values()) total += count;
  return total;
}
