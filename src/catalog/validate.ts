/**
 * Checks a service catalog completely before anything is rendered: every field a builder reads,
 * its type, its allowed values (an unknown `exposure.kind` must not quietly become internal), the
 * Fargate CPU/memory pairs, names AWS will accept, unique listener priorities, and a call graph
 * without duplicates or cycles (a callee listed twice is a duplicate egress rule that fails at
 * deploy; Service Connect clients must start after their servers, so a cycle could never deploy).
 *
 * The catalog is typed data, but values reach it past the types too (a cast, a spread of a
 * computed object, JavaScript), so every check reads the value as `unknown` first: a wrong value
 * is a problem in the same words as a params mistake, never a TypeError from a builder.
 */
import type { ServiceCatalog, ServiceDefinition } from './types';
import { TASK_SIZE_PROFILES } from './types';
import { InputError, quote, type Problem } from '../core/problems';
import { describeJsonValue } from '../core/json-file';

/** Where a catalog problem is reported: the catalog is data its editors change by hand. */
export const CATALOG_FILE = 'src/catalog/services.ts';

/** Service names: lower-case DNS label, short enough for every physical name built from it. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const SERVICE_NAME_MAX_LENGTH = 20;

const ENV_VAR_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const DATABASE_KEYS = ['host', 'port', 'dbname', 'username', 'password', 'engine'];

/** Every field of a ServiceDefinition; anything else is a typo that would be ignored. */
const SERVICE_FIELDS = [
  'name', 'description', 'containerPort', 'appProtocol', 'exposure', 'calls', 'sizes', 'healthCheck',
  'requestTimeoutSeconds', 'secrets', 'scalingMetric', 'errorLogPattern', 'imagePending',
] as const satisfies readonly (keyof ServiceDefinition)[];

const APP_PROTOCOLS = ['http', 'http2', 'grpc'];
const EXPOSURE_KINDS = ['public', 'internal'];
const SECRET_KINDS = ['database', 'api-key'];
const STATISTICS = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'];
const UNITS = ['Count', 'Seconds', 'Milliseconds', 'Percent', 'None'];

/**
 * Valid Fargate memory (MiB) per CPU value: 256 → 512, 1024, 2048; 512 → 1-4 GiB; 1024 → 2-8 GiB;
 * 2048 → 4-16 GiB; 4096 → 8-30 GiB, in 1 GiB steps
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
 */
const FARGATE_MEMORY: Readonly<Record<number, readonly number[]>> = (() => {
  const range = (from: number, to: number): number[] => Array.from({ length: (to - from) / 1024 + 1 }, (_, i) => from + i * 1024);
  return { 256: [512, 1024, 2048], 512: range(1024, 4096), 1024: range(2048, 8192), 2048: range(4096, 16384), 4096: range(8192, 30720) };
})();
const FARGATE_CPU = Object.keys(FARGATE_MEMORY).map(Number);

type Record_ = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Record_ => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInteger = (value: unknown): value is number => Number.isInteger(value);
const list = (values: readonly unknown[]): string => values.map((v) => quote(v)).join(', ');

/** Collects problems about one service: `service "x": <field> <what is wrong>`. */
class Findings {
  readonly problems: Problem[] = [];

  constructor(private readonly where: string) {}

  add(field: string, message: string): void {
    this.problems.push({ file: CATALOG_FILE, path: this.where, message: field ? `${field} ${message}` : message });
  }

  /** True when `value` is an object; otherwise reports what it is. */
  object(field: string, value: unknown, what: string): value is Record_ {
    if (value === undefined) this.add(field, `is required: ${what}`);
    else if (!isRecord(value)) this.add(field, `must be an object (got ${describeJsonValue(value)})`);
    return isRecord(value);
  }

  /** Reports keys outside `allowed`. */
  onlyKeys(field: string, value: Record_, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add(field ? `${field}.${key}` : key, `unknown field; expected one of: ${allowed.join(', ')}`);
    }
  }

  string(field: string, value: unknown, what: string): value is string {
    if (value === undefined) this.add(field, `is required: ${what}`);
    else if (typeof value !== 'string') this.add(field, `must be a string (got ${describeJsonValue(value)})`);
    else if (value.trim() === '') this.add(field, `must not be empty: ${what}`);
    else return true;
    return false;
  }

  integer(field: string, value: unknown, min: number, max: number, what = ''): value is number {
    const suffix = what ? ` ${what}` : '';
    if (value === undefined) this.add(field, `is required: a whole number from ${min} to ${max}${suffix}`);
    else if (!isInteger(value) || value < min || value > max) this.add(field, `must be a whole number from ${min} to ${max}${suffix} (got ${quote(value)})`);
    else return true;
    return false;
  }

  oneOf(field: string, value: unknown, allowed: readonly unknown[], note = ''): boolean {
    if (allowed.includes(value)) return true;
    this.add(field, `must be one of: ${list(allowed)} (${note}got ${value === undefined ? 'nothing' : quote(value)})`);
    return false;
  }

  array(field: string, value: unknown, what: string): value is readonly unknown[] {
    if (value === undefined) this.add(field, `is required: ${what}`);
    else if (!Array.isArray(value)) this.add(field, `must be an array (got ${describeJsonValue(value)})`);
    return Array.isArray(value);
  }
}

function nameProblems(f: Findings, name: string): void {
  if (!SERVICE_NAME_PATTERN.test(name)) f.add('name', 'must be lower-case letters, digits and single hyphens, starting with a letter');
  if (name.length > SERVICE_NAME_MAX_LENGTH) {
    f.add('name', `is ${name.length} characters; at most ${SERVICE_NAME_MAX_LENGTH} keep target group and role names within AWS limits`);
  }
}

function sizeProblems(f: Findings, sizes: unknown): void {
  if (!f.object('sizes', sizes, `Fargate CPU and memory for each TaskSizeProfile (${TASK_SIZE_PROFILES.join(', ')})`)) return;
  f.onlyKeys('sizes', sizes, TASK_SIZE_PROFILES);
  for (const profile of TASK_SIZE_PROFILES) {
    const field = `sizes.${profile}`;
    const size = sizes[profile];
    if (!f.object(field, size, `Fargate CPU and memory for the "${profile}" TaskSizeProfile`)) continue;
    f.onlyKeys(field, size, ['cpu', 'memory']);
    if (!f.oneOf(`${field}.cpu`, size['cpu'], FARGATE_CPU, 'Fargate CPU units; ')) continue;
    const options = FARGATE_MEMORY[size['cpu'] as number];
    if (!options.includes(size['memory'] as number)) {
      f.add(`${field}.memory`, size['memory'] === undefined || !isInteger(size['memory'])
        ? `must be MiB of memory for ${String(size['cpu'])} CPU units on Fargate: one of ${options.join(', ')} (got ${quote(size['memory'])})`
        : `${String(size['memory'])} MiB does not pair with ${String(size['cpu'])} CPU units on Fargate; expected one of: ${options.join(', ')}`);
    }
  }
}

function healthCheckProblems(f: Findings, hc: unknown): void {
  if (!f.object('healthCheck', hc, 'the HTTP check of the ALB and the container')) return;
  f.onlyKeys('healthCheck', hc, ['path', 'intervalSeconds', 'timeoutSeconds', 'healthyThreshold', 'unhealthyThreshold', 'gracePeriodSeconds']);
  if (f.string('healthCheck.path', hc['path'], 'the path a healthy task answers') && !hc['path'].startsWith('/')) f.add('healthCheck.path', 'must start with "/"');
  const interval = f.integer('healthCheck.intervalSeconds', hc['intervalSeconds'], 5, 300, 'seconds');
  if (f.integer('healthCheck.timeoutSeconds', hc['timeoutSeconds'], 2, 120, 'seconds') && interval && (hc['timeoutSeconds'] as number) >= (hc['intervalSeconds'] as number)) {
    f.add('healthCheck.timeoutSeconds', 'must be shorter than the interval');
  }
  f.integer('healthCheck.healthyThreshold', hc['healthyThreshold'], 2, 10);
  f.integer('healthCheck.unhealthyThreshold', hc['unhealthyThreshold'], 2, 10);
  f.integer('healthCheck.gracePeriodSeconds', hc['gracePeriodSeconds'], 0, 2147483647, 'seconds');
}

function exposureProblems(f: Findings, exposure: unknown, name: string, priorities: Map<number, string>): void {
  if (!f.object('exposure', exposure, '{ kind: "public", pathPatterns, priority } or { kind: "internal" }')) return;
  if (!f.oneOf('exposure.kind', exposure['kind'], EXPOSURE_KINDS)) return;
  if (exposure['kind'] === 'internal') {
    f.onlyKeys('exposure', exposure, ['kind']);
    return;
  }
  f.onlyKeys('exposure', exposure, ['kind', 'pathPatterns', 'priority']);
  const patterns = exposure['pathPatterns'];
  if (f.array('exposure.pathPatterns', patterns, 'the ALB path patterns of the service')) {
    if (patterns.length < 1 || patterns.length > 5) f.add('exposure.pathPatterns', `must list 1-5 path patterns (an ALB rule takes at most 5; got ${patterns.length})`);
    patterns.forEach((pattern, index) => {
      const field = `exposure.pathPatterns[${index}]`;
      if (f.string(field, pattern, 'an ALB path pattern such as "/api/*"') && (!pattern.startsWith('/') || pattern.length > 128)) {
        f.add(field, `must start with "/" and be at most 128 characters (got ${quote(pattern)})`);
      }
    });
  }
  const priority = exposure['priority'];
  if (!f.integer('exposure.priority', priority, 1, 50000, '(the listener-rule priority)')) return;
  const holder = priorities.get(priority);
  if (holder) f.add('', `listener priority ${priority} is already used by "${holder}"`);
  priorities.set(priority, name);
}

function secretProblems(f: Findings, secrets: unknown): void {
  if (!f.array('secrets', secrets, 'the secrets the service reads (an empty array for none)')) return;
  const names = new Set<string>();
  const variables = new Set<string>();
  secrets.forEach((secret, index) => {
    const field = `secrets[${index}]`;
    if (!f.object(field, secret, 'a secret')) return;
    f.onlyKeys(field, secret, ['name', 'kind', 'description', 'env']);
    const name = secret['name'];
    if (f.string(`${field}.name`, name, 'a short name, unique within the service')) {
      if (!SERVICE_NAME_PATTERN.test(name)) f.add('', `secret name "${name}" must be a lower-case DNS label`);
      if (names.has(name)) f.add('', `secret "${name}" declared twice`);
      names.add(name);
    }
    f.string(`${field}.description`, secret['description'], 'what the secret is for');
    const kindKnown = f.oneOf(`${field}.kind`, secret['kind'], SECRET_KINDS);
    if (!f.object(`${field}.env`, secret['env'], 'environment variables injected from the secret')) return;
    for (const [variable, key] of Object.entries(secret['env'])) {
      if (!ENV_VAR_PATTERN.test(variable)) f.add('', `environment variable "${variable}" must be UPPER_SNAKE_CASE`);
      if (variables.has(variable)) f.add('', `environment variable "${variable}" is injected twice`);
      variables.add(variable);
      const keys = secret['kind'] === 'database' ? DATABASE_KEYS : ['apiKey'];
      if (kindKnown && !keys.includes(key as string)) f.add('', `secret "${String(name)}" (${String(secret['kind'])}) has no JSON key ${quote(key)}; expected one of: ${keys.join(', ')}`);
    }
  });
}

function scalingProblems(f: Findings, metric: unknown): void {
  if (!f.object('scalingMetric', metric, 'the per-task metric target tracking scales on')) return;
  f.onlyKeys('scalingMetric', metric, ['metricName', 'statistic', 'targetValue', 'unit']);
  const name = metric['metricName'];
  if (f.string('scalingMetric.metricName', name, 'a CloudWatch metric name') && name.length > 255) f.add('scalingMetric.metricName', 'must be at most 255 characters');
  f.oneOf('scalingMetric.statistic', metric['statistic'], STATISTICS);
  const target = metric['targetValue'];
  if (typeof target !== 'number' || !Number.isFinite(target) || target <= 0) f.add('scalingMetric.targetValue', `must be a number above 0 (got ${quote(target)})`);
  f.oneOf('scalingMetric.unit', metric['unit'], UNITS);
}

/** A service's own fields. Returns its name when it has a usable one. */
function serviceProblems(f: Findings, service: Record_, priorities: Map<number, string>): void {
  f.onlyKeys('', service, SERVICE_FIELDS);
  const name = service['name'];
  if (f.string('name', name, 'a lower-case DNS label')) nameProblems(f, name);
  f.string('description', service['description'], 'one line on what the service does');
  if (!isInteger(service['containerPort']) || service['containerPort'] < 1024 || service['containerPort'] > 65535) {
    f.add('containerPort', `must be an unprivileged port (1024-65535; got ${quote(service['containerPort'])})`);
  }
  f.oneOf('appProtocol', service['appProtocol'], APP_PROTOCOLS);
  exposureProblems(f, service['exposure'], String(name), priorities);
  if (f.array('calls', service['calls'], 'the services it calls (an empty array for none)')) {
    service['calls'].forEach((callee, index) => {
      if (typeof callee !== 'string') f.add(`calls[${index}]`, `must be a service name (got ${describeJsonValue(callee)})`);
    });
  }
  sizeProblems(f, service['sizes']);
  healthCheckProblems(f, service['healthCheck']);
  if (!isInteger(service['requestTimeoutSeconds']) || service['requestTimeoutSeconds'] < 1 || service['requestTimeoutSeconds'] > 3600) {
    f.add('requestTimeoutSeconds', `must be 1-3600 (whole seconds; got ${quote(service['requestTimeoutSeconds'])})`);
  }
  secretProblems(f, service['secrets']);
  scalingProblems(f, service['scalingMetric']);
  f.string('errorLogPattern', service['errorLogPattern'], 'a CloudWatch Logs filter pattern');
  if (service['imagePending'] !== undefined && typeof service['imagePending'] !== 'boolean') {
    f.add('imagePending', `must be true or false (got ${describeJsonValue(service['imagePending'])})`);
  }
}

/** `service "x"`, or its position when it has no usable name. */
function whereIs(service: unknown, index: number): string {
  const name = isRecord(service) ? service['name'] : undefined;
  return typeof name === 'string' && name !== '' ? `service ${quote(name)}` : `service #${index + 1} in SERVICE_CATALOG`;
}

/** The call graph, once every service is known to be an object with string callees. */
function callProblems(catalog: readonly Record_[], names: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const [index, service] of catalog.entries()) {
    const f = new Findings(whereIs(service, index));
    const calls = Array.isArray(service['calls']) ? (service['calls'] as unknown[]) : [];
    const seen = new Set<unknown>();
    calls.forEach((callee, at) => {
      if (typeof callee !== 'string') return;
      if (seen.has(callee)) f.add(`calls[${at}]`, `${quote(callee)} is listed twice; each callee opens one security-group path`);
      seen.add(callee);
      if (callee === service['name']) f.add('', 'calls itself');
      else if (!names.has(callee)) f.add('', `calls unknown service "${callee}"`);
      else if (service['imagePending'] !== true && catalog.find((s) => s['name'] === callee)?.['imagePending'] === true) {
        f.add('', `calls "${callee}", whose image is still pending; launch the callee first`);
      }
    });
    problems.push(...f.problems);
  }
  return problems;
}

/** Every problem of `catalog`, each at its service, in the params file's style. */
export function catalogInputProblems(catalog: unknown): Problem[] {
  if (!Array.isArray(catalog)) return [{ file: CATALOG_FILE, path: 'SERVICE_CATALOG', message: `must be an array of services (got ${describeJsonValue(catalog)})` }];
  if (catalog.length === 0) return [{ file: CATALOG_FILE, path: 'SERVICE_CATALOG', message: 'the catalog has no services' }];
  const problems: Problem[] = [];
  const names = new Set<string>();
  const priorities = new Map<number, string>();
  catalog.forEach((service: unknown, index) => {
    const f = new Findings(whereIs(service, index));
    if (!isRecord(service)) {
      f.add('', `must be an object (got ${describeJsonValue(service)})`);
    } else {
      serviceProblems(f, service, priorities);
      if (typeof service['name'] === 'string') {
        if (names.has(service['name'])) f.add('', 'declared twice');
        names.add(service['name']);
      }
    }
    problems.push(...f.problems);
  });
  // The graph is checked only over well-formed services: a broken entry is reported above.
  if (problems.length > 0 && !catalog.every(isRecord)) return problems;
  problems.push(...callProblems(catalog as Record_[], names));
  if (problems.length === 0) {
    const cycle = findCallCycle(catalog as ServiceCatalog);
    if (cycle) problems.push({ file: CATALOG_FILE, path: 'SERVICE_CATALOG', message: `call graph has a cycle (${cycle.join(' → ')}); Service Connect clients must deploy after their servers` });
  }
  return problems;
}

/** The problems as `where: message` lines. */
export function catalogProblems(catalog: unknown): string[] {
  return catalogInputProblems(catalog).map((problem) => `${problem.path}: ${problem.message}`);
}

/** An invalid catalog is bad input (exit 2), reported like a params mistake. */
export class CatalogError extends InputError {
  constructor(problems: readonly Problem[]) {
    super(problems);
    this.name = 'CatalogError';
  }
}

function findCallCycle(catalog: ServiceCatalog): string[] | undefined {
  const byName = new Map(catalog.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const callee of byName.get(name)?.calls ?? []) {
      if (!byName.has(callee)) continue;
      const cycle = visit(callee);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const service of catalog) {
    const cycle = visit(service.name);
    if (cycle) return cycle;
  }
  return undefined;
}

export function validateCatalog(catalog: ServiceCatalog): ServiceCatalog {
  const problems = catalogInputProblems(catalog);
  if (problems.length > 0) throw new CatalogError(problems);
  return catalog;
}
