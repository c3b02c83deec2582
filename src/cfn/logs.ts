/**
 * P-OBS: every log group has the platform retention and a customer-managed KMS key.
 */
import Logs from 'cloudform-types/types/logs';
import { type Value } from './fn';
import { LOG_RETENTION_DAYS } from '../catalog/platform';
import { nameTemplate } from './names';

/** Name template of a log group: `logs-{owner}-${Environment}`. */
export function logGroupNameTemplate(owner: string): string {
  return nameTemplate('logs', owner);
}

/** ARN pattern (for KMS encryption-context conditions) of the log group `logs-{owner}-{env}`. */
export function logGroupArnTemplate(ownerPattern: string): string {
  return `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${logGroupNameTemplate(ownerPattern)}`;
}

export function encryptedLogGroup(name: Value<string>, kmsKeyArn: Value<string>): Logs.LogGroup {
  return new Logs.LogGroup({ LogGroupName: name, RetentionInDays: LOG_RETENTION_DAYS, KmsKeyId: kmsKeyArn });
}
