/**
 * Per-service security (P-SEC): the service's security group admits only the ALB (public
 * services) and, through rules its callers create, the services declared to call it. Egress is
 * limited to HTTPS (AWS APIs, via NAT or VPC endpoints), the services it calls, and the database.
 *
 * Callers create the ingress rule on the callee's group. A caller's stack always deploys after
 * its callees' (Service Connect needs servers before clients), so the callee group exists; putting
 * the rule on the callee's side would make the two stacks depend on each other.
 */
import EC2 from 'cloudform-types/types/ec2';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, sub } from '../../cfn/fn';
import type { ServiceCatalog, ServiceDefinition } from '../../catalog/types';
import { calleeSecurityGroupParameter, secretKinds } from './parameters';
import { calleeIngressId, ID } from './ids';

function calleeOf(catalog: ServiceCatalog, name: string): ServiceDefinition {
  const callee = catalog.find((s) => s.name === name);
  if (!callee) throw new Error(`unknown callee ${name}`);
  return callee;
}

export function networkResources(service: ServiceDefinition, catalog: ServiceCatalog): Record<string, ResourceBase> {
  const ingress = service.exposure.kind === 'public'
    ? [{ IpProtocol: 'tcp', FromPort: service.containerPort, ToPort: service.containerPort, SourceSecurityGroupId: Fn.Ref('AlbSecurityGroupId'), Description: 'From the ALB only' }]
    : [];
  const egress = [
    { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: 'AWS APIs (ECR, Logs, Secrets Manager) via NAT or VPC endpoints' },
    ...service.calls.map((name) => {
      const callee = calleeOf(catalog, name);
      return { IpProtocol: 'tcp', FromPort: callee.containerPort, ToPort: callee.containerPort, DestinationSecurityGroupId: Fn.Ref(calleeSecurityGroupParameter(name)), Description: `Service Connect to ${name}` };
    }),
    ...(secretKinds(service).includes('database')
      ? [{ IpProtocol: 'tcp', FromPort: Fn.Ref('DatabasePort'), ToPort: Fn.Ref('DatabasePort'), CidrIp: Fn.Ref('DatabaseCidr'), Description: 'PostgreSQL' }]
      : []),
  ];
  const resources: Record<string, ResourceBase> = {
    [ID.securityGroup]: new EC2.SecurityGroup({
      GroupDescription: `Tasks of ${service.name}`,
      VpcId: Fn.Ref('VpcId'),
      SecurityGroupIngress: ingress,
      SecurityGroupEgress: egress,
      Tags: [{ Key: 'Name', Value: sub(`sg-${service.name}-\${Environment}`) }],
    }),
  };
  for (const name of service.calls) {
    const callee = calleeOf(catalog, name);
    resources[calleeIngressId(name)] = new EC2.SecurityGroupIngress({
      GroupId: Fn.Ref(calleeSecurityGroupParameter(name)),
      IpProtocol: 'tcp',
      FromPort: callee.containerPort,
      ToPort: callee.containerPort,
      SourceSecurityGroupId: Fn.GetAtt(ID.securityGroup, 'GroupId'),
      Description: `From ${service.name}, its declared caller (Service Connect)`,
    });
  }
  return resources;
}
