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
import type { ServiceCatalog } from '../catalog/types';
import { repositoryNameTemplate } from '../stacks/registry';
import { GITHUB_OIDC_MAX_SUBJECT_CHARACTERS, githubSubjectProblem } from './github-oidc';
import { PLATFORM_STACK_NAME_MAX } from '../stacks/bootstrap';

export interface RuleContext {
  readonly name: string;
  readonly file: string;
  readonly settings: EnvironmentFile;
  /** Parsed VpcCidr, or undefined when it does not parse (the VPC rule reports that). */
  readonly vpc: Cidr | undefined;
  readonly templates: readonly { file: string; template: TemplateJson }[];
  /** The catalog the templates were rendered from. */
  readonly catalog: ServiceCatalog;
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

/**
 * D-16: a service whose image is pending in the catalog has no stack to release into, and a
 * caller is created only once every service it calls is (it reads their security groups; see
 * src/stacks/releases.ts), so a tag there would be silently ignored. Both are refused instead.
 */
const imageTagsFollowTheCatalog: EnvironmentRule = ({ file, settings, catalog }) => {
  const problems: Problem[] = [];
  for (const service of catalog) {
    const tag = settings.imageTags[service.name] ?? '';
    if (tag === '') continue;
    const at = `/imageTags/${service.name}`;
    if (service.imagePending) {
      problems.push({ file, path: at, message: `must be "" while ${service.name} is imagePending in the catalog (src/catalog/services.ts): its repository exists, its service does not (got ${quote(tag)})` });
      continue;
    }
    const unreleased = service.calls.filter((callee) => (settings.imageTags[callee] ?? '') === '');
    if (unreleased.length > 0) {
      problems.push({ file, path: at, message: `${quote(tag)} releases ${service.name}, which calls ${unreleased.join(', ')}: release ${unreleased.length === 1 ? 'it' : 'them'} first (a caller's stack reads its callees' security groups, so it is created only after theirs)` });
    }
  }
  return problems;
};

/**
 * ECS takes an image reference of at most 255 characters (ContainerDefinition.Image,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html), here
 * `<account>.dkr.ecr.<region>.amazonaws.com/ecr-<service>-<env>:<tag>`.
 */
export const ECS_IMAGE_MAX_LENGTH = 255;
const imageReferencesFitEcs: EnvironmentRule = ({ file, settings, catalog }) => {
  const { accountId, region } = settings.deployment;
  const environment = String(settings.parameters['Environment']);
  return catalog.flatMap((service) => {
    const tag = settings.imageTags[service.name] ?? '';
    if (tag === '') return [];
    const reference = `${accountId}.dkr.ecr.${region}.amazonaws.com/${repositoryNameTemplate(service).replace('${Environment}', environment)}:${tag}`;
    return reference.length <= ECS_IMAGE_MAX_LENGTH
      ? []
      : [{ file, path: `/imageTags/${service.name}`, message: `makes the image reference ${reference.length} characters; ECS takes at most ${ECS_IMAGE_MAX_LENGTH} (${quote(reference)}): use a shorter tag` }];
  });
};

/** D-17: the roles are scoped to `<stack>-*` nested stack names (src/stacks/bootstrap.ts). */
const stackNameFitsTheRoles: EnvironmentRule = ({ file, settings }) => {
  const name = settings.deployment.stackName;
  return name.length <= PLATFORM_STACK_NAME_MAX
    ? []
    : [{ file, path: '/deployment/stackName', message: `is ${name.length} characters; at most ${PLATFORM_STACK_NAME_MAX}: the deploy's roles are scoped to the nested stacks named after it, and CloudFormation shortens longer names when it names nested stacks (observed: aws/aws-parallelcluster#6138)` }];
};

/** D-17: the deploy role lives in the environment's account (AssumeRole into another would deploy from there). */
const deployRoleInTheAccount: EnvironmentRule = ({ file, settings }) => {
  const arn = settings.deployment.deployRoleArn;
  if (arn === undefined) return [];
  const account = arn.split(':')[4];
  return account === settings.deployment.accountId
    ? []
    : [{ file, path: '/deployment/deployRoleArn', message: `must be a role in account ${settings.deployment.accountId}, the account this environment deploys to (got ${account}): the deploy runs as that role, and the guard refuses any other account` }];
};

/** D-17: exact GitHub subjects only, within IAM's trust-policy size. */
const githubSubjectsAreExact: EnvironmentRule = ({ file, settings }) => {
  const subjects = settings.deployment.githubOidc?.subjects ?? [];
  const problems: Problem[] = subjects.flatMap((subject, index) => {
    const problem = githubSubjectProblem(subject);
    return problem ? [{ file, path: `/deployment/githubOidc/subjects/${index}`, message: `${quote(subject)} ${problem}` }] : [];
  });
  subjects.forEach((subject, index) => {
    if (subjects.indexOf(subject) !== index) problems.push({ file, path: `/deployment/githubOidc/subjects/${index}`, message: `${quote(subject)} is listed twice` });
  });
  const characters = subjects.reduce((sum, subject) => sum + subject.length, 0);
  if (characters > GITHUB_OIDC_MAX_SUBJECT_CHARACTERS) {
    problems.push({ file, path: '/deployment/githubOidc/subjects', message: `are ${characters} characters together; at most ${GITHUB_OIDC_MAX_SUBJECT_CHARACTERS}, so the deploy role's trust policy fits IAM's 2,048-character quota (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)` });
  }
  return problems;
};

/** D-18: an environment is not promoted from itself (`make promote` also checks the whole path). */
const notPromotedFromItself: EnvironmentRule = ({ name, file, settings }) =>
  settings.deployment.promotedFrom === name
    ? [{ file, path: '/deployment/promotedFrom', message: `is ${quote(name)}, this environment itself; name the environment whose artifacts are promoted into ${name} (e.g. "staging" for prod), or remove it` }]
    : [];

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
  imageTagsFollowTheCatalog,
  imageReferencesFitEcs,
  deployRoleInTheAccount,
  githubSubjectsAreExact,
  stackNameFitsTheRoles,
  notPromotedFromItself,
];
