/**
 * D-16 release scenarios against the fake AWS, on the real platform (rendered from src/stacks):
 * one service's tag changes one service stack; a missing image stops before any change set; a
 * stack that runs something else than the workspace is not released into; a change set that
 * reaches beyond the service is refused before approval; a service's first release creates its
 * stack. Asserted on outcomes, events and the fake's stacks; the words are test/cli/'s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderPlatform } from '../../src/synth/render';
import { release, releaseArgumentProblems, type ReleaseOptions } from '../../src/operations/release';
import { prepareConnection, type Connection } from '../../src/operations/connection';
import type { OperationIo } from '../../src/operations/operation';
import { eventsOf, expectOutcome, imageTagsAt, ops, Scenario } from '../helpers/deploy-harness';
import { testAssets } from '../helpers/platform';
import { SERVICE_CATALOG } from '../../src/catalog/services';

const releasing = (options: ReleaseOptions) => (c: Connection, io: OperationIo) => release(c, io, options);

let platform: ReturnType<typeof renderPlatform> | undefined;
const realPlatform = () => (platform ??= renderPlatform(SERVICE_CATALOG, testAssets()));

/** The real platform deployed with these tags (every image pushed first). */
async function deployedWith(tags: Record<string, string>): Promise<Scenario> {
  const s = new Scenario('dev', { platform: realPlatform() });
  for (const [service, tag] of Object.entries(tags)) if (tag) s.aws.pushImage(`ecr-${service}-dev`, tag);
  s.editParams((d) => { d.imageTags = tags; });
  await s.deployed();
  return s;
}

const byStack = (s: Scenario) => new Map(s.aws.stackSnapshots().map((snapshot) => [snapshot.path || snapshot.stackName, snapshot]));

test('D-16: a release changes only the named service\'s stack: every other stack\'s template and parameters stay byte-for-byte the same, and the review says so', async () => {
  const s = await deployedWith(imageTagsAt('1.0.0'));
  const before = byStack(s);
  s.aws.pushImage('ecr-api-gateway-dev', '1.0.1');
  s.editParams((d) => { d.imageTags['api-gateway'] = '1.0.1'; });
  const { outcome, events, calls } = await s.operate(releasing({ service: 'api-gateway', tag: '1.0.1' }), { answers: ['yes'] });
  const released = expectOutcome(outcome, 'released');
  assert.equal([released.previousTag, released.tag], ['1.0.0', '1.0.1']);
  // The image was looked up before anything else touched CloudFormation.
  assert.is(ops(calls).filter((op) => op !== 'sts.configuredRegion')[1], 'ecr.describeImage');

  const after = byStack(s);
  assert.equal([...after.keys()].sort(), [...before.keys()].sort(), 'the same stacks');
  for (const [stack, snapshot] of after) {
    assert.is(snapshot.templateBody, before.get(stack)?.templateBody, `${stack}: template unchanged`);
  }
  const parametersChanged = [...after].filter(([stack, snapshot]) => snapshot.parameters !== before.get(stack)?.parameters).map(([stack]) => stack).sort();
  // The tag passes through the root and the services stack to api-gateway's stack alone.
  assert.equal(parametersChanged, ['Services', 'Services/ApiGateway', 'tap-dev']);
  assert.match(after.get('Services/ApiGateway')?.parameters ?? '', '["ImageTag","1.0.1"]');

  // The review: real changes inside Services/ApiGateway only; its caller is listed as noise.
  const [scope] = eventsOf(events, 'release-scope');
  assert.ok(scope.changed.length > 0 && scope.changed.every((address) => address.startsWith('Services/ApiGateway/')), scope.changed.join(', '));
  assert.ok(scope.changed.includes('Services/ApiGateway/TaskDefinition'), scope.changed.join(', '));
  assert.equal(scope.noise, ['Services/Frontend'], 'frontend reads api-gateway\'s security group: known after apply');
});

test('D-16: a missing image is refused before any change set, and nothing in AWS changes', async () => {
  const s = await deployedWith(imageTagsAt('1.0.0'));
  s.editParams((d) => { d.imageTags['frontend'] = '1.0.2'; });
  const { outcome, calls } = await s.operate(releasing({ service: 'frontend', tag: '1.0.2' }), { answers: ['yes'] });
  const reason = expectOutcome(outcome, 'precondition').reason;
  assert.equal(reason, { kind: 'image-missing', service: 'frontend', repository: 'ecr-frontend-dev', tag: '1.0.2', registryId: '111122223333', region: 'eu-west-1', repositoryExists: true });
  assert.equal(ops(calls).filter((op) => op.startsWith('cfn.')), [], 'not even a CloudFormation read');
  assert.equal(s.aws.mutatingCalls().filter((c) => calls.includes(c)), []);
  assert.is(s.aws.pendingChangeSets().length, 0);
});

test('D-16: before the first deploy there is no repository, and the release says so without a change set', async () => {
  const s = new Scenario('dev', { platform: realPlatform(), images: false });
  const { outcome, calls } = await s.operate(releasing({ service: 'frontend', tag: '1.0.0' }));
  assert.is(expectOutcome(outcome, 'precondition').reason.kind, 'image-missing');
  assert.not.ok(ops(calls).includes('cfn.createChangeSet'));
});

test('D-16: a stack that runs other parameters than the workspace (besides the tag) is not released into', async () => {
  const s = await deployedWith(imageTagsAt('1.0.0'));
  s.aws.pushImage('ecr-frontend-dev', '1.1.0');
  s.editParams((d) => { d.imageTags['frontend'] = '1.1.0'; d.parameters['DesiredCount'] = 3; });
  const { outcome, calls } = await s.operate(releasing({ service: 'frontend', tag: '1.1.0' }), { answers: ['yes'] });
  const reason = expectOutcome(outcome, 'precondition').reason;
  assert.equal(reason, { kind: 'release-drift', stackName: 'tap-dev', service: 'frontend', differences: [{ kind: 'parameters', names: ['DesiredCount'] }] });
  assert.not.ok(ops(calls).includes('cfn.createChangeSet'));
});

test('D-16: a change set that would change another stack (a nested stack updated out of band) is refused before approval and deleted', async () => {
  const s = await deployedWith(imageTagsAt('1.0.0'));
  // Someone updated Services/Frontend directly; the root still passes its template values.
  const frontend = s.aws.stack('Services/Frontend');
  if (!frontend) throw new Error('no Services/Frontend');
  frontend.parameters['DesiredCount'] = '5';
  s.aws.pushImage('ecr-data-ingestion-dev', '1.0.1');
  s.editParams((d) => { d.imageTags['data-ingestion'] = '1.0.1'; });
  const { outcome, questions, calls } = await s.operate(releasing({ service: 'data-ingestion', tag: '1.0.1' }), { answers: ['yes'] });
  const refused = expectOutcome(outcome, 'refused');
  assert.is(refused.reason.kind, 'release-scope');
  if (refused.reason.kind !== 'release-scope') return;
  assert.ok(refused.reason.outside.some((address) => address.startsWith('Services/Frontend/')), refused.reason.outside.join(', '));
  assert.is(refused.reason.changeSetDeleted, true);
  assert.equal(questions, [], 'nobody was asked to approve it');
  assert.not.ok(ops(calls).includes('cfn.executeChangeSet'));
  assert.is(s.aws.pendingChangeSets().length, 0);
});

test('D-16: a service\'s first release (empty tag before) creates its stack; the first release of all creates the services stack with it', async () => {
  const none = { frontend: '', 'api-gateway': '', 'data-ingestion': '', 'analytics-engine': '' };
  const s = await deployedWith(none);
  assert.is(s.aws.stack('Services'), undefined, 'no services stack without a released service');
  s.aws.pushImage('ecr-data-ingestion-dev', '0.1.0');
  s.editParams((d) => { d.imageTags['data-ingestion'] = '0.1.0'; });
  const first = await s.operate(releasing({ service: 'data-ingestion', tag: '0.1.0' }), { answers: ['yes'] });
  assert.is(expectOutcome(first.outcome, 'released').previousTag, '');
  assert.ok(s.aws.stack('Services/DataIngestion'), 'its stack exists');
  assert.is(s.aws.stack('Services/AnalyticsEngine'), undefined, 'the others wait for their tags');

  s.aws.pushImage('ecr-analytics-engine-dev', '0.1.0');
  s.editParams((d) => { d.imageTags['analytics-engine'] = '0.1.0'; });
  const second = await s.operate(releasing({ service: 'analytics-engine', tag: '0.1.0' }), { answers: ['yes'] });
  expectOutcome(second.outcome, 'released');
  const [scope] = eventsOf(second.events, 'release-scope');
  assert.ok(scope.changed.every((address) => address.startsWith('Services/AnalyticsEngine/')), scope.changed.join(', '));
  assert.ok(s.aws.stack('Services/AnalyticsEngine'));
});

test('D-16: releasing the tag that already runs changes nothing and creates no change set', async () => {
  const s = await deployedWith(imageTagsAt('1.0.0'));
  const { outcome, calls } = await s.operate(releasing({ service: 'frontend', tag: '1.0.0' }));
  expectOutcome(outcome, 'already-released');
  assert.not.ok(ops(calls).includes('cfn.createChangeSet'));
});

test('D-16: release arguments are checked before any AWS call: a pending service has no stack to release into', () => {
  const s = new Scenario('dev', { platform: realPlatform() });
  const prepared = prepareConnection(s.runtime({}), s.root, 'dev', {}, { requireFresh: false });
  // A catalog service the params file names but the templates give no stack (imagePending).
  const env = { ...prepared.env, imageTags: { ...prepared.env.imageTags, 'risk-engine': '' } };
  const problems = (service: string, tag: string) => releaseArgumentProblems({ service, tag }, { env, packaged: prepared.packaged }).map((p) => `${p.path}: ${p.message}`);
  assert.match(problems('risk-engine', '0.1.0')[0] ?? '', '--service: "risk-engine" is imagePending in the catalog');
  assert.equal(problems('frontend', '1.0.0'), []);
  assert.match(problems('frontend', '1.0.1')[0] ?? '', '/imageTags/frontend: is "1.0.0", but the release is of "1.0.1"');
});

test.run();
