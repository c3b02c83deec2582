/**
 * P-DATA: which resource types hold data. `src/cfn/stateful.ts` drives the Retain policies in the
 * templates, the prod stack policy and the review's data-loss findings, so a type missing from it
 * loses all three at once. The list is pinned here with the reason for each type, and every type
 * the templates use must be classified as holding data or not, so a new type needs a decision.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates } from '../helpers/platform';
import { HOLDS_DATA, HOLDS_NO_DATA } from '../helpers/stateful-types';
import { isStatefulType, STATEFUL_RESOURCE_TYPES } from '../../src/cfn/stateful';

test('P-DATA: the stateful types are exactly the types that hold data (repositories, secrets, log groups, keys, buckets)', () => {
  assert.equal(Object.keys(STATEFUL_RESOURCE_TYPES).sort(), Object.keys(HOLDS_DATA).sort());
  for (const type of Object.keys(HOLDS_DATA)) {
    assert.ok(isStatefulType(type), type);
    // The reason is printed with every data-loss finding, so it must say what is lost.
    assert.ok(STATEFUL_RESOURCE_TYPES[type].length > 20, `${type} has a reason`);
  }
  for (const type of Object.keys(HOLDS_NO_DATA)) assert.not.ok(isStatefulType(type), type);
});

test('P-DATA: every resource type in the templates is classified as holding data or not', () => {
  const used = new Set(platformTemplates().flatMap(({ template }) => Object.values(template.Resources).map((r) => r.Type)));
  assert.ok(used.size > 30, `only ${used.size} types found`);
  for (const type of used) {
    assert.ok(
      type in HOLDS_DATA || type in HOLDS_NO_DATA,
      `${type} is new: decide whether it holds data (then add it to src/cfn/stateful.ts and HOLDS_DATA here) or not (HOLDS_NO_DATA, with the reason)`,
    );
  }
  // Every stateful type is really in use: a list entry nothing renders would protect nothing.
  for (const type of Object.keys(HOLDS_DATA)) assert.ok(used.has(type), `${type} appears in the templates`);
});

test.run();
