/**
 * T-9 invariants over every rendered template. Each one guards a rule that holds for any stack,
 * now and after the next service is added.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates } from '../helpers/platform';
import { asArray, policyDocuments, statements, walk } from '../helpers/template';
import { resourceSchema } from '../helpers/cfn-schemas';
import { isAllowedOnAnyResource, PARTIAL_RESOURCE_WILDCARDS, SECRET_ARN_SUFFIX_WILDCARD } from '../../src/cfn/resource-wildcards';
import { describeOrigin, StackTree, type RenderedLike, type StackInstance } from '../helpers/stack-tree';
import { TAGGABLE_RESOURCE_TYPES } from '../../src/cfn/tags';
import { nameViolations, NAME_RULES, resolveName } from '../../src/cfn/name-limits';
import { listEnvironments } from '../../src/config/environment';
import { KNOWN_REGIONS } from '../../src/config/regions';
import type { Json, JsonObject } from '../../src/core/template-json';

const templates = () => platformTemplates();

test('T-9: every log group has the 30-day retention and a KMS key', () => {
  for (const { file, template } of templates()) {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::Logs::LogGroup') continue;
      assert.is(r.Properties?.['RetentionInDays'], 30, `${file} ${id}`);
      assert.ok(r.Properties?.['KmsKeyId'], `${file} ${id} is KMS-encrypted`);
    }
  }
});

test('T-9 / P-SEC: no policy anywhere grants Action "*" or "<service>:*"', () => {
  for (const { file, template } of templates()) {
    for (const { where, document } of policyDocuments(template)) {
      // Deny statements may be broad on purpose (e.g. deny s3:* without TLS).
      for (const statement of statements(document).filter((s) => s['Effect'] === 'Allow')) {
        for (const action of asArray(statement['Action'])) {
          assert.ok(typeof action === 'string' && action !== '*' && !action.endsWith(':*'), `${file} ${where}: action ${JSON.stringify(action)}`);
        }
      }
    }
  }
});

test('T-9 / P-SEC: Resource "*" appears only where AWS requires it (allow-listed actions, key policies)', () => {
  for (const { file, template } of templates()) {
    for (const { where, document } of policyDocuments(template)) {
      const keyPolicy = where.endsWith('.KeyPolicy');
      for (const statement of statements(document).filter((s) => s['Effect'] === 'Allow')) {
        if (!asArray(statement['Resource']).includes('*')) continue;
        if (keyPolicy) continue; // in a key policy "*" means "this key" (AWS requires it)
        const actions = asArray(statement['Action']).map(String);
        const refused = actions.filter((a) => !isAllowedOnAnyResource(a));
        assert.equal(refused, [], `${file} ${where} ${String(statement['Sid'])}: only allow-listed actions on "*"`);
      }
    }
  }
});

/**
 * What is wrong with one Allow resource, or undefined: a reference to a resource or a top-level
 * parameter, or an ARN without `*` (a `?` only as the secret suffix), unless allow-listed.
 * Parameters are followed to the value their parent passes, so a wildcard cannot hide behind one.
 */
function allowResourceProblem(tree: StackTree, stack: StackInstance, value: Json): string | undefined {
  if (value === '*') return undefined; // judged by the Resource "*" test above
  for (const origin of tree.origins(stack, value)) {
    const text = origin.kind === 'sub' ? origin.text : origin.kind === 'literal' ? String(origin.value) : undefined;
    if (origin.kind === 'resource' || origin.kind === 'parameter') continue;
    if (text === undefined) return `${describeOrigin(origin)} is neither a reference nor an ARN (Fn::Sub)`;
    if (origin.kind === 'sub' && text in PARTIAL_RESOURCE_WILDCARDS) continue;
    const fixed = text.replace(/\$\{[^}]*\}/g, '');
    if (fixed.includes('*')) return `${JSON.stringify(text)} has a "*" wildcard (not in PARTIAL_RESOURCE_WILDCARDS)`;
    const question = fixed.endsWith(SECRET_ARN_SUFFIX_WILDCARD) ? fixed.slice(0, -SECRET_ARN_SUFFIX_WILDCARD.length) : fixed;
    if (question.includes('?')) return `${JSON.stringify(text)} has a "?" wildcard other than the secret suffix ${SECRET_ARN_SUFFIX_WILDCARD}`;
    if (origin.kind === 'sub') {
      for (const [, variable] of text.matchAll(/\$\{([^}!.]+)\}/g)) {
        const problem = variable.startsWith('AWS::') || !stack.template.Parameters?.[variable] ? undefined : allowResourceProblem(tree, stack, { Ref: variable });
        if (problem) return `\${${variable}} in ${JSON.stringify(text)}: ${problem}`;
      }
    }
  }
  return undefined;
}

/** Every Allow resource of every policy that is not precise, with where it is. */
function imprecisePolicyResources(templates: readonly RenderedLike[]): { problems: string[]; checked: number } {
  const tree = new StackTree(templates);
  const problems: string[] = [];
  let checked = 0;
  for (const stack of tree.stacks) {
    for (const { where, document } of policyDocuments(stack.template)) {
      if (where.endsWith('.AssumeRolePolicyDocument')) continue; // trust policies name principals, not resources
      const keyPolicy = where.endsWith('.KeyPolicy');
      for (const statement of statements(document).filter((s) => s['Effect'] === 'Allow')) {
        const label = `${stack.name} ${where} ${String(statement['Sid'])}`;
        if (statement['NotResource'] !== undefined) problems.push(`${label}: Allow with NotResource`);
        const resources = asArray(statement['Resource']);
        if (resources.length === 0 && statement['NotResource'] === undefined) problems.push(`${label}: Allow without a Resource`);
        for (const value of resources) {
          if (keyPolicy && value === '*') continue; // in a key policy "*" means "this key" (AWS requires it)
          checked += 1;
          const problem = allowResourceProblem(tree, stack, value);
          if (problem) problems.push(`${label}: ${problem}`);
        }
      }
    }
  }
  return { problems, checked };
}

test('T-9 / P-SEC: every Allow resource is a reference or an ARN without wildcards, unless allow-listed with its reason', () => {
  const { problems, checked } = imprecisePolicyResources(templates());
  assert.equal(problems, []);
  assert.ok(checked > 50, `only ${checked} resources checked`);
  for (const reason of Object.values(PARTIAL_RESOURCE_WILDCARDS)) assert.ok(reason.length > 40, 'each allow-listed pattern says why');
});

test('T-9 / P-SEC: the resource check refuses a task role on log-group:*, a literal wildcard ARN, an opaque value, and a wildcard passed through a parameter', () => {
  const role = (resource: Json): JsonObject => ({
    Type: 'AWS::IAM::Role',
    Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: [resource] }] } }] },
  });
  const single = (resource: Json): RenderedLike[] => [{ name: 'root', file: 'root.json', template: { AWSTemplateFormatVersion: '2010-09-09', Description: 'd', Parameters: { Env: { Type: 'String' } }, Resources: { TaskRole: role(resource) } as never } }];
  const refused: [Json, RegExp][] = [
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' }, /log-group:\*" has a "\*" wildcard/],
    ['arn:aws:s3:::tap-artifacts/*', /has a "\*" wildcard/],
    [{ 'Fn::Join': ['', ['arn:aws:logs:', { Ref: 'AWS::Region' }, ':1:log-group:x']] }, /neither a reference nor an ARN/],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-${Env}?' }, /"\?" wildcard other than the secret suffix/],
  ];
  for (const [resource, pattern] of refused) {
    const { problems } = imprecisePolicyResources(single(resource));
    assert.is(problems.length, 1, JSON.stringify(resource));
    assert.match(problems[0], pattern);
  }
  assert.equal(imprecisePolicyResources(single({ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:db-${Env}-??????' })).problems, []);
  // A child whose parameter looks like a reference, but the parent passes a wildcard.
  const parent: RenderedLike = { name: 'root', file: 'root.json', template: { AWSTemplateFormatVersion: '2010-09-09', Description: 'd', Resources: {
    Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json', Parameters: { LogGroupArn: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' } } } },
  } } };
  const child: RenderedLike = { name: 'child', file: 'child.json', template: { AWSTemplateFormatVersion: '2010-09-09', Description: 'd', Parameters: { LogGroupArn: { Type: 'String' } }, Resources: { TaskRole: role({ Ref: 'LogGroupArn' }) as never } } };
  const { problems } = imprecisePolicyResources([parent, child]);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /child TaskRole\.Policies\.0\.PolicyDocument S: .*log-group:\*/);
});

test('T-9: every Output is described (who consumes it)', () => {
  for (const { file, template } of templates()) {
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      assert.ok(typeof output.Description === 'string' && output.Description.length > 20, `${file} output ${name}`);
    }
  }
});

test('T-9: no literal account ids or regions in any template', () => {
  for (const { file, content } of templates()) {
    const withoutCode = content.replace(/"ZipFile": "(?:[^"\\]|\\.)*"/g, '""');
    const account = /(?<![\d.])\d{12}(?![\d.])/.exec(withoutCode);
    assert.is(account, null, `${file}: literal account id ${account?.[0]}`);
    for (const region of KNOWN_REGIONS) {
      assert.not.ok(new RegExp(`[^a-z0-9-]${region}[^a-z0-9-]`).test(withoutCode), `${file}: literal region ${region}`);
    }
  }
});

test('T-9: listener-rule priorities are unique per listener', () => {
  const seen = new Map<string, string>();
  for (const { file, template } of templates()) {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') continue;
      const key = `${JSON.stringify(r.Properties?.['ListenerArn'])} ${String(r.Properties?.['Priority'])}`;
      assert.not.ok(seen.has(key), `${file} ${id} repeats priority of ${seen.get(key)}`);
      seen.set(key, `${file} ${id}`);
    }
  }
});

test('T-9 / P-NAME: physical names fit AWS limits in every environment', () => {
  for (const env of listEnvironments('.')) {
    assert.equal(nameViolations(templates(), env), [], env);
  }
});

test('P-NAME: named resources follow {resource-type}-{owner}-{env}', () => {
  const grammar = /^(alias\/)?[a-z0-9]+(-[a-z0-9]+)+-\$\{Environment\}$/;
  let named = 0;
  for (const { file, template } of templates()) {
    for (const [id, r] of Object.entries(template.Resources)) {
      for (const rule of NAME_RULES.filter((n) => n.resourceType === r.Type)) {
        const value = r.Properties?.[rule.property];
        if (value === undefined) continue;
        const sub = (value as JsonObject)['Fn::Sub'];
        assert.ok(typeof sub === 'string' && (grammar.test(sub) || rule.resourceType === 'AWS::ServiceDiscovery::HttpNamespace'), `${file} ${id} ${rule.property}: ${JSON.stringify(value)}`);
        assert.ok(resolveName(value, 'dev'));
        named += 1;
      }
    }
  }
  assert.ok(named > 5);
});

test('P-NAME: every resource AWS lets us tag carries project, environment and service', () => {
  const types = new Set<string>();
  for (const { file, template } of templates()) {
    for (const [id, r] of Object.entries(template.Resources)) {
      types.add(r.Type);
      if (!TAGGABLE_RESOURCE_TYPES.has(r.Type)) continue;
      const keys = asArray(r.Properties?.['Tags']).map((tag) => (tag as JsonObject)['Key']);
      for (const key of ['project', 'environment', 'service']) assert.ok(keys.includes(key), `${file} ${id} has tag ${key}`);
    }
  }
  // The list of taggable types agrees with AWS's schemas for every type the platform uses.
  for (const type of types) {
    if (type.startsWith('Custom::')) continue;
    const schema = resourceSchema(type);
    assert.ok(schema, `cfn-lint knows ${type}`);
    const hasTags = 'Tags' in schema.properties;
    assert.is(TAGGABLE_RESOURCE_TYPES.has(type), hasTags, `${type}: schema says Tags ${hasTags ? 'exists' : 'does not exist'}`);
  }
});

test('T-9: no intrinsic references a parameter or condition the template does not declare', () => {
  for (const { file, template } of templates()) {
    const declared = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(template.Resources)]);
    for (const [, value] of walk(template as never)) {
      if (value && typeof value === 'object' && !Array.isArray(value) && typeof value['Ref'] === 'string') {
        const ref = value['Ref'];
        assert.ok(ref.startsWith('AWS::') || declared.has(ref), `${file}: Ref ${ref}`);
      }
    }
  }
});

test.run();
