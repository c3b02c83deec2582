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
import { DERIVED_PARAMETERS, environmentFileSchema, type JsonSchema } from './schema';
import { ENVIRONMENT_RULES, type RuleContext } from './rules';
import { ELB_LOG_DELIVERY_ACCOUNTS } from './regions';

export type ParameterValue = string | number | readonly string[];

export interface DeploymentSettings {
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly artifactBucket: string;
}

export interface EnvironmentFile {
  readonly deployment: DeploymentSettings;
  readonly parameters: Readonly<Record<string, ParameterValue>>;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface EnvironmentConfig {
  readonly name: string;
  /** Path of the params file relative to the repository root. */
  readonly file: string;
  readonly deployment: DeploymentSettings;
  readonly tags: Readonly<Record<string, string>>;
  /** Root-stack parameters exactly as CloudFormation receives them; derived values filled in. */
  readonly stackParameters: Readonly<Record<string, string>>;
  /** Root parameters the toolkit filled in (not written in the file). */
  readonly computedParameters: readonly string[];
  readonly subnets: SubnetPlan;
}

export const PARAMS_DIR = 'params';

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

/** Checks the ENV name before anything else, naming the valid ones. */
export function requireKnownEnvironment(root: string, name: string): void {
  const known = listEnvironments(root);
  if (!known.includes(name)) {
    throw new InputError([{
      file: 'command line',
      path: 'ENV',
      message: `unknown environment ${quote(name)}; expected one of: ${known.join(', ')} (the files in ${PARAMS_DIR}/)`,
    }]);
  }
}

function readJson(root: string, file: string): { ok: true; value: unknown } | { ok: false; problem: Problem } {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: { file, path: '', message: `is not valid JSON (${(error as Error).message})` } };
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: false });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** One compiled validator per distinct set of root parameters. */
function validatorFor(rootTemplate: TemplateJson) {
  const key = JSON.stringify(rootTemplate.Parameters ?? {});
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(environmentFileSchema(rootTemplate.Parameters ?? {}));
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

function describeAjvError(error: ErrorObject, schema: JsonSchema, file: string): Problem {
  const at = error.instancePath;
  const described = schemaAt(schema, at);
  const hint = typeof described?.['description'] === 'string' ? ` (${described['description']})` : '';
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const derived = at === '/parameters' ? DERIVED_PARAMETERS[key] : undefined;
      if (derived) return { file, path: `${at}/${key}`, message: `is set by the toolkit (${derived.source}); remove it` };
      const allowed = Object.keys((schemaAt(schema, at)?.['properties'] as object | undefined) ?? {});
      return { file, path: `${at}/${key}`, message: `unknown key; expected one of: ${allowed.join(', ')}` };
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      const missing = schemaAt(schema, `${at}/${key}`);
      const what = typeof missing?.['description'] === 'string' ? `: ${missing['description']}` : '';
      return { file, path: `${at}/${key}`, message: `is required${what}` };
    }
    case 'enum':
      return { file, path: at, message: `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => quote(v)).join(', ')}` };
    case 'type':
      return { file, path: at, message: `must be ${(error.params as { type: string }).type === 'array' ? 'an array of strings' : `a ${(error.params as { type: string }).type}`}${hint}` };
    case 'pattern':
      return { file, path: at, message: `must match ${(error.params as { pattern: string }).pattern}${hint}` };
    case 'propertyNames':
      return { file, path: `${at}/${String((error.params as { propertyName: string }).propertyName)}`, message: 'is not a valid tag key (1-128 characters, not starting with "aws:")' };
    default:
      return { file, path: at, message: `${error.message ?? 'is invalid'}${hint}` };
  }
}

function schemaProblems(value: unknown, rootTemplate: TemplateJson, file: string): Problem[] {
  const validate = validatorFor(rootTemplate);
  if (validate(value)) return [];
  const schema = environmentFileSchema(rootTemplate.Parameters ?? {});
  return (validate.errors ?? [])
    // ajv reports the failing sub-schema of a propertyNames check twice; keep the specific one.
    .filter((error) => !(error.keyword === 'pattern' && error.propertyName !== undefined))
    .map((error) => describeAjvError(error, schema, file));
}

/** The VPC CIDR of every other environment file that parses, for the overlap rule. */
function otherVpcCidrs(root: string, name: string): { environment: string; cidr: string }[] {
  const others: { environment: string; cidr: string }[] = [];
  for (const other of listEnvironments(root)) {
    if (other === name) continue;
    const parsed = readJson(root, environmentFilePath(other));
    if (!parsed.ok) continue;
    const cidr = (parsed.value as { parameters?: { VpcCidr?: unknown } }).parameters?.VpcCidr;
    if (typeof cidr === 'string') others.push({ environment: other, cidr });
  }
  return others;
}

function toStackValue(value: ParameterValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

export interface LoadOptions {
  readonly root: string;
  readonly templates: readonly { file: string; template: TemplateJson }[];
}

export function loadEnvironment(name: string, { root, templates }: LoadOptions): EnvironmentConfig {
  requireKnownEnvironment(root, name);
  const file = environmentFilePath(name);
  const rootTemplate = templates[0]?.template;
  if (!rootTemplate) throw new Error('loadEnvironment needs the rendered root template first');

  const parsed = readJson(root, file);
  if (!parsed.ok) throw new InputError([parsed.problem]);
  const problems = schemaProblems(parsed.value, rootTemplate, file);
  if (problems.length > 0) throw new InputError(problems);

  const settings = parsed.value as EnvironmentFile;
  const vpc = parseCidr(String(settings.parameters['VpcCidr']));
  const context: RuleContext = {
    name,
    file,
    settings,
    vpc: vpc.ok ? vpc.cidr : undefined,
    otherVpcCidrs: otherVpcCidrs(root, name),
    templates,
  };
  const ruleProblems = ENVIRONMENT_RULES.flatMap((rule) => rule(context));
  if (ruleProblems.length > 0) throw new InputError(ruleProblems);

  const subnets = planSubnets(mustParseCidr(String(settings.parameters['VpcCidr'])));
  const stackParameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings.parameters)) stackParameters[key] = toStackValue(value);
  const computed: Record<string, string> = {
    PublicSubnetCidrs: subnets.publicSubnets.join(','),
    PrivateSubnetCidrs: subnets.privateSubnets.join(','),
    ArtifactBucket: settings.deployment.artifactBucket,
    ElbLogDeliveryAccount: ELB_LOG_DELIVERY_ACCOUNTS[settings.deployment.region] ?? '',
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

export function loadEnvironments(root: string, names: readonly string[], platform: { readonly templates: Parameters<typeof loadEnvironment>[1]['templates'] }): EnvironmentConfig[] {
  return names.map((name) => loadEnvironment(name, { root, templates: platform.templates }));
}
