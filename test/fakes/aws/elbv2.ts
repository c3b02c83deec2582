/**
 * The fake Elastic Load Balancing v2: load balancers with their deletion protection, and the
 * `LoadBalancer`, `TargetGroup` and `ListenerRule` resources. Target health and listener rules as
 * verify reads them are live state (live.ts).
 *
 * Documented behaviour it follows
 * - An ALB with `deletion_protection.enabled` cannot be deleted: CloudFormation's deletion ends
 *   DELETE_FAILED with ELB's OperationNotPermitted ("you must disable deletion protection before
 *   you can delete the load balancer":
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection;
 *   the message as CloudFormation shows it: https://github.com/aws-cloudformation/rain/issues/187).
 * - ModifyLoadBalancerAttributes of an unknown load balancer is LoadBalancerNotFound
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyLoadBalancerAttributes.html).
 * - Updating a listener rule re-applies its actions: the weights ECS set during blue/green go back
 *   to the template's (aws/aws-cdk#36649, open; live.ts).
 * - `Ref` of a load balancer, target group or listener rule is its ARN; an ALB's `DNSName` is
 *   `<name>-<id>.<region>.elb.amazonaws.com`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html).
 */
import type { Elbv2Port } from '../../../src/aws/port';
import type { JsonObject } from '../../../src/core/template-json';
import { handlerMessage, type ResourceProvider } from './cloudformation/resources';
import { awsError, type Call, type FakeCore } from './core';
import { forwardsOf, type FakeLive } from './live';

export class FakeElbv2 {
  /** Load balancers by ARN, with `deletion_protection.enabled`. */
  readonly loadBalancers = new Map<string, { deletionProtection: boolean }>();

  constructor(private readonly core: FakeCore, private readonly live: FakeLive) {}

  private arn(kind: string, path: string): string {
    return `arn:aws:elasticloadbalancing:${this.core.region}:${this.core.account}:${kind}/${path}`;
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::ElasticLoadBalancingV2::LoadBalancer': {
      physicalId: ({ logicalId, suffix, properties }) => this.arn('loadbalancer', `app/${typeof properties?.['Name'] === 'string' ? properties['Name'] : logicalId}/${suffix.toLowerCase()}`),
      attribute: (resource, attribute) => {
        if (attribute !== 'DNSName') return undefined;
        const alb = /:loadbalancer\/app\/([^/]+)\/([^/]+)$/.exec(resource.physicalId);
        return `${alb ? `${alb[1]}-${alb[2]}` : resource.physicalId}`.toLowerCase().replace(/[^a-z0-9-]/g, '-') + `.${this.core.region}.elb.amazonaws.com`;
      },
      apply: (physicalId, properties) => {
        const attributes = (properties['LoadBalancerAttributes'] ?? []) as JsonObject[];
        const protection = attributes.find((a) => a['Key'] === 'deletion_protection.enabled')?.['Value'];
        this.loadBalancers.set(physicalId, { deletionProtection: protection === 'true' });
      },
      deleteFails: (physicalId) =>
        this.loadBalancers.get(physicalId)?.deletionProtection
          ? handlerMessage(`Load balancer '${physicalId}' cannot be deleted because deletion protection is enabled (Service: ElasticLoadBalancingV2, Status Code: 400, Error Code: OperationNotPermitted)`, 'InvalidRequest')
          : undefined,
      delete: (physicalId) => {
        this.loadBalancers.delete(physicalId);
      },
    },
    'AWS::ElasticLoadBalancingV2::TargetGroup': {
      physicalId: ({ logicalId, suffix, properties }) => {
        const name = typeof properties?.['Name'] === 'string' ? properties['Name'] : `${logicalId}-${suffix}`.slice(0, 32);
        return this.arn('targetgroup', `${name}/${suffix.toLowerCase()}`);
      },
    },
    'AWS::ElasticLoadBalancingV2::ListenerRule': {
      physicalId: ({ logicalId, suffix }) => this.arn('listener-rule', `app/alb/${logicalId.toLowerCase()}/${suffix.toLowerCase()}`),
      // An update re-applies the template's forward action, resetting the weights ECS set (live.ts).
      apply: (physicalId, properties) => this.live.ruleApplied(physicalId, forwardsOf(properties)),
    },
  };

  port(call: Call): Elbv2Port {
    return {
      deletionProtection: (arn) => call('elbv2.deletionProtection', [arn], () => this.loadBalancers.get(arn)?.deletionProtection),
      setDeletionProtection: (arn, enabled) =>
        call('elbv2.setDeletionProtection', [arn, enabled], () => {
          const balancer = this.loadBalancers.get(arn);
          if (!balancer) throw awsError('LoadBalancerNotFoundException', `Load balancer '${arn}' not found`, 'elbv2.setDeletionProtection', 400);
          balancer.deletionProtection = enabled;
        }),
      describeTargetHealth: (arn) => call('elbv2.describeTargetHealth', [arn], () => this.live.describeTargetHealth(arn)),
      describeRules: (arns, marker) => call('elbv2.describeRules', [arns, marker], () => this.live.describeRules(arns, 'elbv2.describeRules')),
    };
  }
}
