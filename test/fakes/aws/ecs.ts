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
 * - ECS acts through its service-linked role AWSServiceRoleForECS
 *   (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html).
 *   In an account where ECS cannot create it on demand (a new account: account.ts), creating a
 *   cluster or a service without it fails: "Invalid request provided: CreateCluster Invalid Request:
 *   Unable to assume the service linked role. Please verify that the ECS service linked role
 *   exists." (cloudformation-coverage-roadmap#818; for a service, "CreateService error: …":
 *   openemr/openemr-on-ecs#8). Once a stack (bootstrap) or the account has the role, both succeed.
 */
import type { EcsPort, EcsServiceState, StoppedTask } from '../../../src/aws/port';
import { handlerMessage, type ResourceProvider } from './cloudformation/resources';
import type { Call, FakeCore } from './core';
import type { FakeLive } from './live';

export class FakeEcs {
  /** `cluster/service` → what DescribeServices answers for the deploy's diagnosis. */
  readonly ecsServices = new Map<string, EcsServiceState>();
  /** `cluster/service` → its stopped tasks. */
  readonly stoppedTasks = new Map<string, StoppedTask[]>();

  constructor(
    private readonly core: FakeCore,
    private readonly serviceLinkedRole: { readonly onDemand: boolean; readonly exists: () => boolean },
  ) {}

  /** Why ECS refuses to create a cluster or service now (`CreateCluster Invalid Request`, `CreateService error`), if it does. */
  private withoutServiceLinkedRole(request: string): string | undefined {
    if (this.serviceLinkedRole.onDemand || this.serviceLinkedRole.exists()) return undefined;
    return handlerMessage(`Invalid request provided: ${request}: Unable to assume the service linked role. Please verify that the ECS service linked role exists. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)`, 'InvalidRequest');
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::ECS::Cluster': {
      physicalId: ({ stackName, logicalId, suffix, properties }) => (typeof properties?.['ClusterName'] === 'string' ? properties['ClusterName'] : `${stackName}-${logicalId}-${suffix}`),
      createFails: () => this.withoutServiceLinkedRole('CreateCluster Invalid Request'),
    },
    'AWS::ECS::Service': {
      physicalId: ({ logicalId, suffix, properties }) => {
        const name = typeof properties?.['ServiceName'] === 'string' ? properties['ServiceName'] : `${logicalId}-${suffix}`;
        const cluster = typeof properties?.['Cluster'] === 'string' ? properties['Cluster'] : 'default';
        return `arn:aws:ecs:${this.core.region}:${this.core.account}:service/${cluster}/${name}`;
      },
      createFails: () => this.withoutServiceLinkedRole('CreateService error'),
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
