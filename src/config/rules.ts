/**
 * Cross-field rules a JSON Schema cannot express. Each rule returns the problems it finds, with
 * the file, the JSON path and what was expected. They run only on schema-valid files, and look at
 * one file: the rules that compare environments are in identity.ts.
 */
import type { TemplateJson } from '../core/template-json';
import { contains, overlaps, parseCidr, type Cidr } from './cidr';
import { nameViolations } from '../cfn/name-limits';
import { quote, type Problem } from '../core/problems';
import { RESERVED_TAG_KEYS } from './schema';
import type { EnvironmentFile } from './environment';
import { AZ_COUNT } from '../catalog/platform';

export interface RuleContext {
  readonly name: string;
  readonly file: string;
  readonly settings: EnvironmentFile;
  /** Parsed VpcCidr, or undefined when it does not parse (the VPC rule reports that). */
  readonly vpc: Cidr | undefined;
  readonly templates: readonly { file: string; template: TemplateJson }[];
}

export type EnvironmentRule = (context: RuleContext) => Problem[];

const parameterPath = (key: string): string => `/parameters/${key}`;

/** The file name is the environment; the Environment parameter must agree. */
const environmentMatchesFileName: EnvironmentRule = ({ name, file, settings }) =>
  settings.parameters['Environment'] === name
    ? []
    : [{ file, path: parameterPath('Environment'), message: `must be ${quote(name)}, the name of this file (got ${quote(settings.parameters['Environment'])})` }];

/** A CIDR parameter must be a network address: EC2 rejects a VPC CIDR with host bits, and in a rule CIDR they are a typo. */
const cidrIsANetwork = (key: string): EnvironmentRule => ({ file, settings }) => {
  const value = settings.parameters[key];
  if (value === undefined) return [];
  const parsed = parseCidr(String(value));
  return parsed.ok ? [] : [{ file, path: parameterPath(key), message: `${quote(value)} ${parsed.problem}` }];
};

/** Explicit subnet CIDRs must be valid, one per AZ, inside the VPC and disjoint. */
const subnetsFitTheVpc: EnvironmentRule = ({ file, settings, vpc }) => {
  const problems: Problem[] = [];
  const seen: { key: string; index: number; cidr: Cidr; text: string }[] = [];
  for (const key of ['PublicSubnetCidrs', 'PrivateSubnetCidrs']) {
    const value = settings.parameters[key];
    if (value === undefined || !Array.isArray(value)) continue;
    if (value.length !== AZ_COUNT) {
      problems.push({ file, path: parameterPath(key), message: `must list exactly ${AZ_COUNT} CIDRs, one per AZ (got ${value.length})` });
    }
    value.forEach((text, index) => {
      const at = `${parameterPath(key)}/${index}`;
      const parsed = parseCidr(text);
      if (!parsed.ok) {
        problems.push({ file, path: at, message: `${quote(text)} ${parsed.problem}` });
        return;
      }
      if (parsed.cidr.prefix > 28) problems.push({ file, path: at, message: `${quote(text)} is smaller than /28, the smallest subnet AWS allows` });
      if (vpc && !contains(vpc, parsed.cidr)) {
        problems.push({ file, path: at, message: `${quote(text)} is outside the VPC CIDR ${quote(settings.parameters['VpcCidr'])}` });
      }
      const clash = seen.find((other) => overlaps(other.cidr, parsed.cidr));
      if (clash) problems.push({ file, path: at, message: `${quote(text)} overlaps ${quote(clash.text)} at ${parameterPath(clash.key)}/${clash.index}` });
      seen.push({ key, index, cidr: parsed.cidr, text });
    });
  }
  return problems;
};

/** P-DATA: production data is retained, whatever else the file says. */
const productionRetainsData: EnvironmentRule = ({ name, file, settings }) =>
  name === 'prod' && settings.parameters['DataProtection'] !== 'retain'
    ? [{ file, path: parameterPath('DataProtection'), message: `must be "retain" in prod: repositories, secrets, log groups and keys must survive deletion (got ${quote(settings.parameters['DataProtection'])})` }]
    : [];

const tagsDoNotShadowPlatformTags: EnvironmentRule = ({ file, settings }) =>
  Object.keys(settings.tags ?? {})
    .filter((key) => RESERVED_TAG_KEYS.includes(key))
    .map((key) => ({ file, path: `/tags/${key}`, message: `is set by the templates on every resource; choose another key (reserved: ${RESERVED_TAG_KEYS.join(', ')})` }));

/** Physical names, as rendered for this environment, must fit AWS limits. */
const namesFitAwsLimits: EnvironmentRule = ({ file, settings, templates }) => {
  const environment = settings.parameters['Environment'];
  if (typeof environment !== 'string') return [];
  return nameViolations(templates, environment).map((violation) => ({
    file,
    path: parameterPath('Environment'),
    message: `makes ${violation.resourceType} ${violation.property} ${quote(violation.name)} (${violation.file} ${violation.logicalId}) invalid: it ${violation.problem}`,
  }));
};

/** P-SVC: the deploy-time count must lie inside the autoscaling range. */
const desiredCountWithinCapacity: EnvironmentRule = ({ file, settings }) => {
  const { DesiredCount: desired = 2, MinCapacity: min = 2, MaxCapacity: max = 10 } = settings.parameters as Record<string, number | undefined>;
  const problems: Problem[] = [];
  if (min > max) problems.push({ file, path: parameterPath('MinCapacity'), message: `must not exceed MaxCapacity (${min} > ${max})` });
  if (desired < min || desired > max) {
    problems.push({ file, path: parameterPath('DesiredCount'), message: `must be between MinCapacity and MaxCapacity (${min}..${max}; got ${desired})` });
  }
  return problems;
};

/** ARNs the stacks use must live in the account and region the environment deploys to. */
const arnsBelongToTheDeployment: EnvironmentRule = ({ file, settings }) => {
  const { accountId, region } = settings.deployment;
  return ['CertificateArn', 'DatabaseAdminSecretArn'].flatMap((key) => {
    const value = settings.parameters[key];
    if (typeof value !== 'string' || value === '') return [];
    const [, , , arnRegion, arnAccount] = value.split(':');
    const what = key === 'CertificateArn' ? 'an ALB certificate must be in the ALB\'s account and region' : 'the rotation function reads it in its own account and region';
    return arnRegion === region && arnAccount === accountId
      ? []
      : [{ file, path: parameterPath(key), message: `must be in account ${accountId}, region ${region} (got ${arnAccount}, ${arnRegion}): ${what}` }];
  });
};

/**
 * Service Connect TLS reaches public services only through HTTPS target groups attached to a TLS
 * listener with a TLS 1.3 policy (AWS, "Service Connect and Application Load Balancer health
 * checks": https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html).
 * Without a certificate the ALB has no TLS listener, so that combination cannot work.
 */
const serviceConnectTlsNeedsTlsListener: EnvironmentRule = ({ file, settings, templates }) => {
  const hasTargetGroups = templates.some(({ template }) =>
    Object.values(template.Resources).some((resource) => resource.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup'));
  const { ServiceConnectTls: tls, CertificateArn: certificate = '' } = settings.parameters;
  return tls === 'enabled' && certificate === '' && hasTargetGroups
    ? [{ file, path: parameterPath('ServiceConnectTls'), message: '"enabled" needs CertificateArn: with TLS the Service Connect proxy speaks TLS 1.3 only, so the ALB must reach public services through HTTPS target groups on a TLS listener (AWS: Service Connect TLS with ALB health checks); set CertificateArn, or ServiceConnectTls to "disabled"' }]
    : [];
};

export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [
  environmentMatchesFileName,
  cidrIsANetwork('VpcCidr'),
  cidrIsANetwork('DatabaseCidr'),
  subnetsFitTheVpc,
  productionRetainsData,
  tagsDoNotShadowPlatformTags,
  desiredCountWithinCapacity,
  arnsBelongToTheDeployment,
  serviceConnectTlsNeedsTlsListener,
  namesFitAwsLimits,
];
