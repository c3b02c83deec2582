/**
 * The only IAM actions allowed on `Resource: "*"`, each with the reason AWS gives for it.
 * `unscopedStatement` refuses anything else at synth time, and a test checks every policy in every
 * rendered template against this list (P-SEC least privilege).
 */
export const RESOURCE_WILDCARD_ALLOWLIST: Readonly<Record<string, string>> = {
  'ecr:GetAuthorizationToken': 'returns a registry-wide login token; ECR documents no resource-level permissions for it',
  'ssmmessages:CreateControlChannel': 'ECS Exec session channel; Session Manager messages have no resource-level permissions',
  'ssmmessages:CreateDataChannel': 'ECS Exec session channel; Session Manager messages have no resource-level permissions',
  'ssmmessages:OpenControlChannel': 'ECS Exec session channel; Session Manager messages have no resource-level permissions',
  'ssmmessages:OpenDataChannel': 'ECS Exec session channel; Session Manager messages have no resource-level permissions',
  'logs:DescribeLogGroups': 'ECS Exec and VPC Flow Logs check their log group exists; DescribeLogGroups cannot be scoped to a log group',
  'cloudwatch:PutMetricData': 'custom metrics have no resource ARN; scoped instead by the cloudwatch:namespace condition',
  'secretsmanager:GetRandomPassword': 'generates a random string; it touches no resource',
  'ec2:DescribeSecurityGroups': 'EC2 Describe actions do not support resource-level permissions',
  'ec2:DescribeNetworkInterfaces': 'EC2 Describe actions do not support resource-level permissions',
  'ec2:DescribeSubnets': 'EC2 Describe actions do not support resource-level permissions (in AWSLambdaVPCAccessExecutionRole for VPC functions)',
  'ec2:CreateNetworkInterface': 'Lambda creates the function ENI in its subnets before it has an ARN (AWS-documented "*")',
  'ec2:DeleteNetworkInterface': 'Lambda deletes function ENIs it created; documented with "*" for VPC functions',
  'ec2:AssignPrivateIpAddresses': 'Lambda manages addresses on function ENIs; documented with "*" for VPC functions',
  'ec2:UnassignPrivateIpAddresses': 'Lambda manages addresses on function ENIs; documented with "*" for VPC functions',
  'elasticloadbalancing:DescribeListeners': 'ELB Describe actions do not support resource-level permissions',
  'elasticloadbalancing:DescribeRules': 'ELB Describe actions do not support resource-level permissions',
  'elasticloadbalancing:DescribeTargetGroups': 'ELB Describe actions do not support resource-level permissions',
  'elasticloadbalancing:DescribeTargetHealth': 'ELB Describe actions do not support resource-level permissions',
};

export function isAllowedOnAnyResource(action: string): boolean {
  return Object.prototype.hasOwnProperty.call(RESOURCE_WILDCARD_ALLOWLIST, action);
}
