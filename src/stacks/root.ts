/**
 * The root stack: nothing but nested stacks, with child outputs wired into child parameters.
 * Read it as the platform's wiring diagram. Every environment difference enters here, as a
 * root parameter from params/<env>.json.
 *
 *   network ──► cluster ◄── mesh
 *      │           │         │
 *      └────► services ◄─────┘ ◄── registry
 */
import { Fn } from '../cfn/fn';
import { defineStack, nestedStack, parameterRef, type ParameterSpecs } from '../cfn/stack';
import type { ServiceCatalog } from '../catalog/types';
import type { BuiltAssets } from '../assets/code-assets';
import { buildCluster, clusterParameters } from './cluster';
import { buildMesh, meshParameters } from './mesh';
import { buildNetwork, networkParameters } from './network';
import { buildRegistry } from './registry';
import { buildServices, launchedServices, servicesParameters } from './services';
import { imageTagParameter, imageTagParameters } from './releases';
import { anyOf, isSet } from '../cfn/conditions';
import { databaseParameters, ecsExecParameter, releaseParameters } from './services/parameters';
import { dataProtectionParameter, environmentParameter } from '../cfn/parameters';

export const rootParameters = {
  Environment: environmentParameter,
  DataProtection: dataProtectionParameter,
  VpcCidr: networkParameters.VpcCidr,
  PublicSubnetCidrs: networkParameters.PublicSubnetCidrs,
  PrivateSubnetCidrs: networkParameters.PrivateSubnetCidrs,
  NatGatewayMode: networkParameters.NatGatewayMode,
  InterfaceEndpoints: networkParameters.InterfaceEndpoints,
  CertificateArn: clusterParameters.CertificateArn,
  ElbLogDeliveryAccount: clusterParameters.ElbLogDeliveryAccount,
  AlarmEmail: clusterParameters.AlarmEmail,
  ServiceConnectTls: meshParameters.ServiceConnectTls,
  EcsExec: ecsExecParameter,
  ...releaseParameters,
  ...databaseParameters,
  ArtifactBucket: servicesParameters.ArtifactBucket,
} as const satisfies ParameterSpecs;

const HAS_RELEASE = 'HasRelease';

export interface PlatformInputs {
  readonly catalog: ServiceCatalog;
  readonly assets: BuiltAssets;
}

export function buildRoot({ catalog, assets }: PlatformInputs) {
  const param = (name: keyof typeof rootParameters & string) => parameterRef(rootParameters, name);
  const list = (name: 'PublicSubnetCidrs' | 'PrivateSubnetCidrs') => Fn.Join(',', param(name));
  const common = { Environment: param('Environment'), DataProtection: param('DataProtection') };
  const launched = launchedServices(catalog);

  const network = nestedStack('Network', buildNetwork(assets), {
    ...common,
    VpcCidr: param('VpcCidr'),
    PublicSubnetCidrs: list('PublicSubnetCidrs'),
    PrivateSubnetCidrs: list('PrivateSubnetCidrs'),
    NatGatewayMode: param('NatGatewayMode'),
    InterfaceEndpoints: param('InterfaceEndpoints'),
  });

  const registry = nestedStack('Registry', buildRegistry(catalog), common);

  const mesh = nestedStack('Mesh', buildMesh(), {
    Environment: param('Environment'),
    ServiceConnectTls: param('ServiceConnectTls'),
  });

  const cluster = nestedStack('Cluster', buildCluster(catalog), {
    ...common,
    VpcId: network.output('VpcId'),
    VpcCidr: network.output('VpcCidr'),
    PublicSubnetIds: network.output('PublicSubnetIds'),
    NamespaceArn: mesh.output('NamespaceArn'),
    CertificateArn: param('CertificateArn'),
    ElbLogDeliveryAccount: param('ElbLogDeliveryAccount'),
    AlarmEmail: param('AlarmEmail'),
  });

  // The services stack exists once any service has a release tag: images must be in the registry
  // first. Each service's own stack exists once its tag is set (services.ts, releases.ts).
  const services = nestedStack('Services', buildServices(catalog, assets), {
    ...common,
    VpcId: network.output('VpcId'),
    PrivateSubnetIds: network.output('PrivateSubnetIds'),
    InterfaceEndpoints: param('InterfaceEndpoints'),
    EndpointSecurityGroupId: network.output('EndpointSecurityGroupId'),
    ClusterName: cluster.output('ClusterName'),
    AlbSecurityGroupId: cluster.output('AlbSecurityGroupId'),
    AlbFullName: cluster.output('AlbFullName'),
    ProductionListenerArn: cluster.output('ProductionListenerArn'),
    TestListenerArn: cluster.output('TestListenerArn'),
    AlarmTopicArn: cluster.output('AlarmTopicArn'),
    EcsExec: param('EcsExec'),
    ExecKeyArn: cluster.output('ExecKeyArn'),
    ExecLogGroupArn: cluster.output('ExecLogGroupArn'),
    NamespaceArn: mesh.output('NamespaceArn'),
    ServiceConnectTls: param('ServiceConnectTls'),
    TlsCertificateAuthorityArn: mesh.output('TlsCertificateAuthorityArn'),
    TlsRoleArn: mesh.output('TlsRoleArn'),
    ...Object.fromEntries(launched.map((service) => [imageTagParameter(service), Fn.Ref(imageTagParameter(service))])),
    TaskSizeProfile: param('TaskSizeProfile'),
    DesiredCount: param('DesiredCount'),
    MinCapacity: param('MinCapacity'),
    MaxCapacity: param('MaxCapacity'),
    DatabaseHost: param('DatabaseHost'),
    DatabasePort: param('DatabasePort'),
    DatabaseName: param('DatabaseName'),
    DatabaseCidr: param('DatabaseCidr'),
    DatabaseAdminSecretArn: param('DatabaseAdminSecretArn'),
    ArtifactBucket: param('ArtifactBucket'),
  }, {
    condition: HAS_RELEASE,
    // Registry first: the services read nothing from it (they build repository URIs from names),
    // but their images live in its repositories.
    dependsOn: ['Registry'],
  });

  const whenReleased = (value: ReturnType<typeof services.output>) => Fn.If(HAS_RELEASE, value, '');

  return defineStack({
    name: 'root',
    description: 'TAP root: wires the network, registry, mesh, cluster and services stacks (generated by src/stacks/root.ts)',
    service: 'platform',
    parameters: { ...rootParameters, ...imageTagParameters(launched) },
    conditions: { [HAS_RELEASE]: anyOf(launched.map((service) => isSet(imageTagParameter(service)))) },
    resources: {},
    nestedStacks: [network, registry, mesh, cluster, services],
    outputs: {
      AlbUrl: { Description: 'Public entry point of the platform; point the DNS record of the certificate here', Value: cluster.output('AlbUrl') },
      ClusterName: { Description: 'ECS cluster; for operators and CI (ecs execute-command, update-service)', Value: cluster.output('ClusterName') },
      NamespaceName: { Description: 'Service Connect namespace; services reach each other as http://<service>:<port> inside it', Value: mesh.output('NamespaceName') },
      NamespaceArn: { Description: 'Service Connect namespace ARN; for services deployed outside this stack that join the mesh', Value: mesh.output('NamespaceArn') },
      ServiceArns: { Description: 'Comma-separated ECS service ARNs in catalog order (empty before the first release); `make outputs` lists them per service', Value: whenReleased(services.output('ServiceArns')) },
      RepositoryUris: { Description: 'Comma-separated ECR repository URIs in catalog order; CI pushes release images here', Value: registry.output('RepositoryUris') },
      AlarmTopicArn: { Description: 'SNS topic of every platform alarm; subscribe on-call tooling here', Value: cluster.output('AlarmTopicArn') },
      VpcId: { Description: 'VPC of the environment; for peering and VPN attachments', Value: network.output('VpcId') },
    },
  });
}
