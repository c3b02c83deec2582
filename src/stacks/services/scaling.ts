/**
 * Per-service autoscaling (P-SCALE): target tracking on CPU, on memory and on the service's own
 * CloudWatch metric, between MinCapacity and MaxCapacity (P-SVC: 2..10).
 * ALBRequestCountPerTarget is deliberately absent: it pins one target group, which blue/green
 * swaps.
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
