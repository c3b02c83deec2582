/**
 * T-9 invariants over every rendered template. Each one guards a rule that holds for any stack,
 * now and after the next service is added.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates } from '../helpers/platform';
import { asArray, found, outputConsumer, policyDocuments, statements } from '../helpers/template';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { resourceSchema } from '../helpers/cfn-schemas';
import { isAllowedOnAnyResource, PARTIAL_RESOURCE_WILDCARDS, SECRET_ARN_SUFFIX_WILDCARD } from '../../src/cfn/resource-wildcards';
import { describeOrigin, getAttParts, StackTree, type RenderedLike, type StackInstance } from '../helpers/stack-tree';
import { TAGGABLE_RESOURCE_TYPES } from '../../src/cfn/tags';
import { isStatefulType } from '../../src/cfn/stateful';
import { nameViolations, NAME_RULES, resolveName } from '../../src/cfn/name-limits';
import { listEnvironments } from '../../src/config/environment';
import { KNOWN_REGIONS } from '../../src/config/regions';
import type { Json, JsonObject, TemplateJson } from '../../src/core/template-json';
import { POLICY_PROOF_METADATA } from '../../src/cfn/iam';
import fs from 'node:fs';

const templates = () => platformTemplates();

/** Every resource of every template, with its file and logical id. */
const allResources = () => templates().flatMap(({ file, template }) => Object.entries(template.Resources).map(([id, r]) => ({ file, id, r })));

/** Every Allow statement of every policy, with where it is. */
const allowStatements = () => templates().flatMap(({ file, template }) => policyDocuments(template).flatMap(({ where, document }) =>
  statements(document).filter((s) => s['Effect'] === 'Allow').map((statement) => ({ file, where, statement, template }))));

/** A deployer role's policy proven by its own derivation test (src/cfn/iam.ts, POLICY_PROOF_METADATA). */
const provenElsewhere = (template: TemplateJson, where: string): boolean => template.Resources[where.split('.')[0]]?.Metadata?.[POLICY_PROOF_METADATA] !== undefined;

test('T-9 / P-SEC: only the bootstrap stack\'s deployer roles are proven by their own tests, and each names a test that exists', () => {
  const marked = templates().flatMap(({ file, template }) => Object.entries(template.Resources)
    .filter(([, r]) => r.Metadata?.[POLICY_PROOF_METADATA] !== undefined)
    .map(([id, r]) => ({ file, id, proof: String(r.Metadata?.[POLICY_PROOF_METADATA]) })));
  for (const { file, id, proof } of found(marked, 'deployer policies', 2)) {
    assert.is(file, 'bootstrap.json', `${file} ${id}`);
    assert.ok(fs.existsSync(proof), `${id}: ${proof} exists`);
  }
});

test('T-9: every log group has the 30-day retention and a KMS key', () => {
  // A log group per service, the flow logs, ECS Exec and each Lambda function at least.
  for (const { file, id, r } of found(allResources().filter(({ r }) => r.Type === 'AWS::Logs::LogGroup'), 'log groups', SERVICE_CATALOG.length + 3)) {
    assert.is(r.Properties?.['RetentionInDays'], 30, `${file} ${id}`);
    assert.ok(r.Properties?.['KmsKeyId'], `${file} ${id} is KMS-encrypted`);
  }
});

test('T-9 / P-SEC: no policy anywhere grants Action "*" or "<service>:*"', () => {
  // Deny statements may be broad on purpose (e.g. deny s3:* without TLS); Allow statements may not.
  for (const { file, where, statement } of found(allowStatements(), 'Allow statements', 30)) {
    const actions = asArray(statement['Action']);
    assert.ok(actions.length > 0 && statement['NotAction'] === undefined, `${file} ${where}: an Allow names its actions`);
    for (const action of actions) {
      assert.ok(typeof action === 'string' && action !== '*' && !action.endsWith(':*'), `${file} ${where}: action ${JSON.stringify(action)}`);
    }
  }
});

test('T-9 / P-SEC: Resource "*" appears only where AWS requires it (allow-listed actions, key policies)', () => {
  const onAnyResource = allowStatements().filter(({ statement, template, where }) => asArray(statement['Resource']).includes('*') && !provenElsewhere(template, where));
  // in a key policy "*" means "this key" (AWS requires it)
  for (const { file, where, statement } of found(onAnyResource.filter(({ where }) => !where.endsWith('.KeyPolicy')), 'statements on "*"')) {
    const refused = asArray(statement['Action']).map(String).filter((a) => !isAllowedOnAnyResource(a));
    assert.equal(refused, [], `${file} ${where} ${String(statement['Sid'])}: only allow-listed actions on "*"`);
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
      if (provenElsewhere(stack.template, where)) continue;
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

test('T-9 / P-OUT: every Output is described as "<what it is>; <who consumes it>", naming a consumer', () => {
  const outputs = templates().flatMap(({ file, template }) => Object.entries(template.Outputs ?? {}).map(([name, output]) => ({ file, name, output })));
  for (const { file, name, output } of found(outputs, 'outputs', 20)) {
    assert.ok(outputConsumer(output.Description), `${file} output ${name}: ${JSON.stringify(output.Description)} names no consumer`);
  }
  for (const bad of ['ECS cluster ARN for operators', 'ECS cluster ARN; see the documentation', 'ECS cluster ARN; for whoever needs it', 'ECS cluster ARN; for operators; and CI']) assert.is(outputConsumer(bad), undefined, bad);
});

/**
 * Literal account ids in template text: 12 digits that are a whole token, not part of a longer run
 * of letters or digits (an asset key's content hash may start with 12 digits) nor of a number.
 * Inline Lambda code is left out: it is not CloudFormation.
 */
function literalAccountIds(content: string): string[] {
  const withoutCode = content.replace(/"ZipFile": "(?:[^"\\]|\\.)*"/g, '""');
  return [...withoutCode.matchAll(/(?<![A-Za-z0-9.])\d{12}(?![A-Za-z0-9]|\.\d)/g)].map((m) => m[0]);
}

test('T-9: no literal account ids or regions in any template', () => {
  for (const { file, content } of found(templates(), 'templates', 7)) {
    assert.equal(literalAccountIds(content), [], `${file}: literal account id`);
    for (const region of KNOWN_REGIONS) {
      assert.not.ok(new RegExp(`[^a-z0-9-]${region}[^a-z0-9-]`).test(content.replace(/"ZipFile": "(?:[^"\\]|\\.)*"/g, '""')), `${file}: literal region ${region}`);
    }
  }
});

test('T-9: the account-id check finds ids in ARNs, names and values, and not in content hashes', () => {
  const found12 = (text: string) => literalAccountIds(JSON.stringify({ Resources: { X: { Properties: { V: text } } } }));
  for (const text of ['arn:aws:iam::123456789012:root', '123456789012', 'tap-artifacts-123456789012-eu-west-1', '123456789012.dkr.ecr.eu-west-1.amazonaws.com']) {
    assert.equal(found12(text), ['123456789012'], text);
  }
  // Asset keys name their content hash (16 hex digits): one may start or end with 12 digits.
  for (const text of ['assets/rotate-api-key-123456789012abcd.zip', 'assets/rotate-database-abcd123456789012.zip', 'assets/x-1234567890123456.zip', 'port 8443, 1.234567890123', '123456789012.5']) {
    assert.equal(found12(text), [], text);
  }
});

test('T-9: listener-rule priorities are unique per listener', () => {
  const seen = new Map<string, string>();
  const publicServices = SERVICE_CATALOG.filter((s) => s.exposure.kind === 'public').length;
  // A production and a test rule per public service.
  for (const { file, id, r } of found(allResources().filter(({ r }) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule'), 'listener rules', 2 * publicServices)) {
    const key = `${JSON.stringify(r.Properties?.['ListenerArn'])} ${String(r.Properties?.['Priority'])}`;
    assert.not.ok(seen.has(key), `${file} ${id} repeats priority of ${seen.get(key)}`);
    seen.set(key, `${file} ${id}`);
  }
});

test('T-9 / P-NAME: physical names fit AWS limits in every environment', () => {
  for (const env of found(listEnvironments('.'), 'environments')) {
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
  const resources = allResources();
  const types = new Set(resources.map(({ r }) => r.Type));
  for (const { file, id, r } of found(resources.filter(({ r }) => TAGGABLE_RESOURCE_TYPES.has(r.Type)), 'taggable resources', 50)) {
    const keys = asArray(r.Properties?.['Tags']).map((tag) => (tag as JsonObject)['Key']);
    for (const key of ['project', 'environment', 'service']) assert.ok(keys.includes(key), `${file} ${id} has tag ${key}`);
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

/** Pseudo parameters CloudFormation defines (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html). */
const PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix']);

type ReferenceKind = 'Ref' | 'Fn::Sub' | 'Fn::GetAtt' | 'Fn::If' | 'Condition' | 'Fn::FindInMap' | 'DependsOn';

/**
 * Every reference in every template that names nothing: `Ref`, each `${X}` and `${X.Attr}` of
 * `Fn::Sub` (not `${!Literal}`, and a Sub's own variables count as declared), `Fn::GetAtt`
 * (including a nested stack's `Outputs.X`, which the child must declare), condition names (of
 * resources, outputs, `Fn::If` and the `Condition` function), `Fn::FindInMap` map names and
 * `DependsOn`. Returns the problems and how many references of each kind were checked.
 */
function danglingReferences(templates: readonly RenderedLike[]): { problems: string[]; counts: Record<ReferenceKind, number> } {
  const tree = new StackTree(templates);
  const problems: string[] = [];
  const counts: Record<ReferenceKind, number> = { 'Ref': 0, 'Fn::Sub': 0, 'Fn::GetAtt': 0, 'Fn::If': 0, 'Condition': 0, 'Fn::FindInMap': 0, 'DependsOn': 0 };
  for (const stack of tree.stacks) {
    const t = stack.template;
    const isParameter = (name: string) => Object.prototype.hasOwnProperty.call(t.Parameters ?? {}, name);
    const isResource = (name: string) => Object.prototype.hasOwnProperty.call(t.Resources, name);
    const isCondition = (name: string) => Object.prototype.hasOwnProperty.call(t.Conditions ?? {}, name);
    const report = (kind: ReferenceKind, where: string, what: string) => problems.push(`${stack.name} ${where}: ${kind} ${what}`);
    const condition = (name: Json | undefined, where: string, kind: ReferenceKind) => {
      counts[kind] += 1;
      if (typeof name !== 'string' || !isCondition(name)) report(kind, where, `${JSON.stringify(name)} is not a declared condition`);
    };
    const getAtt = (logicalId: string, attribute: string, where: string, kind: ReferenceKind) => {
      if (!isResource(logicalId)) return report(kind, where, `${logicalId}.${attribute}: no resource ${logicalId}`);
      if (t.Resources[logicalId].Type !== 'AWS::CloudFormation::Stack' || !attribute.startsWith('Outputs.')) return;
      const child = tree.stacks.find((c) => c.parent?.stack === stack && c.parent.logicalId === logicalId);
      if (!child?.template.Outputs?.[attribute.slice('Outputs.'.length)]) report(kind, where, `${logicalId}.${attribute}: the nested stack declares no such output`);
    };
    const visit = (node: Json | undefined, where: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${where}.${i}`));
      if (node === null || typeof node !== 'object') return;
      const keys = Object.keys(node);
      const [key] = keys;
      const argument = node[key];
      if (keys.length === 1 && key === 'Ref' && typeof argument === 'string') {
        counts['Ref'] += 1;
        if (!PSEUDO_PARAMETERS.has(argument) && !isParameter(argument) && !isResource(argument)) report('Ref', where, `${argument} is not a parameter, resource or pseudo parameter`);
      } else if (keys.length === 1 && key === 'Fn::GetAtt') {
        counts['Fn::GetAtt'] += 1;
        const [logicalId, attribute] = getAttParts(argument);
        getAtt(logicalId, attribute, where, 'Fn::GetAtt');
      } else if (keys.length === 1 && key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? [argument[0], argument[1] as JsonObject | undefined] : [argument, undefined];
        for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          counts['Fn::Sub'] += 1;
          if (variables && Object.prototype.hasOwnProperty.call(variables, name)) continue;
          const dot = name.indexOf('.');
          if (dot > 0) getAtt(name.slice(0, dot), name.slice(dot + 1), where, 'Fn::Sub');
          else if (!PSEUDO_PARAMETERS.has(name) && !isParameter(name) && !isResource(name)) report('Fn::Sub', where, `\${${name}} is not a parameter, resource or pseudo parameter`);
        }
        if (variables) visit(variables, `${where}.Fn::Sub`);
        return;
      } else if (keys.length === 1 && key === 'Fn::If' && Array.isArray(argument)) {
        condition(argument[0], where, 'Fn::If');
        return visit(argument.slice(1), `${where}.Fn::If`);
      } else if (keys.length === 1 && key === 'Condition' && typeof argument === 'string') {
        return condition(argument, where, 'Condition');
      } else if (keys.length === 1 && key === 'Fn::FindInMap' && Array.isArray(argument)) {
        counts['Fn::FindInMap'] += 1;
        if (typeof argument[0] !== 'string' || !t.Mappings?.[argument[0]]) report('Fn::FindInMap', where, `${JSON.stringify(argument[0])} is not a declared mapping`);
      }
      for (const [childKey, child] of Object.entries(node)) visit(child, `${where}.${childKey}`);
    };
    for (const [name, definition] of Object.entries(t.Conditions ?? {})) visit(definition, `Conditions.${name}`);
    for (const [id, resource] of Object.entries(t.Resources)) {
      if (resource.Condition !== undefined) condition(resource.Condition, `${id}.Condition`, 'Condition');
      for (const target of asArray(resource.DependsOn)) {
        counts['DependsOn'] += 1;
        if (typeof target !== 'string' || !isResource(target)) report('DependsOn', id, `${JSON.stringify(target)} is not a resource`);
      }
      visit(resource.Properties, `${id}.Properties`);
      visit(resource.DeletionPolicy, `${id}.DeletionPolicy`);
      visit(resource.UpdateReplacePolicy, `${id}.UpdateReplacePolicy`);
    }
    for (const [name, output] of Object.entries(t.Outputs ?? {})) {
      if (output.Condition !== undefined) condition(output.Condition, `Outputs.${name}.Condition`, 'Condition');
      visit(output.Value, `Outputs.${name}.Value`);
    }
  }
  return { problems, counts };
}

test('T-9: no reference (Ref, Sub, GetAtt, condition, mapping, DependsOn) names something the template does not declare', () => {
  const { problems, counts } = danglingReferences(templates());
  assert.equal(problems, []);
  for (const [kind, count] of Object.entries(counts)) assert.ok(count > 0, `${count} ${kind} references checked`);
});

test('P-DATA / P-TRUTH (issue 11 #2): every stateful resource survives deletion and replacement through static policies, never a transform', () => {
  let stateful = 0;
  for (const { name, file, template } of templates()) {
    const standalone = name === 'bootstrap';
    if (!standalone) assert.is(template.Transform, undefined, `${file}: nested change sets break AWS::LanguageExtensions (cfn-language-discussion#152)`);
    for (const [id, r] of Object.entries(template.Resources)) {
      if (!isStatefulType(r.Type)) continue;
      if (standalone) {
        // Deployed on its own with plain parameters: the transform's documented use.
        assert.is(template.Transform, 'AWS::LanguageExtensions', file);
        assert.equal(r.DeletionPolicy, { 'Fn::If': ['RetainStatefulResources', 'Retain', 'Delete'] }, `${file} ${id}`);
      } else {
        assert.is(r.DeletionPolicy, 'RetainExceptOnCreate', `${file} ${id}`);
        assert.is(r.UpdateReplacePolicy, 'Retain', `${file} ${id}`);
      }
      stateful += 1;
    }
  }
  assert.ok(stateful > 20, `${stateful} stateful resources`);
});

test('P-TRUTH (issue 11 #3): no Lambda function reserves concurrency, so new accounts (limit 10 or 50) accept every stack', () => {
  // "You can reserve up to the Unreserved account concurrency value ... minus 100"
  // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
  let functions = 0;
  for (const { file, template } of templates()) {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type !== 'AWS::Lambda::Function') continue;
      functions += 1;
      assert.is(r.Properties?.['ReservedConcurrentExecutions'], undefined, `${file} ${id}`);
    }
  }
  assert.ok(functions >= 3, 'the lock function and both rotation functions are checked');
});

test('T-9: the reference check finds each kind of dangling reference, and only those', () => {
  const document = (parameters: string[], conditions: Record<string, Json>, resources: Record<string, Json>, outputs: Record<string, Json> = {}) => ({
    AWSTemplateFormatVersion: '2010-09-09', Description: 'd',
    Parameters: Object.fromEntries(parameters.map((p) => [p, { Type: 'String' }])),
    Conditions: conditions, Mappings: { Sizes: { small: { Cpu: '256' } } },
    Resources: resources, Outputs: outputs,
  }) as never;
  const bucket = (properties: Json, extra: Record<string, Json> = {}) => ({ Type: 'AWS::S3::Bucket', Properties: properties, ...extra });
  const parent: RenderedLike = { name: 'root', file: 'root.json', template: document(['Env'], { IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] }, NotProd: { 'Fn::Not': [{ Condition: 'IsPrd' }] } }, {
    Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json', Parameters: { Name: { 'Fn::GetAtt': ['Child', 'Outputs.Nme'] } } } },
    Fine: bucket({ BucketName: { 'Fn::Sub': ['${Env}-${Own}-${AWS::Region}-${!Literal}-${Logs.Arn}', { Own: { Ref: 'Env' } }] }, Tags: [{ Key: 'k', Value: { 'Fn::FindInMap': ['Sizes', 'small', 'Cpu'] } }] }, { Condition: 'IsProd' }),
    Logs: bucket({ BucketName: { 'Fn::If': ['IsProd', { Ref: 'Environment' }, { 'Fn::Sub': '${Missing}-${Gone.Arn}' }] } }, { Condition: 'IsPrd', DependsOn: ['Fine', 'Nothing'] }),
    Mapped: bucket({ BucketName: { 'Fn::FindInMap': ['Size', 'small', 'Cpu'] } }),
  }, { Out: { Value: { 'Fn::GetAtt': ['Nope', 'Arn'] }, Condition: 'Never' } }) };
  const child: RenderedLike = { name: 'child', file: 'child.json', template: document(['Name'], {}, { B: bucket({ BucketName: { Ref: 'Name' } }) }, { Name: { Value: { Ref: 'B' } } }) };
  assert.equal(danglingReferences([parent, child]).problems.sort(), [
    'root Child.Properties.Parameters.Name: Fn::GetAtt Child.Outputs.Nme: the nested stack declares no such output',
    'root Conditions.NotProd.Fn::Not.0: Condition "IsPrd" is not a declared condition',
    'root Logs.Condition: Condition "IsPrd" is not a declared condition',
    'root Logs.Properties.BucketName.Fn::If.1: Fn::Sub ${Missing} is not a parameter, resource or pseudo parameter',
    'root Logs.Properties.BucketName.Fn::If.1: Fn::Sub Gone.Arn: no resource Gone',
    'root Logs.Properties.BucketName.Fn::If.0: Ref Environment is not a parameter, resource or pseudo parameter',
    'root Logs: DependsOn "Nothing" is not a resource',
    'root Mapped.Properties.BucketName: Fn::FindInMap "Size" is not a declared mapping',
    'root Outputs.Out.Condition: Condition "Never" is not a declared condition',
    'root Outputs.Out.Value: Fn::GetAtt Nope.Arn: no resource Nope',
  ].sort());
});

test.run();
