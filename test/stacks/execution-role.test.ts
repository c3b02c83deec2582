/**
 * D-17: the CloudFormation execution role's policy is derived from the rendered platform
 * templates (src/stacks/bootstrap.execution-role.ts) through the resource schemas' handler
 * permissions (src/cfn/resource-permissions.ts, generated from the pinned cfn-lint). Both ways:
 * every action a template's resource type needs is granted, and nothing is granted for a type the
 * templates do not use; resources are the environment's names where the templates name them.
 */
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, templateNamed } from '../helpers/platform';
import { asArray, found } from '../helpers/template';
import { currentModule, PERMISSIONS_MODULE } from '../../scripts/resource-permissions';
import { ACTION_RESOURCE_TYPES, ARN_FORMATS, HANDLER_PERMISSIONS } from '../../src/cfn/resource-permissions';
import {
  IAM_RESOURCE_TYPES,
  MANAGED_POLICIES_PER_ROLE,
  MANAGED_POLICY_MAX_CHARACTERS,
  NAMED_SCOPES,
  namePattern,
  platformTypes,
  policySize,
  SERVICE_LINKED_ROLES,
  trustedServices,
  typesWithoutPermissions,
  ungrantableActions,
  type DerivedStatement,
} from '../../src/stacks/bootstrap.execution-role';
import { NAME_RULES, resolveName } from '../../src/cfn/name-limits';
import { PLATFORM_ROLE_PATH } from '../../src/cfn/stack';
import type { Json, JsonObject, TemplateJson } from '../../src/core/template-json';
import { INLINE_TEMPLATE_MAX_BYTES, inlineBytes } from '../../src/checks/quotas';

const tree = () => platformTemplates().filter((t) => t.name !== 'bootstrap');
const bootstrap = () => templateNamed('bootstrap');

/** The execution role's statements as rendered into templates/bootstrap.json (its managed policies). */
function renderedStatements(template: TemplateJson = bootstrap()): DerivedStatement[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties?.['Roles']) === JSON.stringify([{ Ref: 'ExecutionRole' }]))
    .flatMap((r) => ((r.Properties?.['PolicyDocument'] as JsonObject)['Statement'] as unknown as DerivedStatement[]));
}

const SPECIAL = new Set(['iam:PassRole', 'iam:CreateServiceLinkedRole', 'lambda:InvokeFunction']);
const grantedActions = (statements: readonly DerivedStatement[]) => new Set(statements.filter((s) => !s.Action.every((a) => SPECIAL.has(a)) || s.Sid.startsWith('Lambda')).flatMap((s) => s.Action));

test('D-17: src/cfn/resource-permissions.ts is what the pinned cfn-lint\'s schemas and IAM reference say (make docs regenerates it)', () => {
  assert.is(fs.readFileSync(PERMISSIONS_MODULE, 'utf8'), currentModule(), `${PERMISSIONS_MODULE} is stale: run make docs`);
});

test('D-17: every resource type of the templates has its handler permissions and IAM resource types, and no table lists a type the templates do not use', () => {
  const types = platformTypes(tree());
  assert.ok(types.length > 30, `${types.length} types`);
  assert.equal(typesWithoutPermissions(tree()), []);
  assert.equal(Object.keys(HANDLER_PERMISSIONS).sort(), types, 'handler permissions: exactly the templates\' types');
  assert.equal(Object.keys(IAM_RESOURCE_TYPES).sort(), types, 'IAM resource types: exactly the templates\' types');
  assert.equal(Object.keys(SERVICE_LINKED_ROLES).sort(), types.filter((t) => HANDLER_PERMISSIONS[t].includes('iam:CreateServiceLinkedRole')), 'service-linked roles: exactly the types whose handlers create one');
  // A resource type added to the templates without its permissions is found (this is what fails the suite).
  const withQueue = [...tree(), { name: 'extra', template: { AWSTemplateFormatVersion: '2010-09-09', Description: 'x', Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: {} } } } as TemplateJson }];
  assert.equal(typesWithoutPermissions(withQueue), ['AWS::SQS::Queue']);
});

test('D-17: the execution role grants every handler action of every template type, and no other action (derived both ways)', () => {
  const statements = renderedStatements();
  found(statements, 'execution role statements', 20);
  const needed = new Set(platformTypes(tree()).flatMap((t) => HANDLER_PERMISSIONS[t]).filter((a) => a in ACTION_RESOURCE_TYPES));
  const granted = new Set(statements.flatMap((s) => s.Action));
  const missing = [...needed].filter((a) => !granted.has(a));
  const extra = [...granted].filter((a) => !needed.has(a) && a !== 'lambda:InvokeFunction');
  assert.equal(missing, [], 'every needed action is granted');
  assert.equal(extra, [], 'nothing beyond the handlers\' actions (and the custom resources\' invoke)');
  // The schemas list a few actions IAM does not know; no policy can grant them, so none is.
  assert.ok(ungrantableActions(platformTypes(tree())).includes('s3:REST.PUT.OBJECT'));
  for (const action of ungrantableActions(platformTypes(tree()))) assert.not.ok(granted.has(action), action);
  // Removing a type from the templates removes its only-for-it actions (the other way).
  const withoutAcmPca = tree().map((t) => ({ ...t, template: { ...t.template, Resources: Object.fromEntries(Object.entries(t.template.Resources).filter(([, r]) => !r.Type.startsWith('AWS::ACMPCA::'))) } }));
  assert.not.ok(grantedActions(renderedStatements(buildWith(withoutAcmPca))).has('acm-pca:CreateCertificateAuthority'));
});

test('D-17: "*" only for actions without a resource type in IAM\'s reference (or whose types have no ARN format there)', () => {
  const onAny = renderedStatements().filter((s) => asArray(s.Resource as Json).includes('*'));
  for (const statement of found(onAny, 'statements on "*"')) {
    for (const action of statement.Action) {
      const service = action.split(':')[0];
      const formats = (ACTION_RESOURCE_TYPES[action] ?? []).flatMap((kind) => ARN_FORMATS[`${service}:${kind}`] ?? []);
      assert.equal(formats, [], `${statement.Sid} ${action} could be scoped`);
    }
  }
});

test('D-17: named resources are scoped to the environment\'s name patterns: every name of dev matches, no name of another environment does', () => {
  const patterns: { iamType: string; pattern: RegExp }[] = [];
  for (const [iamType, scope] of Object.entries(NAMED_SCOPES)) {
    const rule = NAME_RULES.find((r) => r.resourceType === scope.type);
    if (!rule) continue;
    const names = tree().flatMap(({ template }) => Object.values(template.Resources).filter((r) => r.Type === scope.type).map((r) => r.Properties?.[rule.property]));
    const templates = names.map((n) => (typeof n === 'object' && n !== null && !Array.isArray(n) ? String((n as JsonObject)['Fn::Sub']) : String(n)));
    const pattern = namePattern(templates);
    const glob = (text: string) => new RegExp(`^${text.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    const forEnv = (env: string) => glob(pattern.replace(/\$\{Environment\}/g, env));
    for (const name of found(names, `${scope.type} names`)) {
      assert.ok(forEnv('dev').test(resolveName(name, 'dev') ?? ''), `${iamType}: ${resolveName(name, 'dev')} matches ${pattern}`);
      assert.not.ok(forEnv('dev').test(resolveName(name, 'staging') ?? ''), `${iamType}: staging's ${resolveName(name, 'staging')} does not match dev's ${pattern}`);
    }
    patterns.push({ iamType, pattern: forEnv('dev') });
  }
  assert.ok(patterns.length >= 10, `${patterns.length} named scopes in use`);
  const text = JSON.stringify(renderedStatements());
  for (const scoped of ['repository/ecr-*-${Environment}', 'log-group:logs-*-${Environment}', 'secret:secret-*-${Environment}-??????', 'function:fn-*-${Environment}', 'targetgroup/tg-*-${Environment}/*', `role${PLATFORM_ROLE_PATH}*`, 'stack/${PlatformStackName}-*/*']) {
    assert.ok(text.includes(scoped), `a statement is scoped to ${scoped}`);
  }
});

test('D-17: iam:PassRole only for the roles the templates pass (their path), to the services that trust them, and the role itself to CloudFormation', () => {
  const passing = renderedStatements().filter((s) => s.Action.includes('iam:PassRole'));
  assert.equal(passing.map((s) => s.Sid).sort(), ['PassItselfToNestedStacks', 'PassPlatformRoles']);
  const platform = passing.find((s) => s.Sid === 'PassPlatformRoles');
  assert.equal(platform?.Resource, [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${PLATFORM_ROLE_PATH}*` }]);
  const services = (platform?.Condition as JsonObject | undefined)?.['StringEquals'] as JsonObject;
  assert.equal(services['iam:PassedToService'], trustedServices(tree()));
  assert.equal(trustedServices(tree()), ['ecs-tasks.amazonaws.com', 'ecs.amazonaws.com', 'lambda.amazonaws.com', 'vpc-flow-logs.amazonaws.com']);
  // Every role the templates create carries the path, so "role/tap/<env>/*" is exactly them.
  for (const { name, template } of tree()) {
    for (const [id, resource] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
      assert.equal(resource.Properties?.['Path'], { 'Fn::Sub': PLATFORM_ROLE_PATH }, `${name} ${id}`);
    }
  }
  const itself = passing.find((s) => s.Sid === 'PassItselfToNestedStacks');
  assert.equal(itself?.Resource, [{ 'Fn::GetAtt': ['ExecutionRole', 'Arn'] }]);
  // The bootstrap stack's own roles are outside the platform path: the execution role cannot change them.
  for (const id of ['ExecutionRole', 'DeployRole']) assert.is(bootstrap().Resources[id].Properties?.['Path'], undefined, id);
});

test('D-17: the policies fit IAM\'s quotas in every environment, and the bootstrap template fits an inline TemplateBody', () => {
  const policies = Object.values(bootstrap().Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy');
  assert.ok(policies.length >= 2 && policies.length <= MANAGED_POLICIES_PER_ROLE, `${policies.length} managed policies`);
  for (const policy of policies) {
    const statements = ((policy.Properties?.['PolicyDocument'] as JsonObject)['Statement'] as unknown as DerivedStatement[]);
    assert.ok(policySize(statements) <= MANAGED_POLICY_MAX_CHARACTERS, `${policySize(statements)} characters`);
  }
  // CreateChangeSet takes at most 51,200 bytes of TemplateBody (CloudFormation quotas); tap bootstrap sends it compact.
  assert.ok(inlineBytes({ template: bootstrap() }) <= INLINE_TEMPLATE_MAX_BYTES, `${inlineBytes({ template: bootstrap() })} bytes`);
});

import { buildBootstrap } from '../../src/stacks/bootstrap';
function buildWith(templates: readonly { name: string; template: TemplateJson }[]): TemplateJson {
  return buildBootstrap(templates).render();
}

test.run();
