/**
 * The ECS service (P-SVC, P-DEPLOY, P-MESH): Fargate in private subnets without public IPs,
 * joined to Service Connect with a discovery name, client alias, per-request timeout and optional
 * TLS; native blue/green behind the ALB (bake time, alarm rollback), rolling with circuit
 * breaker elsewhere.
 */
import ECS from 'cloudform-types/types/ecs';
import { Fn, NO_VALUE, Refs, sub, when } from '../../cfn/fn';
import type { ServiceConnectTls } from '../../cfn/cloudform-extensions';
import type { ServiceDefinition } from '../../catalog/types';
import { containerName, discoveryNameTemplate, ecsServiceNameTemplate, ID, portName } from './ids';
import { rotationsBeforeService } from './secrets';

/** Minutes both revisions run after production traffic shifts, before blue is retired. */
export const BAKE_TIME_MINUTES = 10;
/** Service Connect: idle connections close after this (default for HTTP). */
export const IDLE_TIMEOUT_SECONDS = 300;
export const TLS_CONDITION = 'TlsEnabled';
/** ECS Exec on, and therefore root file systems writable (EcsExec parameter). */
export const EXEC_CONDITION = 'ExecEnabled';

function serviceConnect(service: ServiceDefinition): NonNullable<ECS.Service['Properties']['ServiceConnectConfiguration']> {
  return {
    Enabled: true,
    Namespace: Fn.Ref('NamespaceArn'),
    Services: [{
      PortName: portName(service),
      DiscoveryName: sub(discoveryNameTemplate(service)),
      // Clients call http://<service>:<port>; one alias per port mapping is the maximum.
      ClientAliases: [{ DnsName: service.name, Port: service.containerPort }],
      Timeout: { PerRequestTimeoutSeconds: service.requestTimeoutSeconds, IdleTimeoutSeconds: IDLE_TIMEOUT_SECONDS },
      Tls: when<ServiceConnectTls>(TLS_CONDITION, {
        IssuerCertificateAuthority: { AwsPcaAuthorityArn: Fn.Ref('TlsCertificateAuthorityArn') },
        RoleArn: Fn.Ref('TlsRoleArn'),
      }, NO_VALUE),
    }],
    LogConfiguration: {
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': Fn.Ref(ID.logGroup), 'awslogs-region': Refs.Region, 'awslogs-stream-prefix': 'service-connect' },
    },
    AccessLogConfiguration: { Format: 'JSON', IncludeQueryParameters: 'DISABLED' },
  };
}

function deployment(service: ServiceDefinition): NonNullable<ECS.Service['Properties']['DeploymentConfiguration']> {
  const base = { MaximumPercent: 200, MinimumHealthyPercent: 100 };
  if (service.exposure.kind === 'public') {
    return {
      ...base,
      Strategy: 'BLUE_GREEN',
      BakeTimeInMinutes: BAKE_TIME_MINUTES,
      // Either alarm during the test or bake phase rolls production back to the old revision.
      Alarms: { AlarmNames: [Fn.Ref(ID.http5xxAlarm), Fn.Ref(ID.unhealthyTargetsAlarm)], Enable: true, Rollback: true },
    };
  }
  return {
    ...base,
    Strategy: 'ROLLING',
    DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    Alarms: { AlarmNames: [Fn.Ref(ID.http5xxAlarm)], Enable: true, Rollback: true },
  };
}

export function ecsService(service: ServiceDefinition): ECS.Service {
  // Public services reference their listener rules and traffic-shift role below, so CloudFormation
  // attaches the target groups and creates the role before the service, as ECS requires.
  const ecs = new ECS.Service({
    ServiceName: sub(ecsServiceNameTemplate(service)),
    Cluster: Fn.Ref('ClusterName'),
    TaskDefinition: Fn.Ref(ID.taskDefinition),
    DesiredCount: Fn.Ref('DesiredCount'),
    // No LaunchType or strategy: the cluster default keeps a base on on-demand Fargate.
    PlatformVersion: 'LATEST',
    NetworkConfiguration: {
      AwsvpcConfiguration: { Subnets: Fn.Ref('PrivateSubnetIds'), SecurityGroups: [Fn.GetAtt(ID.securityGroup, 'GroupId')], AssignPublicIp: 'DISABLED' },
    },
    DeploymentController: { Type: 'ECS' },
    DeploymentConfiguration: deployment(service),
    ServiceConnectConfiguration: serviceConnect(service),
    // Only where the root file system is writable (EcsExec; see the parameter and task.ts).
    EnableExecuteCommand: Fn.If(EXEC_CONDITION, true, false),
    EnableECSManagedTags: true,
    PropagateTags: 'SERVICE',
    AvailabilityZoneRebalancing: 'ENABLED',
    ...(service.exposure.kind === 'public'
      ? {
          HealthCheckGracePeriodSeconds: service.healthCheck.gracePeriodSeconds,
          LoadBalancers: [{
            ContainerName: containerName(service),
            ContainerPort: service.containerPort,
            TargetGroupArn: Fn.Ref(ID.targetGroupA),
            AdvancedConfiguration: {
              AlternateTargetGroupArn: Fn.Ref(ID.targetGroupB),
              ProductionListenerRule: Fn.Ref(ID.productionRule),
              TestListenerRule: Fn.Ref(ID.testRule),
              RoleArn: Fn.GetAtt(ID.loadBalancerRole, 'Arn'),
            },
          }],
        }
      : {}),
  });
  // Secrets whose first rotation applies their value start rotating before the tasks (secrets.ts).
  const before = rotationsBeforeService(service);
  return before.length > 0 ? ecs.dependsOn(before) : ecs;
}
