/**
 * D-16: deploy, diff and promote look up the images they would start before any change set
 * (src/operations/images.ts), on the real platform (rendered from src/stacks) against the fake AWS.
 * A tag the stack already runs, or an empty tag, is never looked up, so a no-op deploy makes no
 * ECR call.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderPlatform } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { deploying, diffing, expectOutcome, imageTagsAt, ops, Scenario } from '../helpers/deploy-harness';
import { testAssets } from '../helpers/platform';

let platform: ReturnType<typeof renderPlatform> | undefined;
const realPlatform = () => (platform ??= renderPlatform(SERVICE_CATALOG, testAssets()));

const changeSetsAndUploads = (calls: readonly string[]) => calls.filter((op) => op === 'cfn.createChangeSet' || op.startsWith('s3.put'));

test('D-16: a first deploy whose tags name images in repositories that do not exist yet stops before any upload or change set, naming every service', async () => {
  const s = new Scenario('dev', { platform: realPlatform(), images: false });
  const { outcome, calls } = await s.operate(deploying(), { answers: ['yes'] });
  const reason = expectOutcome(outcome, 'precondition').reason;
  if (reason.kind !== 'images-missing') throw new Error(`expected images-missing, got ${reason.kind}`);
  assert.equal(reason.missing.map((m) => [m.service, m.repository, m.tag, m.repositoryExists]), SERVICE_CATALOG.filter((s) => !s.imagePending).map((s) => [s.name, `ecr-${s.name}-dev`, '1.0.0', false]));
  assert.equal(changeSetsAndUploads(ops(calls)), []);
  assert.equal(s.aws.mutatingCalls().filter((c) => calls.includes(c)), []);
});

test('D-16: empty tags (the documented first deploy) start no image and look nothing up', async () => {
  const s = new Scenario('dev', { platform: realPlatform(), images: false });
  s.editParams((d) => { d.imageTags = imageTagsAt(''); });
  const { outcome, calls } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  assert.not.ok(ops(calls).includes('ecr.describeImage'));
});

test('D-16: a deploy that moves one tag to an image not pushed stops before any change set, naming that image alone; once pushed it deploys', async () => {
  const s = new Scenario('dev', { platform: realPlatform() });
  await s.deployed();
  s.editParams((d) => { d.imageTags['frontend'] = '1.0.1'; });
  const refused = await s.operate(deploying(), { answers: ['yes'] });
  const reason = expectOutcome(refused.outcome, 'precondition').reason;
  assert.equal(reason, { kind: 'images-missing', registryId: '111122223333', region: 'eu-west-1', missing: [{ service: 'frontend', repository: 'ecr-frontend-dev', tag: '1.0.1', repositoryExists: true, running: false }] });
  const launched = SERVICE_CATALOG.filter((service) => !service.imagePending);
  assert.is(refused.calls.filter((c) => c.op === 'ecr.describeImage').length, launched.length, 'every tag is looked up, the ones the stack runs too');
  assert.equal(changeSetsAndUploads(ops(refused.calls)), []);
  assert.is(s.aws.pendingChangeSets().length, 0);

  const diffed = await s.operate(diffing());
  assert.is(expectOutcome(diffed.outcome, 'precondition').reason.kind, 'images-missing', 'diff says so too');

  s.aws.pushImage('ecr-frontend-dev', '1.0.1');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
});

test('D-16: an image a service runs that ECR no longer holds (the lifecycle policy keeps the last images) stops a deploy that changes anything', async () => {
  const s = new Scenario('dev', { platform: realPlatform() });
  await s.deployed();
  s.aws.images.get('ecr-frontend-dev')?.delete('1.0.0');
  s.platform = renderPlatform(SERVICE_CATALOG.map((service) => (service.name === 'frontend' ? { ...service, scalingMetric: { ...service.scalingMetric, targetValue: service.scalingMetric.targetValue + 1 } } : service)), testAssets());
  const { outcome, calls } = await s.operate(deploying(), { answers: ['yes'] });
  const reason = expectOutcome(outcome, 'precondition').reason;
  assert.equal(reason, { kind: 'images-missing', registryId: '111122223333', region: 'eu-west-1', missing: [{ service: 'frontend', repository: 'ecr-frontend-dev', tag: '1.0.0', repositoryExists: true, running: true }] });
  assert.equal(changeSetsAndUploads(ops(calls)), []);
});

test('D-16 / D-3: a deploy with nothing to do makes no ECR call', async () => {
  const s = new Scenario('dev', { platform: realPlatform() });
  await s.deployed();
  const { outcome, calls } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'no-changes');
  assert.not.ok(ops(calls).includes('ecr.describeImage'));
});

test.run();
