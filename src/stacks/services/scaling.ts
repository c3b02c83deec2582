/**
 * Per-service autoscaling (P-SCALE): target tracking on CPU, on memory and on the service's own
 * CloudWatch metric, between MinCapacity and MaxCapacity (P-SVC: 2..10).
 * ALBRequestCountPerTarget is deliberately absent: it pins one target group, which blue/green
 * swaps.
 *
 * The custom-metric policy scales out only. Application Auto Scaling "will scale in only if all of
 * the target tracking policies (with the scale-in portion enabled) are ready to scale in"
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html,
 * Multiple scaling policies). A metric the service never publishes (not yet instrumented, or a
 * quiet queue that emits nothing) leaves its alarms without data, which would block scale-in for
 * good. With its scale-in portion disabled the custom policy only adds capacity; CPU and memory
 * decide scale-in, and while the custom metric is above target its scale-out instruction wins
 * ("scales based on the policy that provides the largest capacity").
 */
import AAS from 'cloudform-types/types/applicationAutoScaling';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, sub } from '../../cfn/fn';
import type { ServiceDefinition } from '../../catalog/types';
import { ID, metricNamespace } from './ids';

export const CPU_TARGET_PERCENT = 60;
export const MEMORY_TARGET_PERCENT = 70;

function targetTracking(
  name: string,
  configuration: AAS.ScalingPolicy['Properties']['TargetTrackingScalingPolicyConfiguration'],
): AAS.ScalingPolicy {
  return new AAS.ScalingPolicy({
    PolicyName: name,
    PolicyType: 'TargetTrackingScaling',
    ScalingTargetId: Fn.Ref(ID.scalableTarget),
    TargetTrackingScalingPolicyConfiguration: configuration,
  });
}

export function scalingResources(service: ServiceDefinition): Record<string, ResourceBase> {
  const cooldowns = { ScaleOutCooldown: 60, ScaleInCooldown: 300 };
  return {
    [ID.scalableTarget]: new AAS.ScalableTarget({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      // service/<cluster name>/<service name>; Ref of a service is its ARN, so use the Name attribute.
      ResourceId: sub(`service/\${ClusterName}/\${${ID.service}.Name}`),
      MinCapacity: Fn.Ref('MinCapacity'),
      MaxCapacity: Fn.Ref('MaxCapacity'),
    }),
    [ID.cpuScaling]: targetTracking('cpu', {
      TargetValue: CPU_TARGET_PERCENT,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      ...cooldowns,
    }),
    [ID.memoryScaling]: targetTracking('memory', {
      TargetValue: MEMORY_TARGET_PERCENT,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
      ...cooldowns,
    }),
    [ID.customScaling]: targetTracking(service.scalingMetric.metricName, {
      TargetValue: service.scalingMetric.targetValue,
      // Scale-out only: an absent metric must not block scale-in (see the header).
      DisableScaleIn: true,
      CustomizedMetricSpecification: {
        Namespace: metricNamespace(service),
        MetricName: service.scalingMetric.metricName,
        Statistic: service.scalingMetric.statistic,
        Unit: service.scalingMetric.unit,
      },
      ...cooldowns,
    }),
  };
}
