/**
 * Placeholder parameters in nested change sets, and what they break.
 *
 * With IncludeNestedStacks, a nested stack's parameter fed by something not known before execution
 * (a sibling stack's output, `Fn::GetAtt [Sibling, Outputs.X]`, of a sibling being created or
 * changed; a resource of the parent being created) reaches the nested change set as a placeholder
 * string, not as a value (its DescribeChangeSet shows `{{changeSet:KNOWN_AFTER_APPLY}}`; the
 * template processing sees `{{IntrinsicFunction:<stack>/<LogicalId>/Fn::GetAtt}}`). Documented
 * behaviour it follows:
 * - `Fn::Select` with an index of 1 or more over such a value fails the change set's creation
 *   (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/759, open:
 *   "when some nested resource uses Fn::Select(1, ...), it fails the change set creation"); the
 *   placeholder is one string, so a list split from it has one item. The reason is CloudFormation's
 *   own for an index out of bounds ("Template error: Fn::Select cannot select nonexistent value at
 *   index 1"; "Fn::Select does not check for null values or if the index is out of bounds":
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-select.html);
 *   the exact wording for a nested change set is not documented.
 * - A nested stack that uses the `AWS::LanguageExtensions` transform rejects such a parameter:
 *   "Usage of {{IntrinsicFunction:stack_name/logical_idFn::GetAtt}} is not allowed."
 *   (https://github.com/aws-cloudformation/cfn-language-discussion/issues/152, open).
 * - A condition over such a value cannot be evaluated before execution. AWS documents nothing about
 *   it: the page on nested change sets
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html)
 *   does not mention placeholders at all (platform-facts trap 26). The fake fails the nested change
 *   set, in its own words, rather than evaluate the condition on the placeholder text and plan the
 *   wrong resources: what AWS really answers is not known.
 */
import type { Json, TemplateJson } from '../../../../src/core/template-json';
import { causingEntity, KNOWN_AFTER_APPLY, referencedParameter } from './template';

/** Parameter name → the placeholder its nested change set receives. */
export type Placeholders = ReadonlyMap<string, string>;

/**
 * The placeholder of a nested stack's parameter whose `value` (as the parent's template writes it)
 * is not known yet: named after what feeds it, or inherited from the parent's own placeholder
 * parameter it passes on.
 */
export function placeholderFor(value: Json | undefined, changed: ReadonlySet<string>, parentStackName: string, parentPlaceholders: Placeholders): string {
  const cause = causingEntity(value, changed);
  if (cause) return `{{IntrinsicFunction:${parentStackName}/${cause.entity.split('.')[0]}/${cause.source === 'ResourceAttribute' ? 'Fn::GetAtt' : 'Ref'}}}`;
  const inherited = referencedParameter(value, Object.fromEntries(parentPlaceholders));
  return (inherited && parentPlaceholders.get(inherited)) || KNOWN_AFTER_APPLY;
}

/** The parameters among `names` that `node` refers to (Ref, or ${Name} in Fn::Sub). */
function mentioned(node: Json | undefined, names: Placeholders): string[] {
  const text = JSON.stringify(node ?? null);
  const refs = [...text.matchAll(/"Ref":"([^"]+)"/g), ...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]);
  return [...new Set(refs.filter((name) => names.has(name)))];
}

/** Every `Fn::Select` node inside `node`. */
function selects(node: Json | undefined): [Json, Json][] {
  if (!node || typeof node !== 'object') return [];
  if (Array.isArray(node)) return node.flatMap(selects);
  const own = Object.keys(node).length === 1 && Array.isArray(node['Fn::Select']) ? [node['Fn::Select'] as [Json, Json]] : [];
  return [...own, ...Object.values(node).flatMap(selects)];
}

/** The condition names a condition expression refers to ({"Condition": X}). */
function conditionsIn(node: Json | undefined): string[] {
  return [...JSON.stringify(node ?? null).matchAll(/"Condition":"([^"]+)"/g)].map((m) => m[1]);
}

/** Why a nested change set with these placeholder parameters fails to be created, if it does. */
export function placeholderFailure(template: TemplateJson, placeholders: Placeholders): string | undefined {
  if (placeholders.size === 0) return undefined;
  const transforms = ([] as unknown[]).concat(template.Transform ?? []);
  if (transforms.includes('AWS::LanguageExtensions')) return `Usage of ${[...placeholders.values()][0]} is not allowed.`;
  const conditions = (template.Conditions ?? {}) as Record<string, Json>;
  const overPlaceholder = (name: string, seen: Set<string>): string | undefined => {
    if (seen.has(name)) return undefined;
    seen.add(name);
    const expression = conditions[name];
    return mentioned(expression, placeholders)[0] ?? conditionsIn(expression).map((inner) => overPlaceholder(inner, seen)).find(Boolean);
  };
  for (const name of Object.keys(conditions)) {
    const parameter = overPlaceholder(name, new Set());
    if (parameter) return `Template error: unable to evaluate condition ${name}: parameter ${parameter} has no value until the change set is executed`;
  }
  const used = [...Object.values(template.Resources).map((r) => (r.Properties ?? {}) as Json), ...Object.values(template.Outputs ?? {}).map((o) => o.Value)];
  for (const [index, list] of used.flatMap(selects)) {
    const at = typeof index === 'number' || (typeof index === 'string' && /^\d+$/.test(index)) ? Number(index) : undefined;
    if (at !== undefined && at >= 1 && mentioned(list, placeholders).length > 0) return `Template error: Fn::Select cannot select nonexistent value at index ${at}`;
  }
  return undefined;
}
