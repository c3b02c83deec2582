/**
 * The rendered templates as the stack tree CloudFormation builds from them, so a test can ask what
 * a value in one stack really is: a `Ref` to a parameter is followed up to the parent that passes
 * it (and on to the root parameter), and a `Fn::GetAtt` of a nested stack's `Outputs.X` down into
 * that child's output. Tests written against origins stay true when a value is re-plumbed
 * through another parameter or output, and catch a wrong value wherever in the chain it is set.
 *
 * Semantics followed (AWS CloudFormation User Guide):
 * - nested stack parameters and outputs: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html
 * - condition functions: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html
 */
import path from 'node:path';
import type { Json, JsonObject, TemplateJson } from '../../src/core/template-json';

export interface StackInstance {
  /** Stack name as rendered (`root`, `network`, `services/frontend`, `bootstrap`). */
  readonly name: string;
  /** Path relative to `templates/`. */
  readonly file: string;
  readonly template: TemplateJson;
  /** The parent stack and the logical id of the nested-stack resource; absent for a top-level stack. */
  readonly parent?: { readonly stack: StackInstance; readonly logicalId: string };
}

/** Where a value comes from, once parameters and nested outputs are followed. */
export type Origin =
  | { readonly kind: 'resource'; readonly stack: StackInstance; readonly logicalId: string; readonly attribute?: string }
  | { readonly kind: 'parameter'; readonly stack: StackInstance; readonly name: string }
  | { readonly kind: 'pseudo'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  | { readonly kind: 'sub'; readonly stack: StackInstance; readonly text: string }
  | { readonly kind: 'other'; readonly stack: StackInstance; readonly value: Json };

export interface RenderedLike {
  readonly name: string;
  readonly file: string;
  readonly template: TemplateJson;
}

const NESTED_STACK = 'AWS::CloudFormation::Stack';

export class StackTree {
  readonly stacks: readonly StackInstance[];

  constructor(templates: readonly RenderedLike[]) {
    const byFile = new Map(templates.map((t) => [t.file, t]));
    const nested = new Set<string>();
    for (const t of templates) {
      for (const resource of Object.values(t.template.Resources)) {
        if (resource.Type === NESTED_STACK) nested.add(childFile(t.file, resource.Properties));
      }
    }
    const stacks: StackInstance[] = [];
    const visit = (stack: StackInstance): void => {
      stacks.push(stack);
      for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
        if (resource.Type !== NESTED_STACK) continue;
        const file = childFile(stack.file, resource.Properties);
        const child = byFile.get(file);
        if (!child) throw new Error(`${stack.file} ${logicalId} nests ${file}, which was not rendered`);
        visit({ name: child.name, file: child.file, template: child.template, parent: { stack, logicalId } });
      }
    };
    for (const t of templates) {
      if (!nested.has(t.file)) visit({ name: t.name, file: t.file, template: t.template });
    }
    this.stacks = stacks;
  }

  stack(name: string): StackInstance {
    const found = this.stacks.find((s) => s.name === name);
    if (!found) throw new Error(`no stack ${name}; have ${this.stacks.map((s) => s.name).join(', ')}`);
    return found;
  }

  /** The top-level stack a stack belongs to (root for the platform tree, bootstrap for itself). */
  topOf(stack: StackInstance): StackInstance {
    return stack.parent ? this.topOf(stack.parent.stack) : stack;
  }

  /**
   * Every origin `value` (as written in `stack`) can have: both branches of a `Fn::If`, the parent's
   * value for a parameter (its Default when the parent passes none), the child's output value for
   * `Fn::GetAtt [Nested, Outputs.X]`. A top-level parameter is an origin of kind `parameter`.
   */
  origins(stack: StackInstance, value: Json | undefined): Origin[] {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [{ kind: 'literal', value }];
    if (Array.isArray(value)) return [{ kind: 'other', stack, value }];
    const [key] = Object.keys(value);
    const argument = value[key];
    if (key === 'Ref' && typeof argument === 'string') return this.refOrigins(stack, argument);
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = getAttParts(argument);
      return this.getAttOrigins(stack, logicalId, attribute);
    }
    if (key === 'Fn::If' && Array.isArray(argument)) return [...this.origins(stack, argument[1]), ...this.origins(stack, argument[2])];
    if (key === 'Fn::Sub') {
      const text = Array.isArray(argument) ? argument[0] : argument;
      if (typeof text === 'string') return [{ kind: 'sub', stack, text }];
    }
    return [{ kind: 'other', stack, value }];
  }

  private refOrigins(stack: StackInstance, name: string): Origin[] {
    if (name.startsWith('AWS::')) return [{ kind: 'pseudo', name }];
    if (stack.template.Resources[name]) return [{ kind: 'resource', stack, logicalId: name }];
    const parameter = stack.template.Parameters?.[name];
    if (!parameter) throw new Error(`${stack.file}: Ref ${name} names no parameter or resource`);
    if (!stack.parent) return [{ kind: 'parameter', stack, name }];
    const passed = (stack.parent.stack.template.Resources[stack.parent.logicalId].Properties?.['Parameters'] as JsonObject | undefined)?.[name];
    if (passed !== undefined) return this.origins(stack.parent.stack, passed);
    return parameter.Default === undefined ? [] : [{ kind: 'literal', value: parameter.Default }];
  }

  private getAttOrigins(stack: StackInstance, logicalId: string, attribute: string): Origin[] {
    const resource = stack.template.Resources[logicalId];
    if (!resource) throw new Error(`${stack.file}: Fn::GetAtt ${logicalId}.${attribute} names no resource`);
    if (resource.Type === NESTED_STACK && attribute.startsWith('Outputs.')) {
      const child = this.stacks.find((s) => s.parent?.stack === stack && s.parent.logicalId === logicalId);
      const output = child?.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!child || !output) throw new Error(`${stack.file}: Fn::GetAtt ${logicalId}.${attribute} names no output of the child`);
      return this.origins(child, output.Value);
    }
    return [{ kind: 'resource', stack, logicalId, attribute }];
  }

  /**
   * The value `value` takes when the top-level stack gets `parameters` (its Defaults fill the rest):
   * literals, parameters followed to the top, and the condition functions. `undefined` when the
   * value depends on anything else (a resource attribute, a pseudo parameter, a Sub).
   */
  evaluate(stack: StackInstance, value: Json | undefined, parameters: Readonly<Record<string, string>>): Json | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object') return value;
    if (Array.isArray(value)) return undefined;
    const [key] = Object.keys(value);
    const argument = value[key];
    const args = Array.isArray(argument) ? argument : [];
    switch (key) {
      case 'Ref': {
        if (typeof argument !== 'string' || stack.template.Resources[argument] || argument.startsWith('AWS::')) return undefined;
        const origins = this.refOrigins(stack, argument);
        if (origins.length !== 1) return undefined;
        const [origin] = origins;
        if (origin.kind === 'literal') return origin.value;
        if (origin.kind !== 'parameter') return undefined;
        return parameters[origin.name] ?? origin.stack.template.Parameters?.[origin.name]?.Default;
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = getAttParts(argument);
        const origins = this.getAttOrigins(stack, logicalId, attribute);
        if (origins.length !== 1 || origins[0].kind === 'resource') return undefined;
        const child = this.stacks.find((s) => s.parent?.stack === stack && s.parent.logicalId === logicalId);
        return child ? this.evaluate(child, child.template.Outputs?.[attribute.slice('Outputs.'.length)]?.Value, parameters) : undefined;
      }
      case 'Condition':
        return typeof argument === 'string' ? this.condition(stack, argument, parameters) : undefined;
      case 'Fn::If': {
        const holds = this.condition(stack, String(args[0]), parameters);
        return holds === undefined ? undefined : this.evaluate(stack, args[holds ? 1 : 2], parameters);
      }
      case 'Fn::Equals': {
        const [a, b] = args.map((arg) => this.evaluate(stack, arg, parameters));
        return a === undefined || b === undefined ? undefined : String(a) === String(b);
      }
      case 'Fn::Not': {
        const inner = this.evaluate(stack, args[0], parameters);
        return typeof inner === 'boolean' ? !inner : undefined;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = args.map((arg) => this.evaluate(stack, arg, parameters));
        if (values.some((v) => typeof v !== 'boolean')) return undefined;
        return key === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      default:
        return undefined;
    }
  }

  /** Whether the named condition of `stack` holds for these top-level parameters. */
  condition(stack: StackInstance, name: string, parameters: Readonly<Record<string, string>>): boolean | undefined {
    const definition = stack.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`${stack.file}: condition ${name} is not declared`);
    const holds = this.evaluate(stack, definition, parameters);
    return typeof holds === 'boolean' ? holds : undefined;
  }

  /** Whether a resource (or output) with this Condition exists for these parameters; true without one. */
  exists(stack: StackInstance, condition: string | undefined, parameters: Readonly<Record<string, string>>): boolean | undefined {
    const own = condition === undefined ? true : this.condition(stack, condition, parameters);
    if (own === false || !stack.parent) return own;
    const nesting = stack.parent.stack.template.Resources[stack.parent.logicalId];
    const parentExists = this.exists(stack.parent.stack, nesting.Condition, parameters);
    return own === undefined || parentExists === undefined ? undefined : parentExists;
  }
}

function childFile(parentFile: string, properties: JsonObject | undefined): string {
  const url = properties?.['TemplateURL'];
  if (typeof url !== 'string') throw new Error(`${parentFile}: a nested stack without a local TemplateURL`);
  return path.posix.normalize(path.posix.join(path.posix.dirname(parentFile), url));
}

/** `Fn::GetAtt` as `[logicalId, attribute]`, from either the array or the "A.B" string form. */
export function getAttParts(argument: Json): [string, string] {
  if (Array.isArray(argument)) return [String(argument[0]), String(argument[1])];
  const text = String(argument);
  const dot = text.indexOf('.');
  return [text.slice(0, dot), text.slice(dot + 1)];
}

/** A readable name for an origin, for assertion messages and graph nodes. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'resource':
      return `${origin.stack.name}:${origin.logicalId}${origin.attribute ? `.${origin.attribute}` : ''}`;
    case 'parameter':
      return `parameter ${origin.name}`;
    case 'pseudo':
      return origin.name;
    case 'literal':
      return JSON.stringify(origin.value);
    case 'sub':
      return `Sub ${JSON.stringify(origin.text)}`;
    case 'other':
      return JSON.stringify(origin.value);
  }
}
