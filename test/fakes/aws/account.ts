/**
 * What differs between AWS accounts and matters to a first deploy: the account's Lambda
 * concurrency quota and whether ECS can create its service-linked role when it first needs it.
 *
 * Documented behaviour it follows
 * - "The default concurrency limit across all functions per Region in an account is 1,000"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html); new accounts get less
 *   (10 or 50: "Full account concurrency is 10 and Unreserved account concurrency is 10" in a new
 *   account, awslabs/fhir-works-on-aws-deployment#691; "Concurrent Lambda execution limits are set
 *   very low (50) when an account is first created", awslabs/amazon-neptune-tools#324). Not
 *   documented as a number by AWS.
 * - ECS creates AWSServiceRoleForECS itself ("you don't need to manually create a service-linked
 *   role": https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html);
 *   CreateCluster "attempts to create" it, and "if the user that makes the call doesn't have
 *   permissions to create the service-linked role, it isn't created"
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCluster.html). Not
 *   documented: that the first cluster of a new account fails even when it may create it ("Unable
 *   to assume the service linked role. Please verify that the ECS service linked role exists",
 *   https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/818, closed and
 *   moved to https://github.com/aws/containers-roadmap/issues/2614, open: a race between creating
 *   the role and assuming it). The fake's new account always fails, which is the case to design for.
 */
export interface AccountProfile {
  /** Lambda's concurrent executions quota in the Region. */
  readonly lambdaConcurrency: number;
  /** Whether ECS can create its service-linked role on demand; when false, ECS needs it to exist. */
  readonly ecsServiceLinkedRoleOnDemand: boolean;
}

/** An account in use for a while: AWS's default quota, and ECS's role created when needed (every existing scenario). */
export const ESTABLISHED_ACCOUNT: AccountProfile = { lambdaConcurrency: 1000, ecsServiceLinkedRoleOnDemand: true };

/** A new account: a concurrency quota of 10, and no ECS service-linked role until someone creates it. */
export const NEW_ACCOUNT: AccountProfile = { lambdaConcurrency: 10, ecsServiceLinkedRoleOnDemand: false };
