/**
 * Per-service task (P-SVC, P-OBS): log group and error metric filter, and the Fargate task
 * definition with its own CPU/memory per size profile, a container health check, secrets
 * injected from Secrets Manager, and a read-only root filesystem wherever ECS Exec is off.
 */
import ECS from 'cloudform-types/types/ecs';
import Logs from 'cloudform-types/types/logs';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, Refs, sub } from '../../cfn/fn';
import type { ServiceCatalog, ServiceDefinition } from '../../catalog/types';
import { TASK_SIZE_PROFILES } from '../../catalog/types';
import { encryptedLogGroup, logGroupNameTemplate } from '../../cfn/logs';
import { containerName, ERROR_LOG_METRIC, ID, metricNamespace, portName, secretId } from './ids';
import { repositoryUriTemplate } from '../registry';
import { EXEC_CONDITION } from './ecs-service';

export const TASK_SIZES_MAPPING = 'TaskSizes';

/** `TaskSizes.<profile>.{Cpu,Memory}` from the catalog; the TaskSizeProfile parameter picks one. */
export function taskSizesMapping(service: ServiceDefinition): Record<string, Record<string, string>> {
  return Object.fromEntries(TASK_SIZE_PROFILES.map((profile) => [
    profile,
    { Cpu: String(service.sizes[profile].cpu), Memory: String(service.sizes[profile].memory) },
  ]));
}

export function logResources(service: ServiceDefinition): Record<string, ResourceBase> {
  return {
    [ID.logGroup]: encryptedLogGroup(sub(logGroupNameTemplate(service.name)), Fn.GetAtt(ID.key, 'Arn')),
    [ID.errorMetricFilter]: new Logs.MetricFilter({
      LogGroupName: Fn.Ref(ID.logGroup),
      FilterPattern: service.errorLogPattern,
      MetricTransformations: [{ MetricNamespace: metricNamespace(service), MetricName: ERROR_LOG_METRIC, MetricValue: '1', DefaultValue: 0, Unit: 'Count' }],
    }),
  };
}

function secretEnvironment(service: ServiceDefinition): { Name: string; ValueFrom: ReturnType<typeof sub> }[] {
  return service.secrets.flatMap((secret) =>
    Object.entries(secret.env).map(([variable, key]) => ({
      Name: variable,
      // <secret ARN>:<json key>:: (JSON-key selection needs Fargate platform 1.4.0+).
      ValueFrom: sub(`\${${secretId(secret)}}:${key}::`),
    })),
  );
}

/**
 * The Service Connect endpoints this service calls, `alias:port` sorted: `analytics-engine:8080,...`.
 * In the task definition on purpose: "existing tasks can't resolve and connect to the new
 * endpoint. Only new tasks ... that start running after this deployment can"
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html).
 * A change to the call list changes the task definition, so ECS starts new tasks of the caller
 * (after the callee's stack, which CloudFormation updates first), and they can reach the callee.
 */
export function calleeEndpoints(service: ServiceDefinition, catalog: ServiceCatalog): string {
  return service.calls
    .map((name) => {
      const callee = catalog.find((s) => s.name === name);
      if (!callee) throw new Error(`${service.name} calls unknown service ${name}`);
      return `${callee.name}:${callee.containerPort}`;
    })
    .sort()
    .join(',');
}

export function taskDefinition(service: ServiceDefinition, catalog: ServiceCatalog): ECS.TaskDefinition {
  const { healthCheck } = service;
  return new ECS.TaskDefinition({
    Family: sub(`task-${service.name}-\${Environment}`),
    RequiresCompatibilities: ['FARGATE'],
    NetworkMode: 'awsvpc',
    Cpu: Fn.FindInMap(TASK_SIZES_MAPPING, Fn.Ref('TaskSizeProfile'), 'Cpu'),
    Memory: Fn.FindInMap(TASK_SIZES_MAPPING, Fn.Ref('TaskSizeProfile'), 'Memory'),
    ExecutionRoleArn: Fn.GetAtt(ID.executionRole, 'Arn'),
    TaskRoleArn: Fn.GetAtt(ID.taskRole, 'Arn'),
    Volumes: [{ Name: 'tmp' }],
    ContainerDefinitions: [
      {
        Name: containerName(service),
        Image: sub(`${repositoryUriTemplate(service)}:\${ImageTag}`),
        Essential: true,
        // Read-only except where ECS Exec is on: its SSM agent must write into the container.
        ReadonlyRootFilesystem: Fn.If(EXEC_CONDITION, false, true),
        MountPoints: [{ SourceVolume: 'tmp', ContainerPath: '/tmp', ReadOnly: false }],
        // An init process reaps the shells ECS Exec starts.
        LinuxParameters: { InitProcessEnabled: true },
        PortMappings: [{ Name: portName(service), ContainerPort: service.containerPort, Protocol: 'tcp', AppProtocol: service.appProtocol }],
        HealthCheck: {
          Command: ['CMD-SHELL', `curl -fsS http://localhost:${service.containerPort}${healthCheck.path} || exit 1`],
          Interval: healthCheck.intervalSeconds,
          Timeout: healthCheck.timeoutSeconds,
          Retries: healthCheck.unhealthyThreshold,
          StartPeriod: Math.min(healthCheck.gracePeriodSeconds, 300),
        },
        Environment: [
          { Name: 'SERVICE_NAME', Value: service.name },
          { Name: 'DEPLOY_ENVIRONMENT', Value: Fn.Ref('Environment') },
          { Name: 'PORT', Value: String(service.containerPort) },
          { Name: 'METRICS_NAMESPACE', Value: metricNamespace(service) },
          { Name: 'SERVICE_CONNECT_CALLEES', Value: calleeEndpoints(service, catalog) },
        ],
        Secrets: secretEnvironment(service),
        LogConfiguration: {
          LogDriver: 'awslogs',
          Options: {
            'awslogs-group': Fn.Ref(ID.logGroup),
            'awslogs-region': Refs.Region,
            'awslogs-stream-prefix': service.name,
            // Never block the application on a slow log pipe.
            mode: 'non-blocking',
            'max-buffer-size': '25m',
          },
        },
      },
    ],
  });
}
