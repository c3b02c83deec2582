/**
 * Customer-managed KMS keys. The account root may administer a key but not use it: use is granted
 * statement by statement (a service principal, or IAM principals through one AWS service).
 * In a key policy `Resource: "*"` means "this key" (AWS requires that form).
 */
import KMS from 'cloudform-types/types/kms';
import { Fn, sub } from './fn';
import { accountRootArn, policyDocument, type PolicyStatement } from './iam';
import { kmsAliasName } from './names';
import { RETAIN_CONDITION } from './stateful';

/** The console's default key-administrator actions, without use (Encrypt/Decrypt) rights. */
const KEY_ADMIN_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
  'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource',
  'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];

const KEY_USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'];

function adminStatement(): PolicyStatement {
  return { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: accountRootArn() }, Action: KEY_ADMIN_ACTIONS, Resource: '*' };
}

/** Lets CloudWatch Logs use the key for the log groups whose ARNs match the given templates. */
export function logsServiceUse(logGroupArnTemplates: readonly string[]): PolicyStatement {
  return {
    Sid: 'CloudWatchLogsEncryptsLogGroups',
    Effect: 'Allow',
    Principal: { Service: sub('logs.${AWS::Region}.amazonaws.com') },
    Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
    Resource: '*',
    // The encryption context is the log-group ARN without ":*"; built with Sub to avoid a cycle.
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArnTemplates.map((arn) => sub(arn)) } },
  };
}

/**
 * Lets principals of this account use the key only through `service` (e.g. secretsmanager, ecr);
 * each principal still needs its own IAM permission, so this delegates to scoped IAM policies.
 */
export function useThroughService(sid: string, service: string, actions: readonly string[] = KEY_USE_ACTIONS): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: accountRootArn() },
    Action: [...actions],
    Resource: '*',
    Condition: {
      StringEquals: {
        'kms:ViaService': sub(`${service}.\${AWS::Region}.amazonaws.com`),
        'kms:CallerAccount': sub('${AWS::AccountId}'),
      },
    },
  };
}

/** Lets IAM policies of this account grant use of the key (for callers outside the stack). */
export function useDelegatedToIam(sid: string, actions: readonly string[]): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Principal: { AWS: accountRootArn() }, Action: [...actions], Resource: '*' };
}

export function customerKey(description: string, statements: readonly PolicyStatement[]): KMS.Key {
  return new KMS.Key({
    Description: description,
    EnableKeyRotation: true,
    // A retained (prod) key gets the longest window to undo a mistaken deletion.
    PendingWindowInDays: Fn.If(RETAIN_CONDITION, 30, 7),
    KeyPolicy: policyDocument([adminStatement(), ...statements]),
  });
}

export function keyAlias(owner: string, keyLogicalId: string): KMS.Alias {
  return new KMS.Alias({ AliasName: kmsAliasName(owner), TargetKeyId: Fn.Ref(keyLogicalId) });
}
