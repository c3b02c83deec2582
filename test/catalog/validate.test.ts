/**
 * P-SVC: the catalog is validated completely before anything renders. Every field of a service
 * is replaced, one at a time, by values of every other shape; each result must either be refused
 * with a catalog problem (file, service, field) or render cleanly. No TypeError, no other error,
 * ever reaches the user from a builder.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceCatalog, ServiceDefinition } from '../../src/catalog/types';
import { CATALOG_FILE, CatalogError, catalogInputProblems, validateCatalog } from '../../src/catalog/validate';
import { renderCatalog } from '../helpers/platform';
import { syntheticService } from '../helpers/synthetic-catalog';

type Json = unknown;

/** Paths to every value in `value` (objects and arrays included), as key lists. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key]))];
  return here;
}

function replaced(value: Json, path: readonly (string | number)[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, index) => (index === head ? replaced(item, rest, replacement) : item));
  const copy = { ...(value as Record<string, Json>) };
  if (replacement === undefined && rest.length === 0) delete copy[head];
  else copy[head] = replaced(copy[head], rest, replacement);
  return copy;
}

const HOSTILE: readonly Json[] = [undefined, null, '', 'x', -1, 0, 1.5, 300, true, [], {}, ['x'], { kind: 'x' }];

/** A public service with a database secret and a callee: every branch of the builders. */
const subject = { ...syntheticService(5, 'data-ingestion'), name: 'risk-engine', secrets: [
  { name: 'api-key', kind: 'api-key', description: 'Key', env: { API_KEY: 'apiKey' } },
  { name: 'database', kind: 'database', description: 'Database', env: { DB_HOST: 'host', DB_PASSWORD: 'password' } },
] } as ServiceDefinition;

test('P-SVC: the fuzz subject is a valid public service that calls another and holds both secret kinds', () => {
  assert.is(subject.exposure.kind, 'public');
  assert.equal(catalogInputProblems([...SERVICE_CATALOG, subject]), []);
});

test('P-SVC: every field of a service replaced by every other shape is refused by the catalog check or renders; nothing else escapes', () => {
  let refused = 0;
  let rendered = 0;
  for (const path of paths(subject)) {
    for (const value of HOSTILE) {
      const service = replaced(subject, path, value) as ServiceDefinition;
      const catalog: ServiceCatalog = [...SERVICE_CATALOG, service];
      const where = `${path.join('.')} = ${JSON.stringify(value) ?? 'undefined'}`;
      const problems = catalogInputProblems(catalog);
      if (problems.length > 0) {
        refused += 1;
        for (const problem of problems) assert.is(problem.file, CATALOG_FILE, where);
        assert.throws(() => validateCatalog(catalog), (error: unknown) => error instanceof CatalogError, where);
        continue;
      }
      try {
        renderCatalog(catalog);
        rendered += 1;
      } catch (error) {
        assert.unreachable(`${where}: passed the catalog check but rendering threw ${String(error)}`);
      }
    }
  }
  assert.ok(refused > 300, `refused ${refused}`);
  assert.ok(rendered > 0, `rendered ${rendered} (the render branch must run, or it proves nothing)`);
});

test('P-SVC: a catalog that is not a list, an entry that is not an object, and an empty catalog are problems, not TypeErrors', () => {
  assert.equal(catalogInputProblems(null).map((p) => p.message), ['must be an array of services (got null)']);
  assert.equal(catalogInputProblems([]).map((p) => p.message), ['the catalog has no services']);
  assert.equal(catalogInputProblems([...SERVICE_CATALOG, 'risk-engine']).map((p) => `${p.path}: ${p.message}`), [
    'service #5 in SERVICE_CATALOG: must be an object (got the string "risk-engine")',
  ]);
});

test('P-SEC: a cycle in the call graph is refused', () => {
  const a = { ...syntheticService(6, 'worker-007'), name: 'worker-006' };
  const b = { ...syntheticService(7, 'worker-006'), name: 'worker-007' };
  assert.equal(catalogInputProblems([...SERVICE_CATALOG, a, b]).map((p) => p.message), [
    'call graph has a cycle (worker-006 → worker-007 → worker-006); Service Connect clients must deploy after their servers',
  ]);
});

test('P-SEC: a callee listed twice is refused wherever the repeat stands, at its position (each callee opens one security-group path)', () => {
  const callees = SERVICE_CATALOG.slice(0, 2).map((s) => s.name);
  assert.is(callees.length, 2);
  const [first, second] = callees;
  for (const calls of [[first, first], [first, second, first], [second, first, second]]) {
    const worker = { ...syntheticService(6, first), name: 'worker-006', calls };
    const repeat = calls.lastIndexOf(calls[0]);
    assert.equal(catalogInputProblems([...SERVICE_CATALOG, worker]).map((p) => p.message), [
      `calls[${repeat}] "${calls[0]}" is listed twice; each callee opens one security-group path`,
    ], calls.join(', '));
  }
});

test('P-SVC: the real catalog is valid', () => {
  assert.equal(catalogInputProblems(SERVICE_CATALOG), []);
});

test.run();
