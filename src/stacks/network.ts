/**
 * network stack (P-NET): a VPC across three AZs with public and private subnets, an internet
 * gateway, NAT (one, or one per AZ), route tables, KMS-encrypted VPC flow logs, a default security
 * group stripped of all rules, an S3 gateway endpoint and optional interface endpoints.
 *
 * In:  Environment, DataProtection, VpcCidr and the subnet CIDRs the toolkit computes from it,
 *      NatGatewayMode, InterfaceEndpoints.
 * Out: VpcId, VpcCidr, subnet ids, EndpointSecurityGroupId (consumed by cluster, mesh, services).
 *
 * Backend services have no direct internet ingress: private subnets route only to NAT, and
 * nothing in them gets a public address.
 */
import EC2 from 'cloudform-types/types/ec2';
import IAM from 'cloudform-types/types/iam';
import Lambda from 'cloudform-types/types/lambda';
import type { ResourceBase } from 'cloudform-types/types/resource';
import { Fn, Refs, sub, type Value } from '../cfn/fn';
import { CustomResource } from '../cfn/cloudform-extensions';
import { exemptFromScan, LAMBDA_EXEMPTIONS } from '../cfn/scan-exemptions';
import { defineStack, type ParameterSpecs } from '../cfn/stack';
import { allow, policyDocument, serviceTrustPolicy, unscopedStatement } from '../cfn/iam';
import { AZ_COUNT } from '../catalog/platform';
import { LAMBDA_RUNTIME, type BuiltAssets } from '../assets/code-assets';
import { physicalName, platformName } from '../cfn/names';
import { customerKey, keyAlias, logsServiceUse } from '../cfn/kms';
import { encryptedLogGroup, logGroupArnTemplate, logGroupNameTemplate } from '../cfn/logs';
import { dataProtectionParameter, environmentParameter, listParameter, retainCondition } from '../cfn/parameters';

export const VPC_CIDR_PATTERN = '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/(1[6-9]|2[0-4])$';

export const networkParameters = {
  Environment: environmentParameter,
  DataProtection: dataProtectionParameter,
  VpcCidr: {
    Type: 'String',
    Description: 'IPv4 CIDR block of the VPC, /16 to /24',
    AllowedPattern: VPC_CIDR_PATTERN,
    ConstraintDescription: 'an IPv4 CIDR block with a prefix length from /16 to /24',
  },
  PublicSubnetCidrs: listParameter('Public subnet CIDRs, one per AZ (computed by the toolkit from VpcCidr)'),
  PrivateSubnetCidrs: listParameter('Private subnet CIDRs, one per AZ (computed by the toolkit from VpcCidr)'),
  NatGatewayMode: {
    Type: 'String',
    Description: 'single: one NAT gateway for all AZs (cheaper); per-az: one per AZ (survives an AZ outage)',
    AllowedValues: ['single', 'per-az'],
  },
  InterfaceEndpoints: {
    Type: 'String',
    Description: 'enabled: private interface endpoints for ECR, CloudWatch Logs, Secrets Manager and ECS',
    AllowedValues: ['enabled', 'disabled'],
  },
} as const satisfies ParameterSpecs;

/**
 * Interface endpoints: image pulls, log delivery and secret reads stay inside the VPC. ECS is
 * there for the database rotation function, whose security group reaches only the endpoints and
 * the database (it redeploys services after a rotation).
 */
const INTERFACE_ENDPOINTS = {
  EcrApiEndpoint: 'ecr.api',
  EcrDockerEndpoint: 'ecr.dkr',
  LogsEndpoint: 'logs',
  SecretsManagerEndpoint: 'secretsmanager',
  EcsEndpoint: 'ecs',
} as const;

const azIndexes = Array.from({ length: AZ_COUNT }, (_, i) => i + 1);

function nameTag(resourceType: string): { Key: string; Value: Value<string> } {
  return { Key: 'Name', Value: platformName(resourceType) };
}

function subnets(kind: 'Public' | 'Private'): Record<string, ResourceBase> {
  const resources: Record<string, ResourceBase> = {};
  for (const az of azIndexes) {
    resources[`${kind}Subnet${az}`] = new EC2.Subnet({
      VpcId: Fn.Ref('Vpc'),
      CidrBlock: Fn.Select(az - 1, Fn.Ref(`${kind}SubnetCidrs`)),
      AvailabilityZone: Fn.Select(az - 1, Fn.GetAZs(Refs.Region)),
      // Nothing launched here gets a public address; the ALB and NAT use their own.
      MapPublicIpOnLaunch: false,
      Tags: [nameTag(`subnet-${kind.toLowerCase()}${az}`)],
    });
  }
  return resources;
}

function publicRouting(): Record<string, ResourceBase> {
  const resources: Record<string, ResourceBase> = {
    PublicRouteTable: new EC2.RouteTable({ VpcId: Fn.Ref('Vpc'), Tags: [nameTag('rtb-public')] }),
    PublicDefaultRoute: new EC2.Route({
      RouteTableId: Fn.Ref('PublicRouteTable'),
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: Fn.Ref('InternetGateway'),
    }).dependsOn('InternetGatewayAttachment'),
  };
  for (const az of azIndexes) {
    resources[`PublicSubnet${az}RouteTableAssociation`] = new EC2.SubnetRouteTableAssociation({
      SubnetId: Fn.Ref(`PublicSubnet${az}`),
      RouteTableId: Fn.Ref('PublicRouteTable'),
    });
  }
  return resources;
}

function natAndPrivateRouting(): Record<string, ResourceBase> {
  const resources: Record<string, ResourceBase> = {};
  for (const az of azIndexes) {
    // AZ 1 always has a NAT gateway; AZs 2 and 3 only in per-az mode.
    const condition = az === 1 ? undefined : 'NatPerAz';
    const eip = new EC2.EIP({ Domain: 'vpc', Tags: [nameTag(`eip-nat${az}`)] }).dependsOn('InternetGatewayAttachment');
    const nat = new EC2.NatGateway({
      AllocationId: Fn.GetAtt(`NatGatewayEip${az}`, 'AllocationId'),
      SubnetId: Fn.Ref(`PublicSubnet${az}`),
      Tags: [nameTag(`nat${az}`)],
    });
    if (condition) {
      eip.condition(condition);
      nat.condition(condition);
    }
    resources[`NatGatewayEip${az}`] = eip;
    resources[`NatGateway${az}`] = nat;
    resources[`PrivateRouteTable${az}`] = new EC2.RouteTable({ VpcId: Fn.Ref('Vpc'), Tags: [nameTag(`rtb-private${az}`)] });
    resources[`PrivateDefaultRoute${az}`] = new EC2.Route({
      RouteTableId: Fn.Ref(`PrivateRouteTable${az}`),
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: condition ? Fn.If(condition, Fn.Ref(`NatGateway${az}`), Fn.Ref('NatGateway1')) : Fn.Ref('NatGateway1'),
    });
    resources[`PrivateSubnet${az}RouteTableAssociation`] = new EC2.SubnetRouteTableAssociation({
      SubnetId: Fn.Ref(`PrivateSubnet${az}`),
      RouteTableId: Fn.Ref(`PrivateRouteTable${az}`),
    });
  }
  return resources;
}

const FLOW_LOG_OWNER = 'vpc-flow';
const LOCK_FUNCTION = 'lock-default-sg';
const LOCK_FUNCTION_OWNER = `fn-${LOCK_FUNCTION}`;

function flowLogs(): Record<string, ResourceBase> {
  return {
    NetworkLogsKey: customerKey('Encrypts the network stack log groups (VPC flow logs, default-SG lock function)', [
      logsServiceUse([logGroupArnTemplate(FLOW_LOG_OWNER), logGroupArnTemplate(LOCK_FUNCTION_OWNER)]),
    ]),
    NetworkLogsKeyAlias: keyAlias('network', 'NetworkLogsKey'),
    FlowLogGroup: encryptedLogGroup(sub(logGroupNameTemplate(FLOW_LOG_OWNER)), Fn.GetAtt('NetworkLogsKey', 'Arn')),
    FlowLogRole: new IAM.Role({
      Description: 'Lets VPC Flow Logs deliver to the flow log group',
      AssumeRolePolicyDocument: serviceTrustPolicy('vpc-flow-logs.amazonaws.com'),
      Policies: [
        {
          PolicyName: 'deliver-flow-logs',
          // The actions AWS lists for a flow-log role, except CreateLogGroup (the group exists):
          // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
          PolicyDocument: policyDocument([
            allow('WriteFlowLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], [Fn.GetAtt('FlowLogGroup', 'Arn')]),
            unscopedStatement('FindFlowLogGroup', ['logs:DescribeLogGroups']),
          ]),
        },
      ],
    }),
    FlowLog: new EC2.FlowLog({
      ResourceId: Fn.Ref('Vpc'),
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: Fn.Ref('FlowLogGroup'),
      DeliverLogsPermissionArn: Fn.GetAtt('FlowLogRole', 'Arn'),
      MaxAggregationInterval: 60,
    }),
  };
}

function defaultSecurityGroupLock(assets: BuiltAssets): Record<string, ResourceBase> {
  const defaultGroupArn = sub('arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${Vpc.DefaultSecurityGroup}');
  return {
    DefaultSecurityGroupLockLogGroup: encryptedLogGroup(sub(logGroupNameTemplate(LOCK_FUNCTION_OWNER)), Fn.GetAtt('NetworkLogsKey', 'Arn')),
    DefaultSecurityGroupLockRole: new IAM.Role({
      Description: 'Lets the lock function strip the rules of this VPC\'s default security group',
      AssumeRolePolicyDocument: serviceTrustPolicy('lambda.amazonaws.com', { pinAccount: false }),
      Policies: [
        {
          PolicyName: 'lock-default-security-group',
          PolicyDocument: policyDocument([
            unscopedStatement('ReadSecurityGroups', ['ec2:DescribeSecurityGroups']),
            allow('RevokeDefaultGroupRules', ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'], [defaultGroupArn]),
            allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [Fn.GetAtt('DefaultSecurityGroupLockLogGroup', 'Arn')]),
          ]),
        },
      ],
    }),
    DefaultSecurityGroupLockFunction: exemptFromScan(new Lambda.Function({
      FunctionName: physicalName('fn', LOCK_FUNCTION),
      Description: 'Custom resource: removes every rule from the VPC default security group',
      Runtime: LAMBDA_RUNTIME,
      Handler: 'index.handler',
      Code: { ZipFile: assets['lock-default-security-group'].code },
      Role: Fn.GetAtt('DefaultSecurityGroupLockRole', 'Arn'),
      Timeout: 60,
      MemorySize: 128,
      // No reserved concurrency: it would be refused where unreserved concurrency drops below 100
      // (new accounts; see src/checks/cfn-lint-rules/ReservedConcurrency.py).
      LoggingConfig: { LogFormat: 'JSON', LogGroup: Fn.Ref('DefaultSecurityGroupLockLogGroup') },
    }), [LAMBDA_EXEMPTIONS.synchronousInvocation, LAMBDA_EXEMPTIONS.reachesNoVpcResource, LAMBDA_EXEMPTIONS.noReservedConcurrency]),
    DefaultSecurityGroupLockdown: new CustomResource('Custom::DefaultSecurityGroupLockdown', {
      ServiceToken: Fn.GetAtt('DefaultSecurityGroupLockFunction', 'Arn'),
      GroupId: Fn.GetAtt('Vpc', 'DefaultSecurityGroup'),
    }),
  };
}

function endpoints(): Record<string, ResourceBase> {
  const privateRouteTables = azIndexes.map((az) => Fn.Ref(`PrivateRouteTable${az}`));
  const privateSubnets = azIndexes.map((az) => Fn.Ref(`PrivateSubnet${az}`));
  const resources: Record<string, ResourceBase> = {
    // Free, and keeps ECR layer downloads (served from S3) off the NAT gateways.
    S3GatewayEndpoint: new EC2.VPCEndpoint({
      VpcId: Fn.Ref('Vpc'),
      ServiceName: sub('com.amazonaws.${AWS::Region}.s3'),
      VpcEndpointType: 'Gateway',
      RouteTableIds: privateRouteTables,
    }),
    EndpointSecurityGroup: new EC2.SecurityGroup({
      GroupDescription: 'Interface endpoints: HTTPS from inside the VPC only',
      VpcId: Fn.Ref('Vpc'),
      SecurityGroupIngress: [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: Fn.Ref('VpcCidr'), Description: 'HTTPS from the VPC' },
      ],
      // Endpoints never open connections; this rule replaces EC2's default allow-all egress.
      SecurityGroupEgress: [
        { IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32', Description: 'Disallow all egress' },
      ],
      Tags: [nameTag('sg-endpoints')],
    }).condition('HasInterfaceEndpoints'),
  };
  for (const [logicalId, service] of Object.entries(INTERFACE_ENDPOINTS)) {
    resources[logicalId] = new EC2.VPCEndpoint({
      VpcId: Fn.Ref('Vpc'),
      ServiceName: sub(`com.amazonaws.\${AWS::Region}.${service}`),
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: privateSubnets,
      SecurityGroupIds: [Fn.Ref('EndpointSecurityGroup')],
    }).condition('HasInterfaceEndpoints');
  }
  return resources;
}

export function buildNetwork(assets: BuiltAssets) {
  return defineStack({
    name: 'network',
    description: 'TAP network: VPC over 3 AZs, subnets, NAT, routing, flow logs, endpoints (generated by src/stacks/network.ts)',
    service: 'network',
    parameters: networkParameters,
    conditions: {
      ...retainCondition,
      NatPerAz: Fn.Equals(Fn.Ref('NatGatewayMode'), 'per-az'),
      HasInterfaceEndpoints: Fn.Equals(Fn.Ref('InterfaceEndpoints'), 'enabled'),
    },
    resources: {
      Vpc: new EC2.VPC({
        CidrBlock: Fn.Ref('VpcCidr'),
        EnableDnsHostnames: true,
        EnableDnsSupport: true,
        Tags: [nameTag('vpc')],
      }),
      InternetGateway: new EC2.InternetGateway({ Tags: [nameTag('igw')] }),
      InternetGatewayAttachment: new EC2.VPCGatewayAttachment({ VpcId: Fn.Ref('Vpc'), InternetGatewayId: Fn.Ref('InternetGateway') }),
      ...subnets('Public'),
      ...subnets('Private'),
      ...publicRouting(),
      ...natAndPrivateRouting(),
      ...flowLogs(),
      ...defaultSecurityGroupLock(assets),
      ...endpoints(),
    },
    outputs: {
      VpcId: { Description: 'VPC id; consumed by the cluster (ALB, target groups) and services (security groups)', Value: Fn.Ref('Vpc') },
      VpcCidr: { Description: 'VPC CIDR; consumed by the cluster for the test-listener ingress rule', Value: Fn.GetAtt('Vpc', 'CidrBlock') },
      PublicSubnetIds: {
        Description: 'Comma-separated public subnet ids, AZ order; consumed by the cluster for the internet-facing ALB',
        Value: Fn.Join(',', azIndexes.map((az) => Fn.Ref(`PublicSubnet${az}`))),
      },
      PrivateSubnetIds: {
        Description: 'Comma-separated private subnet ids, AZ order; consumed by services (tasks, rotation functions)',
        Value: Fn.Join(',', azIndexes.map((az) => Fn.Ref(`PrivateSubnet${az}`))),
      },
      EndpointSecurityGroupId: {
        Description: 'Security group of the interface endpoints, or empty when disabled; consumed by services for rotation-function egress',
        Value: Fn.If('HasInterfaceEndpoints', Fn.Ref('EndpointSecurityGroup'), ''),
      },
    },
  });
}
