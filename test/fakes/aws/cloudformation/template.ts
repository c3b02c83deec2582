/**
 * The part of CloudFormation's template language the fake evaluates: Ref, Fn::GetAtt, Fn::Sub,
 * Fn::Join, Fn::Split, Fn::Select, Fn::If, Fn::ToJsonString, conditions (Fn::Equals, Fn::Not,
 * Fn::And, Fn::Or, Condition), AWS::NoValue, and the order CloudFormation can create resources in.
 * Intrinsic function reference:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
 *
 * A value the change set cannot know yet (an attribute of a resource being created or changed, a
 * sibling stack's output) evaluates to KNOWN_AFTER_APPLY, the placeholder DescribeChangeSet shows
 * for it (cloudformation-coverage-roadmap #759, #2113).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Json, JsonObject, TemplateJson } from '../../../../src/core/template-json';

export const KNOWN_AFTER_APPLY = '{{changeSet:KNOWN_AFTER_APPLY}}';
/** What `Ref AWS::NoValue` evaluates to: removed from the object or list holding it. */
export const NO_VALUE = '__fake_no_value__';

export const stringify = (value: Json | undefined): string | undefined => (value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value));
export const containsUnknown = (value: Json | undefined): boolean => stringify(value)?.includes(KNOWN_AFTER_APPLY) ?? false;
export const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface Scope {
  readonly parameters: Readonly<Record<string, string>>;
  readonly pseudo: Readonly<Record<string, string>>;
  readonly conditions: Readonly<Record<string, Json>>;
  ref(logicalId: string): string | undefined;
  getAtt(logicalId: string, attribute: string): string | undefined;
}

export function condition(name: string | Json, scope: Scope): boolean {
  const expression = typeof name === 'string' ? scope.conditions[name] : name;
  if (!isObject(expression)) return Boolean(expression);
  if ('Fn::Equals' in expression) {
    const [a, b] = expression['Fn::Equals'] as Json[];
    return isDeepStrictEqual(evaluate(a, scope), evaluate(b, scope));
  }
  if ('Fn::Not' in expression) return !condition((expression['Fn::Not'] as Json[])[0], scope);
  if ('Fn::And' in expression) return (expression['Fn::And'] as Json[]).every((c) => condition(c, scope));
  if ('Fn::Or' in expression) return (expression['Fn::Or'] as Json[]).some((c) => condition(c, scope));
  if ('Condition' in expression) return condition(expression['Condition'] as string, scope);
  return true;
}

export function evaluate(node: Json | undefined, scope: Scope): Json | undefined {
  if (node === undefined || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((item) => evaluate(item, scope)).filter((item): item is Json => item !== undefined && item !== NO_VALUE);
  const keys = Object.keys(node);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = node[key];
    switch (key) {
      case 'Ref': {
        const name = String(arg);
        if (name === 'AWS::NoValue') return NO_VALUE;
        return scope.parameters[name] ?? scope.pseudo[name] ?? scope.ref(name) ?? KNOWN_AFTER_APPLY;
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
        return scope.getAtt(id, attribute) ?? KNOWN_AFTER_APPLY;
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? [String(arg[0]), (arg[1] ?? {}) as JsonObject] : [String(arg), {} as JsonObject];
        return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (name in variables) return String(evaluate(variables[name], scope));
          const [id, attribute] = name.split(/\.(.*)/s);
          const value = attribute ? scope.getAtt(id, attribute) : scope.parameters[id] ?? scope.pseudo[id] ?? scope.ref(id);
          return value ?? (whole ? KNOWN_AFTER_APPLY : '');
        });
      }
      case 'Fn::Join': {
        const [separator, list] = arg as [string, Json];
        const items = evaluate(list, scope);
        return Array.isArray(items) ? items.map((i) => stringify(i) ?? '').join(separator) : stringify(items) ?? '';
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, Json];
        return String(evaluate(text, scope)).split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [Json, Json];
        const items = evaluate(list, scope);
        return Array.isArray(items) ? items[Number(evaluate(index, scope))] ?? KNOWN_AFTER_APPLY : KNOWN_AFTER_APPLY;
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = arg as [string, Json, Json];
        return evaluate(condition(name, scope) ? whenTrue : whenFalse, scope);
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(evaluate(arg, scope));
      default:
        break;
    }
  }
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    const evaluated = evaluate(value, scope);
    if (evaluated !== undefined && evaluated !== NO_VALUE) result[key] = evaluated;
  }
  return result;
}

/** The first Ref/GetAtt inside `node` to one of `changed`, for ChangeSource/CausingEntity. */
export function causingEntity(node: Json | undefined, changed: ReadonlySet<string>): { source: string; entity: string } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = causingEntity(item, changed);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node['Ref'] === 'string' && changed.has(node['Ref'])) return { source: 'ResourceReference', entity: node['Ref'] };
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt) && changed.has(String(getAtt[0]))) return { source: 'ResourceAttribute', entity: `${getAtt[0]}.${getAtt[1]}` };
  for (const value of Object.values(node)) {
    const found = causingEntity(value, changed);
    if (found) return found;
  }
  return undefined;
}

/** The first parameter `node` refers to (Ref or ${Name} in Fn::Sub). */
export function referencedParameter(node: Json | undefined, parameters: Readonly<Record<string, string>>): string | undefined {
  const text = JSON.stringify(node ?? null);
  const ref = /"Ref":"([^"]+)"/.exec(text)?.[1];
  if (ref && ref in parameters) return ref;
  const sub = [...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]).find((name) => name in parameters);
  return sub;
}

/** The parameters of `template` that have a Default, with it. */
export function defaults(template: TemplateJson): Record<string, string> {
  return Object.fromEntries(Object.entries(template.Parameters ?? {}).filter(([, p]) => p.Default !== undefined).map(([k, p]) => [k, String(p.Default)]));
}

/** The resources of `template` whose Condition holds in `scope`. */
export function activeResources(template: TemplateJson, scope: Scope): [string, JsonObject][] {
  return Object.entries(template.Resources)
    .filter(([, r]) => !r.Condition || condition(r.Condition, scope))
    .map(([id, r]) => [id, r as unknown as JsonObject]);
}

/**
 * Resources in the order CloudFormation can create them: each after the resources it references
 * (Ref, Fn::GetAtt, ${X} in Fn::Sub) or names in DependsOn, otherwise in template order. (The
 * real platform lists a caller's nested stack before the callee whose outputs it reads.)
 */
export function dependencyOrder(template: TemplateJson): string[] {
  const ids = Object.keys(template.Resources);
  const dependencies = new Map(ids.map((id) => {
    const resource = template.Resources[id] as unknown as JsonObject;
    const text = JSON.stringify({ properties: resource['Properties'] ?? {}, condition: null });
    const referenced = new Set<string>([
      ...[...text.matchAll(/"Ref":"([^"]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/"Fn::GetAtt":\["([^"]+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)].map((m) => m[1]),
      ...[resource['DependsOn'] ?? []].flat().map(String),
    ]);
    return [id, ids.filter((other) => other !== id && referenced.has(other))];
  }));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string): void => {
    if (ordered.includes(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const dependency of dependencies.get(id) ?? []) visit(dependency);
    ordered.push(id);
  };
  ids.forEach(visit);
  return ordered;
}
