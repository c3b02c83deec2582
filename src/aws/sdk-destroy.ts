/**
 * The SDK adapter of the destroy groups of the port (port.ts, "Destroy" section): ELBv2 deletion
 * protection, ECR repositories, CloudWatch Logs log groups and KMS keys. Their clients are loaded
 * on first use, so the commands that never destroy (every one but `destroy`) start as fast as
 * before. Same rules as sdk.ts: region from the params file, `maxAttempts: 1` (retry.ts is the
 * only retry layer), `AWS_ENDPOINT_URL[_<SERVICE>]` honoured, every error an `AwsError`, and
 * "does not exist" answered as a value.
 *
 * Error codes of "does not exist", from each API reference's Errors section:
 * - DescribeLoadBalancerAttributes: LoadBalancerNotFound (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeLoadBalancerAttributes.html)
 * - DescribeRepositories / DeleteRepository: RepositoryNotFoundException (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html)
 * - DeleteLogGroup: ResourceNotFoundException (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DeleteLogGroup.html)
 * - DescribeKey: NotFoundException (https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html)
 */
import { KEY_STATES, type AwsError, type KeysPort, type LoadBalancingPort, type LogGroupsPort, type RegistryPort } from './port';
import { endpointFor, type EnvironmentVariables } from './endpoint';

export interface DestroyAdapterContext {
  readonly region: string;
  readonly env: EnvironmentVariables;
  /** Runs one request, turning any SDK error into an AwsError named after `operation`. */
  readonly call: <T>(operation: string, run: () => Promise<T>) => Promise<T>;
  readonly classify: (error: unknown, operation: string) => AwsError;
  readonly recognize: <T extends string>(known: readonly T[], value: string | undefined) => T | `unrecognized:${string}`;
}

const HTTP = { requestTimeout: 60_000, connectionTimeout: 10_000 } as const;

/** A value built once, on first use. */
function lazy<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => (built ??= build());
}

/** `undefined` when the request failed because the thing does not exist (one of `codes`). */
async function unlessMissing<T>(ctx: DestroyAdapterContext, operation: string, codes: readonly string[], run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    const classified = ctx.classify(error, operation);
    if (codes.includes(classified.code)) return undefined;
    throw classified;
  }
}

export function createDestroyGroups(ctx: DestroyAdapterContext): { elbv2: LoadBalancingPort; ecr: RegistryPort; logs: LogGroupsPort; kms: KeysPort } {
  const options = (service: string) => {
    const endpoint = endpointFor(ctx.env, service);
    return { region: ctx.region, maxAttempts: 1, requestHandler: HTTP, ...(endpoint ? { endpoint } : {}) };
  };
  const elbv2Sdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-elastic-load-balancing-v2');
    return { sdk, client: new sdk.ElasticLoadBalancingV2Client(options('ELASTIC_LOAD_BALANCING_V2')) };
  });
  const ecrSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-ecr');
    return { sdk, client: new sdk.ECRClient(options('ECR')) };
  });
  const logsSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-cloudwatch-logs');
    return { sdk, client: new sdk.CloudWatchLogsClient(options('CLOUDWATCH_LOGS')) };
  });
  const kmsSdk = lazy(async () => {
    const sdk = await import('@aws-sdk/client-kms');
    return { sdk, client: new sdk.KMSClient(options('KMS')) };
  });
  const DELETION_PROTECTION = 'deletion_protection.enabled';

  const elbv2: LoadBalancingPort = {
    deletionProtection: (arn) =>
      unlessMissing(ctx, 'elbv2.deletionProtection', ['LoadBalancerNotFound', 'LoadBalancerNotFoundException'], async () => {
        const { sdk, client } = await elbv2Sdk();
        const answer = await client.send(new sdk.DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }));
        return (answer.Attributes ?? []).some((a) => a.Key === DELETION_PROTECTION && a.Value === 'true');
      }),
    setDeletionProtection: (arn, enabled) =>
      ctx.call('elbv2.setDeletionProtection', async () => {
        const { sdk, client } = await elbv2Sdk();
        await client.send(new sdk.ModifyLoadBalancerAttributesCommand({ LoadBalancerArn: arn, Attributes: [{ Key: DELETION_PROTECTION, Value: String(enabled) }] }));
      }),
  };

  const REPOSITORY_MISSING = ['RepositoryNotFoundException'];
  const ecr: RegistryPort = {
    repositoryExists: async (name) =>
      (await unlessMissing(ctx, 'ecr.repositoryExists', REPOSITORY_MISSING, async () => {
        const { sdk, client } = await ecrSdk();
        const answer = await client.send(new sdk.DescribeRepositoriesCommand({ repositoryNames: [name] }));
        return (answer.repositories ?? []).some((r) => r.repositoryName === name);
      })) ?? false,
    deleteRepository: async (name) =>
      (await unlessMissing(ctx, 'ecr.deleteRepository', REPOSITORY_MISSING, async () => {
        const { sdk, client } = await ecrSdk();
        await client.send(new sdk.DeleteRepositoryCommand({ repositoryName: name, force: true }));
        return true;
      })) ?? false,
  };

  const logs: LogGroupsPort = {
    logGroupExists: (name) =>
      ctx.call('logs.logGroupExists', async () => {
        const { sdk, client } = await logsSdk();
        // One result is enough: results are ASCII-sorted by name, so the exact name comes before every
        // longer one it prefixes (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html).
        const answer = await client.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 1 }));
        return (answer.logGroups ?? []).some((g) => g.logGroupName === name);
      }),
    deleteLogGroup: async (name) =>
      (await unlessMissing(ctx, 'logs.deleteLogGroup', ['ResourceNotFoundException'], async () => {
        const { sdk, client } = await logsSdk();
        await client.send(new sdk.DeleteLogGroupCommand({ logGroupName: name }));
        return true;
      })) ?? false,
  };

  const kms: KeysPort = {
    keyState: (keyId) =>
      unlessMissing(ctx, 'kms.keyState', ['NotFoundException'], async () => {
        const { sdk, client } = await kmsSdk();
        const answer = await client.send(new sdk.DescribeKeyCommand({ KeyId: keyId }));
        return ctx.recognize(KEY_STATES, answer.KeyMetadata?.KeyState);
      }),
    scheduleKeyDeletion: (keyId, days) =>
      ctx.call('kms.scheduleKeyDeletion', async () => {
        const { sdk, client } = await kmsSdk();
        const answer = await client.send(new sdk.ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: days }));
        return answer.DeletionDate;
      }),
  };

  return { elbv2, ecr, logs, kms };
}
