/**
 * Logical ids and derived names inside a per-service stack, in one place so the builders, the
 * services stack and the tests agree.
 */
import { sub, type IntrinsicFunction } from '../../cfn/fn';
import { nameTemplate, pascal } from '../../cfn/names';
import type { SecretDefinition, ServiceDefinition } from '../../catalog/types';

export const ID = {
  key: 'ServiceKey',
  keyAlias: 'ServiceKeyAlias',
  logGroup: 'LogGroup',
  errorMetricFilter: 'ErrorLogMetricFilter',
  executionRole: 'ExecutionRole',
  taskRole: 'TaskRole',
  loadBalancerRole: 'LoadBalancerRole',
  taskDefinition: 'TaskDefinition',
  securityGroup: 'SecurityGroup',
  service: 'Service',
  targetGroupA: 'TargetGroupA',
  targetGroupB: 'TargetGroupB',
  productionRule: 'ProductionListenerRule',
  testRule: 'TestListenerRule',
  scalableTarget: 'ScalableTarget',
  cpuScaling: 'CpuTargetTracking',
  memoryScaling: 'MemoryTargetTracking',
  customScaling: 'CustomMetricTargetTracking',
  cpuAlarm: 'CpuAlarm',
  memoryAlarm: 'MemoryAlarm',
  errorLogAlarm: 'ErrorLogAlarm',
  http5xxAlarm: 'Http5xxAlarm',
  unhealthyTargetsAlarm: 'UnhealthyTargetsAlarm',
  runningTasksAlarm: 'RunningTasksAlarm',
} as const;

export const secretId = (secret: SecretDefinition): string => `${pascal(secret.name)}Secret`;
export const rotationId = (secret: SecretDefinition): string => `${pascal(secret.name)}SecretRotation`;
export const calleeIngressId = (callee: string): string => `${pascal(callee)}IngressFromThisService`;

/** Physical ECS service name, `svc-<name>-<env>`, known before the service exists. */
export const ecsServiceNameTemplate = (service: ServiceDefinition): string => nameTemplate('svc', service.name);
export const containerName = (service: ServiceDefinition): string => service.name;

/**
 * Service Connect discovery name, `<service>-<env>` (at most 37 characters of the 64 allowed).
 * Service Connect publishes a server's target-side metrics under `TargetDiscoveryName` (alone, or
 * with the *calling* service's ServiceName and ClusterName); the environment in the name keeps two
 * environments sharing an account and region apart there. Clients use the alias, not this name.
 */
export const discoveryNameTemplate = (service: ServiceDefinition): string => `${service.name}-\${Environment}`;
export const portName = (service: ServiceDefinition): string => `${service.name}-${service.appProtocol}`;

/** CloudWatch namespace of the service's own metrics (log-derived errors, its scaling metric). */
export const metricNamespace = (service: ServiceDefinition): IntrinsicFunction => sub(`TAP/\${Environment}/${service.name}`);
export const ERROR_LOG_METRIC = 'ErrorLogLines';

/** Secret name: `secret-<secret>-<service>-<env>`. */
export const secretNameTemplate = (service: ServiceDefinition, secret: SecretDefinition): string =>
  nameTemplate(`secret-${secret.name}`, service.name);

/** PostgreSQL role of a service: its name with underscores (hyphens need quoting in SQL). */
export const databaseUser = (service: ServiceDefinition): string => service.name.replace(/-/g, '_');
