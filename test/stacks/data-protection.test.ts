/**
 * P-DATA, for every stateful resource the templates render, whatever its type: in prod
 * (DataProtection=retain) it survives stack deletion and replacement; where a template chooses
 * retention per environment, dev and staging let it go; and the prod stack policy
 * (src/operations/protection.ts) denies replacing or deleting it while leaving every other
 * resource free to change.
 *
 * The policies are evaluated, not compared as text: DataProtection is followed from the root
 * parameter through every nested stack to the resource, and the stack policy is judged with the
 * rules AWS documents for it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html):
 * once a policy is set everything is denied unless a statement allows it, an explicit Deny wins,
 * `Resource`/`NotResource` match `LogicalResourceId/<id>` patterns, and a `ResourceType` condition
 * with `StringEquals` or `StringLike` narrows a statement to those types.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates } from '../helpers/platform';
import { StackTree, type StackInstance } from '../helpers/stack-tree';
import { stackPolicy, type StackPolicyDocument } from '../../src/operations/protection';
import { HOLDS_DATA, holdsData } from '../helpers/stateful-types';
import type { Json, JsonObject, ResourceJson } from '../../src/core/template-json';

const tree = () => new StackTree(platformTemplates());

interface Located {
  readonly stack: StackInstance;
  readonly logicalId: string;
  readonly resource: ResourceJson;
}

function allResources(stacks: readonly StackInstance[]): Located[] {
  return stacks.flatMap((stack) => Object.entries(stack.template.Resources).map(([logicalId, resource]) => ({ stack, logicalId, resource })));
}

/** DeletionPolicy values that keep the resource when its stack is deleted (RetainExceptOnCreate: except when its own creation rolled back). */
const KEEPS_ON_DELETE = ['Retain', 'RetainExceptOnCreate'];

test('P-DATA: with DataProtection=retain every stateful resource survives stack deletion and replacement', () => {
  const platform = tree();
  const stateful = allResources(platform.stacks).filter((r) => holdsData(r.resource.Type));
  for (const type of Object.keys(HOLDS_DATA)) {
    assert.ok(stateful.some((r) => r.resource.Type === type), `the templates render at least one ${type}`);
  }
  for (const { stack, logicalId, resource } of stateful) {
    const where = `${stack.name} ${logicalId} (${resource.Type})`;
    const retain = { DataProtection: 'retain' };
    assert.ok(KEEPS_ON_DELETE.includes(String(platform.evaluate(stack, resource.DeletionPolicy, retain))), `${where}: DeletionPolicy keeps it in prod`);
    assert.is(platform.evaluate(stack, resource.UpdateReplacePolicy, retain), 'Retain', `${where}: UpdateReplacePolicy keeps the old copy in prod`);
    // An intrinsic in these attributes is valid only under this transform.
    if (typeof resource.DeletionPolicy === 'object' || typeof resource.UpdateReplacePolicy === 'object') {
      assert.is(stack.template.Transform, 'AWS::LanguageExtensions', `${stack.name} declares the transform its policies need`);
    }
  }
});

test('P-DATA: where a template makes retention depend on DataProtection, delete (dev, staging) lets the resource go', () => {
  // Templates may instead retain everywhere and leave dev/staging clean-up to `make destroy`
  // (the operations tests prove that side); when they choose per environment, delete means Delete.
  const platform = tree();
  let conditional = 0;
  for (const { stack, logicalId, resource } of allResources(platform.stacks).filter((r) => holdsData(r.resource.Type))) {
    for (const attribute of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const inProd = platform.evaluate(stack, resource[attribute], { DataProtection: 'retain' });
      const elsewhere = platform.evaluate(stack, resource[attribute], { DataProtection: 'delete' });
      if (inProd === elsewhere) continue;
      conditional += 1;
      assert.is(elsewhere, 'Delete', `${stack.name} ${logicalId} ${attribute} with DataProtection=delete`);
    }
  }
  assert.ok(conditional > 0, 'some stack (at least the standalone bootstrap stack) chooses retention per environment');
});

/* ---------------------------------------------------------------------------------------------- */
/* Stack policy evaluation                                                                         */
/* ---------------------------------------------------------------------------------------------- */

type UpdateAction = 'Update:Modify' | 'Update:Replace' | 'Update:Delete';
const UPDATE_ACTIONS: readonly UpdateAction[] = ['Update:Modify', 'Update:Replace', 'Update:Delete'];

const list = (value: unknown): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));

/** Stack-policy wildcards: `*` any run of characters, `?` one character. */
function wildcardMatch(pattern: string, text: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(text);
}

function statementApplies(statement: Record<string, unknown>, action: UpdateAction, logicalId: string, resourceType: string): boolean {
  const actionMatches = statement['NotAction'] !== undefined
    ? !list(statement['NotAction']).some((a) => wildcardMatch(a, action))
    : list(statement['Action']).some((a) => wildcardMatch(a, action));
  const resource = `LogicalResourceId/${logicalId}`;
  const resourceMatches = statement['NotResource'] !== undefined
    ? !list(statement['NotResource']).some((r) => r === '*' || wildcardMatch(r, resource))
    : list(statement['Resource']).some((r) => r === '*' || wildcardMatch(r, resource));
  const condition = (statement['Condition'] ?? {}) as Record<string, Record<string, unknown>>;
  const conditionMatches = Object.entries(condition).every(([operator, keys]) => Object.entries(keys).every(([key, values]) => {
    if (key !== 'ResourceType') throw new Error(`stack policies know only the ResourceType condition key, not ${key}`);
    if (operator === 'StringEquals') return list(values).includes(resourceType);
    if (operator === 'StringLike') return list(values).some((v) => wildcardMatch(v, resourceType));
    throw new Error(`condition operator ${operator} is not modelled here`);
  }));
  assert.is(statement['Principal'], '*', 'a stack policy statement\'s Principal can only be "*"');
  return actionMatches && resourceMatches && conditionMatches;
}

function decide(policy: StackPolicyDocument, action: UpdateAction, logicalId: string, resourceType: string): 'Allow' | 'Deny' {
  const applying = policy.Statement.filter((s) => statementApplies(s, action, logicalId, resourceType));
  if (applying.some((s) => s['Effect'] === 'Deny')) return 'Deny';
  return applying.some((s) => s['Effect'] === 'Allow') ? 'Allow' : 'Deny';
}

const protectedActions = (policy: StackPolicyDocument, r: Located): UpdateAction[] =>
  UPDATE_ACTIONS.filter((action) => decide(policy, action, r.logicalId, r.resource.Type) === 'Deny');

test('P-DATA: the prod stack policy denies replacing and deleting every stateful resource of every stack, and nothing else', () => {
  const policy = stackPolicy();
  const resources = allResources(tree().stacks);
  const stateful = resources.filter((r) => holdsData(r.resource.Type));
  assert.ok(stateful.length >= Object.keys(HOLDS_DATA).length, 'stateful resources found');
  assert.ok(resources.length - stateful.length > 100, 'other resources found');
  for (const r of resources) {
    const expected: UpdateAction[] = holdsData(r.resource.Type) ? ['Update:Replace', 'Update:Delete'] : [];
    assert.equal(protectedActions(policy, r), expected, `${r.stack.name} ${r.logicalId} (${r.resource.Type})`);
  }
});

test('P-DATA: --allow-replace lets exactly the named resource of each stateful type through; every other stays protected', () => {
  const resources = allResources(tree().stacks);
  for (const type of Object.keys(HOLDS_DATA)) {
    const ofType = resources.filter((r) => r.resource.Type === type);
    const [named] = ofType;
    assert.ok(named, `a ${type} to allow`);
    const relaxed = stackPolicy([named.logicalId]);
    assert.equal(protectedActions(relaxed, named), [], `${named.logicalId} may be replaced and deleted`);
    for (const other of resources.filter((r) => holdsData(r.resource.Type) && r.logicalId !== named.logicalId)) {
      assert.equal(protectedActions(relaxed, other), ['Update:Replace', 'Update:Delete'], `${other.stack.name} ${other.logicalId} stays protected while ${named.logicalId} is allowed`);
    }
  }
});

test('P-DATA: the policy evaluator follows AWS\'s rules (a policy it would misjudge cannot pass the tests above)', () => {
  const r = (logicalId: string, type: string): Located => ({ stack: tree().stacks[0], logicalId, resource: { Type: type } });
  const statement = (extra: Record<string, Json>): Record<string, unknown> => ({ Effect: 'Allow', Principal: '*', Action: 'Update:*', Resource: '*', ...extra });
  // No statement applies: denied, as for any resource once a policy is set.
  assert.equal(protectedActions({ Statement: [] }, r('Queue', 'AWS::SQS::Queue')), UPDATE_ACTIONS);
  assert.equal(protectedActions({ Statement: [statement({})] }, r('Queue', 'AWS::SQS::Queue')), []);
  // An explicit Deny wins over an Allow; conditions and NotResource narrow it.
  const denyTables = statement({ Effect: 'Deny', Action: ['Update:Replace'], Condition: { StringLike: { ResourceType: ['AWS::DynamoDB::*'] } } as JsonObject });
  assert.equal(protectedActions({ Statement: [denyTables, statement({})] }, r('Trades', 'AWS::DynamoDB::Table')), ['Update:Replace']);
  assert.equal(protectedActions({ Statement: [denyTables, statement({})] }, r('Queue', 'AWS::SQS::Queue')), []);
  const exceptTrades = { ...denyTables, Resource: undefined, NotResource: ['LogicalResourceId/Trades'] };
  assert.equal(protectedActions({ Statement: [exceptTrades, statement({})] }, r('Trades', 'AWS::DynamoDB::Table')), []);
  assert.equal(protectedActions({ Statement: [exceptTrades, statement({})] }, r('Orders', 'AWS::DynamoDB::Table')), ['Update:Replace']);
});

test.run();
