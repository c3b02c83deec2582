/**
 * Resource types that hold data or keys a platform cannot recreate (P-DATA). One list drives:
 * - the templates: DeletionPolicy/UpdateReplacePolicy `Retain` when DataProtection=retain;
 * - the deploy: the stack policy that denies replacing or deleting them;
 * - the review: data-loss findings when a change set would replace or delete one.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::ECR::Repository': 'container images: releases cannot be rebuilt bit-for-bit',
  'AWS::SecretsManager::Secret': 'credentials and API keys in use by running tasks',
  'AWS::Logs::LogGroup': 'audit and application logs under retention',
  'AWS::KMS::Key': 'deleting a key makes everything it encrypted unreadable',
  'AWS::S3::Bucket': 'access logs under retention',
};

export function isStatefulType(resourceType: string): boolean {
  return Object.prototype.hasOwnProperty.call(STATEFUL_RESOURCE_TYPES, resourceType);
}

/** The condition every stack with stateful resources declares (from its DataProtection parameter). */
export const RETAIN_CONDITION = 'RetainStatefulResources';
