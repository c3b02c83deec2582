/**
 * P-DATA / D-5: the review's data-loss findings, over every type that holds data (the
 * specification table of test/helpers/stateful-types.ts, not src/cfn/stateful.ts). The guardrail
 * that refuses them in prod is test/cli/stateful-guardrail.test.ts; this file pins which changes
 * are findings at all.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TemplateJson } from '../../../src/core/template-json';
import { dataLossFindings } from '../../../src/operations/review/findings';
import type { ReviewChange, ReviewStack } from '../../../src/operations/review/model';
import { HOLDS_DATA } from '../../helpers/stateful-types';

const DATA_TYPES = Object.keys(HOLDS_DATA);
const logicalIdOf = (type: string): string => type.split('::').slice(1).join('');

const stack = (changes: readonly ReviewChange[]): ReviewStack => ({ path: '', stackName: 'tap-dev', changeSetId: 'arn:cs', status: 'CREATE_COMPLETE', changes });

const change = (fields: Pick<ReviewChange, 'logicalId' | 'resourceType' | 'action'> & Partial<ReviewChange>): ReviewChange => ({
  stackPath: '', address: fields.logicalId, details: [], dynamicOnly: false, ...fields,
});

test('P-DATA / D-5: removing a nested stack is a data-loss finding for every resource in it that holds data, of every such type, and for no other', () => {
  const deployed: TemplateJson = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'a nested stack as deployed',
    Resources: {
      ...Object.fromEntries(DATA_TYPES.map((type) => [logicalIdOf(type), { Type: type }])),
      Alarm: { Type: 'AWS::CloudWatch::Alarm' },
    },
  };
  const root = stack([change({ logicalId: 'Registry', resourceType: 'AWS::CloudFormation::Stack', action: 'Remove' })]);
  const findings = dataLossFindings(root, { next: new Map(), deployed: new Map([['Registry', deployed]]) });
  assert.equal(
    findings.map((f) => [f.address, f.resourceType, f.what]).sort(),
    DATA_TYPES.map((type) => [`Registry/${logicalIdOf(type)}`, type, 'removed with its nested stack']).sort(),
  );
});

test('P-DATA / D-5: a resource holding data that may be replaced is a finding, labelled likely noise only when the change is noise', () => {
  for (const type of DATA_TYPES) {
    const conditional = (noise?: string) => change({
      logicalId: logicalIdOf(type), resourceType: type, action: 'Modify', replacement: 'Conditional',
      details: [{ property: 'Properties.Name', recreation: 'Conditionally', evaluation: 'Static' }],
      ...(noise ? { noise } : {}),
    });
    const templates = { next: new Map(), deployed: new Map() };
    const real = dataLossFindings(stack([conditional()]), templates);
    assert.equal(real.map((f) => [f.address, f.what, f.likelyNoise, f.causes]), [[logicalIdOf(type), 'may be replaced', false, ['Properties.Name']]], type);
    const noisy = dataLossFindings(stack([conditional('probably no change')]), templates);
    assert.equal(noisy.map((f) => [f.what, f.likelyNoise]), [['may be replaced', true]], type);
  }
});

test('P-DATA / D-5: removal and replacement of a resource holding data are findings; a Modify without replacement is not', () => {
  for (const type of DATA_TYPES) {
    const id = logicalIdOf(type);
    const findings = dataLossFindings(stack([
      change({ logicalId: id, resourceType: type, action: 'Remove' }),
      change({ logicalId: `${id}Replaced`, resourceType: type, action: 'Modify', replacement: 'True' }),
      change({ logicalId: `${id}Tagged`, resourceType: type, action: 'Modify', replacement: 'False' }),
    ]), { next: new Map(), deployed: new Map() });
    assert.equal(findings.map((f) => [f.address, f.what]), [[id, 'removed'], [`${id}Replaced`, 'replaced']], type);
  }
});

test.run();
