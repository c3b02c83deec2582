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

/**
 * Resource patterns with a wildcard inside an ARN (the `Fn::Sub` text as rendered), each with why
 * nothing narrower works. Every other Allow resource is a reference (`Ref`, `Fn::GetAtt`) or an
 * `Fn::Sub` without `*`, which a test checks over every rendered template (P-SEC least privilege);
 * `arn:…:log-group:*` in a task role, for example, is refused.
 */
export const PARTIAL_RESOURCE_WILDCARDS: Readonly<Record<string, string>> = {
  '${AlbLogBucket.Arn}/alb/AWSLogs/${AWS::AccountId}/*':
    'ELB access-log delivery writes objects with generated names under this prefix; AWS documents exactly this resource for the log bucket policy (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html)',
};

/**
 * The one `?` wildcard allowed, at the end of a secret ARN: Secrets Manager appends a hyphen and six
 * random characters to a secret's name in its ARN, and AWS recommends `-??????` to match exactly
 * those (https://docs.aws.amazon.com/secretsmanager/latest/userguide/permissions_grant-limited-resources.html).
 */
export const SECRET_ARN_SUFFIX_WILDCARD = '-??????';
