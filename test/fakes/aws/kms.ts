/**
 * The fake KMS: keys stacks created, with their state, and the `AWS::KMS::Key` resource.
 *
 * Documented behaviour it follows
 * - `Ref` of a key is its key id (a UUID)
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html).
 * - CloudFormation deletes a key by scheduling its deletion (PendingDeletion): "AWS KMS does not
 *   delete the KMS key immediately" (same page, PendingWindowInDays).
 * - ScheduleKeyDeletion takes 7-30 days and answers the deletion date; a key already pending
 *   deletion is KMSInvalidStateException; an unknown key is NotFoundException
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html).
 */
import type { KeysPort, KeyState } from '../../../src/aws/port';
import type { ResourceProvider } from './cloudformation/resources';
import { awsError, type Call, type FakeCore } from './core';

export class FakeKms {
  /** KMS keys by key id, with their KeyState and, once scheduled, the deletion date. */
  readonly kmsKeys = new Map<string, { state: KeyState; deletionDate?: Date; pendingWindowInDays?: number }>();

  constructor(private readonly core: FakeCore) {}

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::KMS::Key': {
      physicalId: ({ logicalId, suffix }) => `${suffix.slice(-8)}-0000-4000-8000-${logicalId.toLowerCase().slice(0, 12).padEnd(12, '0')}`,
      apply: (physicalId) => {
        if (!this.kmsKeys.has(physicalId)) this.kmsKeys.set(physicalId, { state: 'Enabled' });
      },
      delete: (physicalId) => {
        const key = this.kmsKeys.get(physicalId);
        if (key) key.state = 'PendingDeletion';
      },
    },
  };

  port(call: Call): KeysPort {
    return {
      keyState: (id) => call('kms.keyState', [id], () => this.kmsKeys.get(id)?.state),
      scheduleKeyDeletion: (id, days) =>
        call('kms.scheduleKeyDeletion', [id, days], () => {
          const key = this.kmsKeys.get(id);
          if (!key) throw awsError('NotFoundException', `Key '${id}' does not exist`, 'kms.scheduleKeyDeletion', 400);
          if (days < 7 || days > 30) throw awsError('ValidationException', `PendingWindowInDays must be between 7 and 30, got ${days}`, 'kms.scheduleKeyDeletion', 400);
          if (key.state === 'PendingDeletion') throw awsError('KMSInvalidStateException', `${id} is pending deletion.`, 'kms.scheduleKeyDeletion', 400);
          key.state = 'PendingDeletion';
          key.pendingWindowInDays = days;
          key.deletionDate = new Date(this.core.clock.now() + days * 86_400_000);
          return key.deletionDate;
        }),
    };
  }
}
