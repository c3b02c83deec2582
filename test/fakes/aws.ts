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
 * - Stack policies are enforced at execution: Update:Replace / Update:Delete denied for a
 *   resource fails it with "Action denied by stack policy".
 * - Termination protection: root only; DeleteStack refuses while it is on.
 * - DeleteStack deletes in reverse order; a non-empty bucket fails (DELETE_FAILED), a resource with
 *   DeletionPolicy Retain (after Fn::If) is DELETE_SKIPPED; secrets are scheduled for deletion.
 * - Drift detection runs per stack (it does not recurse) and completes after one poll.
 * - Throttling and network faults are injected per operation, before the request is applied
 *   (`inject`, `throttle`, `networkError`) or after it (`loseAnswer`: applied, answer lost).
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
  type ConfiguredRegion,
  type CreateChangeSetRequest,
  type EcsServiceState,
  type ResourceChangeEntry,
  type ResourceDrift,
  type StackDescription,
  type StackEvent,
  type StackOutput,
  type StoppedTask,
} from '../../src/aws/port';
import type { Json, JsonObject, TemplateJson } from '../../src/core/template-json';
import type { FakeClock } from './clock';

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

const MUTATING = new Set([
  's3.putObject', 's3.deleteObjects', 'cfn.createChangeSet', 'cfn.executeChangeSet', 'cfn.deleteChangeSet', 'cfn.deleteStack',
  'cfn.setStackPolicy', 'cfn.updateTerminationProtection', 'cfn.continueUpdateRollback', 'secrets.forceDeleteSecret',
]);

export interface RecordedCall {
  readonly op: string;
  readonly args: readonly unknown[];
  readonly at: number;
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
    this.port = this.buildPort();
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

  private record(op: string, args: unknown[]): void {
    this.release();
    const call = { op, args, at: this.clock.now() };
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
        return attributeOf(resource, attribute);
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
          return attributeOf(resource, attribute);
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

  private policyDenies(stack: FakeStack, logicalId: string, type: string, action: 'Update:Replace' | 'Update:Delete'): string | undefined {
    if (!stack.policy) return undefined;
    const policy = JSON.parse(stack.policy) as { Statement: { Effect: string; Action: string | string[]; Resource?: string | string[]; NotResource?: string | string[]; Condition?: { StringEquals?: { ResourceType?: string[] } } }[] };
    let index = 0;
    for (const statement of policy.Statement) {
      index += 1;
      if (statement.Effect !== 'Deny') continue;
      const actions = [statement.Action].flat();
      if (!actions.includes(action) && !actions.includes('Update:*')) continue;
      const types = statement.Condition?.StringEquals?.ResourceType;
      if (types && !types.includes(type)) continue;
      const target = `LogicalResourceId/${logicalId}`;
      if (statement.NotResource && [statement.NotResource].flat().includes(target)) continue;
      if (statement.Resource && ![statement.Resource].flat().some((r) => r === '*' || r === target)) continue;
      return `Action denied by stack policy: Statement [#${index}] has effect Deny and action ${action} on resource ${target}`;
    }
    return undefined;
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
    return state;
  }

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
    const order = Object.keys(cs.template.Resources);
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
      const denied = change.replacement === 'True' ? this.policyDenies(stack, change.logicalId, change.type, 'Update:Replace') : undefined;
      script.step(() => this.event(stack, change.logicalId, change.type, `${resourceVerb}_IN_PROGRESS`, undefined, stack.resources.get(change.logicalId)?.physicalId));
      if (injected || denied) {
        done.push(change);
        script.step(() => {
          const existing = stack.resources.get(change.logicalId);
          if (existing) existing.status = `${resourceVerb}_FAILED`;
          else stack.resources.set(change.logicalId, { logicalId: change.logicalId, type: change.type, physicalId: '', status: 'CREATE_FAILED' });
          this.event(stack, change.logicalId, change.type, `${resourceVerb}_FAILED`, denied ?? injected?.reason, stack.resources.get(change.logicalId)?.physicalId || undefined);
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
          const child = this.stacks.get(state()?.physicalId ?? '');
          script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, child?.stackId));
          if (child) this.deleteTree(script, child);
        } else {
          script.step(() => this.event(stack, change.logicalId, change.type, 'DELETE_IN_PROGRESS', undefined, state()?.physicalId || undefined));
        }
        script.step(() => {
          this.event(stack, change.logicalId, change.type, 'DELETE_COMPLETE', undefined, state()?.physicalId || undefined);
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
          stack.resources.delete(change.logicalId);
          this.event(stack, change.logicalId, change.type, 'DELETE_COMPLETE');
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

  /** Deletes a stack and everything in it (reverse template order), as steps; the result is known when the steps have run. */
  private deleteTree(script: Script, stack: FakeStack, userInitiated = false): () => boolean {
    script.step(() => this.stackEvent(stack, 'DELETE_IN_PROGRESS', userInitiated ? 'User Initiated' : undefined));
    const order = Object.keys(stack.template?.Resources ?? {});
    const resources = [...stack.resources.values()].sort((a, b) => order.indexOf(b.logicalId) - order.indexOf(a.logicalId));
    const failed: string[] = [];
    for (const resource of resources) {
      if (resource.type === 'AWS::CloudFormation::Stack') {
        const child = this.stacks.get(resource.physicalId);
        script.step(() => this.event(stack, resource.logicalId, resource.type, 'DELETE_IN_PROGRESS', undefined, resource.physicalId));
        const childOk = child ? this.deleteTree(script, child) : () => true;
        script.step(() => {
          if (childOk()) {
            stack.resources.delete(resource.logicalId);
            this.event(stack, resource.logicalId, resource.type, 'DELETE_COMPLETE', undefined, resource.physicalId);
          } else {
            failed.push(resource.logicalId);
            this.event(stack, resource.logicalId, resource.type, 'DELETE_FAILED', `Embedded stack ${resource.physicalId} was not successfully deleted: The following resource(s) failed to delete: [${[...(child?.resources.keys() ?? [])].join(', ')}].`, resource.physicalId);
          }
        });
        continue;
      }
      const policy = resource.definition?.['DeletionPolicy'];
      const retained = policy !== undefined && evaluate(policy, this.deployedScope(stack)) === 'Retain';
      const stuck = this.takeFailure(stack.path, resource.logicalId, 'forward');
      script.step(() => this.event(stack, resource.logicalId, resource.type, 'DELETE_IN_PROGRESS', undefined, resource.physicalId));
      script.step(() => {
        const bucket = resource.type === 'AWS::S3::Bucket' ? this.buckets.get(resource.physicalId) : undefined;
        if (retained) {
          stack.resources.delete(resource.logicalId);
          this.event(stack, resource.logicalId, resource.type, 'DELETE_SKIPPED', undefined, resource.physicalId);
          return;
        }
        if ((bucket && bucket.objects.size > 0) || stuck) {
          failed.push(resource.logicalId);
          const reason = stuck?.reason ?? 'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, Status Code: 409)"';
          this.event(stack, resource.logicalId, resource.type, 'DELETE_FAILED', reason, resource.physicalId);
          return;
        }
        if (bucket) this.buckets.delete(resource.physicalId);
        const secret = this.secrets.get(resource.physicalId);
        if (secret) secret.state = 'scheduled-for-deletion';
        stack.resources.delete(resource.logicalId);
        this.event(stack, resource.logicalId, resource.type, 'DELETE_COMPLETE', undefined, resource.physicalId);
      });
    }
    script.step(() => {
      if (failed.length > 0) {
        this.stackEvent(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}].`);
        return;
      }
      this.stackEvent(stack, 'DELETE_COMPLETE');
      stack.deleted = true;
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

  private buildPort(): AwsPort {
    const call = <T>(op: string, args: unknown[], run: () => T): Promise<T> => {
      try {
        this.record(op, args);
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
        callerIdentity: () => call('sts.callerIdentity', [], () => ({ account: this.callerAccount, arn: this.callerArn.replace(this.account, this.callerAccount) })),
      },
      s3: {
        headBucket: (name, owner) =>
          call('s3.headBucket', [name, owner], () => {
            const bucket = this.buckets.get(name);
            if (!bucket) return 'absent' as const;
            return bucket.owner === owner ? ('present' as const) : ('foreign' as const);
          }),
        headObject: (name, key, owner) => call('s3.headObject', [name, key, owner], () => bucketFor(name, owner, 's3.headObject').objects.has(key)),
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
            const stack = existing ?? this.newStack(request.stackName, '');
            const changeSet = this.createChangeSetTree(
              { name: request.changeSetName, type: request.changeSetType, template: source.template, body: source.body, parameters: { ...request.parameters }, tags: { ...request.tags } },
              stack,
              undefined,
              op,
            );
            changeSet.clientToken = request.clientToken;
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
            return {
              resources: [...stack.resources.values()].map((r) => ({ logicalId: r.logicalId, ...(r.physicalId ? { physicalId: r.physicalId } : {}), resourceType: r.type, status: r.status })),
            };
          }),
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
      },
      secrets: {
        forceDeleteSecret: (id) =>
          call('secrets.forceDeleteSecret', [id], () => {
            if (!this.secrets.has(id)) return false;
            this.secrets.delete(id);
            return true;
          }),
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

function attributeOf(resource: ResourceState, attribute: string): string {
  if (attribute === 'Arn') return resource.physicalId.startsWith('arn:') ? resource.physicalId : `arn:aws:fake:::${resource.physicalId}`;
  if (attribute === 'RepositoryUri') return `111122223333.dkr.ecr.eu-west-1.amazonaws.com/${resource.physicalId}`;
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
