/**
 * The platform dashboard (P-OBS): one graph per signal with a line per service, plus the ALB.
 * The body is JSON with `${...}` placeholders resolved by Fn::Sub at deploy time.
 */
import CloudWatch from 'cloudform-types/types/cloudWatch';
import { sub } from '../cfn/fn';
import type { ServiceCatalog } from '../catalog/types';
import { platformName } from '../cfn/names';
import { ecsServiceNameTemplate, ERROR_LOG_METRIC } from './services/ids';

type MetricLine = (string | { label: string; stat?: string })[];

interface Widget {
  type: 'metric';
  width: number;
  height: number;
  properties: { title: string; region: string; view: 'timeSeries'; stat: string; period: number; metrics: MetricLine[] };
}

function graph(title: string, stat: string, metrics: MetricLine[]): Widget {
  return { type: 'metric', width: 12, height: 6, properties: { title, region: '${AWS::Region}', view: 'timeSeries', stat, period: 60, metrics } };
}

export function dashboardBody(catalog: ServiceCatalog): string {
  const perService = (namespace: string, metric: string) =>
    catalog.map((s): MetricLine => [namespace, metric, 'ClusterName', '${ClusterName}', 'ServiceName', ecsServiceNameTemplate(s), { label: s.name }]);
  const widgets: Widget[] = [
    graph('CPU utilization (%)', 'Average', perService('AWS/ECS', 'CPUUtilization')),
    graph('Memory utilization (%)', 'Average', perService('AWS/ECS', 'MemoryUtilization')),
    graph('Running tasks', 'Minimum', perService('ECS/ContainerInsights', 'RunningTaskCount')),
    graph('Error log lines', 'Sum', catalog.map((s): MetricLine => [`TAP/\${Environment}/${s.name}`, ERROR_LOG_METRIC, { label: s.name }])),
  ];
  if (catalog.some((s) => s.exposure.kind === 'public')) {
    widgets.push(graph('ALB requests and errors', 'Sum', [
      ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', '${AlbFullName}', { label: 'requests' }],
      ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', '${AlbFullName}', { label: 'target 5xx' }],
      ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', '${AlbFullName}', { label: 'ALB 5xx' }],
    ]));
  }
  return JSON.stringify({ widgets });
}

export function dashboard(catalog: ServiceCatalog): CloudWatch.Dashboard {
  return new CloudWatch.Dashboard({ DashboardName: platformName('dashboard'), DashboardBody: sub(dashboardBody(catalog)) });
}
