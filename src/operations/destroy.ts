/**
 * `destroy` (D-10): deletes the environment's whole stack tree once the stack name is confirmed.
 * Environments that keep their data (DataProtection=retain) are refused unless forced; there the
 * stateful resources survive (DeletionPolicy Retain). Elsewhere what the tree owns that
 * CloudFormation cannot delete on its own (non-empty buckets) or deletes only after a recovery
 * window (secrets, whose names then stay taken) is collected before DeleteStack, and emptied /
 * force-deleted around it.
 */
import type { CloudFormationPort, S3Port, SecretsPort } from '../aws/port';
import { clientToken } from './client-token';
import type { Connection } from './connection';
import type { DestroyOutcome, OperationIo } from './operation';
import { followOperation } from './progress/follow';
import { latestEventId } from './progress/watch';
import { listStackTree, protectionPlan, type TreeStack } from './protection';
import { isInProgress } from './stack-status';

export interface DestroyOptions {
  /** Destroy an environment that keeps its data (its stateful resources stay), or one with termination protection on. */
  readonly force: boolean;
}

export async function destroy(c: Connection, io: OperationIo, options: DestroyOptions): Promise<DestroyOutcome> {
  const { cfn, s3, secrets } = c.session.port;
  const { deployment } = c.env;
  const stackName = deployment.stackName;
  const stack = await cfn.describeStack(stackName);
  if (!stack || stack.status === 'DELETE_COMPLETE') return { type: 'nothing-to-destroy', stackName };
  if (isInProgress(stack.status)) return { type: 'precondition', reason: { kind: 'stack-busy', stackName, status: stack.status } };
  // The deployed stack's own setting counts too: a params file edited to "delete" must not unlock prod.
  const retain = protectionPlan(c.env.stackParameters).retain || protectionPlan(stack.parameters).retain;
  if (retain && !options.force) return { type: 'refused', reason: { kind: 'retain', environment: c.env.name } };
  if (stack.terminationProtection && !options.force) return { type: 'refused', reason: { kind: 'termination-protection', stackName } };

  const inventory = await inventoryTree(cfn, stack.stackId);
  io.emit({
    type: 'destroy-plan',
    stackName,
    environment: c.env.name,
    accountId: deployment.accountId,
    region: deployment.region,
    stacks: inventory.stacks.length,
    resources: inventory.resources,
    retain,
    buckets: retain ? [] : inventory.buckets,
    secrets: retain ? [] : inventory.secrets,
  });
  const answer = await io.ask({ kind: 'confirm-destroy', stackName, whenUnattended: 'unanswered' });
  if (answer === 'unanswered') return { type: 'unconfirmed', stackName };
  if (answer === 'no') return { type: 'declined', what: { kind: 'destroy' } };

  if (stack.terminationProtection) {
    await cfn.updateTerminationProtection(stack.stackId, false);
    io.emit({ type: 'termination-protection-off' });
  }
  if (!retain) {
    for (const bucket of inventory.buckets) {
      io.emit({ type: 'bucket-emptied', bucket: bucket.physicalId, removed: await emptyBucket(s3, bucket.physicalId, deployment.accountId) });
    }
  }
  const baseline = await latestEventId(cfn, stack.stackId);
  await cfn.deleteStack(stack.stackId, clientToken('destroy', stack.stackId, (stack.lastUpdatedTime ?? stack.creationTime).toISOString()));
  const end = await followOperation(c, io, stack, { kind: 'after-event', eventId: baseline }, 'delete');
  if (end.type !== 'succeeded') return end;
  if (!retain && inventory.secrets.length > 0) {
    const result = await forceDeleteSecrets(secrets, inventory.secrets);
    io.emit({ type: 'secrets-deleted', deleted: result.deleted.length, gone: result.gone.length });
  }
  return { type: 'destroyed', stackName };
}

export interface OwnedResource {
  readonly path: string;
  readonly logicalId: string;
  /** Bucket name, or secret ARN. */
  readonly physicalId: string;
}

export interface DestroyInventory {
  readonly stacks: readonly TreeStack[];
  readonly resources: number;
  readonly buckets: readonly OwnedResource[];
  readonly secrets: readonly OwnedResource[];
}

export async function inventoryTree(cfn: CloudFormationPort, rootStackId: string): Promise<DestroyInventory> {
  const stacks = await listStackTree(cfn, rootStackId);
  const buckets: OwnedResource[] = [];
  const secrets: OwnedResource[] = [];
  let resources = 0;
  for (const stack of stacks) {
    let token: string | undefined;
    do {
      const page = await cfn.listStackResources(stack.stackId, token);
      for (const resource of page.resources) {
        if (resource.resourceType === 'AWS::CloudFormation::Stack') continue;
        resources += 1;
        if (!resource.physicalId || resource.status === 'DELETE_COMPLETE') continue;
        const owned = { path: stack.path, logicalId: resource.logicalId, physicalId: resource.physicalId };
        if (resource.resourceType === 'AWS::S3::Bucket') buckets.push(owned);
        if (resource.resourceType === 'AWS::SecretsManager::Secret') secrets.push(owned);
      }
      token = page.nextToken;
    } while (token);
  }
  return { stacks, resources, buckets, secrets };
}

const DELETE_BATCH = 1000;

/** Deletes every object version and delete marker; returns how many were removed. */
export async function emptyBucket(s3: S3Port, bucket: string, owner: string): Promise<number> {
  if ((await s3.headBucket(bucket, owner)) !== 'present') return 0;
  let removed = 0;
  for (;;) {
    const page = await s3.listObjectVersions(bucket, owner);
    if (page.objects.length === 0) return removed;
    for (let i = 0; i < page.objects.length; i += DELETE_BATCH) {
      const batch = page.objects.slice(i, i + DELETE_BATCH);
      await s3.deleteObjects(bucket, owner, batch);
      removed += batch.length;
    }
  }
}

/** After the stack is gone: delete its secrets now instead of after the recovery window. */
export async function forceDeleteSecrets(secrets: SecretsPort, owned: readonly OwnedResource[]): Promise<{ deleted: string[]; gone: string[] }> {
  const deleted: string[] = [];
  const gone: string[] = [];
  for (const secret of owned) {
    if (await secrets.forceDeleteSecret(secret.physicalId)) deleted.push(secret.physicalId);
    else gone.push(secret.physicalId);
  }
  return { deleted, gone };
}
