/**
 * Typed IAM policy documents (cloudform types them as `any`).
 */
import { sub, type Value } from './fn';
import { isAllowedOnAnyResource } from './resource-wildcards';

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, Value<string> | readonly Value<string>[]>>>>;

export interface Principal {
  readonly AWS?: Value<string> | readonly Value<string>[];
  readonly Service?: Value<string> | readonly Value<string>[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Principal;
  readonly Action: string | readonly string[];
  readonly Resource: Value<string> | readonly Value<string>[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function allow(sid: string, actions: readonly string[], resources: readonly Value<string>[], condition?: ConditionBlock): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: [...actions], Resource: [...resources], ...(condition ? { Condition: condition } : {}) };
}

/**
 * A statement on `Resource: "*"`, accepted only for actions AWS documents without resource-level
 * permissions (see security/resource-wildcards.ts for each reason).
 */
export function unscopedStatement(sid: string, actions: readonly string[], condition?: ConditionBlock): PolicyStatement {
  const refused = actions.filter((action) => !isAllowedOnAnyResource(action));
  if (refused.length > 0) {
    throw new Error(`${sid}: ${refused.join(', ')} must be scoped to resources (not in the Resource "*" allow-list)`);
  }
  return { Sid: sid, Effect: 'Allow', Action: [...actions], Resource: '*', ...(condition ? { Condition: condition } : {}) };
}

export interface TrustPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly {
    readonly Effect: 'Allow';
    readonly Principal: Principal;
    readonly Action: 'sts:AssumeRole';
    readonly Condition?: ConditionBlock;
  }[];
}

/**
 * Trust policy for a role assumed by an AWS service. `aws:SourceAccount` pins it to this account
 * (confused-deputy protection) for services that send it; pass `pinAccount: false` for those that
 * do not (e.g. Lambda execution roles).
 */
export function serviceTrustPolicy(service: string, options: { pinAccount?: boolean } = {}): TrustPolicy {
  const pin = options.pinAccount ?? true;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(pin ? { Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } } } : {}),
      },
    ],
  };
}

/**
 * Trust policy of an ECS infrastructure role (Service Connect TLS, blue/green traffic shifting),
 * exactly as AWS documents it: `ecs.amazonaws.com` may assume the role, with no condition
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html, and
 * the load-balancer variant, AmazonECSInfrastructureRolePolicyForLoadBalancers.html). The pages do
 * not say ECS sends `aws:SourceAccount` when it assumes the role, so the platform tests no key
 * ECS may not send (checked by src/checks/cfn-lint-rules/EcsInfrastructureRoleTrust.py).
 */
export function ecsInfrastructureTrustPolicy(): TrustPolicy {
  return serviceTrustPolicy('ecs.amazonaws.com', { pinAccount: false });
}

/**
 * Metadata key marking a deployer role's policy (the bootstrap stack's execution and deploy roles)
 * whose least privilege is proven by its own test rather than by the workload-policy invariants
 * (test/stacks/invariants.test.ts): the execution role's resources are derived from the resource
 * schemas and IAM's reference, the deploy role's from the calls the deploy makes. The value names
 * that test.
 */
export const POLICY_PROOF_METADATA = 'tap:least-privilege-proof';

export function provenBy<R extends { Metadata?: Record<string, unknown> }>(resource: R, testFile: string): R {
  resource.Metadata = { ...resource.Metadata, [POLICY_PROOF_METADATA]: testFile };
  return resource;
}

/** ARN of this account's root principal (the key-administration principal in key policies). */
export const accountRootArn = (): Value<string> => sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root');
