/**
 * The fake Secrets Manager: the secrets stacks created, and the `AWS::SecretsManager::Secret`
 * resource.
 *
 * Documented behaviour it follows
 * - CloudFormation deletes a secret by scheduling its deletion; the name stays taken until the
 *   recovery window ends ("Secrets Manager doesn't immediately delete secrets. Instead, Secrets
 *   Manager immediately makes the secrets inaccessible and scheduled for deletion after a recovery
 *   window": https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-secret.html).
 *   DescribeSecret still answers such a secret (`secretExists` is true).
 * - DeleteSecret with ForceDeleteWithoutRecovery deletes at once; a secret that does not exist is
 *   ResourceNotFoundException (the port answers false)
 *   (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html).
 * - A secret's ARN ends in its name, a hyphen and six random characters
 *   (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources).
 * - DeleteSecret without ForceDeleteWithoutRecovery uses a 30-day recovery window by default;
 *   DescribeSecret then answers the date it is scheduled for deletion (DeletedDate)
 *   (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html,
 *   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html).
 * - DescribeSecret answers the live rotation state (live.ts) of a secret the deployed stacks
 *   rotate; any other secret as a new one is: no rotation, one version labelled AWSCURRENT.
 * Worst case for secrets hygiene: what a `{{resolve:secretsmanager:…}}` reference resolves to is
 * echoed wherever CloudFormation shows a property value (`resolvedSecrets`), so a test proves the
 * toolkit never prints it.
 */
import type { SecretDescription, SecretsPort } from '../../../src/aws/port';
import type { ResourceProvider } from './cloudformation/resources';
import type { Call, FakeCore } from './core';
import type { FakeLive } from './live';

/** DeleteSecret's default recovery window (RecoveryWindowInDays: "If you don't use either, then by default Secrets Manager uses a 30 day recovery window"). */
const RECOVERY_WINDOW_DAYS = 30;

export class FakeSecrets {
  readonly secrets = new Map<string, { name: string; state: 'active' | 'scheduled-for-deletion'; deletedDate?: Date }>();
  /** Secrets as resolved values (what a `{{resolve:…}}` reference would become): worst-case echo. */
  readonly resolvedSecrets = new Map<string, string>();

  constructor(private readonly core: FakeCore) {}

  /** `value` with every known dynamic reference replaced by the secret it resolves to. */
  resolve(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    let resolved = value;
    for (const [reference, secret] of this.resolvedSecrets) resolved = resolved.split(reference).join(secret);
    return resolved;
  }

  /** Deletion with DeleteSecret's default recovery window (the window CloudFormation's deletion uses is not documented). */
  scheduleDeletion(arn: string): void {
    const secret = this.secrets.get(arn);
    if (!secret) return;
    secret.state = 'scheduled-for-deletion';
    secret.deletedDate = new Date(this.core.clock.now() + RECOVERY_WINDOW_DAYS * 86_400_000);
  }

  /**
   * DescribeSecret of a secret that has no live rotation state (live.ts): its name, no rotation,
   * one version labelled AWSCURRENT (what a new secret has), and the deletion date once scheduled.
   */
  private describeStored(arn: string): SecretDescription | undefined {
    const secret = this.secrets.get(arn);
    if (!secret) return undefined;
    return {
      arn,
      name: secret.name.replace(/-[A-Za-z0-9]{6}$/, ''),
      rotationEnabled: false,
      ...(secret.deletedDate ? { deletedDate: secret.deletedDate } : {}),
      versionStages: { [`${arn.slice(-6)}-v1`]: ['AWSCURRENT'] },
    };
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::SecretsManager::Secret': {
      physicalId: ({ logicalId, suffix, properties }) => {
        const name = typeof properties?.['Name'] === 'string' ? properties['Name'] : `${logicalId}-${suffix}`;
        return `arn:aws:secretsmanager:${this.core.region}:${this.core.account}:secret:${name}-AbCdEf`;
      },
      apply: (physicalId) => {
        this.secrets.set(physicalId, { name: physicalId.split(':').pop() ?? physicalId, state: 'active' });
      },
      delete: (physicalId) => this.scheduleDeletion(physicalId),
    },
  };

  port(call: Call, live: FakeLive): SecretsPort {
    return {
      forceDeleteSecret: (id) =>
        call('secrets.forceDeleteSecret', [id], () => {
          if (!this.secrets.has(id)) return false;
          this.secrets.delete(id);
          return true;
        }),
      secretExists: (id) => call('secrets.secretExists', [id], () => this.secrets.has(id)),
      describeSecret: (id) => call('secrets.describeSecret', [id], () => live.describeSecret(id) ?? this.describeStored(id)),
    };
  }
}
