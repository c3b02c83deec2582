/**
 * T-9 invariants over every rendered template. Each one guards a rule that holds for any stack,
 * now and after the next service is added.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates } from '../helpers/platform';
import { asArray, policyDocuments, statements, walk } from '../helpers/template';
import { resourceSchema } from '../helpers/cfn-schemas';
import { isAllowedOnAnyResource } from '../../src/cfn/resource-wildcards';
import { TAGGABLE_RESOURCE_TYPES } from '../../src/cfn/tags';
import { isStatefulType } from '../../src/cfn/stateful';
import { nameViolations, NAME_RULES, resolveName } from '../../src/cfn/name-limits';
import { listEnvironments } from '../../src/config/environment';
import { KNOWN_REGIONS } from '../../src/config/regions';
import type { JsonObject } from '../../src/core/template-json';

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
