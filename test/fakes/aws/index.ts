/**
 * FakeAws: an in-memory AWS behind the toolkit's port (src/aws/port.ts), for scenario tests. It
 * follows the documented, externally observable behaviour of each service the toolkit calls; the
 * header of each module is its specification, every behaviour with its source:
 *
 *   sts.ts            STS: caller identity, configured region, AssumeRole
 *   s3.ts             S3: buckets, objects, ExpectedBucketOwner; TemplateURLs
 *   cloudformation/   CloudFormation: stacks.ts (stacks, outputs, resources), change-sets.ts,
 *                     execution.ts (executions, rollbacks, deletions, events), policies.ts (stack
 *                     policies, termination protection, drift), placeholders.ts (placeholder
 *                     parameters in nested change sets and what they break), template.ts
 *                     (intrinsic functions), resources.ts (the resource providers each service
 *                     registers)
 *   ecs.ts, secrets.ts, elbv2.ts, ecr.ts, logs.ts, kms.ts, lambda.ts
 *   iam.ts            IAM roles, OIDC providers, sessions; permissions.ts: what an assumed role may do
 *   live.ts           what runs behind the stacks (make verify): ECS, targets, Cloud Map, secrets'
 *                     rotation, alarms, log events, the ALB's answers
 *   account.ts        what differs between accounts: a new account's quotas and roles
 *
 * This file is the composition root and the recording machinery: every port call is recorded
 * (`calls`, `onCall`), can be made to fail before it is applied (`inject`, `throttle`,
 * `networkError`) or after (`loseAnswer`: applied, answer lost), and, for an assumed-role session
 * (`portFor`), is checked against the role's policies first. Time is virtual (FakeClock): an
 * operation is a script of events, one every `stepMs`, released as the clock passes them.
 */
import { AwsError, type AwsPort, type ConfiguredRegion, type ResourceDrift, type TemporaryCredentials } from '../../../src/aws/port';
import type { FakeClock } from '../clock';
import { FakeCloudFormation } from './cloudformation';
import type { InjectedFailure } from './cloudformation/execution';
import type { FakeChangeSet } from './cloudformation/change-sets';
import type { FakeStack } from './cloudformation/stacks';
import { ESTABLISHED_ACCOUNT, type AccountProfile } from './account';
import { FakeCore, type Call } from './core';
import { FakeEcr } from './ecr';
import { FakeEcs } from './ecs';
import { FakeElbv2 } from './elbv2';
import { FakeIam, serviceLinkedRoleName, type FakeSession } from './iam';
import { FakeKms } from './kms';
import { FakeLambda } from './lambda';
import { bringToLife, cloudWatchProviders, FakeLive, livePorts } from './live';
import { FakeLogs } from './logs';
import { PermissionModel } from './permissions';
import { FakeS3 } from './s3';
import { FakeSecrets } from './secrets';
import { stsPort } from './sts';

export { KNOWN_AFTER_APPLY } from './cloudformation/template';
export { CREATE_ONLY, NO_CHANGES_REASON } from './cloudformation/change-sets';
export type { InjectedFailure } from './cloudformation/execution';
export { serviceLinkedRoleName } from './iam';
export { ESTABLISHED_ACCOUNT, NEW_ACCOUNT, type AccountProfile } from './account';
export { FakeLive, type LiveRule, type LiveService } from './live';

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
  /** A new account's quotas and roles (NEW_ACCOUNT), or an established one's (the default). */
  readonly accountProfile?: AccountProfile;
}

export class FakeAws {
  readonly calls: RecordedCall[] = [];
  readonly account: string;
  readonly region: string;
  readonly clock: FakeClock;
  credentials: boolean;
  configuredRegion: ConfiguredRegion | undefined;
  callerAccount: string;
  readonly callerArn: string;
  /** Called before each port call is answered (tests use it to interrupt, or to act concurrently). */
  onCall: ((call: RecordedCall) => void) | undefined;
  readonly live = new FakeLive();
  readonly port: AwsPort;

  private readonly core: FakeCore;
  private readonly s3: FakeS3;
  private readonly secretsManager: FakeSecrets;
  private readonly ecs: FakeEcs;
  private readonly ecr: FakeEcr;
  private readonly logs: FakeLogs;
  private readonly kms: FakeKms;
  private readonly lambda: FakeLambda;
  private readonly elbv2: FakeElbv2;
  private readonly cfn: FakeCloudFormation;
  private readonly iam: FakeIam;
  private readonly permissions: PermissionModel;
  private readonly faults = new Map<string, AwsError[]>();
  private readonly lostAnswers: string[] = [];

  constructor(options: FakeAwsOptions) {
    this.clock = options.clock;
    this.account = options.account ?? '111122223333';
    this.callerAccount = this.account;
    this.region = options.region ?? 'eu-west-1';
    this.credentials = options.credentials ?? true;
    this.configuredRegion = options.configuredRegion;
    this.callerArn = options.callerArn ?? `arn:aws:sts::${this.account}:assumed-role/platform-deployer/ci`;
    this.core = new FakeCore(this.clock, this.account, this.region, options.endpoint);
    this.s3 = new FakeS3(this.core);
    this.secretsManager = new FakeSecrets(this.core);
    const profile = options.accountProfile ?? ESTABLISHED_ACCOUNT;
    this.ecs = new FakeEcs(this.core, { onDemand: profile.ecsServiceLinkedRoleOnDemand, exists: () => this.iam.roleByName(serviceLinkedRoleName('ecs.amazonaws.com')) !== undefined });
    this.ecr = new FakeEcr(this.core);
    this.logs = new FakeLogs();
    this.kms = new FakeKms(this.core);
    this.elbv2 = new FakeElbv2(this.core, this.live, (bucket) => this.s3.buckets.get(bucket)?.policy);
    this.lambda = new FakeLambda(profile.lambdaConcurrency);
    this.cfn = new FakeCloudFormation(this.core, {
      readTemplate: (url, op) => this.s3.readTemplate(url, op),
      roleExists: (arn) => this.iam.roleByArn(arn) !== undefined,
      resolveSecrets: (value) => this.secretsManager.resolve(value),
    }, {
      stepMs: options.stepMs ?? 3000,
      changeSetDelayMs: options.changeSetDelayMs ?? 4000,
      eventPageSize: options.eventPageSize ?? 6,
      changeSetPageSize: options.changeSetPageSize ?? 4,
    });
    this.iam = new FakeIam(this.core, this.cfn.stacks);
    for (const service of [this.s3, this.secretsManager, this.ecs, this.ecr, this.logs, this.kms, this.elbv2, this.lambda, this.iam]) this.cfn.register(service.providers);
    this.cfn.register(cloudWatchProviders);
    this.permissions = new PermissionModel(this.core, this.cfn, this.s3, this.iam);
    this.clock.onAdvance = () => this.core.release();
    this.port = this.buildPort(undefined);
  }

  /* ------------------------------------------------------------------------------------------- */
  /* State of the services, for scenarios to set up and tests to inspect                          */
  /* ------------------------------------------------------------------------------------------- */

  get buckets() { return this.s3.buckets; }
  get secrets() { return this.secretsManager.secrets; }
  /** Secrets as resolved values (what a `{{resolve:…}}` reference would become): worst-case echo. */
  get resolvedSecrets() { return this.secretsManager.resolvedSecrets; }
  get ecsServices() { return this.ecs.ecsServices; }
  get stoppedTasks() { return this.ecs.stoppedTasks; }
  /** ECR repository names. */
  get repositories() { return this.ecr.repositories; }
  /** Images by repository name, then tag. */
  get images() { return this.ecr.images; }
  get logGroups() { return this.logs.logGroups; }
  /** KMS keys by key id, with their KeyState and, once scheduled, the deletion date. */
  get kmsKeys() { return this.kms.kmsKeys; }
  /** Load balancers by ARN, with `deletion_protection.enabled`. */
  get loadBalancers() { return this.elbv2.loadBalancers; }
  /** Roles the account has outside any stack (e.g. `AWSServiceRoleForECS`, created by ECS itself). */
  get accountRoles() { return this.iam.accountRoles; }
  /** OIDC provider ARNs the account has outside any stack. */
  get accountOidcProviders() { return this.iam.accountOidcProviders; }
  /** Calls the permission model refused: what was asked, as which role. */
  get denials() { return this.permissions.denials; }

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
    this.cfn.execution.failResource(failure);
  }

  /** The next change set's nested change set at `path` (or the root, ``) fails with `reason`. */
  failChangeSet(path: string, reason: string): void {
    this.cfn.changeSets.failNext(path, reason);
  }

  createBucket(name: string, owner = this.account): void {
    this.s3.createBucket(name, owner);
  }

  putObject(bucket: string, key: string, body: string): void {
    this.s3.putObject(bucket, key, body);
  }

  setDrift(stackPath: string, drifts: ResourceDrift[]): void {
    this.cfn.protections.setDrift(stackPath, drifts);
  }

  /** A secret deleted with DeleteSecret's default recovery window: scheduled for deletion, its name still taken. */
  deleteSecret(arn: string): void {
    this.secretsManager.scheduleDeletion(arn);
  }

  /** A pushed image: the repository need not be a stack's (a test may push before deploying). */
  pushImage(repository: string, tag: string): string {
    return this.ecr.pushImage(repository, tag);
  }

  /** Everything the deployed stacks describe, running and healthy (live.ts); scenarios then break one thing in `live`. */
  goLive(): void {
    this.core.release();
    bringToLife(this.live, this.cfn.stacks, this.core);
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
    this.core.release();
    return this.cfn.stacks.live().find((s) => s.stackName === nameOrPath || (s.path === nameOrPath && s.parentId !== undefined));
  }

  rootStack(name: string): FakeStack | undefined {
    this.core.release();
    return [...this.cfn.stacks.stacks.values()].filter((s) => s.stackName === name && !s.deleted).pop();
  }

  /** Root change sets that exist and were not executed. */
  pendingChangeSets(): FakeChangeSet[] {
    this.core.release();
    return this.cfn.changeSets.pending();
  }

  /** Every change set created so far, root and nested, deleted or not (in creation order). */
  allChangeSets(): FakeChangeSet[] {
    this.core.release();
    return [...this.cfn.changeSets.all.values()];
  }

  allStackNames(): string[] {
    return this.cfn.stacks.live().map((s) => `${s.stackName}:${s.status}`);
  }

  /** Every live stack as deployed: its path, template and parameters (for byte-for-byte comparisons). */
  stackSnapshots(): { readonly path: string; readonly stackName: string; readonly templateBody: string; readonly parameters: string }[] {
    this.core.release();
    return this.cfn.stacks.live().map((stack) => ({
      path: stack.path,
      stackName: stack.stackName,
      templateBody: stack.templateBody ?? '',
      parameters: JSON.stringify(Object.entries(stack.parameters).sort(([a], [b]) => a.localeCompare(b))),
    }));
  }

  /** The identity-based policies of a role as deployed: inline policies and attached managed policies. */
  rolePolicies(roleName: string) {
    return this.iam.rolePolicies(roleName);
  }

  /* ------------------------------------------------------------------------------------------- */
  /* The port                                                                                     */
  /* ------------------------------------------------------------------------------------------- */

  /** The port of an assumed-role session: every call is checked against the role's policies. */
  portFor(credentials: TemporaryCredentials): AwsPort {
    const session = this.iam.session(credentials.accessKeyId);
    if (!session) throw new Error(`fake: credentials ${credentials.accessKeyId} were not issued by AssumeRole`);
    return this.buildPort(session);
  }

  private record(op: string, args: unknown[], session?: FakeSession): void {
    this.core.release();
    const call = { op, args, at: this.clock.now(), ...(session ? { role: session.roleName } : {}) };
    this.calls.push(call);
    this.onCall?.(call);
    if (!this.credentials && op !== 'sts.configuredRegion') throw new AwsError('credentials', 'CredentialsProviderError', 'Could not load credentials from any providers', op);
    const queue = this.faults.get(op);
    const fault = queue?.shift();
    if (fault) throw fault;
  }

  private buildPort(session: FakeSession | undefined): AwsPort {
    const call: Call = <T>(op: string, args: unknown[], run: () => T): Promise<T> => {
      try {
        this.record(op, args, session);
        if (session) this.permissions.authorize(session, op, args);
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
    return {
      sts: stsPort(this, this.iam, session, call),
      s3: this.s3.port(call),
      cfn: this.cfn.port(call),
      ecs: this.ecs.port(call, this.live),
      iam: this.iam.port(call),
      secrets: this.secretsManager.port(call, this.live),
      elbv2: this.elbv2.port(call),
      ecr: this.ecr.port(call),
      logs: this.logs.port(call, this.live),
      kms: this.kms.port(call),
      ...livePorts(this.live, call),
    };
  }
}
