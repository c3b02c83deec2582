/**
 * Loads params/<env>.json: schema validation (ajv), then cross-field rules, then the resolved
 * root-stack parameters. Nothing here touches AWS, so every mistake stops before any API call.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import type { TemplateJson } from '../core/template-json';
import { mustParseCidr, parseCidr, planSubnets, type SubnetPlan } from './cidr';
import { InputError, quote, type Problem } from '../core/problems';
import { describeJsonValue, readJsonFile } from '../core/json-file';
import { DERIVED_PARAMETERS, environmentFileSchema, EXPECTED_KEYWORD, type JsonSchema } from './schema';
import { ENVIRONMENT_RULES, type RuleContext } from './rules';
import { SUBNET_SIZE_RULES } from './subnet-sizes';
import { identityProblems, type OtherEnvironment } from './identity';
import { ELB_LOG_DELIVERY_ACCOUNTS } from './regions';
import { environmentParameter } from '../cfn/parameters';
import type { ServiceCatalog } from '../catalog/types';
import { imageTagParameter } from '../stacks/releases';
import { launchedServices } from '../stacks/services';

export type ParameterValue = string | number | readonly string[];

export interface DeploymentSettings {
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly artifactBucket: string;
  /** The role deploy, diff and release assume (D-17); the standard credential chain acts otherwise. */
  readonly deployRoleArn?: string;
  /** GitHub Actions OIDC subjects the deploy role trusts (bootstrap). */
  readonly githubOidc?: { readonly subjects: readonly string[] };
  /** The environment `make promote` may take artifacts from into this one (D-18). */
  readonly promotedFrom?: string;
}

export interface EnvironmentFile {
  readonly deployment: DeploymentSettings;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  /** One image tag per catalog service, by name; "" = not released yet (D-16). */
  readonly imageTags: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface EnvironmentConfig {
  readonly name: string;
  /** Path of the params file relative to the repository root. */
  readonly file: string;
  readonly deployment: DeploymentSettings;
  readonly tags: Readonly<Record<string, string>>;
  /** The image tag of every catalog service, by name; "" = not released yet (D-16). */
  readonly imageTags: Readonly<Record<string, string>>;
  /** Root-stack parameters exactly as CloudFormation receives them; derived values filled in. */
  readonly stackParameters: Readonly<Record<string, string>>;
  /** Root parameters the toolkit filled in (not written in the file). */
  readonly computedParameters: readonly string[];
  readonly subnets: SubnetPlan;
}

export const PARAMS_DIR = 'params';

/** A params file is a few kilobytes; anything near this is not one. */
export const PARAMS_FILE_MAX_BYTES = 1024 * 1024;

/** Environments are the params/*.json files. */
export function listEnvironments(root: string): string[] {
  const dir = path.join(root, PARAMS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function environmentFilePath(name: string): string {
  return `${PARAMS_DIR}/${name}.json`;
}

/** The same rule as the Environment parameter, so a name is checked before anything renders. */
const ENVIRONMENT_NAME = new RegExp(environmentParameter.AllowedPattern);

/**
 * Checks the ENV name before anything else: it must be a name (never a path, options or shell
 * text: `make` passes whatever it was given) and one of the params files.
 */
export function requireKnownEnvironment(root: string, name: string): void {
  const problem = environmentNameProblem(root, name, 'ENV');
  if (problem) throw new InputError([problem]);
}

/** What is wrong with an environment named on the command line (as `variable`: ENV, FROM, TO), if anything. */
export function environmentNameProblem(root: string, name: string, variable: string): Problem | undefined {
  const known = listEnvironments(root);
  const files = `the name of a file in ${PARAMS_DIR}/: ${known.join(', ')}`;
  if (!ENVIRONMENT_NAME.test(name)) {
    return { file: 'command line', path: variable, message: `${quote(name)} is not an environment name: ${environmentParameter.ConstraintDescription} (${files})` };
  }
  if (!known.includes(name)) {
    return { file: 'command line', path: variable, message: `unknown environment ${quote(name)}; expected one of: ${known.join(', ')} (the files in ${PARAMS_DIR}/)` };
  }
  return undefined;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: false });
ajv.addKeyword({ keyword: EXPECTED_KEYWORD, schemaType: 'string' });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** What the schema reads of the catalog. */
const catalogEntries = (catalog: ServiceCatalog) => catalog.map((s) => ({ name: s.name, ...(s.imagePending ? { imagePending: true } : {}) }));

/** One compiled validator per distinct set of root parameters and catalog services. */
function validatorFor(rootTemplate: TemplateJson, catalog: ServiceCatalog) {
  const key = JSON.stringify([rootTemplate.Parameters ?? {}, catalogEntries(catalog)]);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(environmentFileSchema(rootTemplate.Parameters ?? {}, catalogEntries(catalog)));
    validators.set(key, validate);
  }
  return validate;
}

/** Reads `schema` at a JSON pointer of the *data* (follows properties / additionalProperties). */
function schemaAt(schema: JsonSchema, pointer: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of pointer.split('/').filter(Boolean)) {
    const properties = node?.['properties'] as Record<string, JsonSchema> | undefined;
    node = properties?.[segment] ?? (node?.['additionalProperties'] as JsonSchema | undefined) ?? (node?.['items'] as JsonSchema | undefined);
  }
  return node;
}

/** The value at a JSON pointer of `document`, or undefined. */
function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array of strings',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function describeAjvError(error: ErrorObject, schema: JsonSchema, file: string, document: unknown): Problem {
  const at = error.instancePath;
  const described = schemaAt(schema, at);
  const hint = typeof described?.['description'] === 'string' ? ` (${described['description']})` : '';
  const value = valueAt(document, at);
  const got = ` (got ${quote(value)})`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const derived = at === '/parameters' ? DERIVED_PARAMETERS[key] : undefined;
      if (derived) return { file, path: `${at}/${key}`, message: `is set by the toolkit (${derived.source}); remove it` };
      const allowed = Object.keys((schemaAt(schema, at)?.['properties'] as object | undefined) ?? {});
      if (at === '/parameters' && /ImageTag$/.test(key)) {
        return { file, path: `${at}/${key}`, message: `image tags are set per service in /imageTags, by service name (${allowedServices(schema)}); move the tag there` };
      }
      if (at === '/imageTags') return { file, path: `${at}/${key}`, message: `is not a service of the catalog (src/catalog/services.ts); expected one of: ${allowed.join(', ')}` };
      return { file, path: `${at}/${key}`, message: `unknown key; expected one of: ${allowed.join(', ')}` };
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      const missing = schemaAt(schema, `${at}/${key}`);
      const what = typeof missing?.['description'] === 'string' ? `: ${missing['description']}` : '';
      return { file, path: `${at}/${key}`, message: `is required${what}` };
    }
    case 'enum':
      return { file, path: at, message: `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => quote(v)).join(', ')}${got}` };
    case 'type': {
      const expected = (error.params as { type: string }).type;
      // 1.5 where a whole number is wanted is a value mistake, not a type mistake.
      if (expected === 'integer' && typeof value === 'number') return { file, path: at, message: `must be a whole number${got}` };
      const about = typeof described?.['description'] === 'string' ? ` — ${described['description']}` : '';
      return { file, path: at, message: `must be ${TYPE_WORDS[expected] ?? expected} (got ${describeJsonValue(value)})${about}` };
    }
    case 'pattern': {
      const expected = described?.[EXPECTED_KEYWORD];
      return { file, path: at, message: `must be ${typeof expected === 'string' ? expected : 'in the documented format'}${got}` };
    }
    case 'minimum':
      return { file, path: at, message: `must be at least ${String((error.params as { limit: number }).limit)}${got}` };
    case 'maximum':
      return { file, path: at, message: `must be at most ${String((error.params as { limit: number }).limit)}${got}` };
    case 'minLength':
      return { file, path: at, message: (error.params as { limit: number }).limit === 1 ? 'must not be empty' : `must be at least ${String((error.params as { limit: number }).limit)} characters${got}` };
    case 'maxLength':
      return { file, path: at, message: `must be at most ${String((error.params as { limit: number }).limit)} characters (got ${typeof value === 'string' ? value.length : '?'})` };
    case 'minItems':
      return { file, path: at, message: `must list at least ${String((error.params as { limit: number }).limit)}${hint}` };
    case 'maxItems':
      return { file, path: at, message: `lists ${Array.isArray(value) ? value.length : '?'}; at most ${String((error.params as { limit: number }).limit)}${hint}` };
    case 'maxProperties':
      return { file, path: at, message: `has ${Object.keys(value ?? {}).length} entries; at most ${String((error.params as { limit: number }).limit)}${hint}` };
    case 'propertyNames':
      return { file, path: `${at}/${String((error.params as { propertyName: string }).propertyName)}`, message: 'is not a valid tag key (1-128 characters, not starting with "aws:")' };
    default:
      return { file, path: at, message: `${error.message ?? 'is invalid'}${hint}` };
  }
}

const allowedServices = (schema: JsonSchema): string => Object.keys((schemaAt(schema, '/imageTags')?.['properties'] as object | undefined) ?? {}).join(', ');

function schemaProblems(value: unknown, rootTemplate: TemplateJson, catalog: ServiceCatalog, file: string): Problem[] {
  const validate = validatorFor(rootTemplate, catalog);
  if (validate(value)) return [];
  const schema = environmentFileSchema(rootTemplate.Parameters ?? {}, catalogEntries(catalog));
  return (validate.errors ?? [])
    // ajv reports the failing sub-schema of a propertyNames check twice; keep the specific one.
    .filter((error) => !(error.keyword === 'pattern' && error.propertyName !== undefined))
    .map((error) => describeAjvError(error, schema, file, value));
}

function toStackValue(value: ParameterValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

export interface LoadOptions {
  readonly root: string;
  readonly templates: readonly { file: string; template: TemplateJson }[];
  /** The catalog the templates were rendered from: imageTags must name each of its services. */
  readonly catalog: ServiceCatalog;
}

/** A params file checked on its own: parsed, schema-valid, and its own rules' problems. */
interface CheckedFile {
  readonly settings: EnvironmentFile;
  readonly vpc: ReturnType<typeof parseCidr>;
  readonly problems: readonly Problem[];
}

/** Reads and checks one params file by itself; a file that does not parse or fit the schema throws. */
function checkFile(root: string, name: string, templates: LoadOptions['templates'], catalog: ServiceCatalog): CheckedFile {
  const file = environmentFilePath(name);
  const rootTemplate = templates[0]?.template;
  if (!rootTemplate) throw new Error('loadEnvironment needs the rendered root template first');
  const document = readJsonFile(path.join(root, file), file, { maxBytes: PARAMS_FILE_MAX_BYTES, what: 'a params file' });
  const problems = schemaProblems(document, rootTemplate, catalog, file);
  if (problems.length > 0) throw new InputError(problems);
  const settings = document as EnvironmentFile;
  const vpc = parseCidr(String(settings.parameters['VpcCidr']));
  const context: RuleContext = { name, file, settings, vpc: vpc.ok ? vpc.cidr : undefined, templates, catalog };
  return { settings, vpc, problems: [...ENVIRONMENT_RULES, ...SUBNET_SIZE_RULES].flatMap((rule) => rule(context)) };
}

/**
 * The other environments, for the checks that compare environments. Only files that are valid on
 * their own count: a half-written or broken params file is that file's problem (reported when it
 * is used) and never blocks another environment.
 */
function validOtherEnvironments(root: string, name: string, templates: LoadOptions['templates'], catalog: ServiceCatalog): OtherEnvironment[] {
  const others: OtherEnvironment[] = [];
  for (const other of listEnvironments(root)) {
    if (other === name || !ENVIRONMENT_NAME.test(other)) continue;
    try {
      const checked = checkFile(root, other, templates, catalog);
      if (checked.problems.length === 0) others.push({ file: environmentFilePath(other), name: other, settings: checked.settings });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  }
  return others;
}

export function loadEnvironment(name: string, { root, templates, catalog }: LoadOptions): EnvironmentConfig {
  requireKnownEnvironment(root, name);
  const file = environmentFilePath(name);
  const rootTemplate = templates[0]?.template;
  if (!rootTemplate) throw new Error('loadEnvironment needs the rendered root template first');

  const { settings, problems } = checkFile(root, name, templates, catalog);
  const others = validOtherEnvironments(root, name, templates, catalog);
  const allProblems = [...problems, ...identityProblems({ file, name, settings }, others)];
  if (allProblems.length > 0) throw new InputError(allProblems);

  const subnets = planSubnets(mustParseCidr(String(settings.parameters['VpcCidr'])));
  const stackParameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings.parameters)) stackParameters[key] = toStackValue(value);
  const computed: Record<string, string> = {
    PublicSubnetCidrs: subnets.publicSubnets.join(','),
    PrivateSubnetCidrs: subnets.privateSubnets.join(','),
    ArtifactBucket: settings.deployment.artifactBucket,
    ElbLogDeliveryAccount: ELB_LOG_DELIVERY_ACCOUNTS[settings.deployment.region] ?? '',
    ...Object.fromEntries(launchedServices(catalog).map((service) => [imageTagParameter(service), settings.imageTags[service.name] ?? ''])),
  };
  const computedParameters: string[] = [];
  for (const [key, value] of Object.entries(computed)) {
    if (rootTemplate.Parameters?.[key] && stackParameters[key] === undefined) {
      stackParameters[key] = value;
      computedParameters.push(key);
    }
  }

  const effectiveSubnets: SubnetPlan = {
    publicSubnets: stackParameters['PublicSubnetCidrs'].split(','),
    privateSubnets: stackParameters['PrivateSubnetCidrs'].split(','),
  };
  return {
    name,
    file,
    deployment: settings.deployment,
    tags: settings.tags ?? {},
    imageTags: settings.imageTags,
    stackParameters,
    computedParameters,
    subnets: effectiveSubnets,
  };
}

/** `--env X` gives one environment; no flag gives all of them (after checking X exists). */
export function selectEnvironments(root: string, requested: string | undefined): string[] {
  if (requested === undefined) return listEnvironments(root);
  requireKnownEnvironment(root, requested);
  return [requested];
}

export function loadEnvironments(root: string, names: readonly string[], platform: { readonly templates: LoadOptions['templates'] }, catalog: ServiceCatalog): EnvironmentConfig[] {
  return names.map((name) => loadEnvironment(name, { root, templates: platform.templates, catalog }));
}
