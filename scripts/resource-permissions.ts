/**
 * src/cfn/resource-permissions.ts: what CloudFormation needs, as IAM actions, to create, read,
 * update and delete each resource type the platform templates use (D-17), derived rather than
 * written by hand:
 *
 * - actions: the resource-type schemas' `handlers.{create,read,update,delete}.permissions`
 *   (CloudFormation registry schemas, as the pinned cfn-lint ships them under
 *   .venv/.../cfnlint/data/schemas; https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html
 *   "handlers: ... permissions: A list of permissions the handler needs"). `list` is left out:
 *   it serves resource discovery and import, not stack operations.
 * - for each action, the IAM resource types it can be scoped to, and their ARN formats: the
 *   Service Authorization Reference as cfn-lint ships it (data/AdditionalSpecs/Policies.json).
 *
 *   node --import tsx scripts/resource-permissions.ts           rewrite the module (make docs)
 *   node --import tsx scripts/resource-permissions.ts --check   exit 1 when it is stale
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderPlatform } from '../src/synth/render';

export const PERMISSIONS_MODULE = 'src/cfn/resource-permissions.ts';
const HANDLERS = ['create', 'read', 'update', 'delete'] as const;

export interface DerivedPermissions {
  readonly cfnLint: string;
  /** CloudFormation resource type → the handlers' IAM actions, sorted and without duplicates. */
  readonly handlers: Readonly<Record<string, readonly string[]>>;
  /** Action → the IAM resource types it can be scoped to (empty: none, it needs "*"); absent: unknown to IAM's reference. */
  readonly actionResources: Readonly<Record<string, readonly string[]>>;
  /** `service:resource-type` → its ARN formats (`${Partition}`, `${Region}`, `${Account}`, `.*`). */
  readonly arnFormats: Readonly<Record<string, readonly string[]>>;
}

export function cfnLintData(root = '.'): string {
  const lib = path.join(root, '.venv', 'lib');
  const python = fs.existsSync(lib) ? fs.readdirSync(lib).find((entry) => entry.startsWith('python')) : undefined;
  if (!python) throw new Error('no .venv/lib/python*: run `make install` (the pinned cfn-lint ships the schemas)');
  return path.join(lib, python, 'site-packages', 'cfnlint', 'data');
}

function cfnLintVersion(data: string): string {
  const site = path.dirname(path.dirname(data));
  const info = fs.readdirSync(site).find((entry) => /^cfn_lint-.*\.dist-info$/.test(entry));
  return info ? info.replace(/^cfn_lint-(.*)\.dist-info$/, '$1') : 'unknown';
}

type Policies = Record<string, { Actions: Record<string, { Resources?: string[] }>; Resources?: Record<string, { ARNFormats: string[] }> }>;

/** Pure over the files it reads: the derived table for these resource types. */
export function derivePermissions(resourceTypes: readonly string[], data = cfnLintData()): DerivedPermissions {
  const index = JSON.parse(fs.readFileSync(path.join(data, 'schemas', 'providers', 'us-east-1.json'), 'utf8')) as Record<string, string>;
  const policies = JSON.parse(fs.readFileSync(path.join(data, 'AdditionalSpecs', 'Policies.json'), 'utf8')) as Policies;
  const handlers: Record<string, string[]> = {};
  for (const type of [...resourceTypes].sort()) {
    const id = index[type];
    if (!id) throw new Error(`no resource schema for ${type} in the pinned cfn-lint`);
    const schema = JSON.parse(fs.readFileSync(path.join(data, 'schemas', 'resources', `${id}.json`), 'utf8')) as { handlers?: Record<string, { permissions?: string[] }> };
    handlers[type] = [...new Set(HANDLERS.flatMap((h) => schema.handlers?.[h]?.permissions ?? []))].sort();
  }
  const actionResources: Record<string, string[]> = {};
  const arnFormats: Record<string, string[]> = {};
  for (const action of [...new Set(Object.values(handlers).flat())].sort()) {
    const [service, name] = action.split(':');
    const known = policies[service]?.Actions[name.toLowerCase()];
    if (!known) continue;
    actionResources[action] = [...(known.Resources ?? [])].sort();
    for (const resource of known.Resources ?? []) arnFormats[`${service}:${resource}`] = policies[service].Resources?.[resource]?.ARNFormats ?? [];
  }
  return { cfnLint: cfnLintVersion(data), handlers, actionResources, arnFormats: Object.fromEntries(Object.entries(arnFormats).sort(([a], [b]) => a.localeCompare(b))) };
}

/** The resource types of the rendered platform tree (the bootstrap stack deploys on its own, without the role). */
export function platformResourceTypes(templates: readonly { name: string; template: { Resources: Record<string, { Type: string }> } }[]): string[] {
  return [...new Set(templates.filter((t) => t.name !== 'bootstrap').flatMap((t) => Object.values(t.template.Resources).map((r) => r.Type)))]
    .filter((type) => !type.startsWith('Custom::'))
    .sort();
}

export function renderModule(derived: DerivedPermissions): string {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return `/**
 * GENERATED by scripts/resource-permissions.ts (\`make docs\`) from the resource-type schemas and
 * the Service Authorization Reference that cfn-lint ${derived.cfnLint} ships; do not edit. See that
 * script for what each table is. test/stacks/execution-role.test.ts fails when it is stale, when
 * the templates use a type it lacks, or when it lists a type they do not use.
 */

export const DERIVED_FROM_CFN_LINT = ${json(derived.cfnLint)};

/** Resource type → the IAM actions of its create, read, update and delete handlers. */
export const HANDLER_PERMISSIONS: Readonly<Record<string, readonly string[]>> = ${json(derived.handlers)};

/** Action → the IAM resource types it can be scoped to ([] = none: it needs "*"). Actions IAM does not know are absent. */
export const ACTION_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = ${json(derived.actionResources)};

/** \`service:resource-type\` → its ARN formats. */
export const ARN_FORMATS: Readonly<Record<string, readonly string[]>> = ${json(derived.arnFormats)};
`;
}

export function currentModule(root = '.'): string {
  return renderModule(derivePermissions(platformResourceTypes(renderPlatform().templates), cfnLintData(root)));
}

if (require.main === module) {
  const expected = currentModule();
  if (process.argv.includes('--check')) {
    const actual = fs.existsSync(PERMISSIONS_MODULE) ? fs.readFileSync(PERMISSIONS_MODULE, 'utf8') : '';
    if (actual !== expected) {
      process.stderr.write(`${PERMISSIONS_MODULE} is stale: run \`make docs\`\n`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(PERMISSIONS_MODULE, expected);
  }
}
