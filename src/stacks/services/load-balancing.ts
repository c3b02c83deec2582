/**
 * Public services (P-ALB, P-DEPLOY): two target groups for ECS native blue/green, a production
 * rule on the production listener and a test rule on the test listener, both routing this
 * service's paths.
 *
 * Service Connect TLS (staging, prod): on Fargate the Service Connect proxy owns the container port
 * (ingressPortOverride defaults to it) and, with TLS, speaks TLS 1.3 only. The target groups follow
 * AWS's "Service Connect and Application Load Balancer health checks" configuration: protocol and
 * health checks HTTPS on the container port (`traffic-port`), attached to TLS listeners with a TLS 1.3
 * policy (cluster stack), and no ingressPortOverride
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html). The
 * alternative, an ingress port override so ALB traffic bypasses the proxy, is the one AWS tells
 * you to avoid there, and it would leave ALB-to-task traffic unencrypted. The params rules refuse
 * TLS without a certificate (no TLS listener); cfn-lint rule E9104 refuses HTTP target groups on a
 * TLS port. A target group's protocol is create-only and its name fixed, so ServiceConnectTls is
 * chosen when an environment is created (docs/mesh.md).
 *
 * After the first deployment ECS owns the rules' forward weights. Any later stack update that
 * rewrites these rules resets the weights (aws-cdk#36649), so their properties must not change once
 * deployed: they carry the marker of src/cfn/ecs-managed.ts under stable logical ids
 * (ProductionListenerRule, TestListenerRule in the stack named after the service), for the deploy's
 * stack policy, and reference only their listener parameter, their two target groups and the
 * catalog's priority and paths. The deploy review flags any change to them.
 */
import ELB from 'cloudform-types/types/elasticLoadBalancingV2';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn } from '../../cfn/fn';
import type { PublicExposure, ServiceDefinition } from '../../catalog/types';
import { physicalName } from '../../cfn/names';
import { ID } from './ids';
import { TLS_CONDITION } from './ecs-service';
import { markEcsManaged } from '../../cfn/ecs-managed';

function targetGroup(service: ServiceDefinition, slot: 'a' | 'b'): ELB.TargetGroup {
  const { healthCheck } = service;
  return new ELB.TargetGroup({
    Name: physicalName(`tg-${slot}`, service.name),
    VpcId: Fn.Ref('VpcId'),
    TargetType: 'ip',
    // HTTPS whenever the Service Connect proxy on this port speaks TLS (see the header).
    Protocol: Fn.If(TLS_CONDITION, 'HTTPS', 'HTTP'),
    Port: service.containerPort,
    HealthCheckProtocol: Fn.If(TLS_CONDITION, 'HTTPS', 'HTTP'),
    HealthCheckPath: healthCheck.path,
    HealthCheckPort: 'traffic-port',
    HealthCheckIntervalSeconds: healthCheck.intervalSeconds,
    HealthCheckTimeoutSeconds: healthCheck.timeoutSeconds,
    HealthyThresholdCount: healthCheck.healthyThreshold,
    UnhealthyThresholdCount: healthCheck.unhealthyThreshold,
    Matcher: { HttpCode: '200-399' },
    TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
  });
}

/** Forward-only rules: blue/green fails on rules that mix forward with other action types. */
function rule(listener: 'production' | 'test', exposure: PublicExposure, weights: { a: number; b: number }): ELB.ListenerRule {
  const listenerParameter = listener === 'production' ? 'ProductionListenerArn' : 'TestListenerArn';
  return markEcsManaged(new ELB.ListenerRule({
    ListenerArn: Fn.Ref(listenerParameter),
    Priority: exposure.priority,
    Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [...exposure.pathPatterns] } }],
    Actions: [{
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: Fn.Ref(ID.targetGroupA), Weight: weights.a },
          { TargetGroupArn: Fn.Ref(ID.targetGroupB), Weight: weights.b },
        ],
      },
    }],
  }), { service: ID.service, listener });
}

export function loadBalancingResources(service: ServiceDefinition, exposure: PublicExposure): Record<string, ResourceBase> {
  return {
    [ID.targetGroupA]: targetGroup(service, 'a'),
    [ID.targetGroupB]: targetGroup(service, 'b'),
    // Production starts on A; test traffic goes to B, where each new revision is deployed first.
    [ID.productionRule]: rule('production', exposure, { a: 100, b: 0 }),
    [ID.testRule]: rule('test', exposure, { a: 0, b: 100 }),
  };
}
