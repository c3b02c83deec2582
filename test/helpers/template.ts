/**
 * Assertions vocabulary over rendered JSON (named after CDK's: resourcesOfType, hasProperties).
 */
import type { Json, JsonObject, ResourceJson, TemplateJson } from '../../src/core/template-json';

export function resourcesOfType(template: TemplateJson, type: string): [string, ResourceJson][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function resource(template: TemplateJson, logicalId: string): ResourceJson {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}; have ${Object.keys(template.Resources).join(', ')}`);
  return found;
}

export function properties(template: TemplateJson, logicalId: string): JsonObject {
  return resource(template, logicalId).Properties ?? {};
}

/** Every value anywhere under `node`, depth first, with its JSON path. */
export function* walk(node: Json | undefined, path: string[] = []): Generator<[string[], Json]> {
  if (node === undefined) return;
  yield [path, node];
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i += 1) yield* walk(node[i], [...path, String(i)]);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, child] of Object.entries(node)) yield* walk(child, [...path, key]);
  }
}

/** IAM-style policy documents anywhere in the template (roles, key, bucket and topic policies). */
export function policyDocuments(template: TemplateJson): { where: string; document: JsonObject }[] {
  const documents: { where: string; document: JsonObject }[] = [];
  for (const [logicalId, res] of Object.entries(template.Resources)) {
    for (const [path, value] of walk(res.Properties)) {
      const key = path[path.length - 1];
      if ((key === 'PolicyDocument' || key === 'KeyPolicy' || key === 'AssumeRolePolicyDocument') && value && typeof value === 'object' && !Array.isArray(value)) {
        documents.push({ where: `${logicalId}.${path.join('.')}`, document: value });
      }
    }
  }
  return documents;
}

export function statements(document: JsonObject): JsonObject[] {
  const list = document['Statement'];
  return Array.isArray(list) ? (list.filter((s) => s && typeof s === 'object' && !Array.isArray(s)) as JsonObject[]) : [];
}

/** `items`, after asserting there are at least `atLeast` of them: a loop over nothing proves nothing. */
export function found<T>(items: readonly T[], what: string, atLeast = 1): readonly T[] {
  if (items.length < atLeast) throw new Error(`expected at least ${atLeast} ${what}, found ${items.length}: the check would pass vacuously`);
  return items;
}

/**
 * Who consumes an output, from its description, or undefined when it names no one. The form is
 * "<what it is>; <who consumes it and how>" (or "<what it is>, for <who>"), and the second part
 * names a consumer: people and tools (operators, CI, DNS, on-call tooling, `make outputs`,
 * `tap deploy`, deployer roles, peering/VPN) or the platform's stacks (root, network, registry,
 * mesh, cluster, services, callers).
 */
export function outputConsumer(description: string | undefined): string | undefined {
  const match = /^(.{3,}?)(?:; |, for )(.{10,})$/.exec(description ?? '');
  if (!match || match[2].includes('; ')) return undefined;
  const consumer = /\b(operators|CI|DNS|on-call|deployer roles|peering|VPN|root|network|registry|mesh|cluster|services?|stacks?|callers)\b|`make outputs`|`tap deploy`/.exec(match[2]);
  return consumer?.[0];
}

export const asArray = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
