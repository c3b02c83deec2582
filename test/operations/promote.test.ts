/**
 * D-18: `promote` from staging (account 444455556666, eu-west-1) into prod (777788889999,
 * us-east-1), each its own FakeAws: what staging runs is read back by hash and deployed into prod,
 * never a rebuild; what prod's bucket holds already is not copied again; a workspace that differs
 * from what staging runs is refused unless --allow-mismatch; the review records the source and the
 * hashes, and a reviewed promotion executes reading prod's bucket alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MUTATING, type RecordedCall } from '../fakes/aws';
import { fixturePlatform, props } from '../fakes/platform-fixture';
import { deploying, eventsOf, expectOutcome, ops } from '../helpers/deploy-harness';
import { bucketOf, PromotionScenario } from '../helpers/promote-harness';
import { sha256 } from '../../src/operations/package/package';
import { assetKeys } from '../../src/operations/promote-artifacts';
import type { TemplateJson } from '../../src/core/template-json';
import { bootstrap } from '../../src/operations/bootstrap';
import { renderPlatform } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { testAssets } from '../helpers/platform';

const changes = (calls: readonly RecordedCall[]) => calls.filter((c) => MUTATING.has(c.op));
const gets = (calls: readonly RecordedCall[]) => calls.filter((c) => c.op === 's3.getObject').map((c) => String(c.args[1]));
const puts = (calls: readonly RecordedCall[]) => calls.filter((c) => c.op === 's3.putObject').map((c) => String(c.args[1]));

/** Staging deployed from the workspace as it is. */
async function stagingDeployed(): Promise<PromotionScenario> {
  const s = new PromotionScenario();
  await s.deploy('staging');
  return s;
}

test('D-18: promotion copies what staging runs into prod\'s bucket by hash, across accounts and regions: code and leaf templates keep their keys, parents name prod\'s bucket; prod runs it', async () => {
  const s = await stagingDeployed();
  const stagingKeys = s.keys('staging');
  const { outcome, events, stagingCalls, prodCalls } = await s.promote({ answers: ['yes'] });
  expectOutcome(outcome, 'promoted');

  // Staging was only read, with staging's session; prod was written with prod's.
  assert.equal(changes(stagingCalls), [], 'nothing changed in staging');
  assert.ok(stagingCalls.some((c) => c.op === 'cfn.getTemplate'), 'the root template staging runs was read');
  const [source] = eventsOf(events, 'promotion-source');
  assert.equal([source.from.environment, source.from.accountId, source.from.region, source.differences], ['staging', '444455556666', 'eu-west-1', []]);

  // Every template staging runs was read from staging's bucket by its key, its bytes hashing to it.
  const read = gets(stagingCalls).filter((key) => key.startsWith('templates/'));
  assert.ok(read.length >= 5 && read.every((key) => /^templates\/[0-9a-f]{64}\.json$/.test(key)), read.join(', '));
  for (const key of read) assert.is(`templates/${sha256(s.staging.buckets.get(bucketOf('staging'))!.objects.get(key)!.body)}.json`, key);

  // What prod's bucket holds now: the same code key and bytes, the same leaves; parents relocated.
  const prodKeys = s.keys('prod');
  const code = prodKeys.filter((key) => key.startsWith('assets/'));
  assert.equal(code, stagingKeys.filter((key) => key.startsWith('assets/')));
  assert.equal(gets(stagingCalls).filter((key) => key.startsWith('assets/')), code, 'the code prod lacked was read from staging once');
  for (const key of code) assert.equal(s.prod.buckets.get(bucketOf('prod'))!.objects.get(key)!.body, s.staging.buckets.get(bucketOf('staging'))!.objects.get(key)!.body);
  assert.equal(puts(prodCalls).sort(), prodKeys, 'every object prod lacked was copied, once');
  const shared = prodKeys.filter((key) => stagingKeys.includes(key) && key.startsWith('templates/'));
  assert.ok(shared.length >= 2, 'leaf templates keep their bytes and keys');
  assert.ok(prodKeys.some((key) => key.startsWith('templates/') && !stagingKeys.includes(key)), 'parents name prod\'s bucket, so their hashes differ');

  // Relocated, they are exactly what packaging the workspace for prod gives: nothing else changed.
  assert.equal(prodKeys, s.prepared('prod').packaged.objects.map((o) => o.key).sort());
  const root = s.prod.rootStack('tap-prod');
  assert.is(root?.status, 'CREATE_COMPLETE');
  assert.match(JSON.stringify(root?.template), `https://${bucketOf('prod')}.s3.us-east-1.amazonaws.com/templates/`);
  assert.not.match(JSON.stringify(root?.template), bucketOf('staging'));
  assert.is(root?.parameters['Environment'], 'prod', 'prod\'s parameters');
  assert.is(root?.tags['environment'], 'prod', 'prod\'s tags');

  // The review records the source and the hashes on both sides.
  const [saved] = eventsOf(events, 'review-artifact');
  const promotion = saved.artifact.promotion;
  assert.is(promotion?.from.environment, 'staging');
  assert.is(promotion?.from.bucket, bucketOf('staging'));
  assert.is(promotion?.localTemplates, 'match');
  assert.equal(promotion?.templates.map((t) => `templates/${t.sourceSha256}.json`).sort(), read.slice().sort());
  assert.equal(promotion?.templates.map((t) => t.sha256), saved.artifact.templates.map((t) => t.sha256));
  assert.equal(promotion?.assets, code);
});

test('D-18: a promotion skips what prod\'s bucket holds: code already there is neither read from staging nor written; a second promotion copies nothing', async () => {
  const s = await stagingDeployed();
  const [codeKey] = s.keys('staging').filter((key) => key.startsWith('assets/'));
  s.prod.buckets.get(bucketOf('prod'))!.objects.set(codeKey, s.staging.buckets.get(bucketOf('staging'))!.objects.get(codeKey)!);
  const first = await s.promote({ answers: ['yes'] });
  expectOutcome(first.outcome, 'promoted');
  assert.not.ok(gets(first.stagingCalls).includes(codeKey), 'the code was not read from staging');
  assert.not.ok(puts(first.prodCalls).includes(codeKey), 'nor written to prod');
  const [copied] = eventsOf(first.events, 'uploaded');
  assert.equal([copied.present, copied.copiedFrom], [1, { environment: 'staging', bucket: bucketOf('staging') }]);

  const second = await s.promote({ answers: ['yes'] });
  expectOutcome(second.outcome, 'no-changes');
  assert.equal(puts(second.prodCalls), [], 'nothing copied again');
  assert.equal(gets(second.stagingCalls).filter((key) => key.startsWith('assets/')), [], 'no code read');
  const [again] = eventsOf(second.events, 'uploaded');
  assert.equal([again.uploaded, again.present], [0, again.templates + again.assets]);
});

test('D-18: code in staging\'s bucket whose bytes no longer hash to its key is not copied into prod, and nothing is deployed', async () => {
  const s = await stagingDeployed();
  const [codeKey] = s.keys('staging').filter((key) => key.startsWith('assets/'));
  const stagingObjects = s.staging.buckets.get(bucketOf('staging'))!.objects;
  const original = stagingObjects.get(codeKey)!;
  stagingObjects.set(codeKey, { ...original, body: Buffer.concat([Buffer.from(original.body), Buffer.from('// not the code tap built')]) });
  const { outcome, prodCalls } = await s.promote({ answers: ['yes'] });
  const reason = expectOutcome(outcome, 'precondition').reason;
  if (reason.kind !== 'promotion-artifacts' || reason.problem.kind !== 'artifact-altered') throw new Error(`expected an altered artifact, got ${JSON.stringify(reason)}`);
  assert.equal([reason.environment, reason.problem.key, reason.problem.path], ['staging', codeKey, 'code']);
  assert.not.ok(puts(prodCalls).includes(codeKey), 'the altered code was not written to prod');
  assert.not.ok(prodCalls.some((c) => c.op === 'cfn.createChangeSet'), 'no change set');
});

test('D-18: a workspace that differs from what staging runs is refused before anything is copied, naming what differs; --allow-mismatch promotes what staging runs, not the workspace, and the review says so', async () => {
  const s = await stagingDeployed();
  const deployedFrontend = s.staging.stack('Services/Frontend')?.template;
  s.platform = fixturePlatform((t) => { props(t, 'services/frontend.json', 'LogGroup')['RetentionInDays'] = 60; });

  const refused = await s.promote({ answers: ['yes'] });
  const reason = expectOutcome(refused.outcome, 'refused').reason;
  assert.is(reason.kind, 'promotion-mismatch');
  if (reason.kind === 'promotion-mismatch') assert.equal(reason.differences, [{ kind: 'template', path: 'Services/Frontend', change: 'changed' }], 'the changed stack alone, not its parents');
  assert.equal(changes(refused.prodCalls), [], 'nothing copied, no change set');

  const allowed = await s.promote({ answers: ['yes'], allowMismatch: true });
  expectOutcome(allowed.outcome, 'promoted');
  assert.equal(s.prod.stack('Services/Frontend')?.template, deployedFrontend, 'prod runs what staging runs');
  assert.not.equal(JSON.stringify(deployedFrontend), JSON.stringify(s.prepared('prod').packaged.stacks.find((p) => p.path === 'Services/Frontend')?.template));
  const [saved] = eventsOf(allowed.events, 'review-artifact');
  assert.is(saved.artifact.promotion?.localTemplates, 'differ');
});

test('D-18: a source not deployed, not settled, or missing or altering an artifact is refused before any change in prod, naming it', async () => {
  const none = new PromotionScenario();
  const notDeployed = expectOutcome((await none.promote()).outcome, 'precondition').reason;
  assert.equal(notDeployed, { kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'not-deployed', stackName: 'tap-staging' } });

  const s = await stagingDeployed();
  const bucket = s.staging.buckets.get(bucketOf('staging'))!;
  const [codeKey] = s.keys('staging').filter((key) => key.startsWith('assets/'));
  const code = bucket.objects.get(codeKey)!;
  bucket.objects.delete(codeKey);
  const missing = await s.promote();
  const reason = expectOutcome(missing.outcome, 'precondition').reason;
  assert.ok(reason.kind === 'promotion-artifacts' && reason.problem.kind === 'artifact-missing' && reason.problem.key === codeKey && reason.problem.what === 'code', JSON.stringify(reason));
  assert.equal(changes(missing.prodCalls), []);
  bucket.objects.set(codeKey, code);

  const leaf = s.keys('staging').find((key) => key.startsWith('templates/') && s.staging.stack('Network')?.templateBody === Buffer.from(bucket.objects.get(key)!.body).toString('utf8'))!;
  const original = bucket.objects.get(leaf)!;
  bucket.objects.set(leaf, { ...original, body: Buffer.from(Buffer.from(original.body).toString('utf8').replace('"Resources"', '"Resources" ')) });
  const altered = expectOutcome((await s.promote()).outcome, 'precondition').reason;
  assert.ok(altered.kind === 'promotion-artifacts' && altered.problem.kind === 'artifact-altered' && altered.problem.path === 'Network', JSON.stringify(altered));
  bucket.objects.set(leaf, original);

  s.staging.rootStack('tap-staging')!.status = 'UPDATE_ROLLBACK_COMPLETE';
  const unsettled = expectOutcome((await s.promote()).outcome, 'precondition').reason;
  assert.equal(unsettled, { kind: 'promotion-artifacts', environment: 'staging', problem: { kind: 'not-settled', stackName: 'tap-staging', status: 'UPDATE_ROLLBACK_COMPLETE' } });
});

test('D-18: a reviewed promotion (--diff, then --review) executes exactly its change set reading prod\'s bucket alone; a change to prod\'s params file since makes it stale', async () => {
  const s = await stagingDeployed();
  const diffed = await s.promote({ mode: 'diff' });
  expectOutcome(diffed.outcome, 'reviewed');
  const [saved] = eventsOf(diffed.events, 'review-artifact');
  assert.equal(changes(diffed.prodCalls).map((c) => c.op).filter((op) => op !== 's3.putObject'), ['cfn.createChangeSet'], 'copied and reviewed, not executed');

  const executed = await s.promote({ review: saved.artifact });
  expectOutcome(executed.outcome, 'promoted');
  assert.equal(executed.stagingCalls, [], 'staging is not read again');
  assert.equal(ops(changes(executed.prodCalls)).filter((op) => op === 'cfn.createChangeSet' || op === 's3.putObject'), [], 'no new change set, nothing copied');
  assert.ok(ops(executed.prodCalls).includes('cfn.executeChangeSet'));

  const rediffed = await s.promote({ mode: 'diff', allowReplace: [] });
  // Nothing to promote any more: prod runs what staging runs.
  assert.is(rediffed.outcome.type, 'no-changes');
  s.editParams('staging', (d) => { d.parameters['DataProtection'] = 'delete'; });
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 60; });
  await s.deploy('staging');
  const next = await s.promote({ mode: 'diff' });
  const [nextSaved] = eventsOf(next.events, 'review-artifact');
  s.editParams('prod', (d) => { d.tags = { ...d.tags, 'cost-center': 'another' }; });
  const stale = expectOutcome((await s.promote({ review: nextSaved.artifact })).outcome, 'stale-review');
  assert.equal(stale.reasons, [{ kind: 'tags' }]);
});

test('D-18: the promoted root\'s parameters are prod\'s params file\'s; one it needs and the file lacks stops the promotion before a change set', async () => {
  const s = await stagingDeployed();
  const needs = (template: TemplateJson) => { template.Parameters = { ...template.Parameters, ReleaseChannel: { Type: 'String', Description: 'a parameter only staging\'s templates have' } }; };
  // Staging runs a root with one more required parameter (deployed from another commit).
  s.platform = fixturePlatform((t) => needs(t['root.json']));
  s.editParams('staging', (d) => { d.parameters['ReleaseChannel'] = 'stable'; });
  await s.deploy('staging');
  const root = s.staging.rootStack('tap-staging');
  if (!root?.template?.Parameters?.['ReleaseChannel']) return assert.unreachable('set-up: staging runs the new root');
  s.platform = fixturePlatform();
  const { outcome, prodCalls } = await s.promote({ allowMismatch: true });
  assert.equal(expectOutcome(outcome, 'precondition').reason, { kind: 'promotion-parameters', from: 'staging', file: 'params/prod.json', missing: ['ReleaseChannel'] });
  assert.equal(changes(prodCalls), []);
});

test('D-18: the code keys a promotion copies are the ones the templates read from the ArtifactBucket parameter', () => {
  const templates = fixturePlatform().templates.map((t) => t.template);
  assert.equal(assetKeys(templates), [...new Set(templates.flatMap((t) => JSON.stringify(t).match(/assets\/[a-z-]+-[0-9a-f]{16}\.zip/g) ?? []))].sort());
  assert.ok(assetKeys(templates).length > 0);
});

let realPlatform: ReturnType<typeof renderPlatform> | undefined;

test('D-18 / D-17: a promotion as each environment\'s deploy role needs no other permission: staging\'s role reads staging\'s stack and bucket, prod\'s role writes prod\'s bucket and runs its change set', async () => {
  realPlatform ??= renderPlatform(SERVICE_CATALOG, testAssets());
  const s = new PromotionScenario({ platform: realPlatform, bootstrapped: false });
  for (const name of ['staging', 'prod'] as const) {
    expectOutcome((await s.operateOn(name, bootstrap, { answers: ['yes'] })).outcome, 'bootstrapped');
    s.editParams(name, (d) => { d.deployment['deployRoleArn'] = `arn:aws:iam::${s.fake(name).account}:role/role-deploy-tap-${name}`; });
  }
  const asRole = { prepare: { assumeDeployRole: true } } as const;
  expectOutcome((await s.operateOn('staging', deploying(), { ...asRole, answers: ['yes'] })).outcome, 'deployed');

  const { outcome, stagingCalls, prodCalls } = await s.promote({ ...asRole, source: { assumeDeployRole: true }, answers: ['yes'] });
  expectOutcome(outcome, 'promoted');
  assert.equal([...s.staging.denials, ...s.prod.denials], [], 'no call was denied');
  const afterAssume = (calls: readonly RecordedCall[]) => calls.slice(calls.findIndex((c) => c.op === 'sts.assumeRole') + 1);
  assert.equal([...new Set(afterAssume(stagingCalls).map((c) => c.role))], ['role-deploy-tap-staging'], 'staging is read as its deploy role');
  assert.equal([...new Set(afterAssume(prodCalls).map((c) => c.role))], ['role-deploy-tap-prod'], 'prod is written as its deploy role');
  for (const op of ['cfn.getTemplate', 's3.getObject', 's3.headObject']) assert.ok(stagingCalls.some((c) => c.op === op), op);
  for (const op of ['s3.putObject', 'cfn.createChangeSet', 'cfn.executeChangeSet']) assert.ok(prodCalls.some((c) => c.op === op), op);
  assert.equal(changes(stagingCalls), []);
});

test.run();
