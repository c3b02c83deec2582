/**
 * The five Secrets Manager calls a rotation function makes, behind a narrow interface so the
 * protocol can be driven by an in-memory fake in unit tests and by the real SDK against moto (or
 * AWS) in integration tests.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

export type StagingLabel = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';

export interface SecretDescription {
  readonly arn: string;
  readonly rotationEnabled: boolean;
  /** DescribeSecret's `VersionIdsToStages`: version id → staging labels. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface RandomPasswordRequest {
  readonly length: number;
  readonly excludeCharacters?: string;
  /** Leaves out every punctuation character (the result is letters and digits only). */
  readonly excludePunctuation?: boolean;
}

export interface SecretsApi {
  describe(secretId: string): Promise<SecretDescription>;
  /**
   * The SecretString labelled `stage` (of version `versionId` when given). `undefined` when
   * Secrets Manager has no such value (ResourceNotFoundException): no version carries the label,
   * or the version exists but is still the empty placeholder RotateSecret creates.
   */
  getValue(secretId: string, stage: StagingLabel, versionId?: string): Promise<string | undefined>;
  /** PutSecretValue(ClientRequestToken = versionId, VersionStages = [AWSPENDING]). */
  putPendingValue(secretId: string, versionId: string, secretString: string): Promise<void>;
  /** Moves AWSCURRENT; Secrets Manager then labels `fromVersionId` AWSPREVIOUS by itself. */
  moveCurrent(secretId: string, toVersionId: string, fromVersionId: string): Promise<void>;
  randomPassword(request: RandomPasswordRequest): Promise<string>;
}

/**
 * The SDK client: `SECRETS_MANAGER_ENDPOINT` (set by the template, e.g. for a VPC endpoint) wins;
 * without it the SDK resolves the endpoint itself, which includes `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`.
 */
export function secretsManagerClient(env: NodeJS.ProcessEnv = process.env): SecretsManagerClient {
  const endpoint = env['SECRETS_MANAGER_ENDPOINT'];
  return new SecretsManagerClient(endpoint ? { endpoint } : {});
}

function isNotFound(error: unknown): boolean {
  // By name rather than instanceof: the bundle and a test may load different copies of the SDK.
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

export function sdkSecretsApi(client: SecretsManagerClient = secretsManagerClient()): SecretsApi {
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      if (!out.ARN) throw new Error(`DescribeSecret returned no ARN for ${secretId}`);
      const tags: Record<string, string> = {};
      for (const tag of out.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
      return {
        arn: out.ARN,
        rotationEnabled: out.RotationEnabled === true,
        versions: out.VersionIdsToStages ?? {},
        tags,
      };
    },
    async getValue(secretId, stage, versionId) {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
        if (out.SecretString === undefined) {
          throw new Error(`version ${out.VersionId ?? '?'} (${stage}) of ${secretId} has no SecretString; binary secrets cannot be rotated by this function`);
        }
        return out.SecretString;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async putPendingValue(secretId, versionId, secretString) {
      await client.send(new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: versionId,
        SecretString: secretString,
        VersionStages: ['AWSPENDING'],
      }));
    },
    async moveCurrent(secretId, toVersionId, fromVersionId) {
      await client.send(new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: toVersionId,
        RemoveFromVersionId: fromVersionId,
      }));
    },
    async randomPassword(request) {
      const out = await client.send(new GetRandomPasswordCommand({
        PasswordLength: request.length,
        ExcludeCharacters: request.excludeCharacters,
        ExcludePunctuation: request.excludePunctuation,
        IncludeSpace: false,
        RequireEachIncludedType: true,
      }));
      if (!out.RandomPassword) throw new Error('GetRandomPassword returned no password');
      return out.RandomPassword;
    },
  };
}
