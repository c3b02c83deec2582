/**
 * An in-memory Secrets Manager for one secret, implementing the rotation function's `SecretsApi`
 * with the documented semantics of the real service:
 *
 * - staging labels are unique within a secret: attaching AWSPENDING to a version removes it from
 *   any other (PutSecretValue with VersionStages);
 * - RotateSecret (`startRotation`) creates the token version with AWSPENDING and *no value*, and
 *   refuses while AWSPENDING sits on a version other than AWSCURRENT's (rotation in progress);
 * - GetSecretValue of a version without a value, or of a label no version carries, is
 *   ResourceNotFoundException (here: `undefined`, as the SDK adapter maps it);
 * - PutSecretValue with a token that already has a value: same value → no-op, different value →
 *   ResourceExistsException;
 * - UpdateSecretVersionStage(AWSCURRENT) needs RemoveFromVersionId = the version holding it, and
 *   moves AWSPREVIOUS onto that version by itself;
 * - DescribeSecret's VersionIdsToStages lists only versions that still carry a label.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { RandomPasswordRequest, SecretDescription, SecretsApi, StagingLabel } from '../../../../src/lambdas/rotation/secrets-api';

interface Version {
  value: string | undefined;
  labels: Set<string>;
}

export class AwsLikeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
/** GetRandomPassword's punctuation set. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export type Call = readonly [method: string, ...args: string[]];

export class FakeSecretsManager implements SecretsApi {
  readonly arn: string;
  rotationEnabled = true;
  tags: Record<string, string> = {};
  readonly calls: Call[] = [];
  readonly passwordRequests: RandomPasswordRequest[] = [];
  /** Every value GetRandomPassword returned. */
  readonly generated: string[] = [];
  private readonly versions = new Map<string, Version>();
  /** Makes the next call of `method` throw `error` (once). */
  private readonly failures = new Map<string, Error>();

  constructor(readonly name: string, initialValue: string, readonly firstVersionId: string = randomUUID()) {
    this.arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
    this.versions.set(firstVersionId, { value: initialValue, labels: new Set(['AWSCURRENT']) });
  }

  failNext(method: keyof SecretsApi, error: Error): void {
    this.failures.set(method, error);
  }

  private enter(method: string, ...args: string[]): void {
    this.calls.push([method, ...args]);
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private checkId(secretId: string): void {
    if (secretId !== this.arn && secretId !== this.name) {
      throw new AwsLikeError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
  }

  private holderOf(label: string): string | undefined {
    for (const [id, version] of this.versions) if (version.labels.has(label)) return id;
    return undefined;
  }

  private attach(label: string, versionId: string): void {
    for (const version of this.versions.values()) version.labels.delete(label);
    this.versions.get(versionId)?.labels.add(label);
  }

  /** What RotateSecret does before invoking the function: returns the new token. */
  startRotation(token: string = randomUUID()): string {
    const pending = this.holderOf('AWSPENDING');
    if (pending !== undefined && pending !== this.holderOf('AWSCURRENT')) {
      throw new AwsLikeError('InvalidRequestException', 'A previous rotation isn\'t complete. That rotation will be reattempted.');
    }
    this.versions.set(token, { value: undefined, labels: new Set() });
    this.attach('AWSPENDING', token);
    return token;
  }

  labels(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [id, version] of this.versions) if (version.labels.size > 0) out[id] = [...version.labels].sort();
    return out;
  }

  valueOf(label: StagingLabel): string | undefined {
    const id = this.holderOf(label);
    return id === undefined ? undefined : this.versions.get(id)?.value;
  }

  /** Stores a value directly (a test setting up a state the function did not create). */
  setValue(versionId: string, value: string): void {
    const version = this.versions.get(versionId);
    if (!version) throw new Error(`no version ${versionId}`);
    version.value = value;
  }

  async describe(secretId: string): Promise<SecretDescription> {
    this.enter('describe');
    this.checkId(secretId);
    const versions: Record<string, string[]> = {};
    for (const [id, version] of this.versions) if (version.labels.size > 0) versions[id] = [...version.labels];
    return { arn: this.arn, rotationEnabled: this.rotationEnabled, versions, tags: { ...this.tags } };
  }

  async getValue(secretId: string, stage: StagingLabel, versionId?: string): Promise<string | undefined> {
    this.enter('getValue', stage, ...(versionId ? [versionId] : []));
    this.checkId(secretId);
    const id = versionId ?? this.holderOf(stage);
    const version = id === undefined ? undefined : this.versions.get(id);
    if (!version) return undefined;
    if (!version.labels.has(stage)) {
      throw new AwsLikeError('InvalidRequestException', 'You provided a VersionStage that is not associated to the provided VersionId.');
    }
    return version.value;
  }

  async putPendingValue(secretId: string, versionId: string, secretString: string): Promise<void> {
    this.enter('putPendingValue', versionId);
    this.checkId(secretId);
    const existing = this.versions.get(versionId);
    if (existing?.value !== undefined && existing.value !== secretString) {
      throw new AwsLikeError('ResourceExistsException', `You can't use ClientRequestToken ${versionId} because that value is already in use for a version of secret ${this.arn}.`);
    }
    if (existing) existing.value = secretString;
    else this.versions.set(versionId, { value: secretString, labels: new Set() });
    this.attach('AWSPENDING', versionId);
  }

  async moveCurrent(secretId: string, toVersionId: string, fromVersionId: string): Promise<void> {
    this.enter('moveCurrent', toVersionId, fromVersionId);
    this.checkId(secretId);
    const to = this.versions.get(toVersionId);
    const from = this.versions.get(fromVersionId);
    if (!to || !from) throw new AwsLikeError('InvalidParameterException', 'Not a valid version');
    if (!from.labels.has('AWSCURRENT')) {
      throw new AwsLikeError('InvalidParameterException', `Version stage AWSCURRENT not found in version ${fromVersionId}`);
    }
    from.labels.delete('AWSCURRENT');
    to.labels.add('AWSCURRENT');
    this.attach('AWSPREVIOUS', fromVersionId);
  }

  async randomPassword(request: RandomPasswordRequest): Promise<string> {
    this.enter('randomPassword');
    this.passwordRequests.push(request);
    const excluded = new Set(request.excludeCharacters ?? '');
    const pools = [LOWER, UPPER, DIGITS, ...(request.excludePunctuation ? [] : [PUNCTUATION])]
      .map((pool) => [...pool].filter((c) => !excluded.has(c)).join(''))
      .filter((pool) => pool.length > 0);
    const alphabet = pools.join('');
    // RequireEachIncludedType: one character from each pool, the rest from all of them.
    const chars = pools.map((pool) => pool[randomInt(pool.length)] as string);
    while (chars.length < request.length) chars.push(alphabet[randomInt(alphabet.length)] as string);
    const password = chars.join('');
    this.generated.push(password);
    return password;
  }
}
