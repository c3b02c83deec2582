/**
 * Typed stack contracts.
 *
 * A stack is `defineStack({ parameters, resources, outputs, ... })`: its parameter specs and output
 * names become type parameters. A parent nests it with `nestedStack(id, child, inputs)`, where
 * `inputs` must name every child parameter without a Default and nothing else, and
 * `handle.output(name)` only accepts output names the child declares. Wiring mistakes are
 * therefore `tsc` errors, and the same contract is re-checked on the rendered JSON by tests and
 * by cfn-lint (E3043).
 *
 * `defineStack` also gives every stateful resource its retention policies (src/cfn/stateful.ts).
 */
import path from 'node:path';
import CloudFormation from 'cloudform-types/types/cloudFormation';
import type { ResourceBase, ResourceTag } from 'cloudform-types/types/resource';
import { Fn, sub, type Condition, type IntrinsicFunction, type Value } from './fn';
import { retainWhen, withRetentionPolicies } from './cloudform-extensions';
import { isStatefulType, RETAIN_CONDITION, STATEFUL_RETENTION } from './stateful';
import { standardTags, TAGGABLE_RESOURCE_TYPES } from './tags';
import { toPlainJson, type TemplateJson } from '../core/template-json';

/**
 * The IAM path of every role a platform stack creates (D-17): `/tap/<env>/`, so the CloudFormation
 * execution role can manage and pass exactly these roles (`role/tap/<env>/*`), and none of the
 * bootstrap stack's, which keep the default path. Role paths are part of the role ARN
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names).
 */
export const PLATFORM_ROLE_PATH = '/tap/${Environment}/';

export interface ParameterSpec {
  readonly Type: 'String' | 'Number' | 'CommaDelimitedList';
  readonly Description: string;
  readonly Default?: string | number;
  readonly AllowedValues?: readonly (string | number)[];
  readonly AllowedPattern?: string;
  readonly ConstraintDescription?: string;
  readonly MinLength?: number;
  readonly MaxLength?: number;
  readonly MinValue?: number;
  readonly MaxValue?: number;
  readonly NoEcho?: boolean;
}

export type ParameterSpecs = { readonly [name: string]: ParameterSpec };

type OptionalParameter<P extends ParameterSpecs> = {
  [K in keyof P]-?: P[K] extends { readonly Default: string | number } ? K : never;
}[keyof P];
type RequiredParameter<P extends ParameterSpecs> = Exclude<keyof P, OptionalParameter<P>>;

/** What a parent passes to a child: every parameter without a Default, optionally the others. */
export type StackInputs<P extends ParameterSpecs> = {
  readonly [K in RequiredParameter<P>]: Value<string>;
} & {
  readonly [K in OptionalParameter<P>]?: Value<string>;
};

/**
 * A group of a child's parameters together with what its parent passes for them: both sides of the
 * contract come from one definition. `parameterGroup` checks the inputs against the specs, so a
 * missing or misspelt input is a `tsc` error where the group is defined (test/fixtures/typed-wiring/).
 */
export interface ParameterGroup<P extends ParameterSpecs> {
  readonly specs: P;
  readonly inputs: StackInputs<P>;
}

export function parameterGroup<P extends ParameterSpecs>(specs: P, inputs: StackInputs<P>): ParameterGroup<P> {
  return { specs, inputs };
}

/**
 * Inputs that hand the parent's parameters of the same names down unchanged; the parent's
 * parameter specs must declare every one of them (a `tsc` error otherwise). Nested stack parameters
 * are strings, so lists are joined again.
 */
export function passThrough<P extends ParameterSpecs>(specs: P, parent: { readonly [K in keyof P]: ParameterSpec }): StackInputs<P> {
  const inputs: Record<string, Value<string>> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (parent[name]?.Type !== spec.Type) throw new Error(`pass-through parameter ${name} is not a ${spec.Type} parameter of the parent`);
    inputs[name] = spec.Type === 'CommaDelimitedList' ? Fn.Join(',', Fn.Ref(name)) : Fn.Ref(name);
  }
  return inputs as StackInputs<P>;
}

/** One child's whole contract from its groups; a parameter may belong to only one group. */
export function mergeParameterGroups(groups: readonly ParameterGroup<ParameterSpecs>[]): ParameterGroup<ParameterSpecs> {
  const specs: Record<string, ParameterSpec> = {};
  const inputs: Record<string, Value<string>> = {};
  for (const group of groups) {
    const unknown = Object.keys(group.inputs).filter((name) => !(name in group.specs));
    if (unknown.length > 0) throw new Error(`inputs without a parameter: ${unknown.join(', ')}`);
    for (const [name, spec] of Object.entries(group.specs)) {
      if (name in specs) throw new Error(`parameter ${name} belongs to two parameter groups`);
      specs[name] = spec;
      const input = group.inputs[name];
      if (input !== undefined) inputs[name] = input;
    }
  }
  return { specs, inputs };
}

export interface OutputSpec {
  /** Who consumes the output and how (checked: every output is described). */
  readonly Description: string;
  readonly Value: Value<string>;
  readonly Condition?: string;
  /** Only for stacks deployed on their own (bootstrap); nested stacks wire outputs with GetAtt. */
  readonly Export?: { readonly Name: Value<string> };
}

export interface StackSpec<P extends ParameterSpecs, O extends string> {
  /** Path-like name; the template renders to `templates/<name>.json`. */
  readonly name: string;
  readonly description: string;
  /** Value of the `service` tag for everything in this stack. */
  readonly service: string;
  readonly parameters: P;
  readonly mappings?: Record<string, Record<string, Record<string, string | number>>>;
  readonly conditions?: Record<string, Condition>;
  readonly resources: Record<string, ResourceBase>;
  readonly nestedStacks?: readonly NestedStack<string>[];
  readonly outputs: Record<O, OutputSpec>;
  /**
   * Deployed on its own, never nested (the bootstrap stack). Only such a stack chooses its
   * stateful resources' retention per environment: `Fn::If` over the `RetainStatefulResources`
   * condition under the AWS::LanguageExtensions transform, the use AWS documents with a plain
   * parameter (function-refs-in-policy-attributes.html). Nested stacks get STATEFUL_RETENTION,
   * because the transform rejects the placeholders nested change sets pass (src/cfn/stateful.ts).
   */
  readonly standalone?: boolean;
}

export interface StackTemplate<P extends ParameterSpecs, O extends string> {
  readonly name: string;
  /** File path relative to `templates/`. */
  readonly file: string;
  readonly parameters: P;
  readonly outputNames: readonly O[];
  readonly children: readonly AnyStackTemplate[];
  /** Deployed on its own; `nestedStack` refuses it (see StackSpec.standalone). */
  readonly standalone: boolean;
  /** The template as plain JSON, exactly as it is written to disk. */
  render(): TemplateJson;
}

export type AnyStackTemplate = StackTemplate<ParameterSpecs, string>;

/** A child stack placed in a parent; `output(name)` reads one of the child's declared outputs. */
export class NestedStack<O extends string> {
  constructor(
    readonly logicalId: string,
    readonly child: StackTemplate<ParameterSpecs, O>,
    readonly inputs: Readonly<Record<string, Value<string>>>,
    readonly dependsOn: readonly string[],
    readonly condition?: string,
  ) {}

  output(name: O): IntrinsicFunction {
    return Fn.GetAtt(this.logicalId, `Outputs.${name}`);
  }
}

export function nestedStack<P extends ParameterSpecs, O extends string>(
  logicalId: string,
  child: StackTemplate<P, O>,
  inputs: StackInputs<P>,
  options: { dependsOn?: readonly string[]; condition?: string } = {},
): NestedStack<O> {
  if (child.standalone) throw new Error(`${child.name} is deployed on its own and cannot be nested (its retention policies need a transform nested change sets break)`);
  return new NestedStack<O>(logicalId, child, inputs, options.dependsOn ?? [], options.condition);
}

/** `Ref` to one of the stack's own parameters, checked against its parameter specs. */
export function parameterRef<P extends ParameterSpecs>(_parameters: P, name: keyof P & string): IntrinsicFunction {
  return Fn.Ref(name);
}

export function defineStack<P extends ParameterSpecs, O extends string>(spec: StackSpec<P, O>): StackTemplate<P, O> {
  const file = `${spec.name}.json`;
  const children = (spec.nestedStacks ?? []).map((nested) => nested.child);
  return {
    name: spec.name,
    file,
    parameters: spec.parameters,
    outputNames: Object.keys(spec.outputs) as O[],
    children,
    standalone: spec.standalone ?? false,
    render: () => renderStack(spec, file),
  };
}

function renderStack<P extends ParameterSpecs, O extends string>(spec: StackSpec<P, O>, file: string): TemplateJson {
  const resources: Record<string, ResourceBase> = { ...spec.resources };
  for (const nested of spec.nestedStacks ?? []) {
    if (nested.logicalId in resources) {
      throw new Error(`${spec.name}: logical id ${nested.logicalId} is used twice`);
    }
    resources[nested.logicalId] = nestedStackResource(nested, file);
  }

  let perEnvironmentRetention = false;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (TAGGABLE_RESOURCE_TYPES.has(resource.Type)) {
      applyStandardTags(resource, spec.service);
    }
    if (resource.Type === 'AWS::IAM::Role' && !spec.standalone) {
      if (!('Environment' in spec.parameters)) throw new Error(`${spec.name}: ${logicalId} is a role, so the stack needs the Environment parameter for its path`);
      Object.assign(resource.Properties, { Path: sub(PLATFORM_ROLE_PATH) });
    }
    if (!isStatefulType(resource.Type)) continue;
    if (spec.standalone) {
      if (!spec.conditions || !(RETAIN_CONDITION in spec.conditions)) {
        throw new Error(`${spec.name}: ${logicalId} is stateful, so the stack must declare condition ${RETAIN_CONDITION}`);
      }
      retainWhen(resource, RETAIN_CONDITION);
      perEnvironmentRetention = true;
    } else {
      withRetentionPolicies(resource, STATEFUL_RETENTION);
    }
  }

  const document = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: spec.description,
    // Only standalone stacks (see StackSpec.standalone); nested templates are plain CloudFormation.
    ...(perEnvironmentRetention ? { Transform: 'AWS::LanguageExtensions' } : {}),
    Parameters: spec.parameters,
    ...(spec.mappings ? { Mappings: spec.mappings } : {}),
    ...(spec.conditions ? { Conditions: spec.conditions } : {}),
    Resources: resources,
    Outputs: spec.outputs,
  };
  return toPlainJson<TemplateJson>(document);
}

function nestedStackResource(nested: NestedStack<string>, parentFile: string): ResourceBase {
  const templateUrl = path.posix.relative(path.posix.dirname(parentFile), nested.child.file);
  const resource = new CloudFormation.Stack({ TemplateURL: templateUrl, Parameters: { ...nested.inputs } });
  resource.Metadata = {
    'cfn-lint': {
      config: {
        // A local path on purpose: `tap deploy` packages it to a content-addressed S3 URL, and
        // cfn-lint checks the nested parameter contract (E3043) only against local files.
        ignore_checks: ['W3002'],
      },
    },
  };
  if (nested.dependsOn.length > 0) resource.DependsOn = [...nested.dependsOn];
  if (nested.condition) resource.Condition = nested.condition;
  return resource;
}

function applyStandardTags(resource: ResourceBase, service: string): void {
  const properties: { Tags?: ResourceTag[] } = resource.Properties;
  const own = properties.Tags ?? [];
  const ownKeys = new Set(own.map((tag) => tag.Key));
  Object.assign(resource.Properties, {
    Tags: [...own, ...standardTags(service).filter((tag) => !ownKeys.has(tag.Key))],
  });
}
