/**
 * The CloudFormation execution role's permissions (D-17), derived from the rendered platform
 * templates, so that a new resource type, or one no longer used, changes the policy by itself:
 *
 * - Actions: for every resource type of the platform tree, its schema's create, read, update and
 *   delete handler permissions (src/cfn/resource-permissions.ts, generated from the pinned
 *   cfn-lint's schemas). CloudFormation acts with the stack's service role, for the nested stacks
 *   too ("CloudFormation always uses that role for all operations that are performed on that
 *   stack", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html;
 *   the AWS::CloudFormation::Stack handler itself lists iam:PassRole: it passes the role to the
 *   nested stacks it creates). Actions IAM's reference does not know are left out: no policy can
 *   grant them (`UNGRANTABLE_ACTIONS`).
 * - Resources, per action: its IAM resource types (the Service Authorization Reference, same
 *   module) that the templates create (`IAM_RESOURCE_TYPES`); for each, the environment's name
 *   pattern where the templates name every such resource (`NAMED_SCOPES`: e.g.
 *   `repository/ecr-*-${Environment}`), otherwise any resource of the type in this account and
 *   region (the ARN format with `*`; names CloudFormation generates cannot be predicted). An action
 *   with no resource type, or none of known format, is on "*" (AWS offers nothing narrower).
 * - iam:PassRole only for the roles the templates pass, each to the services that trust it
 *   (iam:PassedToService, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService):
 *   the platform's roles live under the path `/tap/<env>/` (src/cfn/stack.ts gives every role it),
 *   and the execution role itself is passed to the nested stacks (cloudformation.amazonaws.com).
 * - iam:CreateServiceLinkedRole only for the services whose handlers create one.
 * - lambda:InvokeFunction on the functions behind the templates' custom resources: CloudFormation
 *   invokes a custom resource's ServiceToken as the stack's execution role (observed, not
 *   documented: KensioSoftware/yulin#1329).
 *
 * The statements are packed into managed policies of at most 6,144 characters each, IAM's quota
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): a role's inline
 * policies share 10,240 characters, which the ~380 actions exceed.
 */
import type { ConditionBlock, PolicyStatement } from '../cfn/iam';
import { sub, type Value } from '../cfn/fn';
import { NAME_RULES } from '../cfn/name-limits';
import { pascal } from '../cfn/names';
import { PLATFORM_ROLE_PATH } from '../cfn/stack';
import { ACTION_RESOURCE_TYPES, ARN_FORMATS, HANDLER_PERMISSIONS } from '../cfn/resource-permissions';
import type { Json, TemplateJson } from '../core/template-json';
import { isJsonObject } from '../core/template-json';

export interface PlatformTemplate {
  readonly name: string;
  readonly template: TemplateJson;
}

/** The IAM resource types each CloudFormation type of the templates creates or acts on as itself. */
export const IAM_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'AWS::ACMPCA::Certificate': ['acm-pca:certificate-authority'],
  'AWS::ACMPCA::CertificateAuthority': ['acm-pca:certificate-authority'],
  'AWS::ACMPCA::CertificateAuthorityActivation': ['acm-pca:certificate-authority'],
  'AWS::ApplicationAutoScaling::ScalableTarget': ['application-autoscaling:ScalableTarget'],
  'AWS::ApplicationAutoScaling::ScalingPolicy': ['application-autoscaling:ScalableTarget'],
  'AWS::CloudFormation::Stack': ['cloudformation:stack'],
  'AWS::CloudWatch::Alarm': ['cloudwatch:alarm'],
  'AWS::CloudWatch::Dashboard': ['cloudwatch:dashboard'],
  'AWS::EC2::EIP': ['ec2:elastic-ip'],
  'AWS::EC2::FlowLog': ['ec2:vpc-flow-log', 'ec2:vpc'],
  'AWS::EC2::InternetGateway': ['ec2:internet-gateway'],
  'AWS::EC2::NatGateway': ['ec2:natgateway', 'ec2:subnet', 'ec2:elastic-ip'],
  'AWS::EC2::Route': ['ec2:route-table'],
  'AWS::EC2::RouteTable': ['ec2:route-table', 'ec2:vpc'],
  'AWS::EC2::SecurityGroup': ['ec2:security-group', 'ec2:security-group-rule', 'ec2:vpc'],
  'AWS::EC2::SecurityGroupEgress': ['ec2:security-group', 'ec2:security-group-rule'],
  'AWS::EC2::SecurityGroupIngress': ['ec2:security-group', 'ec2:security-group-rule'],
  'AWS::EC2::Subnet': ['ec2:subnet', 'ec2:vpc'],
  'AWS::EC2::SubnetRouteTableAssociation': ['ec2:route-table', 'ec2:subnet'],
  'AWS::EC2::VPC': ['ec2:vpc'],
  'AWS::EC2::VPCEndpoint': ['ec2:vpc-endpoint', 'ec2:vpc', 'ec2:subnet', 'ec2:security-group', 'ec2:route-table'],
  'AWS::EC2::VPCGatewayAttachment': ['ec2:vpc', 'ec2:internet-gateway'],
  'AWS::ECR::Repository': ['ecr:repository'],
  'AWS::ECS::Cluster': ['ecs:cluster'],
  'AWS::ECS::Service': ['ecs:service'],
  'AWS::ECS::TaskDefinition': ['ecs:task-definition'],
  'AWS::ElasticLoadBalancingV2::Listener': ['elasticloadbalancing:listener/app'],
  'AWS::ElasticLoadBalancingV2::ListenerRule': ['elasticloadbalancing:listener-rule/app'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['elasticloadbalancing:loadbalancer/app/'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['elasticloadbalancing:targetgroup'],
  'AWS::IAM::Role': ['iam:role'],
  'AWS::KMS::Alias': ['kms:alias', 'kms:key'],
  'AWS::KMS::Key': ['kms:key'],
  'AWS::Lambda::Function': ['lambda:function', 's3:object'],
  'AWS::Lambda::Permission': ['lambda:function'],
  'AWS::Logs::LogGroup': ['logs:log-group'],
  'AWS::Logs::MetricFilter': ['logs:log-group'],
  'AWS::S3::Bucket': ['s3:bucket'],
  'AWS::S3::BucketPolicy': ['s3:bucket'],
  'AWS::SNS::Subscription': ['sns:topic'],
  'AWS::SNS::Topic': ['sns:topic'],
  'AWS::SNS::TopicPolicy': ['sns:topic'],
  'AWS::SecretsManager::RotationSchedule': ['secretsmanager:Secret', 'lambda:function'],
  'AWS::SecretsManager::Secret': ['secretsmanager:Secret'],
  'AWS::ServiceDiscovery::HttpNamespace': ['servicediscovery:namespace'],
};

const ARN = 'arn:${AWS::Partition}';
const REGIONAL = (service: string) => `${ARN}:${service}:\${AWS::Region}:\${AWS::AccountId}`;

/**
 * IAM resource types the templates name, and how a name becomes an ARN pattern. The names are
 * read from the templates (the `Fn::Sub` text with `${Environment}`), never re-derived.
 */
interface NamedScope {
  /** The CloudFormation type whose names scope this IAM type, and the name property (NAME_RULES). */
  readonly type: string;
  readonly arns: (name: string) => readonly string[];
}

export const NAMED_SCOPES: Readonly<Record<string, NamedScope>> = {
  'ecr:repository': { type: 'AWS::ECR::Repository', arns: (n) => [`${REGIONAL('ecr')}:repository/${n}`] },
  'logs:log-group': { type: 'AWS::Logs::LogGroup', arns: (n) => [`${REGIONAL('logs')}:log-group:${n}`, `${REGIONAL('logs')}:log-group:${n}:*`] },
  // Secrets Manager appends "-" and six characters to a secret's name in its ARN.
  'secretsmanager:Secret': { type: 'AWS::SecretsManager::Secret', arns: (n) => [`${REGIONAL('secretsmanager')}:secret:${n}-??????`] },
  'lambda:function': { type: 'AWS::Lambda::Function', arns: (n) => [`${REGIONAL('lambda')}:function:${n}`, `${REGIONAL('lambda')}:function:${n}:*`] },
  'ecs:cluster': { type: 'AWS::ECS::Cluster', arns: (n) => [`${REGIONAL('ecs')}:cluster/${n}`] },
  'ecs:service': { type: 'AWS::ECS::Service', arns: (n) => [`${REGIONAL('ecs')}:service/*/${n}`] },
  'ecs:task-definition': { type: 'AWS::ECS::TaskDefinition', arns: (n) => [`${REGIONAL('ecs')}:task-definition/${n}:*`] },
  'elasticloadbalancing:targetgroup': { type: 'AWS::ElasticLoadBalancingV2::TargetGroup', arns: (n) => [`${REGIONAL('elasticloadbalancing')}:targetgroup/${n}/*`] },
  'elasticloadbalancing:loadbalancer/app/': { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', arns: (n) => [`${REGIONAL('elasticloadbalancing')}:loadbalancer/app/${n}/*`] },
  // Listeners and their rules are named after the load balancer they belong to.
  'elasticloadbalancing:listener/app': { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', arns: (n) => [`${REGIONAL('elasticloadbalancing')}:listener/app/${n}/*`] },
  'elasticloadbalancing:listener-rule/app': { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', arns: (n) => [`${REGIONAL('elasticloadbalancing')}:listener-rule/app/${n}/*`] },
  'sns:topic': { type: 'AWS::SNS::Topic', arns: (n) => [`${REGIONAL('sns')}:${n}`] },
  'cloudwatch:alarm': { type: 'AWS::CloudWatch::Alarm', arns: (n) => [`${REGIONAL('cloudwatch')}:alarm:${n}`] },
  'cloudwatch:dashboard': { type: 'AWS::CloudWatch::Dashboard', arns: (n) => [`${ARN}:cloudwatch::\${AWS::AccountId}:dashboard/${n}`] },
  'kms:alias': { type: 'AWS::KMS::Alias', arns: (n) => [`${REGIONAL('kms')}:${n}`] },
};

/** Scopes that come from what the bootstrap stack knows rather than from resource names. */
export const PLATFORM_SCOPES: Readonly<Record<string, readonly string[]>> = {
  // Every platform role carries the path (src/cfn/stack.ts); the bootstrap's roles do not.
  'iam:role': [`${ARN}:iam::\${AWS::AccountId}:role${PLATFORM_ROLE_PATH}*`],
  // Nested stacks are named `<parent>-<LogicalId>-<random>` (observed, not documented; long
  // names are shortened: aws-parallelcluster#6138): the params rules keep stack names short.
  'cloudformation:stack': [`${REGIONAL('cloudformation')}:stack/\${PlatformStackName}-*/*`],
  // The Lambda code the templates point at: packaged into the artifact bucket by the deploy.
  's3:object': ['${ArtifactBucket.Arn}/*'],
};

/** Actions of the schemas that IAM's reference does not know: no policy can grant them. */
export function ungrantableActions(types: readonly string[]): string[] {
  return [...new Set(types.flatMap((t) => HANDLER_PERMISSIONS[t] ?? []))].filter((a) => !(a in ACTION_RESOURCE_TYPES)).sort();
}

/** The resource types of the platform tree (custom resources apart). */
export function platformTypes(templates: readonly PlatformTemplate[]): string[] {
  return [...new Set(templates.flatMap((t) => Object.values(t.template.Resources).map((r) => r.Type)))].filter((t) => !t.startsWith('Custom::')).sort();
}

/** The `Fn::Sub` text of every name the templates give resources of `type` (undefined: one is unnamed). */
function nameTemplates(templates: readonly PlatformTemplate[], type: string): string[] | undefined {
  const rule = NAME_RULES.find((r) => r.resourceType === type);
  if (!rule) return undefined;
  const names: string[] = [];
  for (const { template } of templates) {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== type) continue;
      const value: Json | undefined = resource.Properties?.[rule.property];
      const text = typeof value === 'string' ? value : isJsonObject(value) && typeof value['Fn::Sub'] === 'string' ? value['Fn::Sub'] : undefined;
      if (text === undefined) return undefined;
      names.push(text);
    }
  }
  return names.length > 0 ? [...new Set(names)].sort() : undefined;
}

/**
 * One pattern for a set of names: their longest common prefix and suffix around a `*`
 * (`ecr-frontend-${Environment}`, `ecr-api-gateway-${Environment}` → `ecr-*-${Environment}`).
 * A `${...}` is never cut in two.
 */
export function namePattern(names: readonly string[]): string {
  if (names.length === 1) return names[0];
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  let suffix = names[0];
  for (const name of names) while (!name.endsWith(suffix)) suffix = suffix.slice(1);
  const open = prefix.lastIndexOf('${');
  if (open > prefix.lastIndexOf('}')) prefix = prefix.slice(0, open);
  const close = suffix.indexOf('}');
  if (close >= 0 && (suffix.indexOf('${') === -1 || close < suffix.indexOf('${'))) suffix = suffix.slice(close + 1);
  const shortest = Math.min(...names.map((n) => n.length));
  if (prefix.length + suffix.length > shortest) suffix = suffix.slice(prefix.length + suffix.length - shortest);
  return `${prefix}*${suffix}`;
}

/** The ARN patterns an IAM resource type is scoped to in this environment; `["*"]` when it has no ARN format. */
export function scopeOf(iamType: string, templates: readonly PlatformTemplate[]): readonly string[] {
  const platform = PLATFORM_SCOPES[iamType];
  if (platform) return platform;
  const named = NAMED_SCOPES[iamType];
  const names = named ? nameTemplates(templates, named.type) : undefined;
  if (named && names) return named.arns(namePattern(names));
  const formats = ARN_FORMATS[iamType] ?? [];
  if (formats.length === 0) return ['*'];
  return formats.map((f) => f.replace('${Partition}', '${AWS::Partition}').replace('${Region}', '${AWS::Region}').replace('${Account}', '${AWS::AccountId}').replace(/\.\*/g, '*'));
}

/** What a derived statement grants, with the reason its resources are what they are. */
export interface DerivedStatement extends PolicyStatement {
  readonly Sid: string;
  readonly Action: readonly string[];
}

const SPECIAL_ACTIONS = new Set(['iam:PassRole', 'iam:CreateServiceLinkedRole']);

/** Services whose handlers create their service-linked role (AWS::X → the role's service). */
export const SERVICE_LINKED_ROLES: Readonly<Record<string, readonly string[]>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': ['ecs.application-autoscaling.amazonaws.com'],
  'AWS::EC2::FlowLog': ['delivery.logs.amazonaws.com'],
  'AWS::ECS::Cluster': ['ecs.amazonaws.com'],
};

/** Services that trust the templates' roles (their trust policies' Service principals). */
export function trustedServices(templates: readonly PlatformTemplate[]): string[] {
  const services = new Set<string>();
  for (const { template } of templates) {
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const document = resource.Properties?.['AssumeRolePolicyDocument'];
      const statements = isJsonObject(document) ? [document['Statement']].flat() : [];
      for (const statement of statements) {
        const principal = isJsonObject(statement) ? statement['Principal'] : undefined;
        const service = isJsonObject(principal) ? principal['Service'] : undefined;
        for (const name of [service ?? []].flat()) if (typeof name === 'string') services.add(name);
      }
    }
  }
  return [...services].sort();
}

/** Functions behind the templates' custom resources, by their names' pattern. */
function customResourceFunctions(templates: readonly PlatformTemplate[]): string[] {
  const custom = templates.flatMap(({ template }) => Object.values(template.Resources).filter((r) => r.Type.startsWith('Custom::')));
  if (custom.length === 0) return [];
  return [...NAMED_SCOPES['lambda:function'].arns(namePattern(nameTemplates(templates, 'AWS::Lambda::Function') ?? ['*']))];
}

const subAll = (values: readonly string[]): Value<string>[] => values.map((v) => (v === '*' ? '*' : sub(v)));

/** Every statement of the execution role's policy, derived from the platform templates. */
/**
 * Resource types of the templates the execution role's tables do not cover: their permissions
 * would be missing, so test/stacks/execution-role.test.ts fails on any (`make docs` regenerates
 * src/cfn/resource-permissions.ts; IAM_RESOURCE_TYPES above needs the type by hand).
 */
export function typesWithoutPermissions(templates: readonly PlatformTemplate[]): string[] {
  return platformTypes(templates).filter((t) => !HANDLER_PERMISSIONS[t] || !IAM_RESOURCE_TYPES[t]);
}

export function executionRoleStatements(templates: readonly PlatformTemplate[], executionRoleArn: Value<string>): DerivedStatement[] {
  const types = platformTypes(templates).filter((t) => HANDLER_PERMISSIONS[t] && IAM_RESOURCE_TYPES[t]);
  const created = new Set(types.flatMap((t) => IAM_RESOURCE_TYPES[t]));
  const actions = [...new Set(types.flatMap((t) => HANDLER_PERMISSIONS[t]))].filter((a) => a in ACTION_RESOURCE_TYPES && !SPECIAL_ACTIONS.has(a)).sort();

  // Group actions by the exact resources they get.
  const groups = new Map<string, { service: string; actions: string[]; resources: readonly string[] }>();
  for (const action of actions) {
    const service = action.split(':')[0];
    const kinds = ACTION_RESOURCE_TYPES[action].map((r) => `${service}:${r}`);
    const relevant = kinds.filter((k) => created.has(k));
    const resources = kinds.length === 0 ? ['*'] : [...new Set((relevant.length > 0 ? relevant : kinds).flatMap((k) => scopeOf(k, templates)))].sort();
    const scoped = resources.includes('*') ? ['*'] : resources;
    const key = `${service} ${JSON.stringify(scoped)}`;
    const group = groups.get(key) ?? { service, actions: [], resources: scoped };
    group.actions.push(action);
    groups.set(key, group);
  }
  const counters = new Map<string, number>();
  const statements: DerivedStatement[] = [...groups.values()].map(({ service, actions: grouped, resources }) => {
    const n = (counters.get(service) ?? 0) + 1;
    counters.set(service, n);
    const sid = `${pascal(service)}${resources[0] === '*' ? 'Any' : 'Scoped'}${n}`;
    return { Sid: sid, Effect: 'Allow', Action: grouped, Resource: resources[0] === '*' ? '*' : subAll(resources) };
  });

  const passedTo = (services: readonly string[]): ConditionBlock => ({ StringEquals: { 'iam:PassedToService': [...services] } });
  statements.push({ Sid: 'PassPlatformRoles', Effect: 'Allow', Action: ['iam:PassRole'], Resource: subAll(PLATFORM_SCOPES['iam:role']), Condition: passedTo(trustedServices(templates)) });
  statements.push({ Sid: 'PassItselfToNestedStacks', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [executionRoleArn], Condition: passedTo(['cloudformation.amazonaws.com']) });
  const linked = [...new Set(types.flatMap((t) => SERVICE_LINKED_ROLES[t] ?? []))].sort();
  if (linked.length > 0) {
    statements.push({
      Sid: 'CreateServiceLinkedRoles',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: [sub(`${ARN}:iam::\${AWS::AccountId}:role/aws-service-role/*`)],
      Condition: { StringEquals: { 'iam:AWSServiceName': linked } },
    });
  }
  const functions = customResourceFunctions(templates);
  if (functions.length > 0) statements.push({ Sid: 'InvokeCustomResourceProviders', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: subAll(functions) });
  return statements;
}

/** IAM's size quota for one managed policy, not counting white space. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;
/** IAM's default quota of managed policies attached to one role. */
export const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * The longest text each `${...}` can become, so a packed policy fits the quota in every
 * environment: the longest partition, region, account, environment, stack and bucket names.
 */
const LONGEST: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-99',
  'AWS::AccountId': '123456789012',
  Environment: 'x'.repeat(16),
  PlatformStackName: 'x'.repeat(40),
  'ArtifactBucket.Arn': `arn:aws-us-gov:s3:::${'x'.repeat(63)}`,
};

/** The size IAM counts for statements (white space removed), with every variable at its longest. */
export function policySize(statements: readonly PolicyStatement[]): number {
  const text = JSON.stringify({ Version: '2012-10-17', Statement: statements }, (_key, value: unknown) =>
    isJsonObject(value as Json) && typeof (value as Record<string, unknown>)['Fn::Sub'] === 'string'
      ? String((value as Record<string, string>)['Fn::Sub']).replace(/\$\{([^}]+)\}/g, (_all, name: string) => LONGEST[name] ?? `\${${name}}`)
      : value);
  return text.replace(/\s/g, '').length;
}

/**
 * First fit, in order: statements into as few policies of at most the quota as it takes. A
 * policy's size is the empty document's plus its statements' and the commas between them, so each
 * statement is measured once.
 */
export function packStatements(statements: readonly DerivedStatement[], limit = MANAGED_POLICY_MAX_CHARACTERS): DerivedStatement[][] {
  const empty = policySize([]);
  const policies: { statements: DerivedStatement[]; size: number }[] = [];
  for (const statement of statements) {
    const size = policySize([statement]) - empty;
    if (empty + size > limit) throw new Error(`statement ${statement.Sid} alone is over ${limit} characters`);
    const fits = policies.find((policy) => policy.size + 1 + size <= limit);
    if (fits) {
      fits.statements.push(statement);
      fits.size += 1 + size;
    } else {
      policies.push({ statements: [statement], size: empty + size });
    }
  }
  return policies.map((policy) => policy.statements);
}
