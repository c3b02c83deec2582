/**
 * Checks a service catalog before anything is rendered: names AWS will accept, valid Fargate sizes,
 * unique listener priorities, and a call graph without cycles (Service Connect clients must start
 * after their servers, so a cycle could never be deployed).
 */
import type { ServiceCatalog, ServiceDefinition, TaskSize } from './types';
import { TASK_SIZE_PROFILES } from './types';
import { InputError, type Problem } from '../core/problems';

/** Where a catalog problem is reported: the catalog is data its editors change by hand. */
export const CATALOG_FILE = 'src/catalog/services.ts';

/** Service names: lower-case DNS label, short enough for every physical name built from it. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const SERVICE_NAME_MAX_LENGTH = 20;

const ENV_VAR_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const DATABASE_KEYS = new Set(['host', 'port', 'dbname', 'username', 'password', 'engine']);

/** Valid Fargate memory (MiB) per CPU value. */
function fargateMemoryOptions(cpu: TaskSize['cpu']): readonly number[] {
  const range = (from: number, to: number): number[] => {
    const values: number[] = [];
    for (let mib = from; mib <= to; mib += 1024) values.push(mib);
    return values;
  };
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096);
    case 1024:
      return range(2048, 8192);
    case 2048:
      return range(4096, 16384);
    case 4096:
      return range(8192, 30720);
  }
}

/** `service "x": message` → a Problem at that service; graph-wide problems have no path. */
function toProblem(text: string): Problem {
  const match = /^(service "[^"]*"(?: health check)?): (.*)$/s.exec(text);
  return match ? { file: CATALOG_FILE, path: match[1], message: match[2] } : { file: CATALOG_FILE, path: '', message: text };
}

/** An invalid catalog is bad input (exit 2), reported like a params mistake. */
export class CatalogError extends InputError {
  constructor(readonly descriptions: readonly string[]) {
    super(descriptions.map(toProblem));
    this.name = 'CatalogError';
  }
}

export function catalogProblems(catalog: ServiceCatalog): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const priorities = new Map<number, string>();

  if (catalog.length === 0) problems.push('the catalog has no services');

  for (const service of catalog) {
    const where = `service "${service.name}"`;
    if (!SERVICE_NAME_PATTERN.test(service.name)) {
      problems.push(`${where}: name must be lower-case letters, digits and single hyphens, starting with a letter`);
    }
    if (service.name.length > SERVICE_NAME_MAX_LENGTH) {
      problems.push(`${where}: name is ${service.name.length} characters; at most ${SERVICE_NAME_MAX_LENGTH} keep target group and role names within AWS limits`);
    }
    if (names.has(service.name)) problems.push(`${where}: declared twice`);
    names.add(service.name);

    if (!Number.isInteger(service.containerPort) || service.containerPort < 1024 || service.containerPort > 65535) {
      problems.push(`${where}: containerPort must be an unprivileged port (1024-65535)`);
    }
    for (const profile of TASK_SIZE_PROFILES) {
      const size = service.sizes[profile];
      if (!fargateMemoryOptions(size.cpu).includes(size.memory)) {
        problems.push(`${where}: size "${profile}" ${size.cpu} CPU / ${size.memory} MiB is not a Fargate combination`);
      }
    }
    problems.push(...healthCheckProblems(service));
    if (service.requestTimeoutSeconds < 1 || service.requestTimeoutSeconds > 3600) {
      problems.push(`${where}: requestTimeoutSeconds must be 1-3600`);
    }

    if (service.exposure.kind === 'public') {
      const { priority, pathPatterns } = service.exposure;
      if (!Number.isInteger(priority) || priority < 1 || priority > 50000) {
        problems.push(`${where}: listener priority must be 1-50000`);
      }
      const holder = priorities.get(priority);
      if (holder) problems.push(`${where}: listener priority ${priority} is already used by "${holder}"`);
      priorities.set(priority, service.name);
      if (pathPatterns.length < 1 || pathPatterns.length > 5) {
        problems.push(`${where}: an ALB rule takes 1-5 path patterns`);
      }
    }

    const secretNames = new Set<string>();
    const envNames = new Set<string>();
    for (const secret of service.secrets) {
      if (!SERVICE_NAME_PATTERN.test(secret.name)) problems.push(`${where}: secret name "${secret.name}" must be a lower-case DNS label`);
      if (secretNames.has(secret.name)) problems.push(`${where}: secret "${secret.name}" declared twice`);
      secretNames.add(secret.name);
      for (const [variable, key] of Object.entries(secret.env)) {
        if (!ENV_VAR_PATTERN.test(variable)) problems.push(`${where}: environment variable "${variable}" must be UPPER_SNAKE_CASE`);
        if (envNames.has(variable)) problems.push(`${where}: environment variable "${variable}" is injected twice`);
        envNames.add(variable);
        const validKey = secret.kind === 'database' ? DATABASE_KEYS.has(key) : key === 'apiKey';
        if (!validKey) problems.push(`${where}: secret "${secret.name}" (${secret.kind}) has no JSON key "${key}"`);
      }
    }
  }

  for (const service of catalog) {
    for (const callee of service.calls) {
      if (callee === service.name) problems.push(`service "${service.name}": calls itself`);
      else if (!names.has(callee)) problems.push(`service "${service.name}": calls unknown service "${callee}"`);
      else if (!service.imagePending && catalog.find((s) => s.name === callee)?.imagePending) {
        problems.push(`service "${service.name}": calls "${callee}", whose image is still pending; launch the callee first`);
      }
    }
  }
  const cycle = findCallCycle(catalog);
  if (cycle) problems.push(`call graph has a cycle (${cycle.join(' → ')}); Service Connect clients must deploy after their servers`);
  return problems;
}

function healthCheckProblems(service: ServiceDefinition): string[] {
  const { healthCheck: hc } = service;
  const where = `service "${service.name}" health check`;
  const problems: string[] = [];
  if (!hc.path.startsWith('/')) problems.push(`${where}: path must start with "/"`);
  if (hc.intervalSeconds < 5 || hc.intervalSeconds > 300) problems.push(`${where}: interval must be 5-300 s`);
  if (hc.timeoutSeconds < 2 || hc.timeoutSeconds >= hc.intervalSeconds) problems.push(`${where}: timeout must be at least 2 s and shorter than the interval`);
  for (const [label, value] of [['healthyThreshold', hc.healthyThreshold], ['unhealthyThreshold', hc.unhealthyThreshold]] as const) {
    if (value < 2 || value > 10) problems.push(`${where}: ${label} must be 2-10`);
  }
  if (hc.gracePeriodSeconds < 0 || hc.gracePeriodSeconds > 2147483647) problems.push(`${where}: grace period must be non-negative`);
  return problems;
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
  const problems = catalogProblems(catalog);
  if (problems.length > 0) throw new CatalogError(problems);
  return catalog;
}
