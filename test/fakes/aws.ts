/**
 * FakeAws: an in-memory AWS behind the toolkit's port (src/aws/port.ts), for scenario tests.
 * It follows CloudFormation's, S3's and STS's documented, externally observable behaviour — the
 * parts the toolkit relies on — and records every call. Time is virtual (FakeClock): an operation
 * is a script of events, one every `stepMs`, released as the clock passes them.
 *
 * Documented behaviour it follows
 * - STS GetCallerIdentity answers the configured account; without credentials every call fails
 *   with CredentialsProviderError before reaching a service.
 * - S3: buckets have an owner; `ExpectedBucketOwner` that does not match is 403 (AccessDenied);
 *   HeadBucket of a missing bucket is 404; HeadObject of a missing key is 404 (false here).
 * - CreateChangeSet
 *   - CREATE on a stack that does not exist creates it in REVIEW_IN_PROGRESS (with one
 *     REVIEW_IN_PROGRESS event); CREATE on a REVIEW_IN_PROGRESS stack is allowed; CREATE on any
 *     other existing stack is AlreadyExistsException; UPDATE on a missing or REVIEW_IN_PROGRESS
 *     stack is ValidationError "Stack [x] does not exist".
 *   - Parameters must be declared by the template, and those without Default must be given.
 *   - TemplateURL must name an object in S3 (https virtual-hosted or path-style URL, or the
 *     custom endpoint's path-style URL); otherwise ValidationError.
 *   - Status goes CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE (after
 *     `changeSetDelayMs`), or FAILED. An empty change set is FAILED with StatusReason "The
 *     submitted information didn't contain changes. Submit different information to create a
 *     change set." and ExecutionStatus UNAVAILABLE.
 *   - IncludeNestedStacks: every added or modified AWS::CloudFormation::Stack gets a nested change
 *     set (its `ChangeSetId` in the parent's change), with ParentChangeSetId/RootChangeSetId and
 *     ExecutionStatus UNAVAILABLE ("Executable from root change set"); a nested stack being added
 *     is created in REVIEW_IN_PROGRESS. A nested change set that fails makes the root FAILED with
 *     "Nested change set <arn> was not successfully created: Currently in FAILED."
 *   - Parameters that come from a sibling's outputs (`Fn::GetAtt [Sibling, Outputs.X]`) of a
 *     sibling that changes are `{{changeSet:KNOWN_AFTER_APPLY}}`: the nested stack is Modify with
 *     Dynamic details, and its resources that use them are Dynamic Modify, Replacement
 *     Conditional when the property is create-only (roadmap #759, #2113).
 *   - Replacement: True when a create-only property (CREATE_ONLY below) changes statically.
 *   - DescribeChangeSet pages changes (`changeSetPageSize`) and gives property values only with
 *     IncludePropertyValues.
 *   - A second CreateChangeSet with the same name and ClientToken returns the first (a retry);
 *     the same name with another token is AlreadyExistsException.
 * - ExecuteChangeSet: only a root change set that is CREATE_COMPLETE/AVAILABLE
 *   (InvalidChangeSetStatus otherwise), on a stack with no operation running (ValidationError
 *   "… is in UPDATE_IN_PROGRESS state and can not be updated."); when the operation ends the
 *   stack's other change sets are deleted.
 * - DeleteChangeSet: root only; deletes the nested change sets and the nested REVIEW_IN_PROGRESS
 *   stacks it created, not the root REVIEW_IN_PROGRESS stack (DeleteStack removes that at once).
 * - Stack events: DescribeStackEvents is newest first, paged (`eventPageSize`); nested stacks
 *   answer by ARN after deletion (DELETE_COMPLETE), not by name.
 * - Failures: a failed resource (CREATE_FAILED/UPDATE_FAILED with its reason) makes its stack roll
 *   back (ROLLBACK_IN_PROGRESS → ROLLBACK_COMPLETE after a create, UPDATE_ROLLBACK_IN_PROGRESS →
 *   UPDATE_ROLLBACK_COMPLETE after an update); the parent's nested-stack resource then fails with
 *   "Embedded stack <arn> was not successfully created/updated …" and the parent rolls back in
 *   turn. A resource that fails while rolling back leaves UPDATE_ROLLBACK_FAILED up to the root.
 *   Simplifications (documented, not hidden): resources run one at a time in template order (the
 *   fixtures list dependencies first), so no "Resource creation cancelled" siblings; a child rolls
 *   itself back before its parent does, and a sibling stack that had completed is not rolled back.
 * - ContinueUpdateRollback (root only) resumes; ResourcesToSkip (`Nested.Logical` ids from the
 *   root) are marked UPDATE_COMPLETE without being rolled back.
 * - Stack policies are enforced at execution for Update:Modify, Update:Replace and Update:Delete:
 *   an explicit Deny wins, and once a policy is set a resource no statement allows is protected
 *   ("After you set a stack policy, all of the resources in the stack are protected by default":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html);
 *   a denied resource fails with "Action denied by stack policy".
 * - Termination protection: root only; DeleteStack refuses while it is on.
 * - DeleteStack deletes in reverse order; a non-empty bucket fails (DELETE_FAILED), a resource with
 *   DeletionPolicy Retain or RetainExceptOnCreate (after Fn::If) is DELETE_SKIPPED; secrets are
 *   scheduled for deletion, KMS keys pending deletion. A rollback of the operation that created a
 *   resource deletes it under RetainExceptOnCreate and keeps it under Retain ("RetainExceptOnCreate
 *   behaves like Retain for stack operations, except for the stack operation that initially created
 *   the resource. If the stack operation that created the resource is rolled back, CloudFormation
 *   deletes the resource": https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 * - An ALB with `deletion_protection.enabled` cannot be deleted: its DeleteStack ends DELETE_FAILED
 *   with ELB's OperationNotPermitted ("you must disable deletion protection before you can delete
 *   the load balancer": https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection;
 *   the message as CloudFormation shows it: https://github.com/aws-cloudformation/rain/issues/187).
 * - ListStackResources of a deleted (or DELETE_FAILED) stack still lists what was deleted or
 *   retained, with DELETE_COMPLETE / DELETE_SKIPPED, by stack ARN ("For deleted stacks,
 *   ListStackResources returns resource information for up to 90 days":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html);
 *   ListStacks lists deleted stacks with their deletion time.
 * - Drift detection runs per stack (it does not recurse) and completes after one poll.
 * - Throttling and network faults are injected per operation, before the request is applied
 *   (`inject`, `throttle`, `networkError`) or after it (`loseAnswer`: applied, answer lost).
 * - Live resources (make verify; section "Live resources" at the end of this file): `goLive()`
 *   turns the deployed stacks into running ECS services, target health, listener-rule weights,
 *   Cloud Map registrations, rotated secrets, alarms, log events and ALB answers, all healthy;
 *   scenarios then break one thing in `live`. Read-only port calls answer from there.
 * - ECR (D-16): DescribeImages of a tag answers ImageNotFoundException when the repository lacks
 *   it and RepositoryNotFoundException when there is no repository (a registry stack's, or one a
 *   test pushed to).
 * - IAM and STS (D-17), in the marked section at the end of the class: roles exist when a stack
 *   created them (or a test says the account has them); AssumeRole needs the role's trust policy to
 *   name the caller's account; a session from AssumeRole gets a port whose every call is checked
 *   against the role's policies as deployed (inline and attached managed policies, evaluated from
 *   the stack's template), so a call the role may not make is AccessDenied (permission model).
 *   CreateChangeSet with RoleARN needs iam:PassRole on it (iam:PassedToService
 *   cloudformation.amazonaws.com) and a role that exists. AWS::IAM::ServiceLinkedRole fails to
 *   create when the account already has that role, as AWS::IAM::OIDCProvider does for its URL.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  AwsError,
  type AwsPort,
  type ChangeDetail,
  type ChangeSetPage,
  type ChangeSetStatus,
  type ChangeSetSummary,
  type EventStatus,
  type ExecutionStatus,
  type ResourceStatus,
  type StackStatus,
  type AlarmDescription,
  type ConfiguredRegion,
  type EcsDeployment,
  type EcsServiceDetail,
  type ListenerRuleRoute,
  type SecretDescription,
  type ServiceDeploymentBrief,
  type TargetHealthEntry,
  type CreateChangeSetRequest,
  type EcsServiceState,
  type ResourceChangeEntry,
  type ResourceDrift,
  type StackDescription,
  type StackEvent,
  type StackOutput,
  type StackResourceSummary,
  type StoppedTask,
  type KeyState,
  type ImageLookup,
  type TemporaryCredentials,
} from '../../src/aws/port';
import type { Json, JsonObject, TemplateJson } from '../../src/core/template-json';
import type { FakeClock } from './clock';
import { decide, trusts, type PolicyRequest } from './iam-policy';

export const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';
export const NO_CHANGES_REASON = "The submitted information didn't contain changes. Submit different information to create a change set.";

/** Properties whose change replaces the resource (a small part of the CloudFormation schemas). */
export const CREATE_ONLY: Readonly<Record<string, readonly string[]>> = {
  'AWS::ECR::Repository': ['RepositoryName', 'EncryptionConfiguration'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::EC2::VPC': ['CidrBlock'],
  'AWS::EC2::SecurityGroup': ['GroupDescription', 'GroupName', 'VpcId'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name', 'Port', 'Protocol', 'TargetType', 'VpcId'],
  'AWS::ECS::Service': ['ServiceName', 'LaunchType'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
  'AWS::KMS::Key': ['KeySpec'],
};

/** Requests that change something in the account (verify asserts it sends none). */
export const MUTATING = new Set([
  's3.putObject', 's3.deleteObjects', 'cfn.createChangeSet', 'cfn.executeChangeSet', 'cfn.deleteChangeSet', 'cfn.deleteStack',
  'cfn.setStackPolicy', 'cfn.updateTerminationProtection', 'cfn.continueUpdateRollback', 'secrets.forceDeleteSecret',
  // destroy
  's3.deleteBucket', 'elbv2.setDeletionProtection', 'ecr.deleteRepository', 'logs.deleteLogGroup', 'kms.scheduleKeyDeletion',
]);

export interface RecordedCall {
  readonly op: string;
  readonly args: readonly unknown[];
  readonly at: number;
  /** The assumed role the call was made as (D-17); absent for the caller's own credentials. */
  readonly role?: string;
}

export interface InjectedFailure {
  /** Stack path from the root (`` root, `Services/Frontend`). */
  readonly path: string;
  readonly logicalId: string;
  readonly reason: string;
  /** forward: the change fails; rollback: rolling it back fails. */
  readonly phase: 'forward' | 'rollback';
}

interface ResourceState {
  readonly logicalId: string;
  readonly type: string;
  physicalId: string;
  status: ResourceStatus;
  reason?: string;
  /** The resource's template entry as deployed. */
  definition?: JsonObject;
}

interface FakeStack {
  readonly stackId: string;
  readonly stackName: string;
  readonly path: string;
  readonly parentId?: string;
  readonly rootId?: string;
  status: StackStatus;
  statusReason?: string;
  readonly creationTime: Date;
  lastUpdatedTime?: Date;
  deleted: boolean;
  template?: TemplateJson;
  templateBody?: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
  outputs: StackOutput[];
  resources: Map<string, ResourceState>;
  /** Oldest first. */
  events: StackEvent[];
  policy?: string;
  terminationProtection: boolean;
  drifts: ResourceDrift[];
  /** The service role CloudFormation acts as (RoleARN), once a change set with one ran. */
  roleArn?: string;
}

interface PlannedChange {
  readonly logicalId: string;
  readonly type: string;
  readonly action: 'Add' | 'Modify' | 'Remove';
  readonly replacement?: 'True' | 'False' | 'Conditional';
  readonly details: ChangeDetail[];
  nestedChangeSetId?: string;
}

interface FakeChangeSet {
  readonly id: string;
  readonly name: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly type: 'CREATE' | 'UPDATE';
  readonly parentId?: string;
  readonly rootId?: string;
  readonly createdAt: number;
  readonly readyAt: number;
  readonly template: TemplateJson;
  readonly templateBody: string;
  readonly parameters: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly changes: PlannedChange[];
  failReason?: string;
  clientToken?: string;
  description?: string;
  executionStatus: ExecutionStatus;
  deleted: boolean;
  executed: boolean;
  roleArn?: string;
}

interface Bucket {
  readonly owner: string;
  readonly objects: Map<string, { body: Uint8Array; contentType: string }>;
}

type Scheduled = { at: number; run: () => void };

const stringify = (value: Json | undefined): string | undefined => (value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value));
const containsUnknown = (value: Json | undefined): boolean => stringify(value)?.includes(KNOWN_AFTER_APPLY) ?? false;
const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const NO_VALUE = '__fake_no_value__';

/* ---------------------------------------------------------------------------------------------- */
/* Template evaluation (a small part of CloudFormation's intrinsic functions)                       */
/* ---------------------------------------------------------------------------------------------- */

interface Scope {
  readonly parameters: Readonly<Record<string, string>>;
  readonly pseudo: Readonly<Record<string, string>>;
  readonly conditions: Readonly<Record<string, Json>>;
  ref(logicalId: string): string | undefined;
  getAtt(logicalId: string, attribute: string): string | undefined;
}

function condition(name: string | Json, scope: Scope): boolean {
  const expression = typeof name === 'string' ? scope.conditions[name] : name;
  if (!isObject(expression)) return Boolean(expression);
  if ('Fn::Equals' in expression) {
    const [a, b] = expression['Fn::Equals'] as Json[];
    return isDeepStrictEqual(evaluate(a, scope), evaluate(b, scope));
  }
  if ('Fn::Not' in expression) return !condition((expression['Fn::Not'] as Json[])[0], scope);
  if ('Fn::And' in expression) return (expression['Fn::And'] as Json[]).every((c) => condition(c, scope));
  if ('Fn::Or' in expression) return (expression['Fn::Or'] as Json[]).some((c) => condition(c, scope));
  if ('Condition' in expression) return condition(expression['Condition'] as string, scope);
  return true;
}

function evaluate(node: Json | undefined, scope: Scope): Json | undefined {
  if (node === undefined || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item) => evaluate(item, scope)).filter((item): item is Json => item !== undefined && item !== NO_VALUE);
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = node[key];
    switch (key) {
      case 'Ref': {
        const name = String(arg);
        if (name === 'AWS::NoValue') return NO_VALUE;
        return scope.parameters[name] ?? scope.pseudo[name] ?? scope.ref(name) ?? KNOWN_AFTER_APPLY;
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
        return scope.getAtt(id, attribute) ?? KNOWN_AFTER_APPLY;
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? [String(arg[0]), (arg[1] ?? {}) as JsonObject] : [String(arg), {} as JsonObject];
        return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (name in variables) return String(evaluate(variables[name], scope));
          const [id, attribute] = name.split(/\.(.*)/s);
          const value = attribute ? scope.getAtt(id, attribute) : scope.parameters[id] ?? scope.pseudo[id] ?? scope.ref(id);
          return value ?? (whole ? KNOWN_AFTER_APPLY : '');
        });
      }
      case 'Fn::Join': {
        const [separator, list] = arg as [string, Json];
        const items = evaluate(list, scope);
        return Array.isArray(items) ? items.map((i) => stringify(i) ?? '').join(separator) : stringify(items) ?? '';
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, Json];
        return String(evaluate(text, scope)).split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [Json, Json];
        const items = evaluate(list, scope);
        return Array.isArray(items) ? items[Number(evaluate(index, scope))] ?? KNOWN_AFTER_APPLY : KNOWN_AFTER_APPLY;
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, Json, Json];
        return evaluate(condition(name, scope) ? whenTrue : whenFalse, scope);
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(evaluate(arg, scope));
      default:
        break;
    }
  }
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const evaluated = evaluate(value, scope);
    if (evaluated !== undefined && evaluated !== NO_VALUE) result[key] = evaluated;
  }
  return result;
}

/** The first Ref/GetAtt inside `node` to one of `changed`, for ChangeSource/CausingEntity. */
function causingEntity(node: Json | undefined, changed: ReadonlySet<string>): { source: string; entity: string } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = causingEntity(item, changed);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node['Ref'] === 'string' && changed.has(node['Ref'])) return { source: 'ResourceReference', entity: node['Ref'] };
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt) && changed.has(String(getAtt[0]))) return { source: 'ResourceAttribute', entity: `${getAtt[0]}.${getAtt[1]}` };
  for (const value of Object.values(node)) {
    const found = causingEntity(value, changed);
    if (found) return found;
  }
  return undefined;
}

/** The first parameter `node` refers to (Ref or ${Name} in Fn::Sub). */
function referencedParameter(node: Json | undefined, parameters: Readonly<Record<string, string>>): string | undefined {
  const text = JSON.stringify(node ?? null);
  const ref = /"Ref":"([^"]+)"/.exec(text)?.[1];
  if (ref && ref in parameters) return ref;
  const sub = [...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]).find((name) => name in parameters);
  return sub;
}

/* ---------------------------------------------------------------------------------------------- */
/* Scripts: an operation is a list of steps, one every stepMs                                       */
/* ---------------------------------------------------------------------------------------------- */

class Script {
  private at: number;
  /** The first step runs at `start` (an accepted request shows its effect at once). */
  constructor(private readonly queue: Scheduled[], start: number, private readonly stepMs: number) {
    this.at = start - stepMs;
  }
  step(run: () => void): void {
    this.at += this.stepMs;
    this.queue.push({ at: this.at, run });
  }
  /** Runs in the same step as the previous one. */
  alongside(run: () => void): void {
    this.queue.push({ at: this.at, run });
  }
}

type RunResult = 'ok' | 'failed' | 'rollback-failed';

/* ---------------------------------------------------------------------------------------------- */

export interface FakeAwsOptions {
  readonly clock: FakeClock;
  readonly account?: string;
  readonly region?: string;
  readonly credentials?: boolean;
  readonly configuredRegion?: ConfiguredRegion;
  readonly callerArn?: string;
  readonly stepMs?: number;
  readonly changeSetDelayMs?: number;
  readonly eventPageSize?: number;
  readonly changeSetPageSize?: number;
  /** AWS_ENDPOINT_URL the toolkit uses (path-style TemplateURLs on it are accepted). */
  readonly endpoint?: string;
}

export class FakeAws {
  readonly calls: RecordedCall[] = [];
  readonly account: string;
  readonly region: string;
  readonly clock: FakeClock;
  credentials: boolean;
  configuredRegion: ConfiguredRegion | undefined;
  callerAccount: string;

  readonly buckets = new Map<string, Bucket>();
  readonly secrets = new Map<string, { name: string; state: 'active' | 'scheduled-for-deletion' }>();
  readonly ecsServices = new Map<string, EcsServiceState>();
  readonly stoppedTasks = new Map<string, StoppedTask[]>();
  /** Secrets as resolved values (what a `{{resolve:…}}` reference would become): worst-case echo. */
  readonly resolvedSecrets = new Map<string, string>();

  /* -- Resources outside CloudFormation that destroy deals with (ECR, Logs, KMS, ELBv2) ------- */
  /** ECR repository names. */
  readonly repositories = new Set<string>();
  readonly logGroups = new Set<string>();
  /** KMS keys by key id, with their KeyState and, once scheduled, the deletion date. */
  readonly kmsKeys = new Map<string, { state: KeyState; deletionDate?: Date; pendingWindowInDays?: number }>();
  /** Load balancers by ARN, with `deletion_protection.enabled`. */
  readonly loadBalancers = new Map<string, { deletionProtection: boolean }>();
  /** What each deleted (or DELETE_FAILED) stack listed when its resources went: DELETE_COMPLETE / DELETE_SKIPPED rows. */
  private readonly graveyard = new Map<string, StackResourceSummary[]>();
  private readonly deletionTimes = new Map<string, Date>();
  /* ------------------------------------------------------------------------------------------- */

  private readonly stacks = new Map<string, FakeStack>();
  private readonly changeSets = new Map<string, FakeChangeSet>();
  private readonly scheduled: Scheduled[] = [];
  private readonly faults = new Map<string, AwsError[]>();
  private readonly lostAnswers: string[] = [];
  private readonly failures: InjectedFailure[] = [];
  private readonly changeSetFailures: { path: string; reason: string }[] = [];
  private readonly driftDetections = new Map<string, { stackId: string; polls: number }>();
  /** The resources whose failure made each stack roll back (for the parent's "Embedded stack" reason). */
  private readonly failedIds = new Map<string, string[]>();
  private counter = 0;
  private readonly stepMs: number;
  private readonly changeSetDelayMs: number;
  private readonly eventPageSize: number;
  private readonly changeSetPageSize: number;
  private readonly endpoint?: string;
  private readonly callerArn: string;
  /** Called before each port call is answered (tests use it to interrupt, or to act concurrently). */
  onCall: ((call: RecordedCall) => void) | undefined;

  readonly port: AwsPort;

  constructor(options: FakeAwsOptions) {
    this.clock = options.clock;
    this.account = options.account ?? '111122223333';
    this.callerAccount = this.account;
    this.region = options.region ?? 'eu-west-1';
    this.credentials = options.credentials ?? true;
    this.configuredRegion = options.configuredRegion;
    this.stepMs = options.stepMs ?? 3000;
    this.changeSetDelayMs = options.changeSetDelayMs ?? 4000;
    this.eventPageSize = options.eventPageSize ?? 6;
    this.changeSetPageSize = options.changeSetPageSize ?? 4;
    this.callerArn = options.callerArn ?? `arn:aws:sts::${this.account}:assumed-role/platform-deployer/ci`;
    if (options.endpoint) this.endpoint = options.endpoint;
    this.clock.onAdvance = () => this.release();
    this.port = this.buildPort(undefined);
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Scenario controls                                                                            */
  /* ------------------------------------------------------------------------------------------- */

  /** The next calls of `op` (e.g. `cfn.describeStackEvents`) throw these errors, in order. */
  inject(op: string, ...errors: AwsError[]): void {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...errors]);
  }

  throttle(op: string, times: number): void {
    for (let i = 0; i < times; i += 1) this.inject(op, new AwsError('throttled', 'ThrottlingException', 'Rate exceeded', op, 400));
  }

  /** The next call of `op` is applied, but its answer is lost (a network error after the fact). */
  loseAnswer(op: string): void {
    this.lostAnswers.push(op);
  }

  networkError(op: string, times = 1): void {
    for (let i = 0; i < times; i += 1) this.inject(op, new AwsError('transient', 'ECONNRESET', 'socket hang up', op));
  }

  /** A resource fails the next time it is changed (forward) or rolled back. */
  failResource(failure: InjectedFailure): void {
    this.failures.push(failure);
  }

  /** The next change set's nested change set at `path` (or the root, ``) fails with `reason`. */
  failChangeSet(path: string, reason: string): void {
    this.changeSetFailures.push({ path, reason });
  }

  createBucket(name: string, owner = this.account): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { owner, objects: new Map() });
  }

  putObject(bucket: string, key: string, body: string): void {
    this.buckets.get(bucket)?.objects.set(key, { body: Buffer.from(body), contentType: 'text/plain' });
  }

  setDrift(stackPath: string, drifts: ResourceDrift[]): void {
    const stack = this.liveStacks().find((s) => s.path === stackPath);
    if (!stack) throw new Error(`no live stack at ${stackPath}`);
    stack.drifts = drifts;
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Live resources (make verify): derived from the deployed stacks by goLive()                  */
  /* ------------------------------------------------------------------------------------------- */

  readonly live = new FakeLive();

  /**
   * Everything the deployed stacks describe, running and healthy: each ECS service steady at its
   * DesiredCount with its tasks registered in Cloud Map under its discovery names and healthy in
   * the target group its production rule sends traffic to; each secret with a rotation schedule
   * rotated just now; every alarm OK; every log group with an event just now; the ALB answering
   * 200 on every path a listener rule routes.
   */
  goLive(): void {
    this.release();
    this.live.reset();
    const now = new Date(this.clock.now());
    const stacks = this.liveStacks();
    const output = (key: string) => stacks.flatMap((s) => s.outputs).find((o) => o.key === key)?.value;
    this.live.albUrl = output('AlbUrl');
    this.live.productionListener = output('ProductionListenerArn');
    const evaluated = (stack: FakeStack, resource: ResourceState): JsonObject =>
      (evaluate((resource.definition?.['Properties'] ?? {}) as Json, this.deployedScope(stack)) ?? {}) as JsonObject;
    const all = stacks.flatMap((stack) => [...stack.resources.values()].map((resource) => ({ stack, resource })));
    const namespace = all.find(({ resource }) => resource.type === 'AWS::ServiceDiscovery::HttpNamespace')?.resource.physicalId;
    for (const { stack, resource } of all) {
      const properties = evaluated(stack, resource);
      switch (resource.type) {
        case 'AWS::ECS::Service': {
          const desired = Number(properties['DesiredCount'] ?? 1);
          const connect = properties['ServiceConnectConfiguration'] as JsonObject | undefined;
          // "The rolloutState of a service is only returned for services that use the rolling
          // update (ECS) deployment type" (API_Deployment): none for blue/green.
          const blueGreen = (properties['DeploymentConfiguration'] as JsonObject | undefined)?.['Strategy'] === 'BLUE_GREEN';
          const discoveryNames = ((connect?.['Services'] ?? []) as JsonObject[]).map((sc) => String(sc['DiscoveryName'] ?? sc['PortName']));
          this.live.ecs.set(resource.physicalId, {
            arn: resource.physicalId,
            name: String(properties['ServiceName'] ?? resource.logicalId),
            status: 'ACTIVE',
            desiredCount: desired,
            runningCount: desired,
            pendingCount: 0,
            deployments: [{ id: `ecs-svc/${this.nextId()}`, status: 'PRIMARY', ...(blueGreen ? {} : { rolloutState: 'COMPLETED' as const, rolloutStateReason: 'ECS deployment completed.' }), desiredCount: desired, runningCount: desired, pendingCount: 0, failedTasks: 0 }],
            ...(connect ? { discoveryNames } : {}),
          });
          if (namespace) {
            for (const name of discoveryNames) this.live.register(namespace, name, desired);
          }
          this.live.serviceDeployments.set(resource.physicalId, [{ arn: `${resource.physicalId.replace(':service/', ':service-deployment/')}/${this.nextId()}`, status: 'SUCCESSFUL' }]);
          break;
        }
        case 'AWS::ElasticLoadBalancingV2::ListenerRule': {
          const conditions = (properties['Conditions'] ?? []) as JsonObject[];
          const actions = (properties['Actions'] ?? []) as JsonObject[];
          this.live.rules.set(resource.physicalId, {
            ruleArn: resource.physicalId,
            priority: Number(properties['Priority'] ?? 0),
            listener: String(properties['ListenerArn'] ?? ''),
            pathPatterns: conditions.filter((c) => c['Field'] === 'path-pattern').flatMap((c) => ((c['PathPatternConfig'] as JsonObject | undefined)?.['Values'] ?? c['Values'] ?? []) as string[]),
            forwards: actions.filter((a) => a['Type'] === 'forward').flatMap((a) => {
              const groups = ((a['ForwardConfig'] as JsonObject | undefined)?.['TargetGroups'] ?? []) as JsonObject[];
              if (groups.length > 0) return groups.map((g) => ({ targetGroupArn: String(g['TargetGroupArn']), ...(g['Weight'] !== undefined ? { weight: Number(g['Weight']) } : {}) }));
              return a['TargetGroupArn'] ? [{ targetGroupArn: String(a['TargetGroupArn']) }] : [];
            }),
          });
          break;
        }
        case 'AWS::SecretsManager::Secret': {
          const schedule = all.find(({ resource: r }) => r.type === 'AWS::SecretsManager::RotationSchedule' && r.definition && JSON.stringify(evaluated(stack, r)).includes(resource.physicalId));
          const rules = schedule ? (evaluated(schedule.stack, schedule.resource)['RotationRules'] ?? {}) as JsonObject : undefined;
          this.live.secrets.set(resource.physicalId, {
            arn: resource.physicalId,
            name: resource.physicalId.split(':secret:').pop()?.replace(/-[A-Za-z0-9]{6}$/, '') ?? resource.physicalId,
            rotationEnabled: schedule !== undefined,
            ...(rules ? { rotationRules: { ...(rules['ScheduleExpression'] ? { scheduleExpression: String(rules['ScheduleExpression']) } : {}), ...(rules['AutomaticallyAfterDays'] ? { automaticallyAfterDays: Number(rules['AutomaticallyAfterDays']) } : {}) } } : {}),
            ...(schedule ? { lastRotatedDate: now } : {}),
            versionStages: schedule ? { [`v2-${this.nextId()}`]: ['AWSCURRENT'], [`v1-${this.nextId()}`]: ['AWSPREVIOUS'] } : { [`v1-${this.nextId()}`]: ['AWSCURRENT'] },
          });
          break;
        }
        case 'AWS::CloudWatch::Alarm':
          this.live.alarms.set(resource.physicalId, { name: resource.physicalId, state: 'OK', reason: 'Threshold Crossed: no datapoints were breaching', updatedAt: now });
          break;
        case 'AWS::Logs::LogGroup':
          this.live.logEvents.set(resource.physicalId, [now.getTime()]);
          break;
        default:
          break;
      }
    }
    // Targets: the ECS service of a target group's stack registers its tasks where its production rule sends traffic.
    for (const { stack, resource } of all) {
      if (resource.type !== 'AWS::ElasticLoadBalancingV2::TargetGroup') continue;
      const service = [...stack.resources.values()].find((r) => r.type === 'AWS::ECS::Service');
      const running = service ? this.live.ecs.get(service.physicalId)?.runningCount ?? 0 : 0;
      const routed = this.live.productionRules().some((rule) => rule.forwards.some((f) => f.targetGroupArn === resource.physicalId && f.weight !== 0));
      this.live.targets.set(resource.physicalId, routed ? Array.from({ length: running }, (_, i) => ({ targetId: `10.10.${i}.${10 + i}`, port: 8080, state: 'healthy' as const })) : []);
    }
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Inspection for assertions                                                                    */
  /* ------------------------------------------------------------------------------------------- */

  mutatingCalls(): RecordedCall[] {
    return this.calls.filter((c) => MUTATING.has(c.op));
  }

  callsTo(op: string): RecordedCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  /** Runs everything scheduled (as if a long time passed). */
  settle(): void {
    this.clock.advance(24 * 3600_000);
  }

  stack(nameOrPath: string): FakeStack | undefined {
    this.release();
    return this.liveStacks().find((s) => s.stackName === nameOrPath || (s.path === nameOrPath && s.parentId !== undefined));
  }

  rootStack(name: string): FakeStack | undefined {
    this.release();
    return [...this.stacks.values()].filter((s) => s.stackName === name && !s.deleted).pop();
  }

  /** Root change sets that exist and were not executed. */
  pendingChangeSets(): FakeChangeSet[] {
    this.release();
    return [...this.changeSets.values()].filter((c) => !c.deleted && !c.parentId && !c.executed);
  }

  allStackNames(): string[] {
    return this.liveStacks().map((s) => `${s.stackName}:${s.status}`);
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Internals                                                                                    */
  /* ------------------------------------------------------------------------------------------- */

  private liveStacks(): FakeStack[] {
    return [...this.stacks.values()].filter((s) => !s.deleted);
  }

  private release(): void {
    const now = this.clock.now();
    this.scheduled.sort((a, b) => a.at - b.at);
    while (this.scheduled.length > 0 && this.scheduled[0].at <= now) {
      const next = this.scheduled.shift();
      next?.run();
    }
  }

  private nextId(): string {
    this.counter += 1;
    return `${String(this.counter).padStart(6, '0')}`;
  }

  private random12(): string {
    this.counter += 1;
    return `R${String(this.counter).padStart(11, '0')}`;
  }

  private findStack(nameOrId: string): FakeStack | undefined {
    if (nameOrId.startsWith('arn:')) return this.stacks.get(nameOrId);
    return this.liveStacks().filter((s) => s.stackName === nameOrId).pop();
  }

  private requireStack(nameOrId: string, op: string): FakeStack {
    const stack = this.findStack(nameOrId);
    if (!stack) throw new AwsError('validation', 'ValidationError', `Stack with id ${nameOrId} does not exist`, op, 400);
    return stack;
  }

  private record(op: string, args: unknown[], session?: FakeSession): void {
    this.release();
    const call = { op, args, at: this.clock.now(), ...(session ? { role: session.roleName } : {}) };
    this.calls.push(call);
    this.onCall?.(call);
    if (!this.credentials && op !== 'sts.configuredRegion') throw new AwsError('credentials', 'CredentialsProviderError', 'Could not load credentials from any providers', op);
    const queue = this.faults.get(op);
    const fault = queue?.shift();
    if (fault) throw fault;
  }

  private event(stack: FakeStack, logicalId: string, type: string, status: EventStatus, reason?: string, physicalId?: string): void {
    const event: StackEvent = {
      eventId: `${stack.stackName}-${this.nextId()}`,
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalId,
      ...(physicalId ? { physicalId } : {}),
      resourceType: type,
      status,
      ...(reason ? { reason } : {}),
      timestamp: new Date(this.clock.now()),
    };
    stack.events.push(event);
  }

  private stackEvent(stack: FakeStack, status: StackStatus, reason?: string): void {
    stack.status = status;
    if (reason) stack.statusReason = reason;
    else delete stack.statusReason;
    this.event(stack, stack.stackName, 'AWS::CloudFormation::Stack', status, reason, stack.stackId);
  }

  private newStack(name: string, path: string, parent?: FakeStack): FakeStack {
    const stackId = `arn:aws:cloudformation:${this.region}:${this.account}:stack/${name}/${this.nextId()}-0000-4000-8000-fake`;
    const stack: FakeStack = {
      stackId,
      stackName: name,
      path,
      ...(parent ? { parentId: parent.stackId, rootId: parent.rootId ?? parent.stackId } : {}),
      status: 'REVIEW_IN_PROGRESS',
      creationTime: new Date(this.clock.now()),
      deleted: false,
      parameters: {},
      tags: {},
      outputs: [],
      resources: new Map(),
      events: [],
      terminationProtection: false,
      drifts: [],
    };
    this.stacks.set(stackId, stack);
    this.stackEvent(stack, 'REVIEW_IN_PROGRESS', 'User Initiated');
    return stack;
  }

  private readTemplate(url: string, op: string): { template: TemplateJson; body: string } {
    let bucket: string | undefined;
    let key: string | undefined;
    const virtual = /^https:\/\/([^.]+(?:\.[^.]+)*?)\.s3\.[a-z0-9-]+\.amazonaws\.com\/(.+)$/.exec(url);
    const pathStyle = /^https:\/\/s3(?:\.[a-z0-9-]+)?\.amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
    if (virtual) [, bucket, key] = virtual;
    else if (pathStyle) [, bucket, key] = pathStyle;
    else if (this.endpoint && url.startsWith(`${this.endpoint}/`)) [bucket, key] = url.slice(this.endpoint.length + 1).split(/\/(.*)/s);
    const object = bucket && key ? this.buckets.get(bucket)?.objects.get(key) : undefined;
    if (!object) throw new AwsError('validation', 'ValidationError', `TemplateURL must reference a valid S3 object to which you have access. (${url})`, op, 400);
    const body = Buffer.from(object.body).toString('utf8');
    return { template: JSON.parse(body) as TemplateJson, body };
  }

  private pseudo(stack: { stackName: string; stackId: string }): Record<string, string> {
    return { 'AWS::Region': this.region, 'AWS::AccountId': this.account, 'AWS::StackName': stack.stackName, 'AWS::StackId': stack.stackId, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  }

  private physicalIdFor(stack: FakeStack, logicalId: string, type: string, properties: JsonObject | undefined): string {
    const suffix = this.random12();
    switch (type) {
      case 'AWS::S3::Bucket':
        return typeof properties?.['BucketName'] === 'string' ? properties['BucketName'] : `${stack.stackName}-${logicalId}-${suffix}`.toLowerCase();
      case 'AWS::SecretsManager::Secret': {
        const name = typeof properties?.['Name'] === 'string' ? properties['Name'] : `${logicalId}-${suffix}`;
        return `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}-AbCdEf`;
      }
      case 'AWS::ECS::Service': {
        const name = typeof properties?.['ServiceName'] === 'string' ? properties['ServiceName'] : `${logicalId}-${suffix}`;
        const cluster = typeof properties?.['Cluster'] === 'string' ? properties['Cluster'] : 'default';
        return `arn:aws:ecs:${this.region}:${this.account}:service/${cluster}/${name}`;
      }
      case 'AWS::ECR::Repository':
        return typeof properties?.['RepositoryName'] === 'string' ? properties['RepositoryName'] : `${logicalId.toLowerCase()}-${suffix}`;
      // Physical ids as CloudFormation returns them (Ref), for make verify and destroy: names for
      // clusters, alarms and log groups, ARNs for target groups, listener rules and load balancers,
      // key ids for KMS keys.
      case 'AWS::ECS::Cluster':
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::Logs::LogGroup': {
        const key = { 'AWS::ECS::Cluster': 'ClusterName', 'AWS::CloudWatch::Alarm': 'AlarmName', 'AWS::Logs::LogGroup': 'LogGroupName' }[type];
        return typeof properties?.[key] === 'string' ? properties[key] : `${stack.stackName}-${logicalId}-${suffix}`;
      }
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        const name = typeof properties?.['Name'] === 'string' ? properties['Name'] : `${logicalId}-${suffix}`.slice(0, 32);
        return `arn:aws:elasticloadbalancing:${this.region}:${this.account}:targetgroup/${name}/${suffix.toLowerCase()}`;
      }
      case 'AWS::ElasticLoadBalancingV2::ListenerRule':
        return `arn:aws:elasticloadbalancing:${this.region}:${this.account}:listener-rule/app/alb/${logicalId.toLowerCase()}/${suffix.toLowerCase()}`;
      case 'AWS::KMS::Key':
        return `${suffix.slice(-8)}-0000-4000-8000-${logicalId.toLowerCase().slice(0, 12).padEnd(12, '0')}`;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        return `arn:aws:elasticloadbalancing:${this.region}:${this.account}:loadbalancer/app/${typeof properties?.['Name'] === 'string' ? properties['Name'] : logicalId}/${suffix.toLowerCase()}`;
      // D-17: named roles keep their name; a service-linked role's name comes from its service.
      case 'AWS::IAM::Role':
        return typeof properties?.['RoleName'] === 'string' ? properties['RoleName'] : `${stack.stackName}-${logicalId}-${suffix}`;
      case 'AWS::IAM::ServiceLinkedRole':
        return serviceLinkedRoleName(String(properties?.['AWSServiceName']));
      case 'AWS::IAM::OIDCProvider':
        return `arn:aws:iam::${this.account}:oidc-provider/${String(properties?.['Url']).replace(/^https:\/\//, '')}`;
      default:
        return `${stack.stackName}-${logicalId}-${suffix}`;
    }
  }

  /** Scope of a stack as deployed now. */
  private deployedScope(stack: FakeStack): Scope {
    const template = stack.template ?? { AWSTemplateFormatVersion: '', Description: '', Resources: {} };
    const self = this;
    const scope: Scope = {
      parameters: { ...this.defaults(template), ...stack.parameters },
      pseudo: this.pseudo(stack),
      conditions: (template.Conditions ?? {}) as Record<string, Json>,
      ref: (id) => stack.resources.get(id)?.physicalId,
      getAtt(id, attribute) {
        const resource = stack.resources.get(id);
        if (!resource) return undefined;
        if (resource.type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
          return self.stacks.get(resource.physicalId)?.outputs.find((o) => o.key === attribute.slice(8))?.value;
        }
        return attributeOf(resource, attribute, self.account);
      },
    };
    return scope;
  }

  private defaults(template: TemplateJson): Record<string, string> {
    return Object.fromEntries(Object.entries(template.Parameters ?? {}).filter(([, p]) => p.Default !== undefined).map(([k, p]) => [k, String(p.Default)]));
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Change computation                                                                           */
  /* ------------------------------------------------------------------------------------------- */

  private active(template: TemplateJson, scope: Scope): [string, JsonObject][] {
    return Object.entries(template.Resources)
      .filter(([, r]) => !r.Condition || condition(r.Condition, scope))
      .map(([id, r]) => [id, r as unknown as JsonObject]);
  }

  private plan(stack: FakeStack | undefined, next: TemplateJson, parameters: Record<string, string>, identity: { stackName: string; stackId: string }): PlannedChange[] {
    const deployedScope = stack && stack.template ? this.deployedScope(stack) : undefined;
    const oldResources = new Map(stack?.template && deployedScope ? this.active(stack.template, deployedScope) : []);
    let changed = new Set<string>();
    let replaced = new Set<string>();
    let changes: PlannedChange[] = [];
    for (let round = 0; round < 6; round += 1) {
      const self = this;
      const scope: Scope = {
        parameters: { ...this.defaults(next), ...parameters },
        pseudo: this.pseudo(identity),
        conditions: (next.Conditions ?? {}) as Record<string, Json>,
        ref: (id) => (replaced.has(id) || !oldResources.has(id) ? undefined : stack?.resources.get(id)?.physicalId),
        getAtt(id, attribute) {
          if (changed.has(id) || !oldResources.has(id)) return undefined;
          const resource = stack?.resources.get(id);
          if (!resource) return undefined;
          if (resource.type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
            return self.stacks.get(resource.physicalId)?.outputs.find((o) => o.key === attribute.slice(8))?.value;
          }
          return attributeOf(resource, attribute, self.account);
        },
      };
      changes = [];
      const nextResources = this.active(next, scope);
      for (const [id, resource] of nextResources) {
        const type = String(resource['Type']);
        const before = oldResources.get(id);
        if (!before) {
          changes.push({ logicalId: id, type, action: 'Add', details: [] });
          continue;
        }
        const details: ChangeDetail[] = [];
        const oldProps = (before['Properties'] ?? {}) as JsonObject;
        const newProps = (resource['Properties'] ?? {}) as JsonObject;
        const compare = (name: string, pathName: string, oldRaw: Json | undefined, newRaw: Json | undefined) => {
          const o = deployedScope ? evaluate(oldRaw, deployedScope) : undefined;
          const n = evaluate(newRaw, scope);
          if (isDeepStrictEqual(o, n)) return;
          const dynamic = containsUnknown(n);
          const byParameter = isDeepStrictEqual(oldRaw, newRaw);
          const parameter = byParameter ? referencedParameter(newRaw, scope.parameters) : undefined;
          const cause = causingEntity(newRaw, changed) ?? (parameter ? { source: 'ParameterReference', entity: parameter } : undefined);
          const createOnly = (CREATE_ONLY[type] ?? []).includes(name);
          details.push({
            evaluation: dynamic ? 'Dynamic' : 'Static',
            changeSource: cause?.source ?? (byParameter ? 'ParameterReference' : 'DirectModification'),
            ...(cause ? { causingEntity: cause.entity } : {}),
            target: {
              attribute: 'Properties',
              name,
              requiresRecreation: type === 'AWS::CloudFormation::Stack' ? 'Never' : createOnly ? 'Always' : 'Never',
              path: pathName,
              ...(o !== undefined ? { beforeValue: this.resolveSecrets(stringify(o)) } : {}),
              ...(n !== undefined ? { afterValue: dynamic ? KNOWN_AFTER_APPLY : this.resolveSecrets(stringify(n)) } : {}),
              attributeChangeType: o === undefined ? 'Add' : n === undefined ? 'Remove' : 'Modify',
            },
          });
        };
        if (type === 'AWS::CloudFormation::Stack') {
          compare('TemplateURL', '/Properties/TemplateURL', oldProps['TemplateURL'], newProps['TemplateURL']);
          const oldParams = (oldProps['Parameters'] ?? {}) as JsonObject;
          const newParams = (newProps['Parameters'] ?? {}) as JsonObject;
          for (const p of new Set([...Object.keys(oldParams), ...Object.keys(newParams)])) compare('Parameters', `/Properties/Parameters/${p}`, oldParams[p], newParams[p]);
        } else {
          for (const name of new Set([...Object.keys(oldProps), ...Object.keys(newProps)])) compare(name, `/Properties/${name}`, oldProps[name], newProps[name]);
        }
        if (details.length === 0) continue;
        const recreate = details.filter((d) => d.target.requiresRecreation === 'Always');
        const replacement = recreate.some((d) => d.evaluation === 'Static') ? 'True' : recreate.length > 0 ? 'Conditional' : 'False';
        changes.push({ logicalId: id, type, action: 'Modify', replacement, details });
      }
      for (const [id, resource] of oldResources) {
        if (!nextResources.some(([n]) => n === id)) changes.push({ logicalId: id, type: String(resource['Type']), action: 'Remove', details: [] });
      }
      const nextChanged = new Set(changes.filter((c) => c.action !== 'Remove').map((c) => c.logicalId));
      const nextReplaced = new Set(changes.filter((c) => c.replacement === 'True' || c.action === 'Add').map((c) => c.logicalId));
      if (isDeepStrictEqual(nextChanged, changed) && isDeepStrictEqual(nextReplaced, replaced)) break;
      changed = nextChanged;
      replaced = nextReplaced;
    }
    return changes;
  }

  /** Worst case for secrets hygiene: the "API" echoes resolved secret values. */
  private resolveSecrets(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    let resolved = value;
    for (const [reference, secret] of this.resolvedSecrets) resolved = resolved.split(reference).join(secret);
    return resolved;
  }

  private createChangeSetTree(
    request: { name: string; type: 'CREATE' | 'UPDATE'; template: TemplateJson; body: string; parameters: Record<string, string>; tags: Record<string, string> },
    stack: FakeStack,
    parent: FakeChangeSet | undefined,
    op: string,
  ): FakeChangeSet {
    const id = `arn:aws:cloudformation:${this.region}:${this.account}:changeSet/${request.name}/${this.nextId()}-cs`;
    const changes = this.plan(request.type === 'UPDATE' ? stack : undefined, request.template, request.parameters, stack);
    const changeSet: FakeChangeSet = {
      id,
      name: request.name,
      stackId: stack.stackId,
      stackName: stack.stackName,
      type: request.type,
      ...(parent ? { parentId: parent.id, rootId: parent.rootId ?? parent.id } : {}),
      createdAt: this.clock.now(),
      readyAt: this.clock.now() + this.changeSetDelayMs,
      template: request.template,
      templateBody: request.body,
      parameters: request.parameters,
      tags: request.tags,
      changes,
      executionStatus: 'UNAVAILABLE',
      deleted: false,
      executed: false,
    };
    this.changeSets.set(id, changeSet);
    const injected = this.changeSetFailures.findIndex((f) => f.path === stack.path);
    if (injected >= 0) {
      changeSet.failReason = this.changeSetFailures[injected].reason;
      this.changeSetFailures.splice(injected, 1);
    }
    const scope = this.planScope(stack, request.parameters, request.template);
    for (const change of changes) {
      if (change.type !== 'AWS::CloudFormation::Stack' || change.action === 'Remove') continue;
      const definition = request.template.Resources[change.logicalId];
      const properties = (definition.Properties ?? {}) as JsonObject;
      const child = this.readTemplate(String(properties['TemplateURL']), op);
      const childParameters: Record<string, string> = {};
      for (const [key, value] of Object.entries((properties['Parameters'] ?? {}) as JsonObject)) {
        const anyChanged = new Set(changes.filter((c) => c.action !== 'Remove').map((c) => c.logicalId));
        const evaluated = evaluate(value, { ...scope, getAtt: (rid, attr) => (anyChanged.has(rid) ? undefined : scope.getAtt(rid, attr)), ref: (rid) => scope.ref(rid) });
        childParameters[key] = stringify(evaluated) ?? '';
      }
      const childPath = stack.path ? `${stack.path}/${change.logicalId}` : change.logicalId;
      let childStack: FakeStack;
      if (change.action === 'Add') {
        childStack = this.newStack(`${stack.stackName}-${change.logicalId}-${this.random12()}`, childPath, stack);
      } else {
        const existing = this.stacks.get(stack.resources.get(change.logicalId)?.physicalId ?? '');
        if (!existing) throw new Error(`fake: nested stack ${childPath} is missing`);
        childStack = existing;
      }
      const nested = this.createChangeSetTree(
        { name: `${request.name}-${change.logicalId}`.slice(0, 120), type: change.action === 'Add' ? 'CREATE' : 'UPDATE', template: child.template, body: child.body, parameters: childParameters, tags: request.tags },
        childStack,
        changeSet,
        op,
      );
      change.nestedChangeSetId = nested.id;
      if (nested.failReason) changeSet.failReason ??= `Nested change set ${nested.id} was not successfully created: Currently in FAILED.`;
    }
    if (!parent && !changeSet.failReason && changes.length === 0 && request.type === 'UPDATE') {
      const sameParameters = isDeepStrictEqual({ ...this.defaults(stack.template ?? request.template), ...stack.parameters }, { ...this.defaults(request.template), ...request.parameters });
      if (sameParameters && isDeepStrictEqual(stack.tags, request.tags)) changeSet.failReason = NO_CHANGES_REASON;
    }
    return changeSet;
  }

  private planScope(stack: FakeStack, parameters: Record<string, string>, template: TemplateJson): Scope {
    const deployed = this.deployedScope(stack);
    return { ...deployed, parameters: { ...this.defaults(template), ...parameters }, conditions: (template.Conditions ?? {}) as Record<string, Json> };
  }

  private changeSetStatus(cs: FakeChangeSet): { status: ChangeSetStatus; reason?: string; execution: ExecutionStatus } {
    if (cs.executed) return { status: 'CREATE_COMPLETE', execution: cs.executionStatus };
    const now = this.clock.now();
    if (now < cs.createdAt + this.changeSetDelayMs / 2) return { status: 'CREATE_PENDING', execution: 'UNAVAILABLE' };
    if (now < cs.readyAt) return { status: 'CREATE_IN_PROGRESS', execution: 'UNAVAILABLE' };
    if (cs.failReason) return { status: 'FAILED', reason: cs.failReason, execution: 'UNAVAILABLE' };
    if (cs.parentId) return { status: 'CREATE_COMPLETE', reason: 'Executable from root change set', execution: 'UNAVAILABLE' };
    return { status: 'CREATE_COMPLETE', execution: cs.executionStatus === 'UNAVAILABLE' ? 'AVAILABLE' : cs.executionStatus };
  }

  private deleteChangeSetTree(cs: FakeChangeSet): void {
    cs.deleted = true;
    for (const change of cs.changes) {
      if (!change.nestedChangeSetId) continue;
      const nested = this.changeSets.get(change.nestedChangeSetId);
      if (!nested) continue;
      this.deleteChangeSetTree(nested);
      const stack = this.stacks.get(nested.stackId);
      if (stack && stack.status === 'REVIEW_IN_PROGRESS') {
        stack.deleted = true;
        this.stackEvent(stack, 'DELETE_COMPLETE');
      }
    }
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Execution                                                                                    */
  /* ------------------------------------------------------------------------------------------- */

  private takeFailure(path: string, logicalId: string, phase: InjectedFailure['phase']): InjectedFailure | undefined {
    const index = this.failures.findIndex((f) => f.path === path && f.logicalId === logicalId && f.phase === phase);
    if (index < 0) return undefined;
    return this.failures.splice(index, 1)[0];
  }

  /**
   * The stack policy's verdict for one update action on one resource: an explicit Deny wins; with
   * a policy set, no matching Allow protects the resource too (the wording of that second case is
   * the fake's own: AWS documents the rule, not the message).
   */
  private policyDenies(stack: FakeStack, logicalId: string, type: string, action: 'Update:Modify' | 'Update:Replace' | 'Update:Delete'): string | undefined {
    if (!stack.policy) return undefined;
    type PolicyStatement = { Effect: string; Action: string | string[]; Resource?: string | string[]; NotResource?: string | string[]; Condition?: { StringEquals?: { ResourceType?: string[] } } };
    const policy = JSON.parse(stack.policy) as { Statement: PolicyStatement[] };
    const target = `LogicalResourceId/${logicalId}`;
    const names = (pattern: string) => pattern === '*' || pattern === target || (pattern.endsWith('*') && target.startsWith(pattern.slice(0, -1)));
    const applies = (statement: PolicyStatement): boolean => {
      const actions = [statement.Action].flat();
      if (!actions.includes(action) && !actions.includes('Update:*')) return false;
      const types = statement.Condition?.StringEquals?.ResourceType;
      if (types && !types.includes(type)) return false;
      if (statement.NotResource && [statement.NotResource].flat().some(names)) return false;
      if (statement.Resource && ![statement.Resource].flat().some(names)) return false;
      return true;
    };
    const deny = policy.Statement.findIndex((statement) => statement.Effect === 'Deny' && applies(statement));
    if (deny >= 0) return `Action denied by stack policy: Statement [#${deny + 1}] has effect Deny and action ${action} on resource ${target}`;
    if (policy.Statement.some((statement) => statement.Effect === 'Allow' && applies(statement))) return undefined;
    return `Action denied by stack policy: no statement allows ${action} on resource ${target}`;
  }

  private applyResource(stack: FakeStack, logicalId: string, definition: JsonObject, scope: Scope, replace: boolean): ResourceState {
    const type = String(definition['Type']);
    const properties = evaluate(definition['Properties'] ?? {}, scope) as JsonObject;
    const existing = stack.resources.get(logicalId);
    const physicalId = existing && !replace ? existing.physicalId : this.physicalIdFor(stack, logicalId, type, properties);
    const state: ResourceState = { logicalId, type, physicalId, status: 'CREATE_COMPLETE', definition };
    stack.resources.set(logicalId, state);
    if (type === 'AWS::S3::Bucket') this.createBucket(physicalId);
    if (type === 'AWS::SecretsManager::Secret') this.secrets.set(physicalId, { name: physicalId.split(':').pop() ?? physicalId, state: 'active' });
    this.createOutside(type, physicalId, properties);
    return state;
  }

  /* -- destroy: the physical side of ECR, Logs, KMS and ELBv2 resources ---------------------- */

  private createOutside(type: string, physicalId: string, properties: JsonObject): void {
    if (type === 'AWS::ECR::Repository') this.repositories.add(physicalId);
    if (type === 'AWS::Logs::LogGroup') this.logGroups.add(physicalId);
    if (type === 'AWS::KMS::Key' && !this.kmsKeys.has(physicalId)) this.kmsKeys.set(physicalId, { state: 'Enabled' });
    if (type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
      const attributes = (properties['LoadBalancerAttributes'] ?? []) as JsonObject[];
      const protection = attributes.find((a) => a['Key'] === 'deletion_protection.enabled')?.['Value'];
      this.loadBalancers.set(physicalId, { deletionProtection: protection === 'true' });
    }
  }

  /** Why CloudFormation cannot delete this resource's physical side now, if it cannot. */
  private cannotDelete(resource: ResourceState): string | undefined {
    const bucket = resource.type === 'AWS::S3::Bucket' ? this.buckets.get(resource.physicalId) : undefined;
    if (bucket && bucket.objects.size > 0) return 'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, Status Code: 409)"';
    if (this.loadBalancers.get(resource.physicalId)?.deletionProtection) {
      return `Resource handler returned message: "Load balancer '${resource.physicalId}' cannot be deleted because deletion protection is enabled (Service: ElasticLoadBalancingV2, Status Code: 400, Error Code: OperationNotPermitted)" (HandlerErrorCode: InvalidRequest)`;
    }
    return undefined;
  }

  /** CloudFormation deletes the physical resource (what its Delete handler does). */
  private deleteOutside(resource: ResourceState): void {
    if (resource.type === 'AWS::S3::Bucket') this.buckets.delete(resource.physicalId);
    const secret = this.secrets.get(resource.physicalId);
    if (secret) secret.state = 'scheduled-for-deletion';
    if (resource.type === 'AWS::ECR::Repository') this.repositories.delete(resource.physicalId);
    if (resource.type === 'AWS::Logs::LogGroup') this.logGroups.delete(resource.physicalId);
    if (resource.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') this.loadBalancers.delete(resource.physicalId);
    const key = resource.type === 'AWS::KMS::Key' ? this.kmsKeys.get(resource.physicalId) : undefined;
    if (key) key.state = 'PendingDeletion';
  }

  /**
   * Whether CloudFormation keeps the resource when it deletes it: on stack deletion (or removal)
   * under Retain and RetainExceptOnCreate; when rolling back the operation that created it, only
   * under Retain.
   */
  private keeps(stack: FakeStack, resource: ResourceState, when: 'delete' | 'rollback-of-create'): boolean {
    const policy = resource.definition?.['DeletionPolicy'];
    const value = policy === undefined ? 'Delete' : evaluate(policy, this.deployedScope(stack));
    return value === 'Retain' || (value === 'RetainExceptOnCreate' && when === 'delete');
  }

  private bury(stack: FakeStack, resource: ResourceState, status: 'DELETE_COMPLETE' | 'DELETE_SKIPPED'): void {
    const rows = (this.graveyard.get(stack.stackId) ?? []).filter((r) => r.logicalId !== resource.logicalId);
    rows.push({ logicalId: resource.logicalId, ...(resource.physicalId ? { physicalId: resource.physicalId } : {}), resourceType: resource.type, status });
    this.graveyard.set(stack.stackId, rows);
  }
  /* ------------------------------------------------------------------------------------------- */

  private runStack(script: Script, stack: FakeStack, cs: FakeChangeSet, isRoot: boolean): RunResult {
    const creating = cs.type === 'CREATE';
    const verb = creating ? 'CREATE' : 'UPDATE';
    const before = {
      template: stack.template,
      body: stack.templateBody,
      parameters: stack.parameters,
      resources: new Map([...stack.resources].map(([k, v]) => [k, { ...v }])),
      outputs: stack.outputs,
    };
    script.step(() => {
      this.stackEvent(stack, `${verb}_IN_PROGRESS`, isRoot ? 'User Initiated' : undefined);
      stack.parameters = this.resolveParameters(stack, cs);
      stack.tags = cs.tags;
    });
    const scope = () => this.planScope(stack, stack.parameters, cs.template);
    const done: PlannedChange[] = [];
    let failed: { ids: string[]; nestedRollbackFailed: boolean } | undefined;
    const order = dependencyOrder(cs.template);
    const forward = cs.changes.filter((c) => c.action !== 'Remove').sort((a, b) => order.indexOf(a.logicalId) - order.indexOf(b.logicalId));
    for (const change of forward) {
      const definition = cs.template.Resources[change.logicalId] as unknown as JsonObject;
      const resourceVerb = change.action === 'Add' ? 'CREATE' : 'UPDATE';
      if (change.type === 'AWS::CloudFormation::Stack' && change.nestedChangeSetId) {
        const nested = this.changeSets.get(change.nestedChangeSetId);
        const child = nested ? this.stacks.get(nested.stackId) : undefined;
        if (!nested || !child) continue;
        script.step(() => this.event(stack, change.logicalId, change.type, `${resourceVerb}_IN_PROGRESS`, undefined, change.action === 'Modify' ? child.stackId : undefined));
        script.alongside(() => {
          stack.resources.set(change.logicalId, { logicalId: change.logicalId, type: change.type, physicalId: child.stackId, status: `${resourceVerb}_IN_PROGRESS`, definition });
          if (change.action === 'Add') this.event(stack, change.logicalId, change.type, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', child.stackId);
        });
        const result = this.runStack(script, child, nested, false);
        done.push(change);
        if (result !== 'ok') {
          script.step(() => {
            const state = stack.resources.get(change.logicalId);
            if (state) state.status = `${resourceVerb}_FAILED`;
            const how = creating || change.action === 'Add' ? 'created' : 'updated';
            this.event(stack, change.logicalId, change.type, `${resourceVerb}_FAILED`, `Embedded stack ${child.stackId} was not successfully ${how}: The following resource(s) failed to ${how === 'created' ? 'create' : 'update'}: [${(this.failedIds.get(child.stackId) ?? []).join(', ')}].`, child.stackId);
          });
          failed = { ids: [change.logicalId], nestedRollbackFailed: result === 'rollback-failed' };
          break;
        }
        script.step(() => {
          const state = stack.resources.get(change.logicalId);
          if (state) state.status = `${resourceVerb}_COMPLETE`;
          this.event(stack, change.logicalId, change.type, `${resourceVerb}_COMPLETE`, undefined, child.stackId);
        });
        continue;
      }
      const injected = this.takeFailure(stack.path, change.logicalId, 'forward');
      const denied = change.action !== 'Modify' ? undefined : this.policyDenies(stack, change.logicalId, change.type, change.replacement === 'True' ? 'Update:Replace' : 'Update:Modify');
      const trap = change.action === 'Add' ? this.creationTrap(change.type, evaluate(definition['Properties'] ?? {}, scope()) as JsonObject) : undefined;
      script.step(() => this.event(stack, change.logicalId, change.type, `${resourceVerb}_IN_PROGRESS`, undefined, stack.resources.get(change.logicalId)?.physicalId));
      if (injected || denied || trap) {
        done.push(change);
        script.step(() => {
          const existing = stack.resources.get(change.logicalId);
          if (existing) existing.status = `${resourceVerb}_FAILED`;
          else stack.resources.set(change.logicalId, { logicalId: change.logicalId, type: change.type, physicalId: '', status: 'CREATE_FAILED' });
          this.event(stack, change.logicalId, change.type, `${resourceVerb}_FAILED`, denied ?? trap ?? injected?.reason, stack.resources.get(change.logicalId)?.physicalId || undefined);
        });
        failed = { ids: [change.logicalId], nestedRollbackFailed: false };
        break;
      }
      script.step(() => {
        const state = this.applyResource(stack, change.logicalId, definition, scope(), change.replacement === 'True');
        if (change.replacement === 'True') this.event(stack, change.logicalId, change.type, 'UPDATE_IN_PROGRESS', 'Requested update requires the creation of a new physical resource; hence creating one.', state.physicalId);
        else if (change.action === 'Add') this.event(stack, change.logicalId, change.type, 'CREATE_IN_PROGRESS', 'Resource creation Initiated', state.physicalId);
      });
      script.step(() => {
        const state = stack.resources.get(change.logicalId);
        if (state) state.status = `${resourceVerb}_COMPLETE`;
        this.event(stack, change.logicalId, change.type, `${resourceVerb}_COMPLETE`, undefined, state?.physicalId);
      });
      done.push(change);
    }
    if (!failed) {
      for (const change of cs.changes.filter((c) => c.action === 'Remove')) {
        const denied = this.policyDenies(stack, change.logicalId, change.type, 'Update:Delete');
        if (denied) {
          script.step(() => this.event(stack, change.logicalId, change.type, 'UPDATE_FAILED', denied));
          failed = { ids: [change.logicalId], nestedRollbackFailed: false };
          break;
        }
      }
    }
    if (failed) return this.rollback(script, stack, cs, done, failed, before, isRoot);

    const removals = cs.changes.filter((c) => c.action === 'Remove' || c.replacement === 'True');
    if (!creating && removals.length > 0) {
      script.step(() => this.stackEvent(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
      for (const change of cs.changes.filter((c) => c.action === 'Remove')) {
        const old = before.resources.get(change.logicalId);
        if (change.type === 'AWS::CloudFormation::Stack' && old) {
          const child = this.stacks.get(old.physicalId);
          script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, old.physicalId));
          if (child) this.deleteTree(script, child);
        } else {
          script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, old?.physicalId));
        }
        script.step(() => {
          stack.resources.delete(change.logicalId);
          this.event(stack, change.logicalId, change.type, 'DELETE_COMPLETE', undefined, old?.physicalId);
        });
      }
    }
    script.step(() => {
      stack.template = cs.template;
      stack.templateBody = cs.templateBody;
      stack.outputs = this.outputsOf(stack);
      if (!creating) stack.lastUpdatedTime = new Date(this.clock.now());
      this.stackEvent(stack, `${verb}_COMPLETE`);
      if (isRoot) this.finishExecution(cs, 'EXECUTE_COMPLETE');
    });
    return 'ok';
  }

  private rollback(
    script: Script,
    stack: FakeStack,
    cs: FakeChangeSet,
    done: PlannedChange[],
    failed: { ids: string[]; nestedRollbackFailed: boolean },
    before: { template?: TemplateJson; body?: string; parameters: Record<string, string>; resources: Map<string, ResourceState>; outputs: StackOutput[] },
    isRoot: boolean,
  ): RunResult {
    const creating = cs.type === 'CREATE';
    const failedList = failed.ids.join(', ');
    this.failedIds.set(stack.stackId, failed.ids);
    if (creating) {
      script.step(() => this.stackEvent(stack, 'ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${failedList}]. Rollback requested by user.`));
      for (const change of [...done].reverse()) {
        const state = () => stack.resources.get(change.logicalId);
        if (change.type === 'AWS::CloudFormation::Stack') {
          // The child is known from its change set: its resource entry is only set as the steps run.
          const nestedChangeSet = change.nestedChangeSetId ? this.changeSets.get(change.nestedChangeSetId) : undefined;
          const child = this.stacks.get(nestedChangeSet?.stackId ?? state()?.physicalId ?? '');
          script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, child?.stackId));
          // A child that rolled its own create back has nothing left to delete but itself.
          if (child) this.deleteTree(script, child, false, nestedChangeSet);
        } else {
          script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, state()?.physicalId || undefined));
        }
        script.step(() => {
          const created = state();
          const kept = created !== undefined && created.physicalId !== '' && this.keeps(stack, created, 'rollback-of-create');
          if (created && !kept && change.type !== 'AWS::CloudFormation::Stack') this.deleteOutside(created);
          this.event(stack, change.logicalId, change.type, kept ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE', undefined, created?.physicalId || undefined);
          stack.resources.delete(change.logicalId);
        });
      }
      script.step(() => {
        stack.template = cs.template;
        stack.templateBody = cs.templateBody;
        this.stackEvent(stack, 'ROLLBACK_COMPLETE');
        if (isRoot) this.finishExecution(cs, 'EXECUTE_FAILED');
      });
      return 'failed';
    }
    script.step(() => this.stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${failedList}].`));
    let rollbackFailed = failed.nestedRollbackFailed;
    for (const change of [...done].reverse()) {
      // Nested stacks roll themselves back (simplification: a sibling stack that had completed is
      // not rolled back again).
      if (change.type === 'AWS::CloudFormation::Stack') continue;
      const old = before.resources.get(change.logicalId);
      const stuck = this.takeFailure(stack.path, change.logicalId, 'rollback');
      if (change.action === 'Add') {
        script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS'));
        script.step(() => {
          const created = stack.resources.get(change.logicalId);
          const kept = created !== undefined && created.physicalId !== '' && this.keeps(stack, created, 'rollback-of-create');
          if (created && !kept) this.deleteOutside(created);
          stack.resources.delete(change.logicalId);
          this.event(stack, change.logicalId, change.type, kept ? 'DELETE_SKIPPED' : 'DELETE_COMPLETE');
        });
        continue;
      }
      script.step(() => this.event(stack, change.logicalId, change.type, 'UPDATE_IN_PROGRESS', undefined, old?.physicalId));
      if (stuck) {
        rollbackFailed = true;
        script.step(() => {
          const state = stack.resources.get(change.logicalId);
          if (state) state.status = 'UPDATE_FAILED';
          this.event(stack, change.logicalId, change.type, 'UPDATE_FAILED', stuck.reason, old?.physicalId);
        });
        continue;
      }
      script.step(() => {
        if (old) stack.resources.set(change.logicalId, { ...old, status: 'UPDATE_COMPLETE' });
        this.event(stack, change.logicalId, change.type, 'UPDATE_COMPLETE', undefined, old?.physicalId);
      });
    }
    const failedNested = stack.resources.get(failed.ids[0]);
    if (failedNested?.type === 'AWS::CloudFormation::Stack' || done.some((c) => c.logicalId === failed.ids[0] && c.type === 'AWS::CloudFormation::Stack')) {
      // The child rolled itself back; the parent's resource follows it.
      script.step(() => {
        const state = stack.resources.get(failed.ids[0]);
        if (!state) return;
        if (failed.nestedRollbackFailed) {
          state.status = 'UPDATE_FAILED';
          this.event(stack, state.logicalId, state.type, 'UPDATE_FAILED', `Embedded stack ${state.physicalId} was not successfully updated. Currently in UPDATE_ROLLBACK_FAILED.`, state.physicalId);
        } else {
          state.status = 'UPDATE_COMPLETE';
          this.event(stack, state.logicalId, state.type, 'UPDATE_COMPLETE', undefined, state.physicalId);
        }
      });
    }
    script.step(() => {
      stack.parameters = before.parameters;
      if (rollbackFailed) {
        this.stackEvent(stack, 'UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${failedList}].`);
      } else {
        this.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        this.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE');
      }
      stack.lastUpdatedTime = new Date(this.clock.now());
      if (isRoot) this.finishExecution(cs, 'EXECUTE_FAILED');
    });
    return rollbackFailed ? 'rollback-failed' : 'failed';
  }

  private finishExecution(cs: FakeChangeSet, status: ExecutionStatus): void {
    cs.executionStatus = status;
    for (const other of this.changeSets.values()) if (other.stackId === cs.stackId && other.id !== cs.id && !other.parentId) other.deleted = true;
  }

  private resolveParameters(stack: FakeStack, cs: FakeChangeSet): Record<string, string> {
    if (!stack.parentId) return cs.parameters;
    const parent = this.stacks.get(stack.parentId);
    if (!parent) return cs.parameters;
    const entry = [...(parent.resources.values())].find((r) => r.physicalId === stack.stackId);
    const parentCs = [...this.changeSets.values()].find((c) => c.changes.some((ch) => ch.nestedChangeSetId === cs.id));
    const definition = parentCs?.template.Resources[entry?.logicalId ?? ''];
    const raw = ((definition?.Properties ?? {}) as JsonObject)['Parameters'] as JsonObject | undefined;
    if (!raw || !parentCs) return cs.parameters;
    const scope = this.planScope(parent, parent.parameters, parentCs.template);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, stringify(evaluate(v, scope)) ?? '']));
  }

  private outputsOf(stack: FakeStack): StackOutput[] {
    if (!stack.template) return [];
    const scope = this.deployedScope(stack);
    return Object.entries(stack.template.Outputs ?? {})
      .filter(([, o]) => !o.Condition || condition(o.Condition, scope))
      .map(([key, o]) => ({ key, value: stringify(evaluate(o.Value, scope)) ?? '', ...(o.Description ? { description: o.Description } : {}) }));
  }

  /**
   * Deletes a stack and everything in it (reverse template order), as steps; the result is known
   * when the steps have run. `createdBy` is the change set whose create is being rolled back: its
   * resources are only there once the steps before run, and RetainExceptOnCreate ones go then.
   */
  private deleteTree(script: Script, stack: FakeStack, userInitiated = false, createdBy?: FakeChangeSet): () => boolean {
    const when = createdBy ? 'rollback-of-create' : 'delete';
    script.step(() => this.stackEvent(stack, 'DELETE_IN_PROGRESS', userInitiated ? 'User Initiated' : undefined));
    const template = createdBy?.template ?? stack.template;
    const order = Object.keys(template?.Resources ?? {});
    const entries = createdBy
      ? createdBy.changes.filter((c) => c.action !== 'Remove').map((c) => ({ logicalId: c.logicalId, type: c.type, nested: c.nestedChangeSetId ? this.changeSets.get(c.nestedChangeSetId) : undefined }))
      : [...stack.resources.values()].map((r) => ({ logicalId: r.logicalId, type: r.type, nested: undefined }));
    entries.sort((a, b) => order.indexOf(b.logicalId) - order.indexOf(a.logicalId));
    const failed: string[] = [];
    for (const entry of entries) {
      const resource = () => stack.resources.get(entry.logicalId);
      if (entry.type === 'AWS::CloudFormation::Stack') {
        const child = entry.nested ? this.stacks.get(entry.nested.stackId) : this.stacks.get(resource()?.physicalId ?? '');
        script.step(() => this.event(stack, entry.logicalId, entry.type, 'DELETE_IN_PROGRESS', undefined, child?.stackId));
        const childOk = child ? this.deleteTree(script, child, false, entry.nested) : () => true;
        script.step(() => {
          const state = resource();
          if (!state) return;
          if (childOk()) {
            stack.resources.delete(entry.logicalId);
            this.bury(stack, state, 'DELETE_COMPLETE');
            this.event(stack, entry.logicalId, entry.type, 'DELETE_COMPLETE', undefined, state.physicalId);
          } else {
            failed.push(entry.logicalId);
            state.status = 'DELETE_FAILED';
            this.event(stack, entry.logicalId, entry.type, 'DELETE_FAILED', `Embedded stack ${state.physicalId} was not successfully deleted: The following resource(s) failed to delete: [${[...(child?.resources.keys() ?? [])].join(', ')}].`, state.physicalId);
          }
        });
        continue;
      }
      const stuck = createdBy ? undefined : this.takeFailure(stack.path, entry.logicalId, 'forward');
      script.step(() => this.event(stack, entry.logicalId, entry.type, 'DELETE_IN_PROGRESS', undefined, resource()?.physicalId || undefined));
      script.step(() => {
        const state = resource();
        if (!state) return;
        if (this.keeps(stack, state, when)) {
          stack.resources.delete(entry.logicalId);
          this.bury(stack, state, 'DELETE_SKIPPED');
          this.event(stack, entry.logicalId, entry.type, 'DELETE_SKIPPED', undefined, state.physicalId);
          return;
        }
        const reason = stuck?.reason ?? this.cannotDelete(state);
        if (reason) {
          failed.push(entry.logicalId);
          state.status = 'DELETE_FAILED';
          this.event(stack, entry.logicalId, entry.type, 'DELETE_FAILED', reason, state.physicalId);
          return;
        }
        this.deleteOutside(state);
        stack.resources.delete(entry.logicalId);
        this.bury(stack, state, 'DELETE_COMPLETE');
        this.event(stack, entry.logicalId, entry.type, 'DELETE_COMPLETE', undefined, state.physicalId);
      });
    }
    script.step(() => {
      if (failed.length > 0) {
        this.stackEvent(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}].`);
        return;
      }
      this.stackEvent(stack, 'DELETE_COMPLETE');
      stack.deleted = true;
      this.deletionTimes.set(stack.stackId, new Date(this.clock.now()));
    });
    return () => failed.length === 0;
  }

  private continueRollback(script: Script, stack: FakeStack, skip: readonly string[], isRoot: boolean): RunResult {
    script.step(() => this.stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', isRoot ? 'User Initiated' : undefined));
    let failed = false;
    for (const resource of [...stack.resources.values()]) {
      if (resource.status !== 'UPDATE_FAILED') continue;
      if (resource.type === 'AWS::CloudFormation::Stack') {
        const child = this.stacks.get(resource.physicalId);
        if (child && child.status === 'UPDATE_ROLLBACK_FAILED') {
          const childSkip = skip.filter((s) => s.startsWith(`${resource.logicalId}.`)).map((s) => s.slice(resource.logicalId.length + 1));
          const result = this.continueRollback(script, child, childSkip, false);
          script.step(() => {
            resource.status = result === 'ok' ? 'UPDATE_COMPLETE' : 'UPDATE_FAILED';
            this.event(stack, resource.logicalId, resource.type, resource.status, undefined, resource.physicalId);
          });
          failed = failed || result !== 'ok';
        }
        continue;
      }
      const skipped = skip.includes(resource.logicalId);
      const stuck = skipped ? undefined : this.takeFailure(stack.path, resource.logicalId, 'rollback');
      script.step(() => {
        resource.status = stuck ? 'UPDATE_FAILED' : 'UPDATE_COMPLETE';
        this.event(stack, resource.logicalId, resource.type, resource.status, stuck?.reason ?? (skipped ? 'Resource skipped during UpdateRollback' : undefined), resource.physicalId);
      });
      failed = failed || stuck !== undefined;
    }
    script.step(() => {
      if (failed) this.stackEvent(stack, 'UPDATE_ROLLBACK_FAILED');
      else {
        this.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        this.stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE');
      }
    });
    return failed ? 'rollback-failed' : 'ok';
  }

  /* ------------------------------------------------------------------------------------------- */
  /* The port                                                                                     */
  /* ------------------------------------------------------------------------------------------- */

  private describe(stack: FakeStack): StackDescription {
    return {
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      ...(stack.statusReason ? { statusReason: stack.statusReason } : {}),
      creationTime: stack.creationTime,
      ...(stack.lastUpdatedTime ? { lastUpdatedTime: stack.lastUpdatedTime } : {}),
      parameters: Object.fromEntries(Object.entries({ ...this.defaults(stack.template ?? { AWSTemplateFormatVersion: '', Description: '', Resources: {} }), ...stack.parameters })
        .map(([k, v]) => [k, stack.template?.Parameters?.[k]?.NoEcho ? '****' : v])),
      tags: { ...stack.tags },
      outputs: stack.outputs.map((o) => ({ ...o })),
      terminationProtection: stack.terminationProtection,
      ...(stack.parentId ? { parentId: stack.parentId } : {}),
      ...(stack.rootId ? { rootId: stack.rootId } : {}),
    };
  }

  /* ------------------------------------------------------------------------------------------- */
  /* D-16: ECR images (what `docker push` would have left in the registry stack's repositories)   */
  /* ------------------------------------------------------------------------------------------- */

  /** Images by repository name, then tag. */
  readonly images = new Map<string, Map<string, { readonly digest: string; readonly pushedAt: Date }>>();

  /** A pushed image: the repository need not be a stack's (a test may push before deploying). */
  pushImage(repository: string, tag: string): string {
    this.counter += 1;
    const digest = `sha256:${String(this.counter).padStart(64, 'f')}`;
    const tags = this.images.get(repository) ?? new Map<string, { digest: string; pushedAt: Date }>();
    tags.set(tag, { digest, pushedAt: new Date(this.clock.now()) });
    this.images.set(repository, tags);
    return digest;
  }

  /** Every live stack as deployed: its path, template and parameters (for byte-for-byte comparisons). */
  stackSnapshots(): { readonly path: string; readonly stackName: string; readonly templateBody: string; readonly parameters: string }[] {
    this.release();
    return this.liveStacks().map((stack) => ({
      path: stack.path,
      stackName: stack.stackName,
      templateBody: stack.templateBody ?? '',
      parameters: JSON.stringify(Object.entries(stack.parameters).sort(([a], [b]) => a.localeCompare(b))),
    }));
  }

  /** A repository a stack created (kept while retained, until deleted) or one a test pushed to. */
  private repositoryExists(name: string): boolean {
    return this.repositories.has(name) || this.images.has(name);
  }

  private describeImage(repository: string, tag: string): ImageLookup {
    if (!this.repositoryExists(repository)) return { kind: 'repository-missing' };
    const image = this.images.get(repository)?.get(tag);
    return image ? { kind: 'found', digest: image.digest, pushedAt: image.pushedAt } : { kind: 'image-missing' };
  }

  /* ------------------------------------------------------------------------------------------- */
  /* D-17: IAM roles, STS AssumeRole, and the permission model of assumed roles                    */
  /* ------------------------------------------------------------------------------------------- */

  /** Roles the account has outside any stack (e.g. `AWSServiceRoleForECS`, created by ECS itself). */
  readonly accountRoles = new Set<string>();
  /** OIDC provider ARNs the account has outside any stack. */
  readonly accountOidcProviders = new Set<string>();
  /** Calls the permission model refused: what was asked, as which role. */
  readonly denials: { readonly op: string; readonly role: string; readonly action: string; readonly resource: string }[] = [];
  private readonly issued = new Map<string, FakeSession>();

  /** The port of an assumed-role session: every call is checked against the role's policies. */
  portFor(credentials: TemporaryCredentials): AwsPort {
    const session = this.issued.get(credentials.accessKeyId);
    if (!session) throw new Error(`fake: credentials ${credentials.accessKeyId} were not issued by AssumeRole`);
    return this.buildPort(session);
  }

  /** A role created by a live stack (AWS::IAM::Role or a service-linked role). */
  private stackRole(name: string): { stack: FakeStack; state: ResourceState } | undefined {
    for (const stack of this.liveStacks()) {
      for (const state of stack.resources.values()) {
        if ((state.type === 'AWS::IAM::Role' || state.type === 'AWS::IAM::ServiceLinkedRole') && state.physicalId === name && state.status.endsWith('_COMPLETE')) return { stack, state };
      }
    }
    return undefined;
  }

  private roleByName(name: string): { stack?: FakeStack; state?: ResourceState } | undefined {
    return this.stackRole(name) ?? (this.accountRoles.has(name) ? {} : undefined);
  }

  private roleByArn(arn: string): { stack?: FakeStack; state?: ResourceState } | undefined {
    const match = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!match || match[1] !== this.account) return undefined;
    const role = this.roleByName(match[2]);
    if (role?.state && attributeOf(role.state, 'Arn', this.account) !== arn) return undefined;
    return role;
  }

  private oidcProviderExists(arn: string): boolean {
    return this.accountOidcProviders.has(arn) || this.liveStacks().some((stack) => [...stack.resources.values()].some((r) => r.type === 'AWS::IAM::OIDCProvider' && r.physicalId === arn && r.status.endsWith('_COMPLETE')));
  }

  /**
   * Resources whose creation fails because the account already has them: a service-linked role
   * ("Service role name AWSServiceRoleForECS has been taken in this account", bcgov/startup-sample-
   * project-aws-containers#13, Rayraegah/terraform-aws-hasura#17) and an OIDC provider for a URL
   * that has one (IAM CreateOpenIDConnectProvider: EntityAlreadyExists).
   */
  private creationTrap(type: string, properties: JsonObject): string | undefined {
    if (type === 'AWS::IAM::ServiceLinkedRole') {
      const name = serviceLinkedRoleName(String(properties['AWSServiceName']));
      return this.roleByName(name) ? `Resource handler returned message: "Service role name ${name} has been taken in this account, please try a different suffix. (Service: Iam, Status Code: 400)" (HandlerErrorCode: AlreadyExists)` : undefined;
    }
    if (type === 'AWS::IAM::OIDCProvider') {
      const arn = `arn:aws:iam::${this.account}:oidc-provider/${String(properties['Url']).replace(/^https:\/\//, '')}`;
      return this.oidcProviderExists(arn) ? `Resource handler returned message: "Provider with url ${String(properties['Url'])} already exists. (Service: Iam, Status Code: 409)" (HandlerErrorCode: AlreadyExists)` : undefined;
    }
    return undefined;
  }

  private assumeRole(roleArn: string, sessionName: string, caller: FakeSession | undefined): TemporaryCredentials {
    const callerArn = caller ? this.sessionArn(caller) : this.callerArn.replace(this.account, this.callerAccount);
    const refuse = () => new AwsError('access-denied', 'AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 'sts.assumeRole', 403);
    const role = this.roleByArn(roleArn);
    if (!role?.stack || !role.state) throw refuse();
    const trust = evaluate(((role.state.definition?.['Properties'] ?? {}) as JsonObject)['AssumeRolePolicyDocument'], this.deployedScope(role.stack)) as JsonObject;
    if (!trusts(trust, { account: caller ? this.account : this.callerAccount, arn: callerArn }, 'sts:AssumeRole')) throw refuse();
    this.counter += 1;
    const accessKeyId = `ASIAFAKE${String(this.counter).padStart(8, '0')}`;
    this.issued.set(accessKeyId, { roleName: role.state.physicalId, roleArn, sessionName });
    return { accessKeyId, secretAccessKey: `fake-secret-${this.counter}`, sessionToken: `fake-token-${this.counter}`, expiration: new Date(this.clock.now() + 3600_000) };
  }

  private sessionArn(session: FakeSession): string {
    return `arn:aws:sts::${this.account}:assumed-role/${session.roleName}/${session.sessionName}`;
  }

  /** The identity-based policies of a role as deployed: inline policies and attached managed policies. */
  rolePolicies(roleName: string): JsonObject[] {
    const role = this.stackRole(roleName);
    if (!role) return [];
    const scope = this.deployedScope(role.stack);
    const properties = (role.state.definition?.['Properties'] ?? {}) as JsonObject;
    const inline = ((properties['Policies'] ?? []) as JsonObject[]).map((p) => evaluate(p['PolicyDocument'], scope) as JsonObject);
    const managed = [...role.stack.resources.values()]
      .filter((r) => r.type === 'AWS::IAM::ManagedPolicy' && r.status.endsWith('_COMPLETE'))
      .map((r) => evaluate(r.definition?.['Properties'] ?? {}, scope) as JsonObject)
      .filter((p) => ((p['Roles'] ?? []) as Json[]).includes(roleName))
      .map((p) => p['PolicyDocument'] as JsonObject);
    return [...inline, ...managed];
  }

  private stackArnOf(nameOrId: string): string {
    if (nameOrId.startsWith('arn:')) return nameOrId;
    return this.findStack(nameOrId)?.stackId ?? `arn:aws:cloudformation:${this.region}:${this.account}:stack/${nameOrId}/*`;
  }

  private objectArnOfUrl(url: string): string {
    const virtual = /^https:\/\/([^.]+(?:\.[^.]+)*?)\.s3\.[a-z0-9-]+\.amazonaws\.com\/(.+)$/.exec(url);
    const pathStyle = /^https:\/\/s3(?:\.[a-z0-9-]+)?\.amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
    const [bucket, key] = virtual ? [virtual[1], virtual[2]] : pathStyle ? [pathStyle[1], pathStyle[2]] : this.endpoint && url.startsWith(`${this.endpoint}/`) ? url.slice(this.endpoint.length + 1).split(/\/(.*)/s) : [url, ''];
    return `arn:aws:s3:::${bucket}/${key}`;
  }

  /**
   * What IAM checks for each port call: the action and resource of the Service Authorization
   * Reference (as cfn-lint ships it: .venv/.../cfnlint/data/AdditionalSpecs/Policies.json), and
   * the request context keys the toolkit's policies condition on.
   */
  private permissionRequests(op: string, args: readonly unknown[]): PolicyRequest[] {
    const cfn = (action: string, stack: string): PolicyRequest => ({ action: `cloudformation:${action}`, resource: this.stackArnOf(stack) });
    const changeSetStack = (id: unknown) => this.changeSets.get(String(id))?.stackId ?? `arn:aws:cloudformation:${this.region}:${this.account}:stack/*`;
    const object = (bucket: unknown, key: unknown) => `arn:aws:s3:::${String(bucket)}/${String(key)}`;
    switch (op) {
      case 'sts.configuredRegion':
      case 'sts.callerIdentity':
        return []; // GetCallerIdentity needs no permission (STS API reference).
      case 'sts.assumeRole':
        return [{ action: 'sts:AssumeRole', resource: String(args[0]) }];
      case 's3.headBucket':
        return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${String(args[0])}` }];
      case 's3.headObject':
      case 's3.getObject': // D-18 promotion. HeadObject needs s3:GetObject too: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
        return [{ action: 's3:GetObject', resource: object(args[0], args[1]) }];
      case 's3.putObject':
        return [{ action: 's3:PutObject', resource: object(args[0], args[1]) }];
      case 's3.listObjectVersions':
        return [{ action: 's3:ListBucketVersions', resource: `arn:aws:s3:::${String(args[0])}` }];
      case 's3.deleteObjects':
        return [{ action: 's3:DeleteObject', resource: `arn:aws:s3:::${String(args[0])}/*` }];
      case 'cfn.createChangeSet': {
        const request = args[0] as CreateChangeSetRequest;
        return [
          cfn('CreateChangeSet', request.stackName),
          // CloudFormation reads a TemplateURL with the caller's permissions.
          ...('url' in request.template ? [{ action: 's3:GetObject', resource: this.objectArnOfUrl(request.template.url) }] : []),
          ...(request.roleArn ? [{ action: 'iam:PassRole', resource: request.roleArn, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }] : []),
        ];
      }
      case 'cfn.describeChangeSet':
        return [{ action: 'cloudformation:DescribeChangeSet', resource: changeSetStack(args[0]) }];
      case 'cfn.executeChangeSet':
        return [{ action: 'cloudformation:ExecuteChangeSet', resource: changeSetStack(args[0]) }];
      case 'cfn.deleteChangeSet':
        return [{ action: 'cloudformation:DeleteChangeSet', resource: changeSetStack(args[0]) }];
      case 'cfn.describeStack': return [cfn('DescribeStacks', String(args[0]))];
      case 'cfn.getTemplate': return [cfn('GetTemplate', String(args[0]))];
      case 'cfn.deleteStack': return [cfn('DeleteStack', String(args[0]))];
      case 'cfn.describeStackEvents': return [cfn('DescribeStackEvents', String(args[0]))];
      case 'cfn.listStackResources': return [cfn('ListStackResources', String(args[0]))];
      case 'cfn.getStackPolicy': return [cfn('GetStackPolicy', String(args[0]))];
      case 'cfn.setStackPolicy': return [cfn('SetStackPolicy', String(args[0]))];
      case 'cfn.updateTerminationProtection': return [cfn('UpdateTerminationProtection', String(args[0]))];
      case 'cfn.continueUpdateRollback': return [cfn('ContinueUpdateRollback', String(args[0]))];
      case 'cfn.detectStackDrift': return [cfn('DetectStackDrift', String(args[0]))];
      case 'cfn.describeStackDriftDetectionStatus': return [{ action: 'cloudformation:DescribeStackDriftDetectionStatus', resource: '*' }];
      case 'cfn.describeStackResourceDrifts': return [cfn('DescribeStackResourceDrifts', String(args[0]))];
      case 'ecs.describeService':
        return [{ action: 'ecs:DescribeServices', resource: `arn:aws:ecs:${this.region}:${this.account}:service/${String(args[0])}/${String(args[1])}` }];
      case 'ecs.listStoppedTasks':
        return [{ action: 'ecs:ListTasks', resource: '*', context: { 'ecs:cluster': `arn:aws:ecs:${this.region}:${this.account}:cluster/${String(args[0])}` } }];
      case 'ecs.describeTasks':
        return (args[1] as string[]).map((arn) => ({ action: 'ecs:DescribeTasks', resource: arn }));
      case 'ecr.describeImage': {
        const request = args[0] as { registryId: string; repository: string };
        return [{ action: 'ecr:DescribeImages', resource: `arn:aws:ecr:${this.region}:${request.registryId}:repository/${request.repository}` }];
      }
      case 'iam.roleExists':
        return [{ action: 'iam:GetRole', resource: `arn:aws:iam::${this.account}:role/${String(args[0])}` }];
      case 'iam.oidcProviderExists':
        return [{ action: 'iam:GetOpenIDConnectProvider', resource: String(args[0]) }];
      case 'secrets.forceDeleteSecret':
        return [{ action: 'secretsmanager:DeleteSecret', resource: String(args[0]) }];
      case 'cfn.listChangeSets': return [cfn('ListChangeSets', String(args[0]))];
      default:
        throw new Error(`fake: no permission model for ${op}`);
    }
  }

  /** Throws AccessDenied, as IAM words it, unless the session's role allows every request of the call. */
  private authorize(session: FakeSession, op: string, args: readonly unknown[]): void {
    const documents = this.rolePolicies(session.roleName);
    for (const request of this.permissionRequests(op, args)) {
      if (decide(documents, request) === 'allowed') continue;
      this.denials.push({ op, role: session.roleName, action: request.action, resource: request.resource });
      throw new AwsError('access-denied', 'AccessDenied', `User: ${this.sessionArn(session)} is not authorized to perform: ${request.action} on resource: ${request.resource} because no identity-based policy allows the ${request.action} action`, op, 403);
    }
  }

  private buildPort(session: FakeSession | undefined): AwsPort {
    const call = <T>(op: string, args: unknown[], run: () => T): Promise<T> => {
      try {
        this.record(op, args, session);
        if (session) this.authorize(session, op, args);
        const result = run();
        const lost = this.lostAnswers.indexOf(op);
        if (lost >= 0) {
          this.lostAnswers.splice(lost, 1);
          throw new AwsError('transient', 'ECONNRESET', 'socket hang up (after the request was applied)', op);
        }
        return Promise.resolve(result);
      } catch (error) {
        return Promise.reject(error);
      }
    };
    const bucketFor = (name: string, owner: string, op: string): Bucket => {
      const bucket = this.buckets.get(name);
      if (!bucket) throw new AwsError('validation', 'NoSuchBucket', `The specified bucket does not exist: ${name}`, op, 404);
      if (bucket.owner !== owner) throw new AwsError('access-denied', 'AccessDenied', 'Access Denied', op, 403);
      return bucket;
    };
    return {
      sts: {
        configuredRegion: () => call('sts.configuredRegion', [], () => this.configuredRegion),
        callerIdentity: () => call('sts.callerIdentity', [], () => (session
          ? { account: this.account, arn: `arn:aws:sts::${this.account}:assumed-role/${session.roleName}/${session.sessionName}` }
          : { account: this.callerAccount, arn: this.callerArn.replace(this.account, this.callerAccount) })),
        assumeRole: (roleArn, sessionName) => call('sts.assumeRole', [roleArn, sessionName], () => this.assumeRole(roleArn, sessionName, session)),
      },
      s3: {
        headBucket: (name, owner) =>
          call('s3.headBucket', [name, owner], () => {
            const bucket = this.buckets.get(name);
            if (!bucket) return 'absent' as const;
            return bucket.owner === owner ? ('present' as const) : ('foreign' as const);
          }),
        headObject: (name, key, owner) => call('s3.headObject', [name, key, owner], () => bucketFor(name, owner, 's3.headObject').objects.has(key)),
        // D-18 promotion: GetObject answers the bytes, or NoSuchKey (undefined here); a missing or foreign bucket as HeadObject.
        getObject: (name, key, owner) => call('s3.getObject', [name, key, owner], () => bucketFor(name, owner, 's3.getObject').objects.get(key)?.body),
        putObject: (request) =>
          call('s3.putObject', [request.bucket, request.key, request.expectedOwner], () => {
            bucketFor(request.bucket, request.expectedOwner, 's3.putObject').objects.set(request.key, { body: request.body, contentType: request.contentType });
          }),
        listObjectVersions: (name, owner) =>
          call('s3.listObjectVersions', [name], () => ({ objects: [...bucketFor(name, owner, 's3.listObjectVersions').objects.keys()].slice(0, 2).map((key) => ({ key, versionId: `v-${key}` })) })),
        deleteObjects: (name, owner, objects) =>
          call('s3.deleteObjects', [name, objects.length], () => {
            const bucket = bucketFor(name, owner, 's3.deleteObjects');
            for (const object of objects) bucket.objects.delete(object.key);
          }),
        deleteBucket: (name, owner) =>
          call('s3.deleteBucket', [name], () => {
            const bucket = this.buckets.get(name);
            if (!bucket) return false;
            if (bucket.owner !== owner) throw new AwsError('access-denied', 'AccessDenied', 'Access Denied', 's3.deleteBucket', 403);
            if (bucket.objects.size > 0) throw new AwsError('conflict', 'BucketNotEmpty', 'The bucket you tried to delete is not empty', 's3.deleteBucket', 409);
            this.buckets.delete(name);
            return true;
          }),
      },
      cfn: {
        describeStack: (name) => call('cfn.describeStack', [name], () => {
          const stack = this.findStack(name);
          return stack ? this.describe(stack) : undefined;
        }),
        getTemplate: (name) =>
          call('cfn.getTemplate', [name], () => {
            const stack = this.requireStack(name, 'cfn.getTemplate');
            if (!stack.templateBody) throw new AwsError('validation', 'ValidationError', `Stack ${name} has no template yet`, 'cfn.getTemplate', 400);
            return stack.templateBody;
          }),
        createChangeSet: (request: CreateChangeSetRequest) =>
          call('cfn.createChangeSet', [request], () => {
            const op = 'cfn.createChangeSet';
            const existing = this.findStack(request.stackName);
            if (request.changeSetType === 'UPDATE' && (!existing || existing.status === 'REVIEW_IN_PROGRESS')) {
              throw new AwsError('validation', 'ValidationError', `Stack [${request.stackName}] does not exist`, op, 400);
            }
            if (request.changeSetType === 'CREATE' && existing && existing.status !== 'REVIEW_IN_PROGRESS') {
              throw new AwsError('conflict', 'AlreadyExistsException', `Stack [${request.stackName}] already exists and cannot be created again with the changeSet [${request.changeSetName}].`, op, 400);
            }
            for (const capability of ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']) {
              if (!request.capabilities.includes(capability)) throw new AwsError('validation', 'InsufficientCapabilitiesException', `Requires capabilities : [${capability}]`, op, 400);
            }
            const same = [...this.changeSets.values()].find((c) => !c.deleted && !c.parentId && c.stackName === request.stackName && c.name === request.changeSetName);
            if (same && same.clientToken === request.clientToken) return { id: same.id, stackId: same.stackId };
            if (same) throw new AwsError('conflict', 'AlreadyExistsException', `ChangeSet [${request.changeSetName}] already exists`, op, 400);
            const source = 'url' in request.template ? this.readTemplate(request.template.url, op) : { template: JSON.parse(request.template.body) as TemplateJson, body: request.template.body };
            const declared = source.template.Parameters ?? {};
            const unknown = Object.keys(request.parameters).filter((k) => !(k in declared));
            if (unknown.length > 0) throw new AwsError('validation', 'ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`, op, 400);
            const missing = Object.entries(declared).filter(([k, p]) => p.Default === undefined && request.parameters[k] === undefined).map(([k]) => k);
            if (missing.length > 0) throw new AwsError('validation', 'ValidationError', `Parameters: [${missing.join(', ')}] must have values`, op, 400);
            if (request.roleArn !== undefined && !this.roleByArn(request.roleArn)) {
              throw new AwsError('validation', 'ValidationError', `Role ${request.roleArn} is invalid or cannot be assumed`, op, 400);
            }
            const stack = existing ?? this.newStack(request.stackName, '');
            const changeSet = this.createChangeSetTree(
              { name: request.changeSetName, type: request.changeSetType, template: source.template, body: source.body, parameters: { ...request.parameters }, tags: { ...request.tags } },
              stack,
              undefined,
              op,
            );
            changeSet.clientToken = request.clientToken;
            if (request.roleArn !== undefined) changeSet.roleArn = request.roleArn;
            changeSet.description = request.description;
            return { id: changeSet.id, stackId: stack.stackId };
          }),
        describeChangeSet: (id, { nextToken, includePropertyValues }) =>
          call('cfn.describeChangeSet', [id, nextToken], () => {
            const cs = this.changeSets.get(id);
            if (!cs || cs.deleted) return undefined;
            const status = this.changeSetStatus(cs);
            const ready = status.status === 'CREATE_COMPLETE';
            const start = Number(nextToken ?? 0);
            const all: ResourceChangeEntry[] = ready ? cs.changes.map((c) => toEntry(c, this.stacks.get(cs.stackId), includePropertyValues)) : [];
            const page = all.slice(start, start + this.changeSetPageSize);
            const result: ChangeSetPage = {
              id: cs.id,
              name: cs.name,
              stackId: cs.stackId,
              stackName: cs.stackName,
              status: status.status,
              ...(status.reason ? { statusReason: status.reason } : {}),
              executionStatus: status.execution,
              ...(cs.parentId ? { parentChangeSetId: cs.parentId, rootChangeSetId: cs.rootId ?? cs.parentId } : {}),
              creationTime: new Date(cs.createdAt),
              parameters: cs.parameters,
              changes: page,
              ...(start + this.changeSetPageSize < all.length ? { nextToken: String(start + this.changeSetPageSize) } : {}),
            };
            return result;
          }),
        // Deploy safety (issue 13 #5): see the section at the end of the class.
        listChangeSets: (name, nextToken) => call('cfn.listChangeSets', [name, nextToken], () => this.listChangeSetsOf(name)),
        executeChangeSet: (id) =>
          call('cfn.executeChangeSet', [id], () => {
            const op = 'cfn.executeChangeSet';
            const cs = this.changeSets.get(id);
            if (!cs || cs.deleted) throw new AwsError('validation', 'ChangeSetNotFoundException', `ChangeSet [${id}] does not exist`, op, 404);
            if (cs.parentId) throw new AwsError('conflict', 'InvalidChangeSetStatus', 'Cannot execute a nested change set; execute the root change set', op, 400);
            const status = this.changeSetStatus(cs);
            if (status.status !== 'CREATE_COMPLETE' || status.execution !== 'AVAILABLE') {
              throw new AwsError('conflict', 'InvalidChangeSetStatus', `ChangeSet [${id}] cannot be executed in its current status of [${status.status}]`, op, 400);
            }
            const stack = this.stacks.get(cs.stackId);
            if (!stack) throw new Error('fake: change set without stack');
            if (stack.status.endsWith('_IN_PROGRESS') && stack.status !== 'REVIEW_IN_PROGRESS') {
              throw new AwsError('validation', 'ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`, op, 400);
            }
            cs.executed = true;
            cs.executionStatus = 'EXECUTE_IN_PROGRESS';
            // "CloudFormation always uses that role for all operations that are performed on that
            // stack" (using-iam-servicerole.html); nested stacks are created with it too.
            if (cs.roleArn !== undefined) stack.roleArn = cs.roleArn;
            this.runStack(new Script(this.scheduled, this.clock.now(), this.stepMs), stack, cs, true);
          }),
        deleteChangeSet: (id) =>
          call('cfn.deleteChangeSet', [id], () => {
            const cs = this.changeSets.get(id);
            if (!cs || cs.deleted) throw new AwsError('validation', 'ChangeSetNotFoundException', `ChangeSet [${id}] does not exist`, 'cfn.deleteChangeSet', 404);
            if (cs.parentId) throw new AwsError('validation', 'ValidationError', 'Cannot delete a nested change set; delete the root change set', 'cfn.deleteChangeSet', 400);
            this.deleteChangeSetTree(cs);
          }),
        deleteStack: (name) =>
          call('cfn.deleteStack', [name], () => {
            const stack = this.findStack(name);
            if (!stack || stack.deleted) return;
            if (stack.terminationProtection) throw new AwsError('validation', 'ValidationError', `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`, 'cfn.deleteStack', 400);
            if (stack.status === 'REVIEW_IN_PROGRESS') {
              stack.deleted = true;
              this.stackEvent(stack, 'DELETE_COMPLETE');
              return;
            }
            this.deleteTree(new Script(this.scheduled, this.clock.now(), this.stepMs), stack, true);
          }),
        describeStackEvents: (name, nextToken) =>
          call('cfn.describeStackEvents', [name, nextToken], () => {
            const stack = this.requireStack(name, 'cfn.describeStackEvents');
            const newestFirst = [...stack.events].reverse();
            const start = Number(nextToken ?? 0);
            const page = newestFirst.slice(start, start + this.eventPageSize);
            return { events: page, ...(start + this.eventPageSize < newestFirst.length ? { nextToken: String(start + this.eventPageSize) } : {}) };
          }),
        listStackResources: (name) =>
          call('cfn.listStackResources', [name], () => {
            const stack = this.requireStack(name, 'cfn.listStackResources');
            const live = [...stack.resources.values()].map((r) => ({ logicalId: r.logicalId, ...(r.physicalId ? { physicalId: r.physicalId } : {}), resourceType: r.type, status: r.status }));
            // destroy: what a deletion removed or retained stays listed (the live rows win).
            const buried = (this.graveyard.get(stack.stackId) ?? []).filter((r) => !stack.resources.has(r.logicalId));
            return { resources: [...live, ...buried] };
          }),
        listStacks: (statuses) =>
          call('cfn.listStacks', [[...statuses]], () => ({
            stacks: [...this.stacks.values()].filter((st) => statuses.includes(st.status)).map((st) => ({
              stackId: st.stackId,
              stackName: st.stackName,
              status: st.status,
              ...(this.deletionTimes.has(st.stackId) ? { deletionTime: this.deletionTimes.get(st.stackId) } : {}),
              ...(st.parentId ? { parentId: st.parentId } : {}),
            })),
          })),
        getStackPolicy: (name) => call('cfn.getStackPolicy', [name], () => this.requireStack(name, 'cfn.getStackPolicy').policy),
        setStackPolicy: (name, body) =>
          call('cfn.setStackPolicy', [name, body], () => {
            this.requireStack(name, 'cfn.setStackPolicy').policy = body;
          }),
        updateTerminationProtection: (name, enabled) =>
          call('cfn.updateTerminationProtection', [name, enabled], () => {
            const stack = this.requireStack(name, 'cfn.updateTerminationProtection');
            if (stack.parentId) throw new AwsError('validation', 'ValidationError', 'Termination protection cannot be set on a nested stack', 'cfn.updateTerminationProtection', 400);
            stack.terminationProtection = enabled;
          }),
        continueUpdateRollback: (name, skip) =>
          call('cfn.continueUpdateRollback', [name, [...skip]], () => {
            const stack = this.requireStack(name, 'cfn.continueUpdateRollback');
            if (stack.parentId) throw new AwsError('validation', 'ValidationError', 'Use ContinueUpdateRollback on the root stack', 'cfn.continueUpdateRollback', 400);
            if (stack.status !== 'UPDATE_ROLLBACK_FAILED') throw new AwsError('validation', 'ValidationError', `Stack ${name} is in ${stack.status} state and can not continue rollback`, 'cfn.continueUpdateRollback', 400);
            this.continueRollback(new Script(this.scheduled, this.clock.now(), this.stepMs), stack, skip, true);
          }),
        detectStackDrift: (name) =>
          call('cfn.detectStackDrift', [name], () => {
            const stack = this.requireStack(name, 'cfn.detectStackDrift');
            const id = `drift-${this.nextId()}`;
            this.driftDetections.set(id, { stackId: stack.stackId, polls: 0 });
            return id;
          }),
        describeStackDriftDetectionStatus: (id) =>
          call('cfn.describeStackDriftDetectionStatus', [id], () => {
            const detection = this.driftDetections.get(id);
            if (!detection) throw new AwsError('validation', 'ValidationError', `no drift detection ${id}`, 'cfn.describeStackDriftDetectionStatus', 400);
            detection.polls += 1;
            if (detection.polls < 2) return { status: 'DETECTION_IN_PROGRESS' };
            const stack = this.stacks.get(detection.stackId);
            return { status: 'DETECTION_COMPLETE', stackDriftStatus: stack && stack.drifts.length > 0 ? 'DRIFTED' : 'IN_SYNC' };
          }),
        describeStackResourceDrifts: (name) =>
          call('cfn.describeStackResourceDrifts', [name], () => ({ drifts: [...this.requireStack(name, 'cfn.describeStackResourceDrifts').drifts] })),
      },
      ecs: {
        describeService: (cluster, service) => call('ecs.describeService', [cluster, service], () => this.ecsServices.get(`${cluster}/${service}`)),
        listStoppedTasks: (cluster, service) => call('ecs.listStoppedTasks', [cluster, service], () => (this.stoppedTasks.get(`${cluster}/${service}`) ?? []).map((t) => t.taskArn)),
        describeTasks: (cluster, arns) =>
          call('ecs.describeTasks', [cluster, arns], () => [...this.stoppedTasks.values()].flat().filter((t) => arns.includes(t.taskArn))),
        describeServices: (cluster, services) => call('ecs.describeServices', [cluster, services], () => this.live.describeServices(services)),
        listServiceDeployments: (cluster, service, statuses) =>
          call('ecs.listServiceDeployments', [cluster, service, statuses], () => ({ deployments: (this.live.serviceDeployments.get(service) ?? []).filter((d) => (statuses as readonly string[]).includes(d.status)) })),
      },
      iam: {
        roleExists: (name) => call('iam.roleExists', [name], () => this.roleByName(name) !== undefined),
        oidcProviderExists: (arn) => call('iam.oidcProviderExists', [arn], () => this.oidcProviderExists(arn)),
      },
      secrets: {
        forceDeleteSecret: (id) =>
          call('secrets.forceDeleteSecret', [id], () => {
            if (!this.secrets.has(id)) return false;
            this.secrets.delete(id);
            return true;
          }),
        secretExists: (id) => call('secrets.secretExists', [id], () => this.secrets.has(id)),
        describeSecret: (id) => call('secrets.describeSecret', [id], () => this.live.describeSecret(id)),
      },
      // destroy: ELBv2 deletion protection; ECR, Logs and KMS deletions.
      elbv2: {
        deletionProtection: (arn) => call('elbv2.deletionProtection', [arn], () => this.loadBalancers.get(arn)?.deletionProtection),
        setDeletionProtection: (arn, enabled) =>
          call('elbv2.setDeletionProtection', [arn, enabled], () => {
            const balancer = this.loadBalancers.get(arn);
            if (!balancer) throw new AwsError('validation', 'LoadBalancerNotFoundException', `Load balancer '${arn}' not found`, 'elbv2.setDeletionProtection', 400);
            balancer.deletionProtection = enabled;
          }),
        // make verify
        describeTargetHealth: (arn) => call('elbv2.describeTargetHealth', [arn], () => this.live.describeTargetHealth(arn)),
        describeRules: (arns, marker) => call('elbv2.describeRules', [arns, marker], () => this.live.describeRules(arns, 'elbv2.describeRules')),
      },
      ecr: {
        repositoryExists: (name) => call('ecr.repositoryExists', [name], () => this.repositories.has(name)),
        deleteRepository: (name) =>
          call('ecr.deleteRepository', [name], () => {
            const existed = this.repositoryExists(name);
            this.images.delete(name);
            this.repositories.delete(name);
            return existed;
          }),
        // release (D-16)
        describeImage: (request) => call('ecr.describeImage', [request], () => this.describeImage(request.repository, request.tag)),
      },
      logs: {
        logGroupExists: (name) => call('logs.logGroupExists', [name], () => this.logGroups.has(name)),
        deleteLogGroup: (name) => call('logs.deleteLogGroup', [name], () => this.logGroups.delete(name)),
        // make verify
        filterLogEvents: (group, since, token) => call('logs.filterLogEvents', [group, since.getTime(), token], () => this.live.filterLogEvents(group, since, token)),
      },
      kms: {
        keyState: (id) => call('kms.keyState', [id], () => this.kmsKeys.get(id)?.state),
        scheduleKeyDeletion: (id, days) =>
          call('kms.scheduleKeyDeletion', [id, days], () => {
            const key = this.kmsKeys.get(id);
            if (!key) throw new AwsError('validation', 'NotFoundException', `Key '${id}' does not exist`, 'kms.scheduleKeyDeletion', 400);
            // https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html: 7-30 days; a key pending deletion is in the wrong state.
            if (days < 7 || days > 30) throw new AwsError('validation', 'ValidationException', `PendingWindowInDays must be between 7 and 30, got ${days}`, 'kms.scheduleKeyDeletion', 400);
            if (key.state === 'PendingDeletion') throw new AwsError('other', 'KMSInvalidStateException', `${id} is pending deletion.`, 'kms.scheduleKeyDeletion', 400);
            key.state = 'PendingDeletion';
            key.pendingWindowInDays = days;
            key.deletionDate = new Date(this.clock.now() + days * 86_400_000);
            return key.deletionDate;
          }),
      },
      // Live resources (make verify): answered by FakeLive, below.
      discovery: {
        listServices: (namespaceId, token) => call('discovery.listServices', [namespaceId, token], () => this.live.listServices(namespaceId)),
        listInstances: (serviceId, token) => call('discovery.listInstances', [serviceId, token], () => this.live.listInstances(serviceId)),
      },
      cloudwatch: {
        describeAlarms: (names, token) => call('cloudwatch.describeAlarms', [names, token], () => ({ alarms: names.flatMap((n) => { const a = this.live.alarms.get(n); return a ? [{ ...a }] : []; }) })),
      },
      http: {
        get: (url) => call('http.get', [url], () => this.live.httpGet(url)),
      },
    };
  }

  /* ------------------------------------------------------------------------------------------- */
  /* Deploy safety (issue 13 items 5-7): ListChangeSets, moto-like change sets                    */
  /* ------------------------------------------------------------------------------------------- */

  /**
   * ListChangeSets: the stack's root change sets that were not deleted (executed ones too, until
   * CloudFormation deletes them), with the status DescribeChangeSet would answer. A stack that
   * does not exist has none (AWS: ValidationError, which the SDK adapter turns into none).
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListChangeSets.html
   */
  private listChangeSetsOf(nameOrId: string): { changeSets: ChangeSetSummary[] } {
    const stack = this.findStack(nameOrId);
    if (!stack) return { changeSets: [] };
    const changeSets = [...this.changeSets.values()]
      .filter((cs) => cs.stackId === stack.stackId && !cs.parentId && !cs.deleted)
      .map((cs) => {
        const status = this.changeSetStatus(cs);
        return {
          id: cs.id,
          name: cs.name,
          stackId: cs.stackId,
          stackName: cs.stackName,
          status: status.status,
          ...(status.reason ? { statusReason: status.reason } : {}),
          executionStatus: status.execution,
          creationTime: new Date(cs.createdAt),
          ...(cs.description ? { description: cs.description } : {}),
        };
      });
    return { changeSets };
  }

  /**
   * Behave like moto, which accepts IncludeNestedStacks and ignores it: change sets name no
   * nested change set (shared/reference/moto.md §2, "IncludeNestedStacks is accepted and
   * ignored"); executing them still creates and updates the nested stacks.
   */
  omitNestedChangeSets(): void {
    const describe = this.port.cfn.describeChangeSet;
    this.port.cfn.describeChangeSet = async (id, options) => {
      const page = await describe(id, options);
      return page && { ...page, changes: page.changes.map(({ changeSetId: _nested, ...change }) => change) };
    };
  }
}

/**
 * Resources in the order CloudFormation can create them: each after the resources it references
 * (Ref, Fn::GetAtt, ${X} in Fn::Sub) or names in DependsOn, otherwise in template order. (The
 * real platform lists a caller's nested stack before the callee whose outputs it reads.)
 */
function dependencyOrder(template: TemplateJson): string[] {
  const ids = Object.keys(template.Resources);
  const dependencies = new Map(ids.map((id) => {
    const resource = template.Resources[id] as unknown as JsonObject;
    const text = JSON.stringify({ properties: resource['Properties'] ?? {}, condition: null });
    const referenced = new Set<string>([
      ...[...text.matchAll(/"Ref":"([^"]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/"Fn::GetAtt":\["([^"]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)].map((m) => m[1]),
      ...[resource['DependsOn'] ?? []].flat().map(String),
    ]);
    return [id, ids.filter((other) => other !== id && referenced.has(other))];
  }));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string): void => {
    if (ordered.includes(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const dependency of dependencies.get(id) ?? []) visit(dependency);
    ordered.push(id);
  };
  ids.forEach(visit);
  return ordered;
}

/** D-17: an assumed-role session of the fake STS. */
interface FakeSession {
  readonly roleName: string;
  readonly roleArn: string;
  readonly sessionName: string;
}

/** IAM names a service-linked role after its service: ecs.amazonaws.com → AWSServiceRoleForECS (IAM User Guide, using-service-linked-roles). */
export function serviceLinkedRoleName(service: string): string {
  const known: Readonly<Record<string, string>> = { 'ecs.amazonaws.com': 'AWSServiceRoleForECS' };
  return known[service] ?? `AWSServiceRoleFor${service.split('.')[0]}`;
}

function attributeOf(resource: ResourceState, attribute: string, account: string): string {
  // D-17: the ARNs the bootstrap template's policies are built from.
  if (attribute === 'Arn' && resource.type === 'AWS::IAM::Role') {
    const path = String((resource.definition?.['Properties'] as JsonObject | undefined)?.['Path'] ?? '/');
    return `arn:aws:iam::${account}:role${path}${resource.physicalId}`;
  }
  if (attribute === 'Arn' && resource.type === 'AWS::S3::Bucket') return `arn:aws:s3:::${resource.physicalId}`;
  if (attribute === 'Arn') return resource.physicalId.startsWith('arn:') ? resource.physicalId : `arn:aws:fake:::${resource.physicalId}`;
  if (attribute === 'RepositoryUri') return `111122223333.dkr.ecr.eu-west-1.amazonaws.com/${resource.physicalId}`;
  if (attribute === 'DNSName') {
    // An ALB's DNS name is <name>-<id>.<region>.elb.amazonaws.com; its physical id is its ARN.
    const alb = /:loadbalancer\/app\/([^/]+)\/([^/]+)$/.exec(resource.physicalId);
    return `${alb ? `${alb[1]}-${alb[2]}` : resource.physicalId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-') + '.eu-west-1.elb.amazonaws.com';
  }
  return `${resource.physicalId}|${attribute}`;
}

function toEntry(change: PlannedChange, stack: FakeStack | undefined, includePropertyValues: boolean): ResourceChangeEntry {
  const physicalId = stack?.resources.get(change.logicalId)?.physicalId;
  return {
    action: change.action,
    logicalId: change.logicalId,
    ...(physicalId && change.action !== 'Add' ? { physicalId } : {}),
    resourceType: change.type,
    ...(change.action === 'Modify' ? { replacement: change.replacement ?? 'False' } : {}),
    scope: change.action === 'Modify' ? ['Properties'] : [],
    details: change.details.map((d) => ({
      ...d,
      target: includePropertyValues ? d.target : Object.fromEntries(Object.entries(d.target).filter(([k]) => k !== 'beforeValue' && k !== 'afterValue')),
    })),
    ...(change.nestedChangeSetId ? { changeSetId: change.nestedChangeSetId } : {}),
  };
}

/* ============================================================================================== */
/* Live resources (make verify)                                                                    */
/* ============================================================================================== */

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface LiveService extends Mutable<Omit<EcsServiceDetail, 'deployments'>> {
  deployments: Mutable<EcsDeployment>[];
}

export interface LiveRule extends Omit<ListenerRuleRoute, 'forwards'> {
  readonly priority: number;
  readonly listener: string;
  forwards: { targetGroupArn: string; weight?: number }[];
}

const globRegExp = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);

/**
 * What runs behind the stacks, as verify reads it. Every map is public: a scenario breaks one
 * thing (a service below its desired count, an unhealthy target, an alarm in ALARM...) and the
 * read-only port calls answer what it set. Documented behaviour it follows:
 * - DescribeServices lists unknown services as failures with reason MISSING.
 * - DescribeRules with an ARN it does not know fails the whole request (RuleNotFound).
 * - FilterLogEvents "can return empty results while there are more log events available through
 *   the token" (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html):
 *   `emptyLogPages` answers that many empty pages with a token first.
 * - The ALB routes a path by the first matching rule in priority order on the production listener
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html);
 *   with no registered target it answers 503; with only unhealthy targets it "routes requests to all
 *   those targets, regardless of their health status" (fail open,
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html),
 *   which here answer 502; a path no rule matches gets the listener's default (404 in dev).
 */
export class FakeLive {
  readonly ecs = new Map<string, LiveService>();
  /** Service ARN → its service deployments (ListServiceDeployments), newest first. */
  readonly serviceDeployments = new Map<string, ServiceDeploymentBrief[]>();
  readonly targets = new Map<string, TargetHealthEntry[]>();
  readonly rules = new Map<string, LiveRule>();
  /** Namespace id → discovery name → Cloud Map service. */
  readonly namespaces = new Map<string, Map<string, { id: string; instances: string[] }>>();
  readonly secrets = new Map<string, Mutable<SecretDescription>>();
  readonly alarms = new Map<string, Mutable<AlarmDescription>>();
  /** Log group → event timestamps (ms). */
  readonly logEvents = new Map<string, number[]>();
  /** Log group → empty pages (with a token) FilterLogEvents answers before it finds anything. */
  readonly emptyLogPages = new Map<string, number>();
  /** URL → what answers instead of the modelled ALB (`no-answer`: connection refused). */
  readonly httpAnswers = new Map<string, number | 'no-answer'>();
  albUrl: string | undefined;
  /** The production listener (rules on others, such as the blue/green test listener, are not asked). */
  productionListener: string | undefined;
  private ids = 0;

  register(namespaceId: string, discoveryName: string, instances: number): void {
    const services = this.namespaces.get(namespaceId) ?? new Map<string, { id: string; instances: string[] }>();
    this.namespaces.set(namespaceId, services);
    this.ids += 1;
    services.set(discoveryName, { id: `srv-${String(this.ids).padStart(6, '0')}`, instances: Array.from({ length: instances }, (_, i) => `task-${this.ids}-${i}`) });
  }

  /** The live ECS service whose name contains `name` (`api-gateway`, `svc-frontend-dev`). */
  service(name: string): LiveService {
    const found = [...this.ecs.values()].find((s) => s.name.includes(name));
    if (!found) throw new Error(`fake: no live ECS service named like ${name}; have ${[...this.ecs.values()].map((s) => s.name).join(', ')}`);
    return found;
  }

  productionRules(): LiveRule[] {
    return [...this.rules.values()].filter((r) => this.productionListener === undefined || r.listener === this.productionListener);
  }

  /** The production rule that routes `path` (`/api/`). */
  ruleFor(path: string): LiveRule | undefined {
    return this.productionRules()
      .sort((a, b) => a.priority - b.priority)
      .find((r) => r.pathPatterns.some((p) => globRegExp(p).test(path)));
  }

  reset(): void {
    for (const map of [this.ecs, this.serviceDeployments, this.targets, this.rules, this.namespaces, this.secrets, this.alarms, this.logEvents, this.emptyLogPages, this.httpAnswers]) map.clear();
    this.albUrl = undefined;
    this.productionListener = undefined;
  }

  describeServices(services: readonly string[]): { services: EcsServiceDetail[]; missing: string[] } {
    const found = services.map((s) => this.ecs.get(s)).filter((s): s is LiveService => s !== undefined);
    return {
      services: found.map((s) => ({ ...s, deployments: s.deployments.map((d) => ({ ...d })), ...(s.discoveryNames ? { discoveryNames: [...s.discoveryNames] } : {}) })),
      missing: services.filter((s) => !this.ecs.has(s)),
    };
  }

  describeTargetHealth(arn: string): TargetHealthEntry[] | undefined {
    return this.targets.get(arn)?.map((t) => ({ ...t }));
  }

  describeRules(arns: readonly string[], op: string): { rules: ListenerRuleRoute[] } {
    const rules = arns.map((arn) => this.rules.get(arn));
    if (rules.some((r) => r === undefined)) throw new AwsError('validation', 'RuleNotFound', 'One or more rules not found', op, 400);
    return { rules: (rules as LiveRule[]).map((r) => ({ ruleArn: r.ruleArn, pathPatterns: [...r.pathPatterns], forwards: r.forwards.map((f) => ({ ...f })) })) };
  }

  listServices(namespaceId: string): { services: { id: string; name: string }[] } {
    return { services: [...(this.namespaces.get(namespaceId) ?? new Map()).entries()].map(([name, s]) => ({ id: s.id, name })) };
  }

  listInstances(serviceId: string): { instanceIds: string[] } {
    const service = [...this.namespaces.values()].flatMap((n) => [...n.values()]).find((s) => s.id === serviceId);
    if (!service) throw new AwsError('validation', 'ServiceNotFound', `Service not found: ${serviceId}`, 'discovery.listInstances', 400);
    return { instanceIds: [...service.instances] };
  }

  describeSecret(id: string): SecretDescription | undefined {
    const secret = this.secrets.get(id);
    return secret ? { ...secret, versionStages: Object.fromEntries(Object.entries(secret.versionStages).map(([v, stages]) => [v, [...stages]])) } : undefined;
  }

  filterLogEvents(group: string, since: Date, token: string | undefined): { found: boolean; nextToken?: string } | undefined {
    const events = this.logEvents.get(group);
    if (!events) return undefined;
    const empty = this.emptyLogPages.get(group) ?? 0;
    if (empty > 0) {
      this.emptyLogPages.set(group, empty - 1);
      return { found: false, nextToken: `${token ?? ''}+` };
    }
    return { found: events.some((at) => at >= since.getTime()) };
  }

  httpGet(url: string): { status: number } {
    const override = this.httpAnswers.get(url);
    if (override === 'no-answer' || !this.albUrl || (!url.startsWith(this.albUrl) && override === undefined)) {
      throw new AwsError('transient', 'ECONNREFUSED', `connect ECONNREFUSED (${url})`, 'http.get');
    }
    if (override !== undefined) return { status: override };
    const rule = this.ruleFor(url.slice(this.albUrl.length) || '/');
    if (!rule) return { status: 404 };
    const targets = rule.forwards.filter((f) => f.weight !== 0).flatMap((f) => this.targets.get(f.targetGroupArn) ?? []);
    if (targets.some((t) => t.state === 'healthy')) return { status: 200 };
    return { status: targets.length > 0 ? 502 : 503 };
  }
}
