/**
 * The schema of params/<env>.json, derived from the root template's Parameters (so a new root
 * parameter is immediately required or allowed) plus the deployment settings and tags.
 */
import type { ParameterJson } from '../core/template-json';
import { KNOWN_REGIONS } from './regions';
import { IMAGE_TAG_DESCRIPTION, IMAGE_TAG_PATTERN, isImageTagParameter } from '../stacks/releases';
import { GITHUB_OIDC_MAX_SUBJECTS } from './github-oidc';
import { ENVIRONMENT_PATTERN } from '../cfn/parameters';

/** What the schema needs of the catalog: every service's name, and whether its image is pending. */
export interface CatalogEntry {
  readonly name: string;
  readonly imagePending?: boolean;
}

/** Root parameters the toolkit fills in; `overridable` ones may also be set in the file. */
export const DERIVED_PARAMETERS: Readonly<Record<string, { readonly source: string; readonly overridable: boolean }>> = {
  PublicSubnetCidrs: { source: 'computed from VpcCidr', overridable: true },
  PrivateSubnetCidrs: { source: 'computed from VpcCidr', overridable: true },
  ArtifactBucket: { source: 'deployment.artifactBucket', overridable: false },
  ElbLogDeliveryAccount: { source: 'the ELB log-delivery account of deployment.region', overridable: false },
};

/** Tag keys the templates set on every resource; a params file may not redefine them. */
export const RESERVED_TAG_KEYS = ['project', 'environment', 'service'];

export type JsonSchema = { [key: string]: unknown };

export const STACK_NAME_PATTERN = '^[a-zA-Z][-a-zA-Z0-9]{0,127}$';

/** An IAM role ARN (the account is checked against deployment.accountId by the rules). */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/([\\x21-\\x7E]{1,510}/)?[A-Za-z0-9+=,.@_-]{1,64}$';
export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/**
 * `expected` (an annotation keyword; the loader registers it) says in words what a pattern means,
 * so a message reads "must be an IPv4 CIDR block …", never the regular expression.
 */
export const EXPECTED_KEYWORD = 'expected';

function parameterSchema(spec: ParameterJson): JsonSchema {
  const description = spec.ConstraintDescription ? `${spec.Description ?? ''} (${spec.ConstraintDescription})` : spec.Description;
  switch (spec.Type) {
    case 'Number':
      // The root's Number parameters are counts and a port, which AWS takes as integers only
      // (ECS DesiredCount, Application Auto Scaling MinCapacity/MaxCapacity, a TCP port);
      // CloudFormation itself would pass 1.5 on. A fractional one would need an exception here.
      return {
        type: 'integer',
        ...(description ? { description } : {}),
        ...(spec.AllowedValues ? { enum: spec.AllowedValues } : {}),
        ...(spec.MinValue !== undefined ? { minimum: spec.MinValue } : {}),
        ...(spec.MaxValue !== undefined ? { maximum: spec.MaxValue } : {}),
      };
    case 'CommaDelimitedList':
      return { type: 'array', items: { type: 'string', minLength: 1 }, ...(description ? { description } : {}) };
    default:
      return {
        type: 'string',
        ...(description ? { description } : {}),
        ...(spec.AllowedValues ? { enum: spec.AllowedValues } : {}),
        ...(spec.AllowedPattern ? { pattern: spec.AllowedPattern, [EXPECTED_KEYWORD]: spec.ConstraintDescription ?? `text matching ${spec.AllowedPattern}` } : {}),
        ...(spec.MinLength !== undefined ? { minLength: spec.MinLength } : {}),
        ...(spec.MaxLength !== undefined ? { maxLength: spec.MaxLength } : {}),
      };
  }
}

/** One tag per catalog service, named by the service (D-16). */
function imageTagsSchema(catalog: readonly CatalogEntry[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const service of catalog) {
    properties[service.name] = {
      type: 'string',
      pattern: `^$|${IMAGE_TAG_PATTERN}`,
      [EXPECTED_KEYWORD]: `empty (not released yet), or ${IMAGE_TAG_DESCRIPTION}`,
      description: `the image tag ${service.name} runs; empty until its first release`,
    };
  }
  return {
    type: 'object',
    additionalProperties: false,
    required: catalog.map((service) => service.name),
    properties,
    description: 'one image tag per catalog service, by service name; "" for a service not released yet',
  };
}

export function environmentFileSchema(rootParameters: Readonly<Record<string, ParameterJson>>, catalog: readonly CatalogEntry[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(rootParameters)) {
    const derived = DERIVED_PARAMETERS[name];
    if (derived && !derived.overridable) continue;
    // Set from imageTags, by service name.
    if (isImageTagParameter(name)) continue;
    properties[name] = parameterSchema(spec);
    if (spec.Default === undefined && !derived) required.push(name);
  }
  return {
    type: 'object',
    additionalProperties: false,
    required: ['deployment', 'parameters', 'imageTags'],
    properties: {
      $schema: { type: 'string' },
      deployment: {
        type: 'object',
        additionalProperties: false,
        required: ['accountId', 'region', 'stackName', 'artifactBucket'],
        properties: {
          accountId: { type: 'string', pattern: '^[0-9]{12}$', [EXPECTED_KEYWORD]: 'an AWS account id: 12 digits', description: 'the AWS account id: 12 digits' },
          region: { type: 'string', enum: KNOWN_REGIONS, description: 'a commercial AWS region' },
          stackName: { type: 'string', pattern: STACK_NAME_PATTERN, [EXPECTED_KEYWORD]: 'a stack name: a letter, then letters, digits or hyphens (at most 128)', description: 'the root stack name: a letter, then letters, digits or hyphens (at most 128)' },
          artifactBucket: { type: 'string', pattern: BUCKET_NAME_PATTERN, [EXPECTED_KEYWORD]: 'an S3 bucket name: 3-63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit', description: 'the S3 bucket `make bootstrap` creates for templates and code' },
          deployRoleArn: {
            type: 'string',
            pattern: ROLE_ARN_PATTERN,
            [EXPECTED_KEYWORD]: 'an IAM role ARN: arn:aws:iam::<account>:role/<name> (the deploy role `make bootstrap` creates is arn:aws:iam::<account>:role/role-deploy-tap-<env>)',
            description: 'the role deploy, diff and release assume (STS AssumeRole); without it they act with the standard credential chain',
          },
          promotedFrom: {
            type: 'string',
            pattern: ENVIRONMENT_PATTERN,
            [EXPECTED_KEYWORD]: 'an environment name (2-16 lower-case letters or digits, starting with a letter): the params file of the environment promoted into this one',
            description: 'the one environment `make promote FROM=<env> TO=<this>` may take artifacts from (D-18); absent: nothing is promoted into this environment',
          },
          githubOidc: {
            type: 'object',
            additionalProperties: false,
            required: ['subjects'],
            properties: {
              subjects: {
                type: 'array',
                minItems: 1,
                maxItems: GITHUB_OIDC_MAX_SUBJECTS,
                items: { type: 'string', minLength: 1 },
                description: `GitHub Actions OIDC subjects the deploy role trusts, each naming one repository and one branch, tag or environment (at most ${GITHUB_OIDC_MAX_SUBJECTS})`,
              },
            },
            description: 'GitHub Actions workflows the deploy role trusts through the account\'s GitHub OIDC provider (`make bootstrap` creates it where it is missing)',
          },
        },
      },
      parameters: { type: 'object', additionalProperties: false, required, properties },
      imageTags: imageTagsSchema(catalog),
      tags: {
        type: 'object',
        maxProperties: 47,
        propertyNames: { pattern: '^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$' },
        additionalProperties: { type: 'string', maxLength: 256, pattern: '^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]*$', [EXPECTED_KEYWORD]: 'a tag value: letters, digits, spaces and _ . : / = + @ -' },
        description: 'extra tags for the root stack (propagated to every resource); at most 47 beside project/environment/service',
      },
    },
  };
}
