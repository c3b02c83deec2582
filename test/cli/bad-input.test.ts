/**
 * Bad-input suite (issue 6): malformed params files, command lines and catalog entries, each run
 * through the real entry point (`main`, real rendering and params loading) with the AWS commands
 * connected to a FakeAws. Every row must stop with its own message and exit code, and the fake
 * must record zero calls: a mistake is found before anything reaches AWS.
 *
 * The control row at the end runs valid input through the same harness and sees calls, so the
 * zero-call assertion is not vacuous.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT } from '../../src/cli/exit-codes';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { syntheticService } from '../helpers/synthetic-catalog';
import type { ServiceCatalog } from '../../src/catalog/types';
import { runCli, tempWorkspace, type EditableEnvironmentFile, type JsonEdit } from '../helpers/cli';
import { runtimeAgainst } from '../helpers/bad-input-harness';
import { FakeAws } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';

interface BadInput {
  /** The requirement the refusal serves. */
  readonly id: string;
  /** What is wrong, in the words of the person who made the mistake. */
  readonly mistake: string;
  readonly argv: readonly string[];
  /** Edits to the copied params files, by environment. */
  readonly edit?: Readonly<Record<string, JsonEdit>>;
  /** Extra params files, by environment name (derived from dev). */
  readonly addEnvironment?: Readonly<Record<string, JsonEdit>>;
  /** Raw text for params/dev.json (for JSON syntax errors). */
  readonly devFileText?: string;
  readonly catalog?: ServiceCatalog;
  /** Substrings stderr must contain, in order of importance: file, path, expectation. */
  readonly expect: readonly string[];
  readonly code?: number;
}

const DEPLOY_DEV = ['deploy', '--env', 'dev', '--yes'];
const set = (key: string, value: unknown): JsonEdit => (d) => { d.parameters[key] = value; };
const setDeployment = (key: string, value: unknown): JsonEdit => (d) => { d.deployment[key] = value; };
const withService = (service: ReturnType<typeof syntheticService>): ServiceCatalog => [...SERVICE_CATALOG, service];
const setTag = (service: string, tag: unknown): JsonEdit => (d) => { (d['imageTags'] as Record<string, unknown>)[service] = tag; };
const CATALOG_NAMES = SERVICE_CATALOG.map((s) => s.name).join(', ');

const BAD_INPUTS: readonly BadInput[] = [
  // ── params files: syntax, keys and types ─────────────────────────────────────────────────────
  { id: 'T-5', mistake: 'params file is not JSON (trailing comma)', argv: DEPLOY_DEV, devFileText: '{ "deployment": {}, }',
    expect: ['params/dev.json: /: is not valid JSON'] },
  { id: 'T-5', mistake: 'misspelled parameter key', argv: DEPLOY_DEV, edit: { dev: set('VpcCIDR', '10.10.0.0/16') },
    expect: ['params/dev.json: /parameters/VpcCIDR: unknown key; expected one of:', 'VpcCidr'] },
  { id: 'T-5', mistake: 'unknown top-level section', argv: ['diff', '--env', 'dev'], edit: { dev: (d) => { d['parameter'] = {}; } },
    expect: ['params/dev.json: /parameter: unknown key; expected one of: $schema, deployment, parameters, imageTags, tags'] },
  { id: 'T-5', mistake: 'a parameter the toolkit derives is set by hand', argv: DEPLOY_DEV, edit: { dev: set('ArtifactBucket', 'my-bucket') },
    expect: ['params/dev.json: /parameters/ArtifactBucket: is set by the toolkit (deployment.artifactBucket); remove it'] },
  { id: 'T-5', mistake: 'required parameter missing', argv: DEPLOY_DEV, edit: { dev: (d) => { delete d.parameters['DataProtection']; } },
    expect: ['params/dev.json: /parameters/DataProtection: is required: retain:'] },
  { id: 'T-5', mistake: 'required deployment setting missing', argv: ['bootstrap', '--env', 'dev', '--yes'], edit: { dev: (d) => { delete d.deployment['region']; } },
    expect: ['params/dev.json: /deployment/region: is required: a commercial AWS region'] },
  { id: 'T-5', mistake: 'number given as a string', argv: DEPLOY_DEV, edit: { dev: set('DesiredCount', '2') },
    expect: ['params/dev.json: /parameters/DesiredCount: must be a whole number (got the string "2")'] },
  { id: 'T-5', mistake: 'list given as one comma-separated string', argv: DEPLOY_DEV, edit: { dev: set('PublicSubnetCidrs', '10.10.192.0/20,10.10.208.0/20,10.10.224.0/20') },
    expect: ['params/dev.json: /parameters/PublicSubnetCidrs: must be an array of strings'] },
  { id: 'T-5', mistake: 'value outside AllowedValues', argv: DEPLOY_DEV, edit: { dev: set('NatGatewayMode', 'per-subnet') },
    expect: ['params/dev.json: /parameters/NatGatewayMode: must be one of: "single", "per-az"'] },
  { id: 'T-5', mistake: 'count above the parameter maximum', argv: DEPLOY_DEV, edit: { dev: set('MaxCapacity', 500) },
    expect: ['params/dev.json: /parameters/MaxCapacity: must be at most 100 (got 500)'] },

  // ── params files: networks ───────────────────────────────────────────────────────────────────
  { id: 'T-5', mistake: 'VPC prefix longer than /24', argv: DEPLOY_DEV, edit: { dev: set('VpcCidr', '10.10.0.0/28') },
    expect: ['params/dev.json: /parameters/VpcCidr: must be an IPv4 CIDR block', 'prefix length from /16 to /24 (got "10.10.0.0/28")'] },
  { id: 'T-5', mistake: 'VPC CIDR that is not an address', argv: DEPLOY_DEV, edit: { dev: set('VpcCidr', '10.10.0/16') },
    expect: ['params/dev.json: /parameters/VpcCidr: must be an IPv4 CIDR block with a prefix length from /16 to /24 (got "10.10.0/16")'] },
  { id: 'T-5', mistake: 'VPC CIDR with host bits set', argv: DEPLOY_DEV, edit: { dev: set('VpcCidr', '10.10.4.0/16') },
    expect: ['params/dev.json: /parameters/VpcCidr: "10.10.4.0/16" has host bits set (the network address is 10.10.0.0/16)'] },
  { id: 'T-5', mistake: 'VPC overlaps another environment', argv: DEPLOY_DEV, edit: { dev: set('VpcCidr', '10.30.0.0/16') },
    expect: ['params/dev.json: /parameters/VpcCidr: "10.30.0.0/16" overlaps "10.30.0.0/16", the VPC of params/prod.json; environments need disjoint ranges'] },
  { id: 'T-5', mistake: 'subnet outside the VPC', argv: DEPLOY_DEV, edit: { dev: set('PrivateSubnetCidrs', ['10.10.0.0/18', '10.10.64.0/18', '10.11.0.0/18']) },
    expect: ['params/dev.json: /parameters/PrivateSubnetCidrs/2: "10.11.0.0/18" is outside the VPC CIDR "10.10.0.0/16"'] },
  { id: 'T-5', mistake: 'public and private subnets overlap', argv: DEPLOY_DEV,
    edit: { dev: (d) => { d.parameters['PublicSubnetCidrs'] = ['10.10.192.0/20', '10.10.208.0/20', '10.10.128.0/20']; d.parameters['PrivateSubnetCidrs'] = ['10.10.0.0/18', '10.10.64.0/18', '10.10.128.0/18']; } },
    expect: ['params/dev.json: /parameters/PrivateSubnetCidrs/2: "10.10.128.0/18" overlaps "10.10.128.0/20" at /parameters/PublicSubnetCidrs/2'] },
  { id: 'T-5', mistake: 'two subnets for three AZs', argv: DEPLOY_DEV, edit: { dev: set('PublicSubnetCidrs', ['10.10.192.0/20', '10.10.208.0/20']) },
    expect: ['params/dev.json: /parameters/PublicSubnetCidrs: must list exactly 3 CIDRs, one per AZ (got 2)'] },
  { id: 'T-5', mistake: 'subnet smaller than /28', argv: DEPLOY_DEV, edit: { dev: set('PublicSubnetCidrs', ['10.10.192.0/20', '10.10.208.0/20', '10.10.224.0/29']) },
    expect: ['params/dev.json: /parameters/PublicSubnetCidrs/2: "10.10.224.0/29" is smaller than /28, the smallest subnet AWS allows'] },
  { id: 'T-5', mistake: 'database CIDR with host bits set', argv: DEPLOY_DEV, edit: { dev: set('DatabaseCidr', '10.10.240.7/24') },
    expect: ['params/dev.json: /parameters/DatabaseCidr: "10.10.240.7/24" has host bits set (the network address is 10.10.240.0/24)'] },

  // ── params files: names, counts, ARNs, accounts, regions ─────────────────────────────────────
  { id: 'T-5', mistake: 'Environment disagrees with the file name', argv: DEPLOY_DEV, edit: { dev: set('Environment', 'staging') },
    expect: ['params/dev.json: /parameters/Environment: must be "dev", the name of this file (got "staging")'] },
  { id: 'P-NAME', mistake: 'a 16-character environment makes a target group name longer than 32 after suffixing', argv: ['deploy', '--env', 'loadtest20261121', '--yes'],
    addEnvironment: { loadtest20261121: (d) => {
      d.parameters['Environment'] = 'loadtest20261121';
      d.parameters['VpcCidr'] = '10.40.0.0/16';
      d.parameters['DatabaseCidr'] = '10.40.240.0/24';
      d.deployment['stackName'] = 'tap-loadtest20261121';
    } },
    expect: ['params/loadtest20261121.json: /parameters/Environment: makes AWS::ElasticLoadBalancingV2::TargetGroup Name "tg-a-api-gateway-loadtest20261121"', '(services/api-gateway.json TargetGroupA) invalid: it is 33 characters; AWS allows at most 32'] },
  { id: 'T-5', mistake: 'Environment with an upper-case letter and a hyphen', argv: DEPLOY_DEV, edit: { dev: set('Environment', 'Dev-1') },
    expect: ['params/dev.json: /parameters/Environment: must be 2-16 lower-case letters or digits, starting with a letter (got "Dev-1")'] },
  { id: 'P-SVC', mistake: 'desired count outside min..max', argv: DEPLOY_DEV, edit: { dev: set('DesiredCount', 5) },
    expect: ['params/dev.json: /parameters/DesiredCount: must be between MinCapacity and MaxCapacity (1..3; got 5)'] },
  { id: 'P-SVC', mistake: 'minimum above maximum', argv: DEPLOY_DEV, edit: { dev: (d) => { d.parameters['MinCapacity'] = 4; d.parameters['DesiredCount'] = 4; } },
    expect: ['params/dev.json: /parameters/MinCapacity: must not exceed MaxCapacity (4 > 3)'] },
  { id: 'T-5', mistake: 'certificate ARN from the wrong service', argv: DEPLOY_DEV, edit: { dev: set('CertificateArn', 'arn:aws:iam::111122223333:server-certificate/tap') },
    expect: ['params/dev.json: /parameters/CertificateArn: must be empty, or an ACM certificate ARN', '(got "arn:aws:iam::111122223333:server-certificate/tap")'] },
  { id: 'T-5', mistake: 'certificate from another region (eu-west-1) for an ALB in us-east-1', argv: DEPLOY_DEV,
    edit: { dev: set('CertificateArn', 'arn:aws:acm:eu-west-1:111122223333:certificate/0f3a5b7c-1d2e-4f60-8a9b-0c1d2e3f4a5b') },
    expect: ['params/dev.json: /parameters/CertificateArn: must be in account 111122223333, region us-east-1 (got 111122223333, eu-west-1): an ALB certificate must be in the ALB\'s account and region'] },
  { id: 'T-5', mistake: 'database host given with its port', argv: DEPLOY_DEV, edit: { dev: set('DatabaseHost', 'tap-dev.cluster-c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com:5432') },
    expect: ['params/dev.json: /parameters/DatabaseHost: must be a DNS host name or IPv4 address', 'without scheme or port'] },
  { id: 'T-5', mistake: 'database name with a hyphen', argv: DEPLOY_DEV, edit: { dev: set('DatabaseName', 'tap-dev') },
    expect: ['params/dev.json: /parameters/DatabaseName: must be a PostgreSQL identifier', '(got "tap-dev")'] },
  { id: 'T-5 / D-2', mistake: 'account id of 11 digits', argv: DEPLOY_DEV, edit: { dev: setDeployment('accountId', '11112222333') },
    expect: ['params/dev.json: /deployment/accountId: must be an AWS account id: 12 digits (got "11112222333")'] },
  { id: 'T-5 / D-2', mistake: 'account id as a number (leading zeros would be lost)', argv: ['outputs', '--env', 'dev'], edit: { dev: setDeployment('accountId', 111122223333) },
    expect: ['params/dev.json: /deployment/accountId: must be a string (got the number 111122223333) — the AWS account id: 12 digits'] },
  { id: 'T-5 / D-2', mistake: 'unknown region', argv: ['drift', '--env', 'dev'], edit: { dev: setDeployment('region', 'eu-west-4') },
    expect: ['params/dev.json: /deployment/region: must be one of: "af-south-1"', '"eu-west-1", "eu-west-2", "eu-west-3"'] },
  { id: 'T-5', mistake: 'artifact bucket name with capitals', argv: ['bootstrap', '--env', 'dev', '--yes'], edit: { dev: setDeployment('artifactBucket', 'TAP-Artifacts') },
    expect: ['params/dev.json: /deployment/artifactBucket: must be an S3 bucket name: 3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit (got "TAP-Artifacts")'] },
  { id: 'T-5', mistake: 'stack name starting with a digit', argv: DEPLOY_DEV, edit: { dev: setDeployment('stackName', '1tap-dev') },
    expect: ['params/dev.json: /deployment/stackName: must be a stack name: a letter, then letters, digits or hyphens (at most 128) (got "1tap-dev")'] },
  { id: 'T-5', mistake: 'tag that shadows a platform tag', argv: DEPLOY_DEV, edit: { dev: (d) => { d.tags = { environment: 'development' }; } },
    expect: ['params/dev.json: /tags/environment: is set by the templates on every resource; choose another key (reserved: project, environment, service)'] },
  { id: 'T-5', mistake: 'tag key in the aws: namespace', argv: DEPLOY_DEV, edit: { dev: (d) => { d.tags = { 'aws:team': 'platform' }; } },
    expect: ['params/dev.json: /tags/aws:team: is not a valid tag key (1-128 characters, not starting with "aws:")'] },
  { id: 'P-DATA', mistake: 'prod set to delete its data', argv: ['deploy', '--env', 'prod', '--yes'], edit: { prod: set('DataProtection', 'delete') },
    expect: ['params/prod.json: /parameters/DataProtection: must be "retain" in prod'] },

  // ── params files: per-service image tags (D-16) ──────────────────────────────────────────────
  { id: 'D-16', mistake: 'a catalog service missing from imageTags', argv: DEPLOY_DEV, edit: { dev: (d) => { delete (d['imageTags'] as Record<string, unknown>)['analytics-engine']; } },
    expect: ['params/dev.json: /imageTags/analytics-engine: is required: the image tag analytics-engine runs; empty until its first release'] },
  { id: 'D-16', mistake: 'imageTags naming a service the catalog does not have', argv: DEPLOY_DEV, edit: { dev: setTag('pricing', '1.0.0') },
    expect: [`params/dev.json: /imageTags/pricing: is not a service of the catalog (src/catalog/services.ts); expected one of: ${CATALOG_NAMES}`] },
  { id: 'D-16', mistake: 'the single ImageTag of before per-service releases', argv: DEPLOY_DEV, edit: { dev: set('ImageTag', '2026.11.3') },
    expect: [`params/dev.json: /parameters/ImageTag: image tags are set per service in /imageTags, by service name (${CATALOG_NAMES}); move the tag there`] },
  { id: 'D-16', mistake: 'an image tag with a colon (image:tag pasted whole)', argv: DEPLOY_DEV, edit: { dev: setTag('frontend', 'frontend:2026.11.3') },
    expect: ['params/dev.json: /imageTags/frontend: must be empty (not released yet), or an image tag: letters, digits, _ . - (at most 128, not starting with . or -) (got "frontend:2026.11.3")'] },
  { id: 'D-16', mistake: 'an image tag starting with a dot', argv: DEPLOY_DEV, edit: { dev: setTag('api-gateway', '.2026') },
    expect: ['params/dev.json: /imageTags/api-gateway: must be empty (not released yet), or an image tag'] },
  { id: 'D-16', mistake: 'an image tag given as a number', argv: DEPLOY_DEV, edit: { dev: setTag('frontend', 2026) },
    expect: ['params/dev.json: /imageTags/frontend: must be a string (got the number 2026)'] },
  { id: 'D-16', mistake: 'a caller released while a service it calls is not', argv: DEPLOY_DEV, edit: { dev: setTag('data-ingestion', '') },
    expect: ['params/dev.json: /imageTags/api-gateway: "2026.11.3" releases api-gateway, which calls data-ingestion: release it first', 'params/dev.json: /imageTags/analytics-engine: "2026.11.3" releases analytics-engine, which calls data-ingestion'] },
  { id: 'D-16', mistake: 'a tag for a service whose image the catalog marks pending', argv: DEPLOY_DEV,
    catalog: withService({ ...syntheticService(4, 'data-ingestion'), name: 'risk-engine', imagePending: true }), edit: { dev: setTag('risk-engine', '0.1.0') },
    expect: ['params/dev.json: /imageTags/risk-engine: must be "" while risk-engine is imagePending in the catalog (src/catalog/services.ts)'] },

  // ── params files: deploy role and GitHub OIDC (D-17) ─────────────────────────────────────────
  { id: 'D-17', mistake: 'deploy role given as a role name, not an ARN', argv: DEPLOY_DEV, edit: { dev: setDeployment('deployRoleArn', 'role-deploy-tap-dev') },
    expect: ['params/dev.json: /deployment/deployRoleArn: must be an IAM role ARN: arn:aws:iam::<account>:role/<name>', '(got "role-deploy-tap-dev")'] },
  { id: 'D-17', mistake: 'deploy role ARN of a user', argv: DEPLOY_DEV, edit: { dev: setDeployment('deployRoleArn', 'arn:aws:iam::111122223333:user/deployer') },
    expect: ['params/dev.json: /deployment/deployRoleArn: must be an IAM role ARN'] },
  { id: 'D-17', mistake: 'deploy role in another account', argv: DEPLOY_DEV, edit: { dev: setDeployment('deployRoleArn', 'arn:aws:iam::777788889999:role/role-deploy-tap-dev') },
    expect: ['params/dev.json: /deployment/deployRoleArn: must be a role in account 111122223333, the account this environment deploys to (got 777788889999)'] },
  { id: 'D-17', mistake: 'GitHub subject trusting every repository of an owner', argv: ['bootstrap', '--env', 'dev', '--yes'],
    edit: { dev: setDeployment('githubOidc', { subjects: ['repo:acme/*:ref:refs/heads/main'] }) },
    expect: ['params/dev.json: /deployment/githubOidc/subjects/0: "repo:acme/*:ref:refs/heads/main" has a wildcard; the deploy role trusts exact subjects only'] },
  { id: 'D-17', mistake: 'GitHub subject given as owner/repository only', argv: ['bootstrap', '--env', 'dev', '--yes'],
    edit: { dev: setDeployment('githubOidc', { subjects: ['acme/tap-infra'] }) },
    expect: ['params/dev.json: /deployment/githubOidc/subjects/0: "acme/tap-infra" must be one of: repo:<owner>/<repo>:ref:refs/heads/<branch>, repo:<owner>/<repo>:ref:refs/tags/<tag>, repo:<owner>/<repo>:environment:<environment>, repo:<owner>/<repo>:pull_request'] },
  { id: 'D-17', mistake: 'a stack name too long for the roles scoped to its nested stacks', argv: ['bootstrap', '--env', 'dev', '--yes'], edit: { dev: setDeployment('stackName', 'trading-analytics-platform-development-env1') },
    expect: ['params/dev.json: /deployment/stackName: is 43 characters; at most 40: the deploy\'s roles are scoped to the nested stacks named after it'] },
  { id: 'D-17', mistake: 'GitHub OIDC with no subjects', argv: ['bootstrap', '--env', 'dev', '--yes'], edit: { dev: setDeployment('githubOidc', { subjects: [] }) },
    expect: ['params/dev.json: /deployment/githubOidc/subjects: must list at least 1'] },

  // ── command lines ────────────────────────────────────────────────────────────────────────────
  { id: 'T-7', mistake: 'unknown ENV', argv: ['deploy', '--env', 'qa', '--yes'],
    expect: ['command line: ENV: unknown environment "qa"; expected one of: dev, prod, staging (the files in params/)'] },
  { id: 'D-6', mistake: 'conflicting flags: --review with --force', argv: ['deploy', '--env', 'dev', '--review', 'review.json', '--force'],
    expect: ['command line: --review --force: cannot be used together'] },
  { id: 'D-6', mistake: 'conflicting flags: --review with --replace-failed-stack', argv: ['deploy', '--env', 'dev', '--review', 'review.json', '--replace-failed-stack'],
    expect: ['command line: --review --replace-failed-stack: cannot be used together'] },
  { id: 'T-7', mistake: 'misspelled option', argv: ['deploy', '--env', 'dev', '--approve'],
    expect: ['command line: --approve: unknown option for `tap deploy`; expected one of: --env, --yes, --review, --force, --allow-replace, --allow-update, --replace-failed-stack'] },
  { id: 'T-7', mistake: 'a value given to a flag', argv: ['deploy', '--env', 'dev', '--yes=false'],
    expect: ['command line: --yes: is a flag and takes no value'] },
  { id: 'T-7', mistake: 'an option without its value', argv: ['deploy', '--review'],
    expect: ['command line: --review: needs a value: execute exactly the change set of this review file'] },
  { id: 'T-7', mistake: 'ENV given twice', argv: ['destroy', '--env', 'dev', '--env', 'prod'],
    expect: ['command line: --env: given twice ("dev" and "prod")'] },
  { id: 'T-7', mistake: 'environment as a positional argument', argv: ['diff', 'dev'],
    expect: ['command line: dev: unexpected argument; `tap diff` takes only options (--env, --force)'] },
  { id: 'D-6', mistake: 'review file that does not exist', argv: ['deploy', '--env', 'dev', '--review', 'reviews/dev.json'],
    expect: ['reviews/dev.json: /: does not exist; run `make diff` first'] },
  { id: 'P-DATA', mistake: '--allow-replace that is not an address', argv: ['deploy', '--env', 'prod', '--yes', '--allow-replace', 'Services/Frontend/'],
    expect: ['command line: --allow-replace: "Services/Frontend/" is not a Path/LogicalId address'] },
  { id: 'P-DATA', mistake: '--allow-replace with the wrong case', argv: ['deploy', '--env', 'prod', '--yes', '--allow-replace', 'registry/frontendrepository'],
    expect: ['command line: --allow-replace: "registry/frontendrepository" matches no resource; did you mean "Registry/FrontendRepository"? (logical ids are case-sensitive)'] },
  { id: 'P-DATA', mistake: '--allow-replace naming a resource that holds no data', argv: ['deploy', '--env', 'prod', '--yes', '--allow-replace', 'Network/Vpc'],
    expect: ['command line: --allow-replace: "Network/Vpc" is an AWS::EC2::VPC, which holds no data'] },
  { id: 'P-DEPLOY', mistake: '--allow-update naming a resource that is no ECS-managed listener rule', argv: ['deploy', '--env', 'dev', '--yes', '--allow-update', 'Services/Frontend/LogGroup'],
    expect: ['command line: --allow-update: "Services/Frontend/LogGroup" is an AWS::Logs::LogGroup, which is no ECS-managed listener rule'] },
  { id: 'D-10', mistake: '--confirm that is not the stack name', argv: ['destroy', '--env', 'dev', '--confirm', 'tap-prod'],
    expect: ['command line: --confirm: must be the stack name "tap-dev", got "tap-prod"'] },
  { id: 'T-6', mistake: 'unknown lint gate', argv: ['lint', '--only', 'tflint'],
    expect: ['command line: --only: must be one of'] },

  { id: 'D-16', mistake: 'release without SERVICE', argv: ['release', '--env', 'dev', '--tag', '2026.11.3', '--yes'],
    expect: ['command line: --service: is required: the catalog service to release (make release ENV=<env> SERVICE=<service> TAG=<tag>)'] },
  { id: 'D-16', mistake: 'release of a service the catalog does not have', argv: ['release', '--env', 'dev', '--service', 'pricing', '--tag', '2026.11.3', '--yes'],
    expect: [`command line: --service: "pricing" is not a service of the catalog; expected one of: ${CATALOG_NAMES}`] },
  { id: 'D-16', mistake: 'release of a tag that is not an image tag', argv: ['release', '--env', 'dev', '--service', 'frontend', '--tag', 'frontend:2026.11.4', '--yes'],
    expect: ['command line: --tag: "frontend:2026.11.4" must be an image tag: letters, digits, _ . - (at most 128, not starting with . or -)'] },
  { id: 'D-16', mistake: 'release of a tag the params file does not give the service yet', argv: ['release', '--env', 'dev', '--service', 'api-gateway', '--tag', '2026.11.4', '--yes'],
    expect: ['params/dev.json: /imageTags/api-gateway: is "2026.11.3", but the release is of "2026.11.4": set it in the file first (and commit it), so the next make deploy keeps the release instead of rolling it back'] },

  // ── catalog entries (a fifth service added by hand) ──────────────────────────────────────────
  { id: 'P-SVC', mistake: 'service name with upper case and an underscore', argv: DEPLOY_DEV, catalog: withService({ ...syntheticService(4, 'data-ingestion'), name: 'Risk_Engine' }),
    expect: ['src/catalog/services.ts: service "Risk_Engine": name must be lower-case letters, digits and single hyphens, starting with a letter'] },
  { id: 'P-SVC', mistake: 'service name too long for target group and role names', argv: DEPLOY_DEV, catalog: withService({ ...syntheticService(4, 'data-ingestion'), name: 'market-data-normalizer' }),
    expect: ['src/catalog/services.ts: service "market-data-normalizer": name is 22 characters; at most 20 keep target group and role names within AWS limits'] },
  { id: 'P-SVC', mistake: 'service name already taken', argv: DEPLOY_DEV, catalog: withService({ ...syntheticService(4, 'data-ingestion'), name: 'frontend' }),
    expect: ['src/catalog/services.ts: service "frontend": declared twice'] },
  { id: 'P-SVC', mistake: 'service calling one that does not exist', argv: DEPLOY_DEV, catalog: withService({ ...syntheticService(4, 'pricing'), name: 'risk-engine' }),
    expect: ['src/catalog/services.ts: service "risk-engine": calls unknown service "pricing"'] },
];

/** The environments these rows are written for; any other params file a user added is left out. */
const ROW_ENVIRONMENTS = ['dev', 'prod', 'staging'];

function workspaceFor(row: BadInput): string {
  const root = tempWorkspace(row.edit ?? {});
  // "qa" must stay unknown and the listed environments stay these, whatever params/ holds locally.
  for (const file of fs.readdirSync(path.join(root, 'params'))) {
    if (!ROW_ENVIRONMENTS.includes(file.replace(/\.json$/, ''))) fs.rmSync(path.join(root, 'params', file));
  }
  for (const [name, edit] of Object.entries(row.addEnvironment ?? {})) {
    const document = JSON.parse(fs.readFileSync(path.join(root, 'params', 'dev.json'), 'utf8')) as EditableEnvironmentFile;
    edit(document);
    fs.writeFileSync(path.join(root, 'params', `${name}.json`), JSON.stringify(document, null, 2));
  }
  if (row.devFileText !== undefined) fs.writeFileSync(path.join(root, 'params', 'dev.json'), row.devFileText);
  return root;
}

async function attempt(row: Pick<BadInput, 'argv' | 'catalog'>, root: string) {
  const clock = new FakeClock();
  const aws = new FakeAws({ clock, account: '111122223333' });
  const result = await runCli(row.argv, { root, runtime: runtimeAgainst(aws, clock, row.catalog) });
  return { ...result, calls: aws.calls };
}

test(`T-5 / D-2: the bad-input suite covers at least 25 mistakes across params files and command lines (${BAD_INPUTS.length} rows)`, () => {
  assert.ok(BAD_INPUTS.length >= 25);
  assert.ok(BAD_INPUTS.filter((row) => row.edit || row.addEnvironment || row.devFileText).length >= 15, 'params-file rows');
  assert.ok(BAD_INPUTS.filter((row) => !row.edit && !row.addEnvironment && !row.devFileText && !row.catalog).length >= 10, 'command-line rows');
  assert.is(new Set(BAD_INPUTS.map((row) => row.mistake)).size, BAD_INPUTS.length, 'each row is a different mistake');
});

for (const row of BAD_INPUTS) {
  test(`${row.id}: bad input: ${row.mistake} → exit ${row.code ?? EXIT.invalidInput}, its own message, zero AWS calls`, async () => {
    const result = await attempt(row, workspaceFor(row));
    assert.is(result.code, row.code ?? EXIT.invalidInput, `exit code; stderr:\n${result.stderr}`);
    for (const expected of row.expect) assert.ok(result.stderr.includes(expected), `expected ${JSON.stringify(expected)} in:\n${result.stderr}`);
    assert.ok(result.stderr.includes('Nothing was changed in AWS.'), result.stderr);
    assert.equal(result.calls.map((call) => call.op), [], 'calls recorded by the fake AWS');
  });
}

test('D-2: control: valid input through the same harness does reach the fake AWS (the zero-call check can fail)', async () => {
  const result = await attempt({ argv: ['diff', '--env', 'dev'] }, tempWorkspace());
  assert.ok(result.calls.length > 0, `no calls; stderr:\n${result.stderr}`);
  assert.equal(result.calls.slice(0, 2).map((call) => call.op), ['sts.configuredRegion', 'sts.callerIdentity']);
});

test.run();
