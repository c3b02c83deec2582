/**
 * Custom resource that removes every rule from a VPC's default security group (P-NET, CIS AWS
 * Foundations 4.3). CloudFormation has no property for this: the default group is created by EC2
 * with allow-all egress and self-referencing ingress.
 *
 * Create/Update revoke whatever rules the group holds (idempotent); Delete does nothing because
 * the group disappears with its VPC. Deployed inline (index.handler) by the network stack.
 */
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { putResponse, type CustomResourceEvent, type Responder } from './custom-resource';

/** The three EC2 calls this function makes, so tests can drive it without AWS. */
export interface SecurityGroupApi {
  describe(groupId: string): Promise<{ ingress: IpPermission[]; egress: IpPermission[] }>;
  revokeIngress(groupId: string, permissions: IpPermission[]): Promise<void>;
  revokeEgress(groupId: string, permissions: IpPermission[]): Promise<void>;
}

export function ec2SecurityGroupApi(client: EC2Client = new EC2Client({})): SecurityGroupApi {
  return {
    async describe(groupId) {
      const { SecurityGroups = [] } = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      const group = SecurityGroups[0];
      if (!group) throw new Error(`security group ${groupId} not found`);
      return { ingress: group.IpPermissions ?? [], egress: group.IpPermissionsEgress ?? [] };
    },
    async revokeIngress(groupId, permissions) {
      await client.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: permissions }));
    },
    async revokeEgress(groupId, permissions) {
      await client.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: permissions }));
    },
  };
}

export async function lockDefaultSecurityGroup(
  event: CustomResourceEvent,
  api: SecurityGroupApi,
  respond: Responder,
): Promise<void> {
  const groupId = event.ResourceProperties['GroupId'];
  const physicalId = typeof groupId === 'string' ? `locked-${groupId}` : event.PhysicalResourceId ?? event.LogicalResourceId;
  const base = { PhysicalResourceId: physicalId, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  try {
    if (event.RequestType !== 'Delete') {
      if (typeof groupId !== 'string') throw new Error('property GroupId (string) is required');
      const rules = await api.describe(groupId);
      if (rules.ingress.length > 0) await api.revokeIngress(groupId, rules.ingress);
      if (rules.egress.length > 0) await api.revokeEgress(groupId, rules.egress);
    }
    await respond(event.ResponseURL, { ...base, Status: 'SUCCESS' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await respond(event.ResponseURL, { ...base, Status: 'FAILED', Reason: reason });
  }
}

export const handler = (event: CustomResourceEvent): Promise<void> =>
  lockDefaultSecurityGroup(event, ec2SecurityGroupApi(), putResponse);
