/**
 * Listener rules whose forward weights ECS owns. During a native blue/green deployment ECS rewrites
 * the production (and test) rule's weighted forward action and swings it on every deployment; any
 * later stack update that re-applies the rule's `Actions` resets the weights to the template's and
 * can send production traffic to a target group without tasks
 * (https://github.com/aws/aws-cdk/issues/36649, open; ECS validating live weights first is
 * requested in https://github.com/aws/containers-roadmap/issues/2853).
 *
 * The template side of the protection: each such rule carries a machine-readable marker in its
 * Metadata, under a stable logical id, so the deploy can protect exactly these rules with a stack
 * policy (`Deny Update:*` on their logical ids) and release one only when it is named. The rules'
 * properties reference nothing that changes in normal evolution (their listener parameter, their
 * two target groups, the catalog's priority and paths), so no routine deploy needs to update them.
 */
import type { ResourceBase } from 'cloudform-types/types/resource';
import { isJsonObject, type TemplateJson } from '../core/template-json';

export const ECS_MANAGED_LISTENER_RULE = 'tap:ecs-managed-listener-rule';

export interface EcsManagedListenerRule {
  /** Logical id of the ECS service (same template) whose deployments own the rule's weights. */
  readonly service: string;
  readonly listener: 'production' | 'test';
  readonly source: string;
}

export function markEcsManaged<R extends ResourceBase>(rule: R, marker: Omit<EcsManagedListenerRule, 'source'>): R {
  rule.Metadata = { ...rule.Metadata, [ECS_MANAGED_LISTENER_RULE]: { ...marker, source: 'https://github.com/aws/aws-cdk/issues/36649' } };
  return rule;
}

/** The marked listener rules of a rendered template, by logical id. */
export function ecsManagedListenerRules(template: TemplateJson): { readonly logicalId: string; readonly marker: EcsManagedListenerRule }[] {
  const found: { logicalId: string; marker: EcsManagedListenerRule }[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const marker = resource.Metadata?.[ECS_MANAGED_LISTENER_RULE];
    if (resource.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule' || !isJsonObject(marker)) continue;
    const { service, listener, source } = marker;
    if (typeof service === 'string' && (listener === 'production' || listener === 'test') && typeof source === 'string') {
      found.push({ logicalId, marker: { service, listener, source } });
    }
  }
  return found;
}
