/**
 * What a stack tree keeps when it is deleted, and deleting it (D-10, outside prod).
 *
 * Every nested template retains its stateful resources in every environment (src/cfn/stateful.ts:
 * `DeletionPolicy: RetainExceptOnCreate`), so DeleteStack leaves them behind, DELETE_SKIPPED
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 * Where the environment does not keep its data (DataProtection=delete), destroy deletes them after
 * the tree is gone, so that the environment is fully destroyed and its names can be used again:
 *
 * - secrets: DeleteSecret with ForceDeleteWithoutRecovery (no 7-30 day recovery window holding the name);
 * - ECR repositories: DeleteRepository with `force` (images included:
 *   https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html);
 * - log groups: DeleteLogGroup (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html);
 * - buckets: every object version and delete marker removed, then DeleteBucket (a bucket must be
 *   empty to be deleted: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html);
 * - KMS keys: ScheduleKeyDeletion with the minimum waiting period, 7 days (a key cannot be deleted
 *   at once: https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html),
 *   last, after what they encrypted.
 *
 * Every step is safe to repeat: something already gone is reported as gone. The resources come
 * from the tree's own resource list (ListStackResources), taken before DeleteStack; a destroy
 * interrupted after the stacks went finds them again in the deleted tree, which ListStackResources
 * still answers by stack ARN for 90 days, as DELETE_SKIPPED rows
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackResources.html).
 */
import { AwsError, type AwsPort, type CloudFormationPort, type StackSummary } from '../aws/port';
import { STATEFUL_RESOURCE_TYPES } from '../cfn/stateful';

export type RetainedKind = 'secret' | 'repository' | 'log-group' | 'bucket' | 'key';

/** The kind of each stateful type (src/cfn/stateful.ts): every one must have a deletion here. */
export const RETAINED_KINDS: Readonly<Record<string, RetainedKind>> = {
  'AWS::SecretsManager::Secret': 'secret',
  'AWS::ECR::Repository': 'repository',
  'AWS::Logs::LogGroup': 'log-group',
  'AWS::S3::Bucket': 'bucket',
  'AWS::KMS::Key': 'key',
};

/** Deletion order: what is encrypted before the keys that encrypt it. */
const ORDER: readonly RetainedKind[] = ['secret', 'repository', 'log-group', 'bucket', 'key'];

/** The shortest waiting period KMS allows before deleting a key. */
export const KMS_MINIMUM_PENDING_DAYS = 7;

export interface OwnedResource {
  readonly path: string;
  readonly logicalId: string;
  /** Bucket, repository or log group name; secret, load balancer or stack ARN; key id. */
  readonly physicalId: string;
}

export interface RetainedResource extends OwnedResource {
  readonly kind: RetainedKind;
  readonly resourceType: string;
}

export interface TreeStackRef {
  readonly path: string;
  readonly stackId: string;
}

export interface TreeInventory {
  readonly stacks: readonly TreeStackRef[];
  /** Resources other than nested stacks. */
  readonly resources: number;
  /** The stateful resources, which the templates retain. */
  readonly retained: readonly RetainedResource[];
  readonly loadBalancers: readonly OwnedResource[];
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';
const LOAD_BALANCER = 'AWS::ElasticLoadBalancingV2::LoadBalancer';

/**
 * The tree's stacks and resources from ListStackResources. `live`: a stack that still exists
 * (nested stacks in any state but DELETE_COMPLETE, so a DELETE_FAILED one is searched too;
 * resources not DELETE_COMPLETE, so what an earlier attempt retained is found). `deleted`: a tree
 * that is gone, read by ARN: only what it retained (DELETE_SKIPPED); a stack that no longer
 * answers is skipped.
 */
export async function inventoryTree(cfn: CloudFormationPort, rootStackId: string, mode: 'live' | 'deleted'): Promise<TreeInventory> {
  const stacks: TreeStackRef[] = [];
  const retained: RetainedResource[] = [];
  const loadBalancers: OwnedResource[] = [];
  let resources = 0;
  const visit = async (stackId: string, path: string): Promise<void> => {
    stacks.push({ path, stackId });
    let token: string | undefined;
    do {
      let page;
      try {
        page = await cfn.listStackResources(stackId, token);
      } catch (error) {
        if (mode === 'deleted' && error instanceof AwsError && error.kind === 'validation') return;
        throw error;
      }
      for (const resource of page.resources) {
        if (!resource.physicalId) continue;
        if (resource.resourceType === NESTED_STACK) {
          if (mode === 'deleted' || resource.status !== 'DELETE_COMPLETE') await visit(resource.physicalId, path ? `${path}/${resource.logicalId}` : resource.logicalId);
          continue;
        }
        const present = mode === 'live' ? resource.status !== 'DELETE_COMPLETE' : resource.status === 'DELETE_SKIPPED';
        if (!present) continue;
        resources += 1;
        const owned = { path, logicalId: resource.logicalId, physicalId: resource.physicalId };
        const kind = RETAINED_KINDS[resource.resourceType];
        if (kind) retained.push({ ...owned, kind, resourceType: resource.resourceType });
        if (resource.resourceType === LOAD_BALANCER && mode === 'live') loadBalancers.push(owned);
      }
      token = page.nextToken;
    } while (token);
  };
  await visit(rootStackId, '');
  return { stacks, resources, retained: sortForDeletion(retained), loadBalancers };
}

export function sortForDeletion(resources: readonly RetainedResource[]): RetainedResource[] {
  return [...resources].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}

/** Stateful types without a deletion here (a new stateful type must get one). */
export const statefulTypesWithoutDeletion = (): string[] => Object.keys(STATEFUL_RESOURCE_TYPES).filter((type) => !RETAINED_KINDS[type]);

/* ---------------------------------------------------------------------------------------------- */
/* A tree already deleted                                                                          */
/* ---------------------------------------------------------------------------------------------- */

/** The most recently deleted root stack of this name (ListStacks keeps deleted stacks 90 days). */
export async function lastDeletedRoot(cfn: CloudFormationPort, stackName: string): Promise<StackSummary | undefined> {
  let newest: StackSummary | undefined;
  let token: string | undefined;
  do {
    const page = await cfn.listStacks(['DELETE_COMPLETE'], token);
    for (const summary of page.stacks) {
      if (summary.stackName !== stackName || summary.parentId) continue;
      if (!newest || (summary.deletionTime?.getTime() ?? 0) > (newest.deletionTime?.getTime() ?? 0)) newest = summary;
    }
    token = page.nextToken;
  } while (token);
  return newest;
}

/** Whether a retained resource is still there to delete (read-only). */
export async function stillExists(port: AwsPort, resource: RetainedResource, owner: string): Promise<boolean> {
  switch (resource.kind) {
    case 'secret':
      return port.secrets.secretExists(resource.physicalId);
    case 'repository':
      return port.ecr.repositoryExists(resource.physicalId);
    case 'log-group':
      return port.logs.logGroupExists(resource.physicalId);
    case 'bucket':
      return (await port.s3.headBucket(resource.physicalId, owner)) === 'present';
    case 'key': {
      const state = await port.kms.keyState(resource.physicalId);
      return state !== undefined && state !== 'PendingDeletion';
    }
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* Deleting                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

export type CleanupResult =
  | { readonly result: 'deleted'; readonly removedObjects?: number }
  /** Already gone (deleted by CloudFormation, or by an earlier run). */
  | { readonly result: 'gone' }
  | { readonly result: 'key-scheduled'; readonly deletionDate?: Date; readonly pendingDays: number }
  | { readonly result: 'key-already-scheduled' };

const DELETE_BATCH = 1000;

/** Deletes every object version and delete marker; returns how many were removed. */
export async function emptyBucket(port: AwsPort, bucket: string, owner: string): Promise<number> {
  if ((await port.s3.headBucket(bucket, owner)) !== 'present') return 0;
  let removed = 0;
  for (;;) {
    const page = await port.s3.listObjectVersions(bucket, owner);
    if (page.objects.length === 0) return removed;
    for (let i = 0; i < page.objects.length; i += DELETE_BATCH) {
      const batch = page.objects.slice(i, i + DELETE_BATCH);
      await port.s3.deleteObjects(bucket, owner, batch);
      removed += batch.length;
    }
  }
}

/** Deletes one retained resource (or schedules a key's deletion); safe to repeat. */
export async function deleteRetained(port: AwsPort, resource: RetainedResource, owner: string): Promise<CleanupResult> {
  const deletedOrGone = (deleted: boolean): CleanupResult => (deleted ? { result: 'deleted' } : { result: 'gone' });
  switch (resource.kind) {
    case 'secret':
      return deletedOrGone(await port.secrets.forceDeleteSecret(resource.physicalId));
    case 'repository':
      return deletedOrGone(await port.ecr.deleteRepository(resource.physicalId));
    case 'log-group':
      return deletedOrGone(await port.logs.deleteLogGroup(resource.physicalId));
    case 'bucket': {
      const removedObjects = await emptyBucket(port, resource.physicalId, owner);
      return (await port.s3.deleteBucket(resource.physicalId, owner)) ? { result: 'deleted', removedObjects } : { result: 'gone' };
    }
    case 'key': {
      const state = await port.kms.keyState(resource.physicalId);
      if (state === undefined) return { result: 'gone' };
      if (state === 'PendingDeletion') return { result: 'key-already-scheduled' };
      const deletionDate = await port.kms.scheduleKeyDeletion(resource.physicalId, KMS_MINIMUM_PENDING_DAYS);
      return { result: 'key-scheduled', pendingDays: KMS_MINIMUM_PENDING_DAYS, ...(deletionDate ? { deletionDate } : {}) };
    }
  }
}
