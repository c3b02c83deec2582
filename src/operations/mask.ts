/**
 * Secrets hygiene: nothing the toolkit prints or stores may carry a secret value.
 *
 * Two rules, applied to the review (text and JSON), progress lines, failure reports and outputs:
 * 1. Known secret values (the params file's values for NoEcho parameters) are replaced wherever
 *    they appear in free text.
 * 2. A property, output or parameter whose template value derives from a NoEcho parameter or a
 *    `{{resolve:secretsmanager:…}}` / `{{resolve:ssm-secure:…}}` reference is shown as `****`,
 *    unless what would be shown is the reference itself (a reference names a secret, it is not one).
 * A value hidden by rule 2 is also learned: should the API ever echo a resolved secret in a
 * property value, that value is masked in free text (event reasons, messages) from then on.
 */
import type { Json, TemplateJson } from '../core/template-json';

export const MASK = '****';
const SECRET_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):[^}]*\}\}/;
const ONLY_REFERENCES = /^(\s*\{\{resolve:(secretsmanager|ssm-secure):[^}]*\}\}\s*)+$/;
/** Shorter values would garble unrelated text; they are still masked in structured fields. */
const MIN_MASKED_LENGTH = 4;
/** Only longer values are learned from the API (short ones are too likely to be ordinary words). */
const MIN_LEARNED_LENGTH = 8;

export interface StackTemplates {
  readonly path: string;
  readonly templates: readonly TemplateJson[];
}

export interface SecretMasker {
  /** Rule 1 over free text. */
  text(text: string): string;
  /** A property value shown for `Properties.<property>` of a resource. */
  property(stackPath: string, logicalId: string, property: string | undefined, value: string | undefined): string | undefined;
  /** BeforeContext/AfterContext JSON of a resource. */
  context(stackPath: string, logicalId: string, json: string): string;
  output(stackPath: string, key: string, value: string): string;
  /** A stack parameter value (NoEcho parameters of that stack are masked). */
  parameter(stackPath: string, key: string, value: string): string;
}

function noEchoParameters(template: TemplateJson): Set<string> {
  return new Set(Object.entries(template.Parameters ?? {}).filter(([, p]) => p.NoEcho === true).map(([name]) => name));
}

/** Whether `node` uses a NoEcho parameter or a secret dynamic reference anywhere inside. */
export function derivesFromSecret(node: Json | undefined, noEcho: ReadonlySet<string>): boolean {
  if (node === undefined || node === null) return false;
  if (typeof node === 'string') return SECRET_REFERENCE.test(node);
  if (typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((item) => derivesFromSecret(item, noEcho));
  const ref = node['Ref'];
  if (typeof ref === 'string' && noEcho.has(ref)) return true;
  const sub = node['Fn::Sub'];
  const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (subText && [...noEcho].some((name) => subText.includes(`\${${name}}`))) return true;
  return Object.values(node).some((child) => derivesFromSecret(child, noEcho));
}

interface SensitiveIndex {
  /** `Property`, or `Property.Key` inside a plain-object property (e.g. a nested stack's `Parameters.ApiToken`). */
  readonly properties: Map<string, Set<string>>;
  readonly outputs: Set<string>;
  readonly parameters: Set<string>;
}

const isPlainObject = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'));

export function createMasker(stacks: readonly StackTemplates[], secretValues: readonly string[]): SecretMasker {
  const index = new Map<string, SensitiveIndex>();
  for (const { path, templates } of stacks) {
    const entry: SensitiveIndex = index.get(path) ?? { properties: new Map(), outputs: new Set(), parameters: new Set() };
    for (const template of templates) {
      const noEcho = noEchoParameters(template);
      noEcho.forEach((name) => entry.parameters.add(name));
      for (const [logicalId, resource] of Object.entries(template.Resources)) {
        const set = entry.properties.get(logicalId) ?? new Set<string>();
        for (const [property, value] of Object.entries(resource.Properties ?? {})) {
          if (isPlainObject(value)) {
            for (const [key, inner] of Object.entries(value)) if (derivesFromSecret(inner, noEcho)) set.add(`${property}.${key}`);
          } else if (derivesFromSecret(value, noEcho)) {
            set.add(property);
          }
        }
        if (set.size > 0) entry.properties.set(logicalId, set);
      }
      for (const [key, output] of Object.entries(template.Outputs ?? {})) {
        if (derivesFromSecret(output.Value, noEcho)) entry.outputs.add(key);
      }
    }
    index.set(path, entry);
  }
  let secrets = [...new Set(secretValues.filter((v) => v.length >= MIN_MASKED_LENGTH))].sort((a, b) => b.length - a.length);
  const exactSecrets = new Set(secretValues.filter((v) => v.length > 0));
  const learn = (value: string) => {
    if (value.length < MIN_LEARNED_LENGTH || secrets.includes(value)) return;
    secrets = [...secrets, value].sort((a, b) => b.length - a.length);
    exactSecrets.add(value);
  };

  const text = (value: string): string => {
    let masked = value;
    for (const secret of secrets) masked = masked.split(secret).join(MASK);
    return masked;
  };
  /** `property` is `Name` or `Name.Key`; a whole property is sensitive if any key inside it is. */
  const sensitive = (stackPath: string, logicalId: string, property: string | undefined): boolean => {
    const properties = index.get(stackPath)?.properties.get(logicalId);
    if (!properties) return false;
    if (property === undefined) return properties.size > 0;
    const [name] = property.split('.');
    return properties.has(property) || properties.has(name) || (!property.includes('.') && [...properties].some((p) => p.startsWith(`${name}.`)));
  };
  const maskStructured = (value: string): string => {
    if (ONLY_REFERENCES.test(value)) return value;
    if (!value.includes('{{resolve:')) learn(value);
    return MASK;
  };

  return {
    text,
    property(stackPath, logicalId, property, value) {
      if (value === undefined) return undefined;
      if (exactSecrets.has(value)) return MASK;
      if (sensitive(stackPath, logicalId, property)) return maskStructured(value);
      return text(value);
    },
    context(stackPath, logicalId, json) {
      const properties = index.get(stackPath)?.properties.get(logicalId);
      if (properties && properties.size > 0) {
        try {
          const parsed = JSON.parse(json) as { Properties?: Record<string, Json> };
          for (const property of properties) {
            const [name, key] = property.split('.');
            const holder = key === undefined ? parsed.Properties : (parsed.Properties?.[name] as Record<string, Json> | undefined);
            const field = key ?? name;
            const current = holder?.[field];
            if (current !== undefined && holder) holder[field] = typeof current === 'string' ? maskStructured(current) : MASK;
          }
          return text(JSON.stringify(parsed));
        } catch {
          return MASK;
        }
      }
      return text(json);
    },
    output(stackPath, key, value) {
      if (index.get(stackPath)?.outputs.has(key) || exactSecrets.has(value)) return MASK;
      return text(value);
    },
    parameter(stackPath, key, value) {
      if (index.get(stackPath)?.parameters.has(key) || exactSecrets.has(value)) return MASK;
      return text(value);
    },
  };
}

/** The values to hide: the params file's values for the root's NoEcho parameters. */
export function secretParameterValues(rootTemplate: TemplateJson, stackParameters: Readonly<Record<string, string>>): string[] {
  return [...noEchoParameters(rootTemplate)].map((name) => stackParameters[name]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}
