/**
 * Stack policies, termination protection and drift detection.
 *
 * Documented behaviour it follows
 * - Stack policies are enforced at execution for Update:Modify, Update:Replace and Update:Delete:
 *   an explicit Deny wins, and once a policy is set a resource no statement allows is protected
 *   ("After you set a stack policy, all of the resources in the stack are protected by default":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html);
 *   a denied resource fails with "Action denied by stack policy". The wording of the second case
 *   is the fake's own: AWS documents the rule, not the message.
 * - Termination protection is set on the root only; DeleteStack refuses while it is on
 *   ("You can't enable or disable termination protection directly on a nested stack":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html).
 * - Drift detection runs per stack (it does not recurse) and completes after one poll
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DetectStackDrift.html);
 *   what drifted is set by the scenario (`setDrift`).
 */
import type { CloudFormationPort, ResourceDrift } from '../../../../src/aws/port';
import { awsError, type Call, type FakeCore } from '../core';
import type { FakeStack, StackStore } from './stacks';

export type PolicyAction = 'Update:Modify' | 'Update:Replace' | 'Update:Delete';

/** The stack policy's verdict for one update action on one resource: why it is denied, if it is. */
export function policyDenies(stack: FakeStack, logicalId: string, type: string, action: PolicyAction): string | undefined {
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

export class Protections {
  private readonly driftDetections = new Map<string, { stackId: string; polls: number }>();

  constructor(private readonly core: FakeCore, private readonly stacks: StackStore) {}

  /** The live stack at `stackPath` drifts like this. */
  setDrift(stackPath: string, drifts: ResourceDrift[]): void {
    const stack = this.stacks.live().find((s) => s.path === stackPath);
    if (!stack) throw new Error(`no live stack at ${stackPath}`);
    stack.drifts = drifts;
  }

  methods(call: Call): Pick<CloudFormationPort, 'getStackPolicy' | 'setStackPolicy' | 'updateTerminationProtection' | 'detectStackDrift' | 'describeStackDriftDetectionStatus' | 'describeStackResourceDrifts'> {
    return {
      getStackPolicy: (name) => call('cfn.getStackPolicy', [name], () => this.stacks.require(name, 'cfn.getStackPolicy').policy),
      setStackPolicy: (name, body) =>
        call('cfn.setStackPolicy', [name, body], () => {
          this.stacks.require(name, 'cfn.setStackPolicy').policy = body;
        }),
      updateTerminationProtection: (name, enabled) =>
        call('cfn.updateTerminationProtection', [name, enabled], () => {
          const stack = this.stacks.require(name, 'cfn.updateTerminationProtection');
          if (stack.parentId) throw awsError('ValidationError', 'Termination protection cannot be set on a nested stack', 'cfn.updateTerminationProtection', 400);
          stack.terminationProtection = enabled;
        }),
      detectStackDrift: (name) =>
        call('cfn.detectStackDrift', [name], () => {
          const stack = this.stacks.require(name, 'cfn.detectStackDrift');
          const id = `drift-${this.core.nextId()}`;
          this.driftDetections.set(id, { stackId: stack.stackId, polls: 0 });
          return id;
        }),
      describeStackDriftDetectionStatus: (id) =>
        call('cfn.describeStackDriftDetectionStatus', [id], () => {
          const detection = this.driftDetections.get(id);
          if (!detection) throw awsError('ValidationError', `no drift detection ${id}`, 'cfn.describeStackDriftDetectionStatus', 400);
          detection.polls += 1;
          if (detection.polls < 2) return { status: 'DETECTION_IN_PROGRESS' };
          const stack = this.stacks.stacks.get(detection.stackId);
          return { status: 'DETECTION_COMPLETE', stackDriftStatus: stack && stack.drifts.length > 0 ? 'DRIFTED' : 'IN_SYNC' };
        }),
      describeStackResourceDrifts: (name) =>
        call('cfn.describeStackResourceDrifts', [name], () => ({ drifts: [...this.stacks.require(name, 'cfn.describeStackResourceDrifts').drifts] })),
    };
  }
}
