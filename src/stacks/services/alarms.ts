/**
 * Per-service alarms (P-OBS, P-DEPLOY), all notifying the platform alarm topic: CPU, memory,
 * error log lines, running tasks below the minimum, 5xx responses and, behind the ALB, unhealthy
 * targets. The 5xx and unhealthy-target alarms also roll back deployments.
 *
 * ALB metrics are summed over both blue/green target groups, because which one is live changes
 * with every deployment.
 */
import CloudWatch from 'cloudform-types/types/cloudWatch';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, sub } from '../../cfn/fn';
import type { ServiceDefinition } from '../../catalog/types';
import { physicalName } from '../../cfn/names';
import { discoveryNameTemplate, ecsServiceNameTemplate, ERROR_LOG_METRIC, ID, metricNamespace } from './ids';

type AlarmProperties = CloudWatch.Alarm['Properties'];

const notify = { AlarmActions: [Fn.Ref('AlarmTopicArn')], OKActions: [Fn.Ref('AlarmTopicArn')] };

function alarm(service: ServiceDefinition, kind: string, description: string, properties: Omit<AlarmProperties, 'AlarmName' | 'AlarmDescription'>): CloudWatch.Alarm {
  return new CloudWatch.Alarm({
    AlarmName: physicalName(`alarm-${kind}`, service.name),
    AlarmDescription: `${service.name}: ${description}`,
    ...notify,
    ...properties,
  });
}

/**
 * The ECS service is named before it exists, so alarms need not reference it: the service itself
 * references its rollback alarms, and a reference back would be a cycle.
 */
const serviceDimensions = (service: ServiceDefinition) => [
  { Name: 'ClusterName', Value: Fn.Ref('ClusterName') },
  { Name: 'ServiceName', Value: sub(ecsServiceNameTemplate(service)) },
];

/** `metric` over both target groups, combined by `expression` (e.g. `a + b`). */
function overTargetGroups(metric: string, stat: string, expression: string, label: string): AlarmProperties['Metrics'] {
  const query = (id: string, targetGroup: string) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: metric,
        Dimensions: [
          { Name: 'TargetGroup', Value: Fn.GetAtt(targetGroup, 'TargetGroupFullName') },
          { Name: 'LoadBalancer', Value: Fn.Ref('AlbFullName') },
        ],
      },
      Period: 60,
      Stat: stat,
    },
  });
  return [query('a', ID.targetGroupA), query('b', ID.targetGroupB), { Id: 'total', Expression: expression, Label: label, ReturnData: true }];
}

export function alarmResources(service: ServiceDefinition): Record<string, ResourceBase> {
  const utilization = (metric: string) => ({
    Namespace: 'AWS/ECS', MetricName: metric, Dimensions: serviceDimensions(service), Statistic: 'Average',
    Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3, Threshold: 85, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'missing',
  });
  const resources: Record<string, ResourceBase> = {
    [ID.cpuAlarm]: alarm(service, 'cpu', 'CPU above 85% for 3 of 5 minutes', utilization('CPUUtilization')),
    [ID.memoryAlarm]: alarm(service, 'memory', 'memory above 85% for 3 of 5 minutes', utilization('MemoryUtilization')),
    [ID.errorLogAlarm]: alarm(service, 'errors', 'more than 10 error log lines in 5 minutes', {
      Namespace: metricNamespace(service), MetricName: ERROR_LOG_METRIC, Statistic: 'Sum',
      Period: 300, EvaluationPeriods: 1, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    }),
    [ID.runningTasksAlarm]: alarm(service, 'tasks', 'fewer running tasks than the autoscaling minimum for 5 minutes', {
      Namespace: 'ECS/ContainerInsights', MetricName: 'RunningTaskCount', Dimensions: serviceDimensions(service), Statistic: 'Minimum',
      Period: 60, EvaluationPeriods: 5, Threshold: Fn.Ref('MinCapacity'), ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    }),
  };
  if (service.exposure.kind === 'public') {
    resources[ID.http5xxAlarm] = alarm(service, '5xx', 'more than 10 target 5xx responses a minute, 2 minutes running (rolls back deployments)', {
      Metrics: overTargetGroups('HTTPCode_Target_5XX_Count', 'Sum', 'FILL(a, 0) + FILL(b, 0)', '5xx responses'),
      EvaluationPeriods: 2, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
    resources[ID.unhealthyTargetsAlarm] = alarm(service, 'unhealthy', 'unhealthy targets for 3 minutes (rolls back deployments)', {
      Metrics: overTargetGroups('UnHealthyHostCount', 'Maximum', 'MAX([FILL(a, 0), FILL(b, 0)])', 'unhealthy targets'),
      EvaluationPeriods: 3, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
  } else {
    // Internal services have no target group: Service Connect reports their 5xx responses. It
    // publishes target-side metrics (HTTPCode_Target_*) from the calling proxies, under the
    // dimension sets (TargetDiscoveryName) and (TargetDiscoveryName, ServiceName, ClusterName),
    // where ServiceName is the *caller*; (ClusterName, ServiceName=this service, DiscoveryName) is
    // not among them, so an alarm on it never leaves OK. TargetDiscoveryName alone sums every
    // caller (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html;
    // the Service Connect console steps list the same four dimension sets). The discovery name
    // carries the environment (ids.ts), so the sum stays within it.
    resources[ID.http5xxAlarm] = alarm(service, '5xx', 'more than 10 Service Connect 5xx responses a minute from all its callers, 2 minutes running (rolls back deployments)', {
      Namespace: 'AWS/ECS', MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum',
      Dimensions: [{ Name: 'TargetDiscoveryName', Value: sub(discoveryNameTemplate(service)) }],
      Period: 60, EvaluationPeriods: 2, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching',
    });
  }
  return resources;
}
