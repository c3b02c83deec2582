/**
 * CloudFormation change sets: CreateChangeSet, DescribeChangeSet, ListChangeSets and
 * DeleteChangeSet, with nested change sets (IncludeNestedStacks).
 *
 * Documented behaviour it follows
 * - CREATE on a stack that does not exist creates it in REVIEW_IN_PROGRESS (with one
 *   REVIEW_IN_PROGRESS event); CREATE on a REVIEW_IN_PROGRESS stack is allowed; CREATE on any other
 *   existing stack is AlreadyExistsException; UPDATE on a missing or REVIEW_IN_PROGRESS stack is
 *   ValidationError "Stack [x] does not exist"
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateChangeSet.html).
 * - Templates with IAM resources, named IAM resources or nested stacks need CAPABILITY_IAM,
 *   CAPABILITY_NAMED_IAM and CAPABILITY_AUTO_EXPAND (InsufficientCapabilitiesException).
 * - Parameters must be declared by the template, and those without Default must be given.
 * - TemplateURL must name an object in S3 (https virtual-hosted or path-style URL, or the custom
 *   endpoint's path-style URL); otherwise ValidationError.
 * - RoleARN must name a role that exists ("… is invalid or cannot be assumed").
 * - Status goes CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE (after `changeSetDelayMs`),
 *   or FAILED. An empty change set is FAILED with StatusReason "The submitted information didn't
 *   contain changes. Submit different information to create a change set." and ExecutionStatus
 *   UNAVAILABLE (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets-create.html).
 * - IncludeNestedStacks: every added or modified AWS::CloudFormation::Stack gets a nested change
 *   set (its `ChangeSetId` in the parent's change), with ParentChangeSetId/RootChangeSetId and
 *   ExecutionStatus UNAVAILABLE ("Executable from root change set"); a nested stack being added is
 *   created in REVIEW_IN_PROGRESS. A nested change set that fails makes the root FAILED with
 *   "Nested change set <arn> was not successfully created: Currently in FAILED."
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html).
 * - Parameters that come from a sibling's outputs (`Fn::GetAtt [Sibling, Outputs.X]`) of a sibling
 *   that changes are `{{changeSet:KNOWN_AFTER_APPLY}}`: the nested stack is Modify with Dynamic
 *   details, and its resources that use them are Dynamic Modify, Replacement Conditional when the
 *   property is create-only (cloudformation-coverage-roadmap #759, #2113). What such placeholders
 *   break (Fn::Select, the LanguageExtensions transform, conditions): placeholders.ts.
 * - Replacement: True when a create-only property (CREATE_ONLY below) changes statically.
 * - DescribeChangeSet pages changes (`changeSetPageSize`) and gives property values only with
 *   IncludePropertyValues (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html).
 * - A second CreateChangeSet with the same name and ClientToken returns the first (a retry); the
 *   same name with another token is AlreadyExistsException.
 * - ListChangeSets: the stack's root change sets that were not deleted (executed ones too, until
 *   CloudFormation deletes them), with the status DescribeChangeSet would answer. A stack that does
 *   not exist has none (AWS: ValidationError, which the SDK adapter turns into none)
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListChangeSets.html).
 * - DeleteChangeSet: root only; deletes the nested change sets and the nested REVIEW_IN_PROGRESS
 *   stacks it created, not the root REVIEW_IN_PROGRESS stack (DeleteStack removes that at once).
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type ChangeDetail,
  type ChangeSetPage,
  type ChangeSetStatus,
  type ChangeSetSummary,
  type CloudFormationPort,
  type CreateChangeSetRequest,
  type ExecutionStatus,
  type ResourceChangeEntry,
} from '../../../../src/aws/port';
import type { Json, JsonObject, TemplateJson } from '../../../../src/core/template-json';
import { awsError, type Call, type FakeCore } from '../core';
import { placeholderFailure, placeholderFor, type Placeholders } from './placeholders';
import type { FakeStack, StackStore } from './stacks';
import {
  activeResources,
  causingEntity,
  containsUnknown,
  defaults,
  evaluate,
  KNOWN_AFTER_APPLY,
  referencedParameter,
  stringify,
  type Scope,
} from './template';

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

export interface PlannedChange {
  readonly logicalId: string;
  readonly type: string;
  readonly action: 'Add' | 'Modify' | 'Remove';
  readonly replacement?: 'True' | 'False' | 'Conditional';
  readonly details: ChangeDetail[];
  nestedChangeSetId?: string;
}

export interface FakeChangeSet {
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
  /** A nested change set's parameters that reached it as placeholders (placeholders.ts). */
  readonly placeholders?: Placeholders;
}

interface ChangeSetRequest {
  readonly name: string;
  readonly type: 'CREATE' | 'UPDATE';
  readonly template: TemplateJson;
  readonly body: string;
  readonly parameters: Record<string, string>;
  readonly tags: Record<string, string>;
  /** A nested change set's parameters that are placeholders (placeholders.ts). */
  readonly placeholders?: Placeholders;
}

export interface ChangeSetServices {
  /** The template a TemplateURL names (S3), or ValidationError. */
  readTemplate(url: string, op: string): { template: TemplateJson; body: string };
  /** Whether RoleARN names a role that exists (IAM). */
  roleExists(arn: string): boolean;
  /** Worst case for secrets hygiene: the "API" echoes resolved secret values (Secrets Manager). */
  resolveSecrets(value: string | undefined): string | undefined;
}

export class ChangeSets {
  readonly all = new Map<string, FakeChangeSet>();
  private readonly injectedFailures: { path: string; reason: string }[] = [];

  constructor(
    private readonly core: FakeCore,
    private readonly stacks: StackStore,
    private readonly services: ChangeSetServices,
    private readonly options: { readonly changeSetDelayMs: number; readonly changeSetPageSize: number },
  ) {}

  /** The next change set's nested change set at `path` (or the root, ``) fails with `reason`. */
  failNext(path: string, reason: string): void {
    this.injectedFailures.push({ path, reason });
  }

  /** Root change sets that exist and were not executed. */
  pending(): FakeChangeSet[] {
    return [...this.all.values()].filter((c) => !c.deleted && !c.parentId && !c.executed);
  }

  /** The change set whose changes name `nested` as their nested change set. */
  parentOf(nested: FakeChangeSet): FakeChangeSet | undefined {
    return [...this.all.values()].find((c) => c.changes.some((ch) => ch.nestedChangeSetId === nested.id));
  }

  /** Scope of a stack as a change set would deploy it: deployed resources, the change set's parameters and conditions. */
  planScope(stack: FakeStack, parameters: Record<string, string>, template: TemplateJson): Scope {
    const deployed = this.stacks.deployedScope(stack);
    return { ...deployed, parameters: { ...defaults(template), ...parameters }, conditions: (template.Conditions ?? {}) as Record<string, Json> };
  }

  status(cs: FakeChangeSet): { status: ChangeSetStatus; reason?: string; execution: ExecutionStatus } {
    if (cs.executed) return { status: 'CREATE_COMPLETE', execution: cs.executionStatus };
    const now = this.core.clock.now();
    if (now < cs.createdAt + this.options.changeSetDelayMs / 2) return { status: 'CREATE_PENDING', execution: 'UNAVAILABLE' };
    if (now < cs.readyAt) return { status: 'CREATE_IN_PROGRESS', execution: 'UNAVAILABLE' };
    if (cs.failReason) return { status: 'FAILED', reason: cs.failReason, execution: 'UNAVAILABLE' };
    if (cs.parentId) return { status: 'CREATE_COMPLETE', reason: 'Executable from root change set', execution: 'UNAVAILABLE' };
    return { status: 'CREATE_COMPLETE', execution: cs.executionStatus === 'UNAVAILABLE' ? 'AVAILABLE' : cs.executionStatus };
  }

  /** The fields DescribeChangeSet and ListChangeSets both answer (API reference: ChangeSetSummary). */
  private summary(cs: FakeChangeSet): ChangeSetSummary {
    const status = this.status(cs);
    return {
      id: cs.id,
      name: cs.name,
      stackId: cs.stackId,
      stackName: cs.stackName,
      status: status.status,
      ...(status.reason ? { statusReason: status.reason } : {}),
      executionStatus: status.execution,
      creationTime: new Date(cs.createdAt),
    };
  }

  private describePage(cs: FakeChangeSet, nextToken: string | undefined, includePropertyValues: boolean): ChangeSetPage {
    const summary = this.summary(cs);
    const start = Number(nextToken ?? 0);
    const size = this.options.changeSetPageSize;
    const all: ResourceChangeEntry[] = summary.status === 'CREATE_COMPLETE' ? cs.changes.map((c) => toEntry(c, this.stacks.stacks.get(cs.stackId), includePropertyValues)) : [];
    return {
      ...summary,
      ...(cs.parentId ? { parentChangeSetId: cs.parentId, rootChangeSetId: cs.rootId ?? cs.parentId } : {}),
      parameters: cs.parameters,
      changes: all.slice(start, start + size),
      ...(start + size < all.length ? { nextToken: String(start + size) } : {}),
    };
  }

  private list(nameOrId: string): { changeSets: ChangeSetSummary[] } {
    const stack = this.stacks.find(nameOrId);
    if (!stack) return { changeSets: [] };
    const changeSets = [...this.all.values()]
      .filter((cs) => cs.stackId === stack.stackId && !cs.parentId && !cs.deleted)
      .map((cs) => ({ ...this.summary(cs), ...(cs.description ? { description: cs.description } : {}) }));
    return { changeSets };
  }

  private create(request: CreateChangeSetRequest, op: string): { id: string; stackId: string } {
    const existing = this.stacks.find(request.stackName);
    if (request.changeSetType === 'UPDATE' && (!existing || existing.status === 'REVIEW_IN_PROGRESS')) {
      throw awsError('ValidationError', `Stack [${request.stackName}] does not exist`, op, 400);
    }
    if (request.changeSetType === 'CREATE' && existing && existing.status !== 'REVIEW_IN_PROGRESS') {
      throw awsError('AlreadyExistsException', `Stack [${request.stackName}] already exists and cannot be created again with the changeSet [${request.changeSetName}].`, op, 400);
    }
    for (const capability of ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']) {
      if (!request.capabilities.includes(capability)) throw awsError('InsufficientCapabilitiesException', `Requires capabilities : [${capability}]`, op, 400);
    }
    const same = [...this.all.values()].find((c) => !c.deleted && !c.parentId && c.stackName === request.stackName && c.name === request.changeSetName);
    if (same && same.clientToken === request.clientToken) return { id: same.id, stackId: same.stackId };
    if (same) throw awsError('AlreadyExistsException', `ChangeSet [${request.changeSetName}] already exists`, op, 400);
    const source = 'url' in request.template ? this.services.readTemplate(request.template.url, op) : { template: JSON.parse(request.template.body) as TemplateJson, body: request.template.body };
    const declared = source.template.Parameters ?? {};
    const unknown = Object.keys(request.parameters).filter((k) => !(k in declared));
    if (unknown.length > 0) throw awsError('ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`, op, 400);
    const missing = Object.entries(declared).filter(([k, p]) => p.Default === undefined && request.parameters[k] === undefined).map(([k]) => k);
    if (missing.length > 0) throw awsError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`, op, 400);
    if (request.roleArn !== undefined && !this.services.roleExists(request.roleArn)) {
      throw awsError('ValidationError', `Role ${request.roleArn} is invalid or cannot be assumed`, op, 400);
    }
    const stack = existing ?? this.stacks.create(request.stackName, '');
    const changeSet = this.createTree(
      { name: request.changeSetName, type: request.changeSetType, template: source.template, body: source.body, parameters: { ...request.parameters }, tags: { ...request.tags } },
      stack,
      undefined,
      op,
    );
    changeSet.clientToken = request.clientToken;
    if (request.roleArn !== undefined) changeSet.roleArn = request.roleArn;
    changeSet.description = request.description;
    return { id: changeSet.id, stackId: stack.stackId };
  }

  private createTree(request: ChangeSetRequest, stack: FakeStack, parent: FakeChangeSet | undefined, op: string): FakeChangeSet {
    const id = `arn:aws:cloudformation:${this.core.region}:${this.core.account}:changeSet/${request.name}/${this.core.nextId()}-cs`;
    const changes = this.plan(request.type === 'UPDATE' ? stack : undefined, request.template, request.parameters, stack);
    const changeSet: FakeChangeSet = {
      id,
      name: request.name,
      stackId: stack.stackId,
      stackName: stack.stackName,
      type: request.type,
      ...(parent ? { parentId: parent.id, rootId: parent.rootId ?? parent.id } : {}),
      createdAt: this.core.clock.now(),
      readyAt: this.core.clock.now() + this.options.changeSetDelayMs,
      template: request.template,
      templateBody: request.body,
      parameters: request.parameters,
      tags: request.tags,
      changes,
      ...(request.placeholders?.size ? { placeholders: request.placeholders } : {}),
      executionStatus: 'UNAVAILABLE',
      deleted: false,
      executed: false,
    };
    this.all.set(id, changeSet);
    const injected = this.injectedFailures.findIndex((f) => f.path === stack.path);
    if (injected >= 0) {
      changeSet.failReason = this.injectedFailures[injected].reason;
      this.injectedFailures.splice(injected, 1);
    }
    if (request.placeholders) changeSet.failReason ??= placeholderFailure(request.template, request.placeholders);
    const scope = this.planScope(stack, request.parameters, request.template);
    for (const change of changes) {
      if (change.type !== 'AWS::CloudFormation::Stack' || change.action === 'Remove') continue;
      const definition = request.template.Resources[change.logicalId];
      const properties = (definition.Properties ?? {}) as JsonObject;
      const child = this.services.readTemplate(String(properties['TemplateURL']), op);
      const childParameters: Record<string, string> = {};
      const placeholders = new Map<string, string>();
      for (const [key, value] of Object.entries((properties['Parameters'] ?? {}) as JsonObject)) {
        const anyChanged = new Set(changes.filter((c) => c.action !== 'Remove').map((c) => c.logicalId));
        const evaluated = evaluate(value, { ...scope, getAtt: (rid, attr) => (anyChanged.has(rid) ? undefined : scope.getAtt(rid, attr)), ref: (rid) => scope.ref(rid) });
        childParameters[key] = stringify(evaluated) ?? '';
        if (containsUnknown(evaluated)) placeholders.set(key, placeholderFor(value, anyChanged, stack.stackName, request.placeholders ?? new Map()));
      }
      const childPath = stack.path ? `${stack.path}/${change.logicalId}` : change.logicalId;
      let childStack: FakeStack;
      if (change.action === 'Add') {
        childStack = this.stacks.create(`${stack.stackName}-${change.logicalId}-${this.core.random12()}`, childPath, stack);
      } else {
        const existing = this.stacks.stacks.get(stack.resources.get(change.logicalId)?.physicalId ?? '');
        if (!existing) throw new Error(`fake: nested stack ${childPath} is missing`);
        childStack = existing;
      }
      const nested = this.createTree(
        { name: `${request.name}-${change.logicalId}`.slice(0, 120), type: change.action === 'Add' ? 'CREATE' : 'UPDATE', template: child.template, body: child.body, parameters: childParameters, tags: request.tags, placeholders },
        childStack,
        changeSet,
        op,
      );
      change.nestedChangeSetId = nested.id;
      if (nested.failReason) changeSet.failReason ??= `Nested change set ${nested.id} was not successfully created: Currently in FAILED.`;
    }
    if (!parent && !changeSet.failReason && changes.length === 0 && request.type === 'UPDATE') {
      const sameParameters = isDeepStrictEqual({ ...defaults(stack.template ?? request.template), ...stack.parameters }, { ...defaults(request.template), ...request.parameters });
      if (sameParameters && isDeepStrictEqual(stack.tags, request.tags)) changeSet.failReason = NO_CHANGES_REASON;
    }
    return changeSet;
  }

  private plan(stack: FakeStack | undefined, next: TemplateJson, parameters: Record<string, string>, identity: { stackName: string; stackId: string }): PlannedChange[] {
    const deployedScope = stack && stack.template ? this.stacks.deployedScope(stack) : undefined;
    const oldResources = new Map(stack?.template && deployedScope ? activeResources(stack.template, deployedScope) : []);
    let changed = new Set<string>();
    let replaced = new Set<string>();
    let changes: PlannedChange[] = [];
    for (let round = 0; round < 6; round += 1) {
      const scope: Scope = {
        parameters: { ...defaults(next), ...parameters },
        pseudo: this.stacks.pseudo(identity),
        conditions: (next.Conditions ?? {}) as Record<string, Json>,
        ref: (id) => (replaced.has(id) || !oldResources.has(id) ? undefined : stack?.resources.get(id)?.physicalId),
        getAtt: (id, attribute) => {
          if (changed.has(id) || !oldResources.has(id)) return undefined;
          const resource = stack?.resources.get(id);
          return resource ? this.stacks.attribute(resource, attribute) : undefined;
        },
      };
      changes = [];
      const nextResources = activeResources(next, scope);
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
              ...(o !== undefined ? { beforeValue: this.services.resolveSecrets(stringify(o)) } : {}),
              ...(n !== undefined ? { afterValue: dynamic ? KNOWN_AFTER_APPLY : this.services.resolveSecrets(stringify(n)) } : {}),
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

  private deleteTree(cs: FakeChangeSet): void {
    cs.deleted = true;
    for (const change of cs.changes) {
      if (!change.nestedChangeSetId) continue;
      const nested = this.all.get(change.nestedChangeSetId);
      if (!nested) continue;
      this.deleteTree(nested);
      const stack = this.stacks.stacks.get(nested.stackId);
      if (stack && stack.status === 'REVIEW_IN_PROGRESS') {
        stack.deleted = true;
        this.stacks.stackEvent(stack, 'DELETE_COMPLETE');
      }
    }
  }

  /** The port's change-set requests. */
  methods(call: Call): Pick<CloudFormationPort, 'createChangeSet' | 'describeChangeSet' | 'listChangeSets' | 'deleteChangeSet'> {
    return {
      createChangeSet: (request) => call('cfn.createChangeSet', [request], () => this.create(request, 'cfn.createChangeSet')),
      describeChangeSet: (id, { nextToken, includePropertyValues }) =>
        call('cfn.describeChangeSet', [id, nextToken], () => {
          const cs = this.all.get(id);
          return !cs || cs.deleted ? undefined : this.describePage(cs, nextToken, includePropertyValues);
        }),
      listChangeSets: (name, nextToken) => call('cfn.listChangeSets', [name, nextToken], () => this.list(name)),
      deleteChangeSet: (id) =>
        call('cfn.deleteChangeSet', [id], () => {
          const cs = this.all.get(id);
          if (!cs || cs.deleted) throw awsError('ChangeSetNotFoundException', `ChangeSet [${id}] does not exist`, 'cfn.deleteChangeSet', 404);
          if (cs.parentId) throw awsError('ValidationError', 'Cannot delete a nested change set; delete the root change set', 'cfn.deleteChangeSet', 400);
          this.deleteTree(cs);
        }),
    };
  }
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
