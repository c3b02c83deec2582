/**
 * Condition helpers for lists of any length. `Fn::And` and `Fn::Or` take between 2 and 10
 * conditions (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html),
 * and a catalog can hold more services than that, so longer lists are nested in groups of 10.
 */
import { Fn, type Condition } from './fn';

/** What `Fn::And` and `Fn::Or` accept per call. */
export const MAX_CONDITIONS_PER_CALL = 10;

function combine(conditions: readonly Condition[], join: (list: Condition[]) => Condition): Condition {
  if (conditions.length === 0) throw new Error('a condition over an empty list');
  if (conditions.length === 1) return conditions[0];
  if (conditions.length <= MAX_CONDITIONS_PER_CALL) return join([...conditions]);
  const groups: Condition[] = [];
  for (let start = 0; start < conditions.length; start += MAX_CONDITIONS_PER_CALL) {
    groups.push(combine(conditions.slice(start, start + MAX_CONDITIONS_PER_CALL), join));
  }
  return combine(groups, join);
}

/** True when every condition is (one condition stands alone; more are nested `Fn::And`s). */
export const allOf = (conditions: readonly Condition[]): Condition => combine(conditions, (list) => Fn.And(list));

/** True when any condition is (one condition stands alone; more are nested `Fn::Or`s). */
export const anyOf = (conditions: readonly Condition[]): Condition => combine(conditions, (list) => Fn.Or(list));

/** A reference to a named condition, for use inside `allOf`/`anyOf`. */
export const conditionRef = (name: string): Condition => ({ Condition: name });

/** True when the parameter is not the empty string. */
export const isSet = (parameter: string): Condition => Fn.Not(Fn.Equals(Fn.Ref(parameter), ''));
