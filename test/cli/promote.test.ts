/**
 * D-18 through the real entry point: bad FROM/TO pairs are refused before any AWS call (the file,
 * the field and the expectation); a promotion reviewed with --diff saves review.json and review.md
 * recording the source and the hashes, and is executed with `tap promote --review`, never with
 * `tap deploy --review`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bucketOf, PromotionScenario } from '../helpers/promote-harness';
import type { ReviewArtifact } from '../../src/operations/review/artifact';

interface BadPair {
  readonly mistake: string;
  readonly argv: readonly string[];
  readonly edit?: (s: PromotionScenario) => void;
  readonly stderr: string;
}

const BAD_PAIRS: readonly BadPair[] = [
  { mistake: 'no FROM', argv: ['promote', '--to', 'prod'], stderr: 'error command line: FROM: is required: the environment whose deployed artifacts are promoted (make promote FROM=<env> TO=<env>)' },
  { mistake: 'no TO', argv: ['promote', '--from', 'staging'], stderr: 'error command line: TO: is required' },
  { mistake: 'an unknown environment', argv: ['promote', '--from', 'qa', '--to', 'prod'], stderr: 'error command line: FROM: unknown environment "qa"; expected one of: dev, prod, staging (the files in params/)' },
  { mistake: 'a value that is not an environment name', argv: ['promote', '--from', 'staging', '--to', 'prod;touch x'], stderr: 'error command line: TO: "prod;touch x" is not an environment name' },
  { mistake: 'the same environment twice', argv: ['promote', '--from', 'prod', '--to', 'prod'], stderr: 'error command line: FROM, TO: are both "prod": a promotion takes what one environment runs into another' },
  { mistake: 'a step skipped (dev into prod)', argv: ['promote', '--from', 'dev', '--to', 'prod'], stderr: 'error params/prod.json: /deployment/promotedFrom: is "staging": prod takes artifacts from staging only, not from dev (the path the params files set: dev → staging → prod)' },
  { mistake: 'backwards (prod into staging)', argv: ['promote', '--from', 'prod', '--to', 'staging'], stderr: 'error params/staging.json: /deployment/promotedFrom: is "dev": staging takes artifacts from dev only, not from prod' },
  { mistake: 'into an environment nothing is promoted into', argv: ['promote', '--from', 'staging', '--to', 'dev'], stderr: 'error params/dev.json: /deployment/promotedFrom: is not set, so nothing is promoted into dev; to take what staging runs into it, set it to "staging"' },
  { mistake: 'a path that is a circle', argv: ['promote', '--from', 'staging', '--to', 'prod'], edit: (s) => s.editParams('dev', (d) => { d.deployment['promotedFrom'] = 'prod'; }),
    stderr: 'error params/prod.json: /deployment/promotedFrom: makes the promotion path a circle (prod → dev → staging → prod)' },
  { mistake: 'the review of a deploy', argv: ['promote', '--from', 'staging', '--to', 'prod', '--review', 'deploy-review.json'], stderr: 'error deploy-review.json: /promotion: is not the review of a promotion (it is a deploy\'s of prod)' },
  { mistake: '--review with --diff', argv: ['promote', '--from', 'staging', '--to', 'prod', '--review', 'x.json', '--diff'], stderr: 'error command line: --review --diff: cannot be used together' },
];

for (const bad of BAD_PAIRS) {
  test(`D-18: make promote with ${bad.mistake} is refused before any AWS call (exit 2)`, async () => {
    const s = new PromotionScenario();
    bad.edit?.(s);
    fs.writeFileSync(path.join(s.root, 'deploy-review.json'), JSON.stringify({ schema: 'tap-review/1', environment: 'prod', changeSet: { id: 'arn:cs' }, templates: [] }));
    const result = await s.run(bad.argv);
    assert.is(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, bad.stderr);
    assert.match(result.stderr, 'Nothing was changed in AWS.');
    assert.equal(result.calls, [], 'no AWS call in either account');
  });
}

test('D-18: a control promotion through the same harness reaches AWS (the zero-call rows can fail)', async () => {
  const s = new PromotionScenario();
  const result = await s.run(['promote', '--from', 'staging', '--to', 'prod', '--diff']);
  assert.is(result.code, 4, result.stderr);
  assert.match(result.stderr, "error staging's stack tap-staging is not deployed: there is nothing to promote. Deploy it first: make deploy ENV=staging");
  assert.ok(result.calls.length > 0);
});

test('D-18: promote --diff saves review.json and review.md naming the source and the hashes; promote --review executes it; deploy --review refuses it', async () => {
  const s = new PromotionScenario();
  await s.deploy('staging');
  const diffed = await s.run(['promote', '--from', 'staging', '--to', 'prod', '--diff']);
  assert.is(diffed.code, 0, diffed.stderr);
  assert.match(diffed.stdout, 'Promoting what staging runs: tap-staging (account 444455556666, eu-west-1, CREATE_COMPLETE at');
  assert.match(diffed.stdout, `copied from s3://${bucketOf('staging')} to s3://${bucketOf('prod')}`);
  assert.match(diffed.stdout, 'To execute exactly this change set: make promote FROM=staging TO=prod REVIEW=.tap/prod/review.json');

  const artifact = JSON.parse(s.stateFile('prod', 'review.json')) as ReviewArtifact;
  assert.is(artifact.promotion?.from.environment, 'staging');
  const markdown = s.stateFile('prod', 'review.md');
  assert.match(markdown, 'Promoted from **staging**: what `tap-staging` (account 444455556666, eu-west-1) runs');
  for (const t of artifact.promotion?.templates ?? []) assert.match(markdown, t.sourceSha256);
  assert.match(markdown, 'Execute exactly this change set: `make promote FROM=staging TO=prod REVIEW=.tap/prod/reviews/');

  const byDeploy = await s.run(['deploy', '--env', 'prod', '--review', '.tap/prod/review.json', '--yes']);
  assert.is(byDeploy.code, 2, byDeploy.stderr);
  assert.match(byDeploy.stderr, '.tap/prod/review.json: /promotion: is the review of a promotion from staging into prod; execute it with make promote FROM=staging TO=prod REVIEW=<this file>');
  assert.equal(byDeploy.calls, []);

  const wrongSource = await s.run(['promote', '--from', 'dev', '--to', 'staging', '--review', '.tap/prod/review.json']);
  assert.is(wrongSource.code, 2);
  assert.match(wrongSource.stderr, 'is the review of a promotion from staging into prod, not from dev into staging');

  const executed = await s.run(['promote', '--from', 'staging', '--to', 'prod', '--review', '.tap/prod/review.json', '--yes']);
  assert.is(executed.code, 0, executed.stdout + executed.stderr);
  assert.match(executed.stdout, '✓ Promoted what staging runs to tap-prod: the same templates and code, by content hash.');
  assert.equal(executed.calls.filter((c) => c.op.startsWith('s3.') || c.op === 'cfn.getTemplate').filter((c) => s.staging.calls.includes(c)), [], 'staging is not read to execute a reviewed promotion');
});

test.run();
