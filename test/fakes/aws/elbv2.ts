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
 * - An ALB created with access logs on (`access_logs.s3.enabled`) needs its bucket's policy to let
 *   the Region's log-delivery principal PutObject under `<prefix>/AWSLogs/<account-id>/`: the
 *   Region's Elastic Load Balancing account in Regions from before August 2022, the service
 *   principal logdelivery.elasticloadbalancing.amazonaws.com in newer ones
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
 *   Without it the creation fails: "Access Denied for bucket: <bucket>. Please check S3bucket
 *   permission" (InvalidConfigurationRequest; the message as CloudFormation shows it, for an ALB
 *   created before its bucket policy: https://github.com/aws/copilot-cli/pull/4169). The policy is
 *   the one in place, or one the same execution creates before the ALB (DependsOn, or a reference:
 *   CloudFormation creates what nothing orders in parallel, so the fake, one at a time in
 *   dependency order, may find a policy the ALB does not wait for; on AWS the two race). Only the
 *   creation is checked, not access logs turned on by an update.
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
import { handlerMessage, type CreatedEarlier, type ResourceProvider } from './cloudformation/resources';
import { awsError, type Call, type FakeCore } from './core';
import { forwardsOf, type FakeLive } from './live';
import { policyAllowsPut, type PolicyPrincipal } from './s3';

/**
 * The log-delivery principal of the Regions the fake's scenarios use, from the table of
 * enable-access-logging.html (the header above). The fake knows no other Region rather than guess.
 */
const LOG_DELIVERY_PRINCIPALS: Readonly<Record<string, PolicyPrincipal>> = {
  'us-east-1': { account: '127311923021' },
  'eu-west-1': { account: '156460612806' },
  'eu-central-2': { service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
};

export class FakeElbv2 {
  /** Load balancers by ARN, with `deletion_protection.enabled`. */
  readonly loadBalancers = new Map<string, { deletionProtection: boolean }>();

  constructor(
    private readonly core: FakeCore,
    private readonly live: FakeLive,
    /** A bucket's policy as S3 holds it now. */
    private readonly bucketPolicy: (bucket: string) => JsonObject | undefined,
  ) {}

  /** Why ELB refuses to create a load balancer whose access logs it may not write, if it does. */
  private accessLogsFail(properties: JsonObject, earlier: readonly CreatedEarlier[]): string | undefined {
    const attributes = new Map(((properties['LoadBalancerAttributes'] ?? []) as JsonObject[]).map((a) => [String(a['Key']), String(a['Value'])]));
    if (attributes.get('access_logs.s3.enabled') !== 'true') return undefined;
    const principal = LOG_DELIVERY_PRINCIPALS[this.core.region];
    if (!principal) throw new Error(`fake ELBv2: no log-delivery principal known for ${this.core.region}; add it from enable-access-logging.html`);
    const bucket = attributes.get('access_logs.s3.bucket') ?? '';
    const prefix = attributes.get('access_logs.s3.prefix');
    // Any key under the documented path will do; this name is the fake's.
    const key = `${prefix ? `${prefix}/` : ''}AWSLogs/${this.core.account}/fake-delivery-check`;
    const created = earlier.filter((r) => r.type === 'AWS::S3::BucketPolicy' && r.properties['Bucket'] === bucket).pop();
    const policy = (created?.properties['PolicyDocument'] as JsonObject | undefined) ?? this.bucketPolicy(bucket);
    if (policyAllowsPut(policy, bucket, principal, key)) return undefined;
    return handlerMessage(`Access Denied for bucket: ${bucket}. Please check S3bucket permission (Service: ElasticLoadBalancingV2, Status Code: 400, Error Code: InvalidConfigurationRequest)`);
  }

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
      createFails: (properties, earlier) => this.accessLogsFail(properties, earlier),
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
