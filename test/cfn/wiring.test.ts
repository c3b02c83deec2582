/**
 * T-3: typed wiring. Mistakes are compile errors (tsc on fixtures), and the rendered contract is
 * re-checked for every parent/child pair.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { platformTemplates } from '../helpers/platform';
import { walk } from '../helpers/template';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { mergeParameterGroups, nestedStack, parameterGroup, passThrough } from '../../src/cfn/stack';
import { listParameter, stringParameter } from '../../src/cfn/parameters';
import { buildBootstrap } from '../../src/stacks/bootstrap';

function compileErrors(): Map<string, string[]> {
  const result = spawnSync(path.resolve('node_modules/.bin/tsc'), ['-p', 'test/fixtures/typed-wiring', '--pretty', 'false'], { encoding: 'utf8' });
  const errors = new Map<string, string[]>();
  for (const line of result.stdout.split('\n')) {
    const match = /^test\/fixtures\/typed-wiring\/([\w-]+)\.ts\(\d+,\d+\): error (TS\d+)/.exec(line);
    if (match) errors.set(match[1], [...(errors.get(match[1]) ?? []), match[2]]);
  }
  return errors;
}

const errors = compileErrors();

test('T-3: correct wiring compiles', () => {
  assert.is(errors.get('correct'), undefined);
});

test('T-3: passing a parameter the child does not declare fails tsc', () => {
  assert.equal(errors.get('extra-parameter'), ['TS2353']);
});

test('T-3: omitting a parameter the child requires fails tsc', () => {
  assert.equal(errors.get('missing-parameter'), ['TS2345']);
});

test('T-3: reading an output the child does not have fails tsc', () => {
  assert.equal(errors.get('unknown-output'), ['TS2345']);
});

test('T-3 (issue 12 #3): a service stack\'s parameter groups, with their inputs, compile', () => {
  assert.is(errors.get('service-groups-correct'), undefined);
});

test('T-3 (issue 12 #3): a per-service input missing from its parameter group fails tsc', () => {
  assert.equal(errors.get('service-group-missing-input'), ['TS2345']);
});

test('T-3 (issue 12 #3): a misspelt per-service input fails tsc', () => {
  assert.equal(errors.get('service-group-misspelt-input'), ['TS2561']);
});

test('T-3 (issue 12 #3): a services stack that does not declare a parameter its service stacks are handed fails tsc', () => {
  assert.equal(errors.get('service-source-missing-parameter'), ['TS2741']);
});

test('T-3 (issue 12 #3): groups merge into one contract; lists are joined on the way down; a parameter has one group', () => {
  const parent = { Subnets: listParameter('subnets'), Name: stringParameter('name') };
  const merged = mergeParameterGroups([
    parameterGroup({ Subnets: parent.Subnets }, passThrough({ Subnets: parent.Subnets }, parent)),
    parameterGroup({ Name: parent.Name }, passThrough({ Name: parent.Name }, parent)),
  ]);
  assert.equal(Object.keys(merged.specs), ['Subnets', 'Name']);
  assert.equal(JSON.parse(JSON.stringify(merged.inputs)), { Subnets: { 'Fn::Join': [',', { Ref: 'Subnets' }] }, Name: { Ref: 'Name' } });
  assert.throws(() => mergeParameterGroups([
    parameterGroup({ Name: parent.Name }, { Name: 'a' }),
    parameterGroup({ Name: parent.Name }, { Name: 'b' }),
  ]), /Name belongs to two parameter groups/);
});

test('T-3: every nested stack receives exactly the parameters its template declares (all levels)', () => {
  const byFile = new Map(platformTemplates().map((t) => [t.file, t.template]));
  let pairs = 0;
  for (const parent of platformTemplates()) {
    for (const [logicalId, resource] of Object.entries(parent.template.Resources)) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const url = String(resource.Properties?.['TemplateURL']);
      const childFile = path.posix.join(path.posix.dirname(parent.file), url);
      const child = byFile.get(childFile);
      assert.ok(child, `${parent.file} ${logicalId} points at ${childFile}, which is rendered`);
      const declared = child.Parameters ?? {};
      const passed = Object.keys((resource.Properties?.['Parameters'] ?? {}) as object);
      const missing = Object.entries(declared).filter(([name, spec]) => spec.Default === undefined && !passed.includes(name)).map(([n]) => n);
      const extra = passed.filter((name) => !(name in declared));
      assert.equal({ missing, extra }, { missing: [], extra: [] }, `${parent.file} → ${childFile}`);

      // Every Outputs.X the parent reads from this child exists.
      for (const [, value] of walk(parent.template as never)) {
        if (value && typeof value === 'object' && !Array.isArray(value) && Array.isArray(value['Fn::GetAtt'])) {
          const [target, attribute] = value['Fn::GetAtt'] as string[];
          if (target === logicalId) {
            const output = attribute.replace(/^Outputs\./, '');
            assert.ok(child.Outputs?.[output], `${parent.file} reads ${logicalId}.${attribute}, which ${childFile} declares`);
          }
        }
      }
      pairs += 1;
    }
  }
  // The root's five stacks and a stack per catalog service, at least.
  assert.ok(pairs >= 5 + SERVICE_CATALOG.length, `checked ${pairs} parent/child pairs`);
});

test('T-3: a stack deployed on its own (per-environment retention under a transform) cannot be nested', () => {
  assert.throws(() => nestedStack('Bootstrap', buildBootstrap(platformTemplates().filter((t) => t.name !== 'bootstrap')), { Environment: 'dev', DataProtection: 'delete', ArtifactBucketName: 'b', PlatformStackName: 'tap-dev' }), /deployed on its own and cannot be nested/);
});

test('T-3: the root contains only nested stacks wired to each other', () => {
  const root = platformTemplates()[0];
  assert.is(root.name, 'root');
  for (const [id, resource] of Object.entries(root.template.Resources)) {
    assert.is(resource.Type, 'AWS::CloudFormation::Stack', id);
  }
});

test.run();
