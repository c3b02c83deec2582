/**
 * No-op speed: compare what would be deployed with what is deployed before asking CloudFormation
 * for a change set (like CDK's canSkipDeploy, but for the whole nested tree at once: the packaged
 * root embeds every child's content-addressed URL, so an identical root means an identical tree).
 */
import { isDeepStrictEqual } from 'node:util';
import type { StackDescription, StackStatus } from '../aws/port';
import type { TemplateJson } from '../core/template-json';
import { isCleanlyDeployed } from './stack-status';

/** Why a change set is needed after all. */
export type SkipReason =
  | { readonly kind: 'status'; readonly status: StackStatus }
  | { readonly kind: 'templates' }
  /** DescribeStacks answers NoEcho values as ****, so they cannot be compared. */
  | { readonly kind: 'no-echo'; readonly parameters: readonly string[] }
  | { readonly kind: 'parameters' }
  | { readonly kind: 'tags' };

export type SkipDecision = { readonly skip: true } | { readonly skip: false; readonly reason: SkipReason };

/** The template text as JSON, or undefined when it is not JSON. */
export const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** Every declared parameter's value as CloudFormation sees it (given, or the template's Default). */
export function effectiveParameters(values: Readonly<Record<string, string>>, template: TemplateJson): Record<string, string | undefined> {
  const effective: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(template.Parameters ?? {})) {
    effective[name] = values[name] ?? (spec.Default === undefined ? undefined : String(spec.Default));
  }
  return effective;
}

/** Pure. `deployedBody` is GetTemplate (Original) of the root. */
export function decideSkip(
  stack: StackDescription,
  deployedBody: string,
  next: { readonly template: TemplateJson; readonly parameters: Readonly<Record<string, string>>; readonly tags: Readonly<Record<string, string>> },
): SkipDecision {
  if (!isCleanlyDeployed(stack.status)) return { skip: false, reason: { kind: 'status', status: stack.status } };
  if (!isDeepStrictEqual(parse(deployedBody), next.template)) return { skip: false, reason: { kind: 'templates' } };
  const noEcho = Object.entries(next.template.Parameters ?? {}).filter(([, p]) => p.NoEcho).map(([name]) => name);
  if (noEcho.length > 0) return { skip: false, reason: { kind: 'no-echo', parameters: noEcho } };
  if (!isDeepStrictEqual(effectiveParameters(stack.parameters, next.template), effectiveParameters(next.parameters, next.template))) {
    return { skip: false, reason: { kind: 'parameters' } };
  }
  if (!isDeepStrictEqual({ ...stack.tags }, { ...next.tags })) return { skip: false, reason: { kind: 'tags' } };
  return { skip: true };
}
