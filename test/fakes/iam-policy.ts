/**
 * The part of IAM's policy evaluation the fake AWS needs to model the deploy role (D-17): is one
 * request (action, resource, request context) allowed by a set of identity-based policy documents?
 *
 * Followed (IAM User Guide, "Policy evaluation logic" and the element references):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * - an explicit Deny wins; otherwise an Allow must match; otherwise the request is implicitly denied;
 * - Action matches case-insensitively, with `*` and `?` wildcards; Resource matches with `*` and `?`
 *   (case-sensitive); NotAction/NotResource are not used by the templates and are refused;
 * - a Condition holds only if every operator holds for every key; a key the request does not carry
 *   makes its operator false (the `...IfExists` forms are not used and are refused).
 * Supported operators: StringEquals, StringLike, ArnEquals, ArnLike.
 */
import type { Json, JsonObject } from '../../src/core/template-json';

export interface PolicyRequest {
  readonly action: string;
  readonly resource: string;
  /** Request context keys (`iam:PassedToService`, `ecs:cluster`, ...). */
  readonly context?: Readonly<Record<string, string>>;
}

export type PolicyDecision = 'allowed' | 'explicitly-denied' | 'implicitly-denied';

const list = (value: Json | undefined): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, flags);
}

export const globMatches = (pattern: string, value: string, caseInsensitive = false): boolean => globToRegExp(pattern, caseInsensitive ? 'i' : '').test(value);

const OPERATORS: Readonly<Record<string, (expected: string, actual: string) => boolean>> = {
  StringEquals: (expected, actual) => expected === actual,
  StringLike: (expected, actual) => globMatches(expected, actual),
  ArnEquals: (expected, actual) => expected === actual,
  ArnLike: (expected, actual) => globMatches(expected, actual),
};

function conditionHolds(condition: Json | undefined, context: Readonly<Record<string, string>>): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) throw new Error('fake IAM: Condition must be an object');
  return Object.entries(condition).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    if (!test) throw new Error(`fake IAM: condition operator ${operator} is not modelled`);
    return Object.entries(keys as JsonObject).every(([key, expected]) => {
      const actual = context[key];
      return actual !== undefined && list(expected).some((value) => test(value, actual));
    });
  });
}

function statementMatches(statement: JsonObject, request: PolicyRequest): boolean {
  if (statement['NotAction'] !== undefined || statement['NotResource'] !== undefined) throw new Error('fake IAM: NotAction/NotResource are not modelled');
  const actions = list(statement['Action']);
  const resources = list(statement['Resource']);
  return actions.some((a) => globMatches(a, request.action, true))
    && resources.some((r) => globMatches(r, request.resource))
    && conditionHolds(statement['Condition'], request.context ?? {});
}

/** The decision for one request against identity-based policy documents. */
export function decide(documents: readonly JsonObject[], request: PolicyRequest): PolicyDecision {
  const statements = documents.flatMap((document) => [document['Statement'] ?? []].flat() as JsonObject[]);
  if (statements.some((s) => s['Effect'] === 'Deny' && statementMatches(s, request))) return 'explicitly-denied';
  return statements.some((s) => s['Effect'] === 'Allow' && statementMatches(s, request)) ? 'allowed' : 'implicitly-denied';
}

/** Whether a role's trust policy lets `principal` (an account root or role ARN) call `action`. */
export function trusts(trustPolicy: JsonObject, principal: { readonly account: string; readonly arn: string }, action: string): boolean {
  const statements = [trustPolicy['Statement']].flat() as JsonObject[];
  return statements.some((statement) => {
    if (statement['Effect'] !== 'Allow' || !list(statement['Action']).some((a) => globMatches(a, action, true))) return false;
    const aws = list((statement['Principal'] as JsonObject | undefined)?.['AWS']);
    return aws.some((p) => p === principal.arn || p === `arn:aws:iam::${principal.account}:root` || p === principal.account);
  });
}
