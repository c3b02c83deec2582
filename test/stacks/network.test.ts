/**
 * P-NET: the network stack as rendered JSON.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { templateNamed } from '../helpers/platform';
import { policyDocuments, properties, resource, resourcesOfType, statements } from '../helpers/template';
import { planSubnets, mustParseCidr, parseCidr, overlaps, contains } from '../../src/config/cidr';
import { lockDefaultSecurityGroup, type SecurityGroupApi } from '../../src/lambdas/lock-default-security-group';
import type { CustomResourceResponse } from '../../src/lambdas/custom-resource';

const network = () => templateNamed('network');

test('P-NET: the VPC spans 3 AZs with one public and one private subnet in each', () => {
  const t = network();
  for (const kind of ['Public', 'Private']) {
    for (const [index, az] of [[0, 1], [1, 2], [2, 3]]) {
      const subnet = properties(t, `${kind}Subnet${az}`);
      assert.equal(subnet['AvailabilityZone'], { 'Fn::Select': [index, { 'Fn::GetAZs': { Ref: 'AWS::Region' } }] });
      assert.equal(subnet['CidrBlock'], { 'Fn::Select': [index, { Ref: `${kind}SubnetCidrs` }] });
      assert.is(subnet['MapPublicIpOnLaunch'], false);
    }
  }
  assert.is(resourcesOfType(t, 'AWS::EC2::Subnet').length, 6);
});

test('P-NET: subnet CIDRs are computed in code from the VPC CIDR, disjoint and inside it', () => {
  for (const vpcText of ['10.10.0.0/16', '172.16.0.0/20', '192.168.7.0/24']) {
    const vpc = mustParseCidr(vpcText);
    const plan = planSubnets(vpc);
    const all = [...plan.publicSubnets, ...plan.privateSubnets].map(mustParseCidr);
    assert.is(all.length, 6);
    for (const subnet of all) assert.ok(contains(vpc, subnet), `${vpcText} contains its subnets`);
    for (let i = 0; i < all.length; i += 1) for (let j = i + 1; j < all.length; j += 1) assert.not.ok(overlaps(all[i], all[j]));
  }
  assert.equal(planSubnets(mustParseCidr('10.10.0.0/16')), {
    publicSubnets: ['10.10.192.0/20', '10.10.208.0/20', '10.10.224.0/20'],
    privateSubnets: ['10.10.0.0/18', '10.10.64.0/18', '10.10.128.0/18'],
  });
  assert.equal(parseCidr('10.0.0.1/16'), { ok: false, problem: 'has host bits set (the network address is 10.0.0.0/16)' });
  assert.throws(() => planSubnets(mustParseCidr('10.0.0.0/25')), /outside \/16-\/24/);
});

test('P-NET: the internet gateway is attached and is the public subnets\' default route', () => {
  const t = network();
  assert.equal(properties(t, 'InternetGatewayAttachment'), { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'InternetGateway' } });
  assert.equal(properties(t, 'PublicDefaultRoute')['GatewayId'], { Ref: 'InternetGateway' });
  assert.is(properties(t, 'PublicDefaultRoute')['DestinationCidrBlock'], '0.0.0.0/0');
  for (const az of [1, 2, 3]) assert.equal(properties(t, `PublicSubnet${az}RouteTableAssociation`)['RouteTableId'], { Ref: 'PublicRouteTable' });
});

test('P-NET: one NAT gateway, or one per AZ, chosen by NatGatewayMode', () => {
  const t = network();
  assert.equal(t.Conditions?.['NatPerAz'], { 'Fn::Equals': [{ Ref: 'NatGatewayMode' }, 'per-az'] });
  assert.is(resource(t, 'NatGateway1').Condition, undefined, 'AZ 1 always has a NAT gateway');
  assert.is(resource(t, 'NatGateway2').Condition, 'NatPerAz');
  assert.is(resource(t, 'NatGateway3').Condition, 'NatPerAz');
  assert.equal(properties(t, 'PrivateDefaultRoute1')['NatGatewayId'], { Ref: 'NatGateway1' });
  assert.equal(properties(t, 'PrivateDefaultRoute3')['NatGatewayId'], { 'Fn::If': ['NatPerAz', { Ref: 'NatGateway3' }, { Ref: 'NatGateway1' }] });
  assert.equal(t.Parameters?.['NatGatewayMode']?.AllowedValues, ['single', 'per-az']);
});

test('P-NET: each private subnet has its own route table whose only default route is the NAT (no direct internet ingress)', () => {
  const t = network();
  for (const az of [1, 2, 3]) {
    assert.equal(properties(t, `PrivateSubnet${az}RouteTableAssociation`)['RouteTableId'], { Ref: `PrivateRouteTable${az}` });
    const routes = resourcesOfType(t, 'AWS::EC2::Route').filter(([, r]) => JSON.stringify(r.Properties?.['RouteTableId']) === JSON.stringify({ Ref: `PrivateRouteTable${az}` }));
    assert.is(routes.length, 1);
    assert.is(routes[0][1].Properties?.['GatewayId'], undefined, 'no internet gateway route from private subnets');
  }
});

test('P-NET: VPC flow logs capture all traffic into a KMS-encrypted log group with retention', () => {
  const t = network();
  const flowLog = properties(t, 'FlowLog');
  assert.equal(flowLog['ResourceId'], { Ref: 'Vpc' });
  assert.is(flowLog['TrafficType'], 'ALL');
  assert.equal(flowLog['LogGroupName'], { Ref: 'FlowLogGroup' });
  const group = properties(t, 'FlowLogGroup');
  assert.is(group['RetentionInDays'], 30);
  assert.equal(group['KmsKeyId'], { 'Fn::GetAtt': ['NetworkLogsKey', 'Arn'] });
  const [delivery] = policyDocuments(t).filter((d) => d.where.startsWith('FlowLogRole.Policies'));
  assert.equal(statements(delivery.document)[0]['Resource'], [{ 'Fn::GetAtt': ['FlowLogGroup', 'Arn'] }]);
});

test('P-NET / P-TRUTH (issue 11 #11): the flow-log role has the actions AWS lists for it (but CreateLogGroup: the group exists)', () => {
  // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
  const [delivery] = policyDocuments(network()).filter((d) => d.where.startsWith('FlowLogRole.Policies'));
  const actions = statements(delivery.document).flatMap((s) => s['Action'] as string[]).sort();
  assert.equal(actions, ['logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents']);
});

test('P-NET: the default security group is locked down by a custom resource that can touch only that group', () => {
  const t = network();
  const lock = resource(t, 'DefaultSecurityGroupLockdown');
  assert.is(lock.Type, 'Custom::DefaultSecurityGroupLockdown');
  assert.equal(lock.Properties?.['GroupId'], { 'Fn::GetAtt': ['Vpc', 'DefaultSecurityGroup'] });
  const [policy] = policyDocuments(t).filter((d) => d.where.startsWith('DefaultSecurityGroupLockRole.Policies'));
  const revoke = statements(policy.document).find((s) => s['Sid'] === 'RevokeDefaultGroupRules');
  assert.equal(revoke?.['Resource'], [{ 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/${Vpc.DefaultSecurityGroup}' }]);
  assert.match(String((properties(t, 'DefaultSecurityGroupLockFunction')['Code'] as Record<string, string>)['ZipFile']), 'RevokeSecurityGroupIngressCommand');
});

test('P-NET: the lock function revokes every ingress and egress rule and reports to CloudFormation', async () => {
  const revoked: string[] = [];
  const api: SecurityGroupApi = {
    describe: async () => ({ ingress: [{ IpProtocol: '-1' }], egress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
    revokeIngress: async (id, rules) => { revoked.push(`ingress ${id} ${rules.length}`); },
    revokeEgress: async (id, rules) => { revoked.push(`egress ${id} ${rules.length}`); },
  };
  const responses: CustomResourceResponse[] = [];
  const event = { RequestType: 'Create' as const, ResponseURL: 'https://example.invalid/r', StackId: 's', RequestId: 'r', LogicalResourceId: 'L', ResourceProperties: { GroupId: 'sg-123' } };
  await lockDefaultSecurityGroup(event, api, async (_url, response) => { responses.push(response); });
  assert.equal(revoked, ['ingress sg-123 1', 'egress sg-123 1']);
  assert.is(responses[0].Status, 'SUCCESS');
  assert.is(responses[0].PhysicalResourceId, 'locked-sg-123');

  // A failure is reported as FAILED with the reason, instead of leaving the stack waiting an hour.
  const failing: SecurityGroupApi = { ...api, describe: async () => { throw new Error('UnauthorizedOperation'); } };
  await lockDefaultSecurityGroup(event, failing, async (_url, response) => { responses.push(response); });
  assert.is(responses[1].Status, 'FAILED');
  assert.is(responses[1].Reason, 'UnauthorizedOperation');

  // Delete leaves the group alone: it goes away with the VPC.
  revoked.length = 0;
  await lockDefaultSecurityGroup({ ...event, RequestType: 'Delete', PhysicalResourceId: 'locked-sg-123' }, api, async (_url, response) => { responses.push(response); });
  assert.equal(revoked, []);
  assert.is(responses[2].Status, 'SUCCESS');
});

test('P-NET: an S3 gateway endpoint always; ECR, Logs and Secrets Manager interface endpoints when enabled', () => {
  const t = network();
  const s3 = properties(t, 'S3GatewayEndpoint');
  assert.is(s3['VpcEndpointType'], 'Gateway');
  assert.equal(s3['RouteTableIds'], [1, 2, 3].map((az) => ({ Ref: `PrivateRouteTable${az}` })));
  const services = resourcesOfType(t, 'AWS::EC2::VPCEndpoint')
    .filter(([, r]) => r.Properties?.['VpcEndpointType'] === 'Interface')
    .map(([, r]) => { assert.is(r.Condition, 'HasInterfaceEndpoints'); return JSON.stringify(r.Properties?.['ServiceName']); });
  for (const service of ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager']) {
    assert.ok(services.some((s) => s.endsWith(`.${service}"}`)), `endpoint for ${service}`);
  }
  const sg = properties(t, 'EndpointSecurityGroup');
  assert.equal(sg['SecurityGroupIngress'], [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: { Ref: 'VpcCidr' }, Description: 'HTTPS from the VPC' }]);
});

test.run();
