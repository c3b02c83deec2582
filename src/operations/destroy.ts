/**
 * `destroy` (D-10): deletes the environment's whole stack tree once the stack name is confirmed,
 * and, where the environment does not keep its data, what the tree retained (retained.ts).
 *
 * - DataProtection=retain (prod, or a deployed stack that says so: a params file edited to
 *   "delete" must not unlock prod) is refused unless forced; forced, the stacks go and every
 *   stateful resource stays.
 * - Termination protection and an ALB's deletion protection block DeleteStack (the ALB's would end
 *   it in DELETE_FAILED: "you must disable deletion protection before you can delete the load
 *   balancer", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection).
 *   Without --force destroy refuses before changing anything; with it, both are turned off (each
 *   reported) right before DeleteStack.
 * - DataProtection=delete: the retained resources are listed from the tree before DeleteStack, shown
 *   in the plan, and deleted after the tree is DELETE_COMPLETE, each reported.
 * - Interrupted after the stacks went, a second run finds the deleted tree (ListStacks, then
 *   ListStackResources by ARN) and deletes what it retained that still exists; when nothing is
 *   left, there is nothing to destroy.
 */
import { clientToken } from './client-token';
import type { Connection } from './connection';
import type { DestroyOutcome, OperationIo } from './operation';
import { followOperation } from './progress/follow';
import { latestEventId } from './progress/watch';
import { protectionPlan } from './protection';
import { deleteRetained, inventoryTree, lastDeletedRoot, stillExists, type RetainedResource, type TreeInventory } from './retained';
import { isInProgress } from './stack-status';

export interface DestroyOptions {
  /** Destroy an environment that keeps its data (its stateful resources stay), or one with termination or load-balancer deletion protection on. */
  readonly force: boolean;
}

export type { OwnedResource } from './retained';

export async function destroy(c: Connection, io: OperationIo, options: DestroyOptions): Promise<DestroyOutcome> {
  const { cfn, elbv2 } = c.session.port;
  const { deployment } = c.env;
  const stackName = deployment.stackName;
  const stack = await cfn.describeStack(stackName);
  if (!stack || stack.status === 'DELETE_COMPLETE') return finishDeletedTree(c, io);
  if (isInProgress(stack.status)) return { type: 'precondition', reason: { kind: 'stack-busy', stackName, status: stack.status } };
  const retain = protectionPlan(c.env.stackParameters).retain || protectionPlan(stack.parameters).retain;
  if (retain && !options.force) return { type: 'refused', reason: { kind: 'retain', environment: c.env.name } };
  if (stack.terminationProtection && !options.force) return { type: 'refused', reason: { kind: 'termination-protection', stackName } };

  const inventory = await inventoryTree(cfn, stack.stackId, 'live');
  const protectedBalancers: string[] = [];
  for (const balancer of inventory.loadBalancers) if (await elbv2.deletionProtection(balancer.physicalId)) protectedBalancers.push(balancer.physicalId);
  if (protectedBalancers.length > 0 && !options.force) return { type: 'refused', reason: { kind: 'deletion-protection', loadBalancers: protectedBalancers } };

  emitPlan(c, io, inventory, { retain, protectedLoadBalancers: protectedBalancers });
  const answer = await io.ask({ kind: 'confirm-destroy', stackName, whenUnattended: 'unanswered' });
  if (answer === 'unanswered') return { type: 'unconfirmed', stackName };
  if (answer === 'no') return { type: 'declined', what: { kind: 'destroy' } };

  if (stack.terminationProtection) {
    await cfn.updateTerminationProtection(stack.stackId, false);
    io.emit({ type: 'termination-protection-off' });
  }
  for (const loadBalancer of protectedBalancers) {
    await elbv2.setDeletionProtection(loadBalancer, false);
    io.emit({ type: 'deletion-protection-off', loadBalancer });
  }
  const baseline = await latestEventId(cfn, stack.stackId);
  await cfn.deleteStack(stack.stackId, clientToken('destroy', stack.stackId, (stack.lastUpdatedTime ?? stack.creationTime).toISOString()));
  const end = await followOperation(c, io, stack, { kind: 'after-event', eventId: baseline }, 'delete');
  if (end.type !== 'succeeded') return end;
  if (retain) return { type: 'destroyed', stackName, retained: { deleted: 0, gone: 0, kept: inventory.retained.length } };
  return { type: 'destroyed', stackName, retained: { ...(await deleteAll(c, io, inventory.retained)), kept: 0 } };
}

function emitPlan(c: Connection, io: OperationIo, inventory: TreeInventory, plan: { retain: boolean; protectedLoadBalancers: readonly string[]; stacksDeletedAt?: Date }): void {
  const { deployment } = c.env;
  io.emit({
    type: 'destroy-plan',
    stackName: deployment.stackName,
    environment: c.env.name,
    accountId: deployment.accountId,
    region: deployment.region,
    stacks: inventory.stacks.length,
    resources: inventory.resources,
    retain: plan.retain,
    retained: inventory.retained,
    protectedLoadBalancers: plan.protectedLoadBalancers,
    ...(plan.stacksDeletedAt ? { stacksDeletedAt: plan.stacksDeletedAt } : {}),
  });
}

/** Deletes the retained resources in order, one event each. */
async function deleteAll(c: Connection, io: OperationIo, resources: readonly RetainedResource[]): Promise<{ deleted: number; gone: number }> {
  let deleted = 0;
  let gone = 0;
  for (const resource of resources) {
    const outcome = await deleteRetained(c.session.port, resource, c.env.deployment.accountId);
    io.emit({ type: 'retained-deleted', resource, outcome });
    if (outcome.result === 'gone' || outcome.result === 'key-already-scheduled') gone += 1;
    else deleted += 1;
  }
  return { deleted, gone };
}

/**
 * The stack is gone: a destroy interrupted after DeleteStack may have left what the tree
 * retained. Finds the last deleted tree of this name and deletes what it retained that still
 * exists; in an environment that keeps its data, nothing.
 */
async function finishDeletedTree(c: Connection, io: OperationIo): Promise<DestroyOutcome> {
  const { cfn } = c.session.port;
  const stackName = c.env.deployment.stackName;
  const nothing: DestroyOutcome = { type: 'nothing-to-destroy', stackName };
  if (protectionPlan(c.env.stackParameters).retain) return nothing;
  const deleted = await lastDeletedRoot(cfn, stackName);
  if (!deleted) return nothing;
  const described = await cfn.describeStack(deleted.stackId);
  if (described && protectionPlan(described.parameters).retain) return nothing;
  const inventory = await inventoryTree(cfn, deleted.stackId, 'deleted');
  const remaining: RetainedResource[] = [];
  for (const resource of inventory.retained) if (await stillExists(c.session.port, resource, c.env.deployment.accountId)) remaining.push(resource);
  if (remaining.length === 0) return nothing;

  emitPlan(c, io, { ...inventory, retained: remaining }, { retain: false, protectedLoadBalancers: [], ...(deleted.deletionTime ? { stacksDeletedAt: deleted.deletionTime } : {}) });
  const answer = await io.ask({ kind: 'confirm-destroy', stackName, whenUnattended: 'unanswered' });
  if (answer === 'unanswered') return { type: 'unconfirmed', stackName };
  if (answer === 'no') return { type: 'declined', what: { kind: 'destroy' } };
  return { type: 'destroyed', stackName, retained: { ...(await deleteAll(c, io, remaining)), kept: 0 } };
}
