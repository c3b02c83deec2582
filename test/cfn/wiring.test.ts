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
import { nestedStack } from '../../src/cfn/stack';
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
  assert.ok(pairs >= 2, `checked ${pairs} parent/child pairs`);
});

test('T-3: a stack deployed on its own (per-environment retention under a transform) cannot be nested', () => {
  assert.throws(() => nestedStack('Bootstrap', buildBootstrap(), { Environment: 'dev', DataProtection: 'delete', ArtifactBucketName: 'b' }), /deployed on its own and cannot be nested/);
});

test('T-3: the root contains only nested stacks wired to each other', () => {
  const root = platformTemplates()[0];
  assert.is(root.name, 'root');
  for (const [id, resource] of Object.entries(root.template.Resources)) {
    assert.is(resource.Type, 'AWS::CloudFormation::Stack', id);
  }
});

test.run();
