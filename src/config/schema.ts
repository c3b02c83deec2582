/**
 * The schema of params/<env>.json, derived from the root template's Parameters (so a new root
 * parameter is immediately required or allowed) plus the deployment settings and tags.
 */
import type { ParameterJson } from '../core/template-json';
import { KNOWN_REGIONS } from './regions';

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

export function environmentFileSchema(rootParameters: Readonly<Record<string, ParameterJson>>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(rootParameters)) {
    const derived = DERIVED_PARAMETERS[name];
    if (derived && !derived.overridable) continue;
    properties[name] = parameterSchema(spec);
    if (spec.Default === undefined && !derived) required.push(name);
  }
  return {
    type: 'object',
    additionalProperties: false,
    required: ['deployment', 'parameters'],
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
        },
      },
      parameters: { type: 'object', additionalProperties: false, required, properties },
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
