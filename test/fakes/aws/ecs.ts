/**
 * The fake ECS: what the deploy's failure analysis reads (a service's state and events, its
 * stopped tasks, set by the scenario), what verify reads (live.ts), and the `AWS::ECS::Cluster`
 * and `AWS::ECS::Service` resources.
 *
 * Documented behaviour it follows
 * - `Ref` of a cluster is its name; of a service, its ARN
 *   `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html,
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#ecs-resource-ids).
 * - DescribeServices lists unknown services as failures with reason MISSING
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
 */
import type { EcsPort, EcsServiceState, StoppedTask } from '../../../src/aws/port';
import type { ResourceProvider } from './cloudformation/resources';
import type { Call, FakeCore } from './core';
import type { FakeLive } from './live';

export class FakeEcs {
  /** `cluster/service` → what DescribeServices answers for the deploy's diagnosis. */
  readonly ecsServices = new Map<string, EcsServiceState>();
  /** `cluster/service` → its stopped tasks. */
  readonly stoppedTasks = new Map<string, StoppedTask[]>();

  constructor(private readonly core: FakeCore) {}

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::ECS::Cluster': {
      physicalId: ({ stackName, logicalId, suffix, properties }) => (typeof properties?.['ClusterName'] === 'string' ? properties['ClusterName'] : `${stackName}-${logicalId}-${suffix}`),
    },
    'AWS::ECS::Service': {
      physicalId: ({ logicalId, suffix, properties }) => {
        const name = typeof properties?.['ServiceName'] === 'string' ? properties['ServiceName'] : `${logicalId}-${suffix}`;
        const cluster = typeof properties?.['Cluster'] === 'string' ? properties['Cluster'] : 'default';
        return `arn:aws:ecs:${this.core.region}:${this.core.account}:service/${cluster}/${name}`;
      },
    },
  };

  port(call: Call, live: FakeLive): EcsPort {
    return {
      describeService: (cluster, service) => call('ecs.describeService', [cluster, service], () => this.ecsServices.get(`${cluster}/${service}`)),
      listStoppedTasks: (cluster, service) => call('ecs.listStoppedTasks', [cluster, service], () => (this.stoppedTasks.get(`${cluster}/${service}`) ?? []).map((t) => t.taskArn)),
      describeTasks: (cluster, arns) =>
        call('ecs.describeTasks', [cluster, arns], () => [...this.stoppedTasks.values()].flat().filter((t) => arns.includes(t.taskArn))),
      describeServices: (cluster, services) => call('ecs.describeServices', [cluster, services], () => live.describeServices(services)),
      listServiceDeployments: (cluster, service, statuses) =>
        call('ecs.listServiceDeployments', [cluster, service, statuses], () => ({ deployments: (live.serviceDeployments.get(service) ?? []).filter((d) => (statuses as readonly string[]).includes(d.status)) })),
    };
  }
}
