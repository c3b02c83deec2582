/**
 * CloudFormation's stacks as the fake keeps them: their resources, events, parameters and
 * outputs, and what DescribeStacks, ListStacks and ListStackResources answer from them.
 *
 * Documented behaviour it follows
 * - Stack events are kept oldest first and answered newest first (DescribeStackEvents); a
 *   stack-level event is the stack's status with the stack as its resource.
 * - A NoEcho parameter is answered as `****` by DescribeStacks
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/parameters-section-structure.html).
 * - Nested stacks answer by ARN after deletion, not by name; ListStacks lists deleted stacks with
 *   their deletion time.
 * - ListStackResources of a deleted (or DELETE_FAILED) stack still lists what was deleted or
 *   retained, with DELETE_COMPLETE / DELETE_SKIPPED, by stack ARN ("For deleted stacks,
 *   ListStackResources returns resource information for up to 90 days":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html).
 * - Pseudo parameters: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
 */
import {
  type CloudFormationPort,
  type EventStatus,
  type ResourceDrift,
  type ResourceStatus,
  type StackDescription,
  type StackEvent,
  type StackOutput,
  type StackResourceSummary,
  type StackStatus,
} from '../../../../src/aws/port';
import type { Json, JsonObject, TemplateJson } from '../../../../src/core/template-json';
import { awsError, type Call, type FakeCore } from '../core';
import type { ResourceProviders } from './resources';
import { condition, defaults, evaluate, stringify, type Scope } from './template';

export interface ResourceState {
  readonly logicalId: string;
  readonly type: string;
  physicalId: string;
  status: ResourceStatus;
  reason?: string;
  /** The resource's template entry as deployed. */
  definition?: JsonObject;
}

export interface FakeStack {
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

const EMPTY_TEMPLATE: TemplateJson = { AWSTemplateFormatVersion: '', Description: '', Resources: {} };

export class StackStore {
  readonly stacks = new Map<string, FakeStack>();
  /** What each deleted (or DELETE_FAILED) stack listed when its resources went: DELETE_COMPLETE / DELETE_SKIPPED rows. */
  readonly graveyard = new Map<string, StackResourceSummary[]>();
  readonly deletionTimes = new Map<string, Date>();

  constructor(private readonly core: FakeCore, private readonly providers: ResourceProviders) {}

  live(): FakeStack[] {
    return [...this.stacks.values()].filter((s) => !s.deleted);
  }

  find(nameOrId: string): FakeStack | undefined {
    if (nameOrId.startsWith('arn:')) return this.stacks.get(nameOrId);
    return this.live().filter((s) => s.stackName === nameOrId).pop();
  }

  require(nameOrId: string, op: string): FakeStack {
    const stack = this.find(nameOrId);
    if (!stack) throw awsError('ValidationError', `Stack with id ${nameOrId} does not exist`, op, 400);
    return stack;
  }

  /** A new stack in REVIEW_IN_PROGRESS (what CreateChangeSet of type CREATE makes). */
  create(name: string, path: string, parent?: FakeStack): FakeStack {
    const stackId = `arn:aws:cloudformation:${this.core.region}:${this.core.account}:stack/${name}/${this.core.nextId()}-0000-4000-8000-fake`;
    const stack: FakeStack = {
      stackId,
      stackName: name,
      path,
      ...(parent ? { parentId: parent.stackId, rootId: parent.rootId ?? parent.stackId } : {}),
      status: 'REVIEW_IN_PROGRESS',
      creationTime: new Date(this.core.clock.now()),
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

  event(stack: FakeStack, logicalId: string, type: string, status: EventStatus, reason?: string, physicalId?: string): void {
    const event: StackEvent = {
      eventId: `${stack.stackName}-${this.core.nextId()}`,
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalId,
      ...(physicalId ? { physicalId } : {}),
      resourceType: type,
      status,
      ...(reason ? { reason } : {}),
      timestamp: new Date(this.core.clock.now()),
    };
    stack.events.push(event);
  }

  stackEvent(stack: FakeStack, status: StackStatus, reason?: string): void {
    stack.status = status;
    if (reason) stack.statusReason = reason;
    else delete stack.statusReason;
    this.event(stack, stack.stackName, 'AWS::CloudFormation::Stack', status, reason, stack.stackId);
  }

  /** Keeps the row ListStackResources answers for a resource that went. */
  bury(stack: FakeStack, resource: ResourceState, status: 'DELETE_COMPLETE' | 'DELETE_SKIPPED'): void {
    const rows = (this.graveyard.get(stack.stackId) ?? []).filter((r) => r.logicalId !== resource.logicalId);
    rows.push({ logicalId: resource.logicalId, ...(resource.physicalId ? { physicalId: resource.physicalId } : {}), resourceType: resource.type, status });
    this.graveyard.set(stack.stackId, rows);
  }

  pseudo(stack: { stackName: string; stackId: string }): Record<string, string> {
    return { 'AWS::Region': this.core.region, 'AWS::AccountId': this.core.account, 'AWS::StackName': stack.stackName, 'AWS::StackId': stack.stackId, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  }

  /** `Fn::GetAtt` of a deployed resource: a nested stack's output, or what the resource's type answers. */
  attribute(resource: ResourceState, attribute: string): string | undefined {
    if (resource.type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      return this.stacks.get(resource.physicalId)?.outputs.find((o) => o.key === attribute.slice(8))?.value;
    }
    return this.providers[resource.type]?.attribute?.(resource, attribute) ?? genericAttribute(resource, attribute);
  }

  /** Scope of a stack as deployed now. */
  deployedScope(stack: FakeStack): Scope {
    const template = stack.template ?? EMPTY_TEMPLATE;
    return {
      parameters: { ...defaults(template), ...stack.parameters },
      pseudo: this.pseudo(stack),
      conditions: (template.Conditions ?? {}) as Record<string, Json>,
      ref: (id) => stack.resources.get(id)?.physicalId,
      getAtt: (id, attribute) => {
        const resource = stack.resources.get(id);
        return resource ? this.attribute(resource, attribute) : undefined;
      },
    };
  }

  outputsOf(stack: FakeStack): StackOutput[] {
    if (!stack.template) return [];
    const scope = this.deployedScope(stack);
    return Object.entries(stack.template.Outputs ?? {})
      .filter(([, o]) => !o.Condition || condition(o.Condition, scope))
      .map(([key, o]) => ({ key, value: stringify(evaluate(o.Value, scope)) ?? '', ...(o.Description ? { description: o.Description } : {}) }));
  }

  /** DescribeStacks' answer. */
  describe(stack: FakeStack): StackDescription {
    return {
      stackId: stack.stackId,
      stackName: stack.stackName,
      status: stack.status,
      ...(stack.statusReason ? { statusReason: stack.statusReason } : {}),
      creationTime: stack.creationTime,
      ...(stack.lastUpdatedTime ? { lastUpdatedTime: stack.lastUpdatedTime } : {}),
      parameters: Object.fromEntries(Object.entries({ ...defaults(stack.template ?? EMPTY_TEMPLATE), ...stack.parameters })
        .map(([k, v]) => [k, stack.template?.Parameters?.[k]?.NoEcho ? '****' : v])),
      tags: { ...stack.tags },
      outputs: stack.outputs.map((o) => ({ ...o })),
      terminationProtection: stack.terminationProtection,
      ...(stack.parentId ? { parentId: stack.parentId } : {}),
      ...(stack.rootId ? { rootId: stack.rootId } : {}),
    };
  }

  /** The port's stack reads. */
  methods(call: Call): Pick<CloudFormationPort, 'describeStack' | 'getTemplate' | 'listStackResources' | 'listStacks'> {
    return {
      describeStack: (name) => call('cfn.describeStack', [name], () => {
        const stack = this.find(name);
        return stack ? this.describe(stack) : undefined;
      }),
      getTemplate: (name) =>
        call('cfn.getTemplate', [name], () => {
          const stack = this.require(name, 'cfn.getTemplate');
          if (!stack.templateBody) throw awsError('ValidationError', `Stack ${name} has no template yet`, 'cfn.getTemplate', 400);
          return stack.templateBody;
        }),
      listStackResources: (name) =>
        call('cfn.listStackResources', [name], () => {
          const stack = this.require(name, 'cfn.listStackResources');
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
    };
  }
}

/** `Fn::GetAtt` for any type: an ARN, or a value naming the resource and the attribute. */
function genericAttribute(resource: ResourceState, attribute: string): string {
  if (attribute === 'Arn') return resource.physicalId.startsWith('arn:') ? resource.physicalId : `arn:aws:fake:::${resource.physicalId}`;
  return `${resource.physicalId}|${attribute}`;
}
