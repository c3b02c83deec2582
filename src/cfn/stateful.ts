/**
 * Resource types that hold data or keys a platform cannot recreate (P-DATA). One list drives:
 * - the templates: static retention policies on every one of them (STATEFUL_RETENTION below);
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

/**
 * Retention of every stateful resource, in every environment: DeletionPolicy
 * `RetainExceptOnCreate`, UpdateReplacePolicy `Retain`, as literal strings.
 *
 * Why static (docs/decisions.md): choosing the policy per environment needs `Fn::If` in these
 * attributes, which CloudFormation accepts only under the AWS::LanguageExtensions transform
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/function-refs-in-policy-attributes.html),
 * and that transform rejects the placeholder values nested change sets pass between sibling
 * stacks ("Usage of {{IntrinsicFunction:...}} is not allowed",
 * https://github.com/aws-cloudformation/cfn-language-discussion/issues/152, open). No AWS page
 * says the transform is safe there, so no template uses it.
 *
 * RetainExceptOnCreate keeps the resource on stack deletion and removal, except when the operation
 * that created it rolls back: a failed first deploy leaves nothing behind
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).
 * UpdateReplacePolicy has no such value, so a replaced resource's old copy is retained.
 *
 * Consequence outside prod (DataProtection=delete): deleting the stacks leaves these behind, and
 * `make destroy` must delete them for dev and staging to be fully destroyable. Exactly, per
 * environment <env>:
 * - AWS::ECR::Repository     `ecr-<service>-<env>`, one per catalog service (registry stack)
 * - AWS::SecretsManager::Secret `secret-<secret>-<service>-<env>`, one per catalog secret
 * - AWS::Logs::LogGroup       `logs-<owner>-<env>` (logGroupNameTemplate), owner = each service,
 *   `ecs-exec`, `vpc-flow`, `fn-lock-default-sg`, `fn-rotate-api-key`, `fn-rotate-database`
 * - AWS::KMS::Key            unnamed; found by alias `alias/key-<owner>-<env>` (the alias itself is
 *   deleted with the stack): each service, `ecs-exec`, `alarms`, `network`, `registry`, `rotation`
 * - AWS::S3::Bucket          the ALB access-log bucket (cluster stack, generated name, versioned)
 * (The bootstrap stack is deployed on its own and keeps per-environment retention; see
 * StackSpec.standalone in stack.ts.)
 * In prod nothing changes: everything above survives deletion and replacement, as before.
 */
export const STATEFUL_RETENTION = { deletion: 'RetainExceptOnCreate', updateReplace: 'Retain' } as const;

/**
 * The condition stacks declare from their DataProtection parameter, for the choices that stay
 * per environment and are plain properties: KMS deletion window, ECR EmptyOnDelete, ALB deletion
 * protection. (A condition over a root parameter is known in every nested change set.)
 */
export const RETAIN_CONDITION = 'RetainStatefulResources';
