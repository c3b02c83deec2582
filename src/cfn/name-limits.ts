/**
 * AWS name limits, checked against the names the rendered templates will really produce for an
 * environment. The names are read from the templates (not re-derived), so the check cannot drift
 * from what CloudFormation receives.
 */
import type { Json, TemplateJson } from '../core/template-json';
import { isJsonObject } from '../core/template-json';

export interface NameRule {
  readonly resourceType: string;
  readonly property: string;
  readonly maxLength: number;
  readonly pattern: RegExp;
  readonly patternText: string;
  /** Extra check beyond length and pattern, with the reason it exists. */
  readonly extra?: { test: (name: string) => boolean; problem: string };
}

const DNS_LIKE = { pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/, patternText: 'letters, digits and hyphens, not starting or ending with a hyphen' };
const ECS_NAME = { pattern: /^[a-zA-Z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' };

export const NAME_RULES: readonly NameRule[] = [
  { resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer', property: 'Name', maxLength: 32, ...DNS_LIKE,
    extra: { test: (n) => !n.startsWith('internal-'), problem: 'must not start with "internal-"' } },
  { resourceType: 'AWS::ElasticLoadBalancingV2::TargetGroup', property: 'Name', maxLength: 32, ...DNS_LIKE },
  { resourceType: 'AWS::ECS::Cluster', property: 'ClusterName', maxLength: 255, ...ECS_NAME },
  { resourceType: 'AWS::ECS::Service', property: 'ServiceName', maxLength: 255, ...ECS_NAME },
  { resourceType: 'AWS::ECS::TaskDefinition', property: 'Family', maxLength: 255, ...ECS_NAME },
  { resourceType: 'AWS::ECR::Repository', property: 'RepositoryName', maxLength: 256,
    pattern: /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/, patternText: 'lower-case letters, digits and separators' },
  { resourceType: 'AWS::Logs::LogGroup', property: 'LogGroupName', maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, patternText: 'letters, digits and . - _ / #' },
  { resourceType: 'AWS::SecretsManager::Secret', property: 'Name', maxLength: 512, pattern: /^[a-zA-Z0-9/_+=.@-]+$/, patternText: 'letters, digits and /_+=.@-',
    // Secrets Manager appends "-" + 6 random characters to ARNs; a name that already ends that way
    // makes partial-ARN lookups ambiguous.
    extra: { test: (n) => !/-[a-zA-Z0-9]{6}$/.test(n), problem: 'must not end with a hyphen and six characters (ambiguous with the ARN suffix)' } },
  { resourceType: 'AWS::Lambda::Function', property: 'FunctionName', maxLength: 64, pattern: /^[a-zA-Z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
  { resourceType: 'AWS::SNS::Topic', property: 'TopicName', maxLength: 256, pattern: /^[a-zA-Z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
  { resourceType: 'AWS::CloudWatch::Alarm', property: 'AlarmName', maxLength: 255, pattern: /^[^\s].*$/, patternText: 'non-empty' },
  { resourceType: 'AWS::CloudWatch::Dashboard', property: 'DashboardName', maxLength: 255, pattern: /^[a-zA-Z0-9_-]+$/, patternText: 'letters, digits, hyphens and underscores' },
  { resourceType: 'AWS::KMS::Alias', property: 'AliasName', maxLength: 256, pattern: /^alias\/[a-zA-Z0-9/_-]+$/, patternText: '"alias/" then letters, digits and /_-' },
  { resourceType: 'AWS::ServiceDiscovery::HttpNamespace', property: 'Name', maxLength: 1024,
    pattern: /^[!-~]+$/, patternText: 'printable ASCII',
    // Used as the cluster's Service Connect default: ECS rejects hyphens, tildes, <, > and / there.
    extra: { test: (n) => !/[-~<>/]/.test(n), problem: 'must not contain - ~ < > / (ECS Service Connect default namespace)' } },
];

export interface NameViolation {
  readonly file: string;
  readonly logicalId: string;
  readonly resourceType: string;
  readonly property: string;
  readonly name: string;
  readonly problem: string;
}

/** Upper bounds for pseudo parameters that may appear in names. */
const PSEUDO_MAX: Record<string, string> = {
  'AWS::Region': 'ap-southeast-99',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws-us-gov',
  'AWS::URLSuffix': 'amazonaws.com.cn',
};

/** Resolves a name value to the concrete string for `environment`, or undefined if not a name. */
export function resolveName(value: Json | undefined, environment: string): string | undefined {
  if (typeof value === 'string') return value;
  if (!isJsonObject(value)) return undefined;
  const template = value['Fn::Sub'];
  if (typeof template !== 'string') return undefined;
  return template.replace(/\$\{([^}]+)\}/g, (_all, variable: string) => {
    if (variable === 'Environment') return environment;
    return PSEUDO_MAX[variable] ?? `\${${variable}}`;
  });
}

export function nameViolations(
  templates: readonly { file: string; template: TemplateJson }[],
  environment: string,
): NameViolation[] {
  const violations: NameViolation[] = [];
  for (const { file, template } of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      for (const rule of NAME_RULES) {
        if (rule.resourceType !== resource.Type) continue;
        const name = resolveName(resource.Properties?.[rule.property], environment);
        if (name === undefined) continue;
        const base = { file, logicalId, resourceType: rule.resourceType, property: rule.property, name };
        if (name.length > rule.maxLength) {
          violations.push({ ...base, problem: `is ${name.length} characters; AWS allows at most ${rule.maxLength}` });
        }
        if (!rule.pattern.test(name)) violations.push({ ...base, problem: `must be ${rule.patternText}` });
        if (rule.extra && !rule.extra.test(name)) violations.push({ ...base, problem: rule.extra.problem });
      }
    }
  }
  return violations;
}
