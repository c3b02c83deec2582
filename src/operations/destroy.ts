/**
 * D-10 Destroy helpers: what a stack tree owns that CloudFormation cannot delete on its own
 * (non-empty buckets) or deletes only after a recovery window (secrets, whose names then stay
 * taken), collected before DeleteStack, and emptied / force-deleted around it.
 */
import type { CloudFormationPort, S3Port, SecretsPort } from '../aws/port';
import { listStackTree, type TreeStack } from './protection';

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
