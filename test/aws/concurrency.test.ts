/**
 * The session's bound on requests in flight (src/aws/concurrency.ts): the deploy path's reads of a
 * 100-service tree overlap, never more than the bound at once, and throttling shrinks the bound
 * while every throttled read is retried to completion. Run against the fake AWS through a meter
 * (test/helpers/port-meter.ts) that gives the measured requests a small real latency, so
 * overlapping requests are really in flight together, and answers some with throttling. Counts and
 * bounds only: speed is measured by `make bench`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { afterAnswer, DEFAULT_MAX_IN_FLIGHT, withConcurrencyLimit } from '../../src/aws/concurrency';
import { AwsError } from '../../src/aws/port';
import { renderPlatform, type RenderedPlatform } from '../../src/synth/render';
import { FakeAws } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';
import { deploying, diffing, eventsOf, expectOutcome, Scenario } from '../helpers/deploy-harness';
import { testAssets } from '../helpers/platform';
import { PortMeter } from '../helpers/port-meter';
import { syntheticCatalog } from '../helpers/synthetic-catalog';

let platform: RenderedPlatform | undefined;
const hundredServices = (): RenderedPlatform => (platform ??= renderPlatform(syntheticCatalog(100), testAssets()));

test('D-5: the bound halves on a throttled answer (never below one) and a window of successes adds one, up to the maximum', () => {
  let state = { max: 8, limit: 8 };
  state = afterAnswer(state, true);
  assert.is(state.limit, 4);
  for (let i = 0; i < 4; i += 1) state = afterAnswer(state, false);
  assert.ok(state.limit > 4.9 && state.limit < 5, String(state.limit));
  for (let i = 0; i < 100; i += 1) state = afterAnswer(state, false);
  assert.is(state.limit, 8);
  for (let i = 0; i < 10; i += 1) state = afterAnswer(state, true);
  assert.is(state.limit, 1);
});

test('D-5: a throttled request shrinks how many are in flight together; other errors do not', async () => {
  const aws = new FakeAws({ clock: new FakeClock() });
  const meter = new PortMeter(2);
  const limited = withConcurrencyLimit(meter.wrap(aws.port));
  aws.inject('sts.callerIdentity', new AwsError('transient', 'ECONNRESET', 'socket hang up', 'sts.callerIdentity'));
  await limited.port.sts.callerIdentity().catch(() => undefined);
  assert.is(limited.limit(), DEFAULT_MAX_IN_FLIGHT, 'a network error says nothing about the rate');
  aws.throttle('sts.callerIdentity', 1);
  const throttled = await limited.port.sts.callerIdentity().then(() => undefined, (error: unknown) => error);
  assert.instance(throttled, AwsError);
  assert.is(limited.limit(), DEFAULT_MAX_IN_FLIGHT / 2);
  meter.reset();
  await Promise.all(Array.from({ length: 16 }, () => limited.port.sts.callerIdentity()));
  assert.ok(meter.maxInFlight > 1 && meter.maxInFlight < DEFAULT_MAX_IN_FLIGHT, `in flight at most ${meter.maxInFlight}`);
});

test('D-13: a request still waiting for a slot when Ctrl-C aborts the run is never sent', async () => {
  const aws = new FakeAws({ clock: new FakeClock() });
  const meter = new PortMeter(5);
  const controller = new AbortController();
  const limited = withConcurrencyLimit(meter.wrap(aws.port), { maxInFlight: 1, signal: controller.signal });
  const first = limited.port.sts.callerIdentity();
  const second = limited.port.sts.callerIdentity().then(() => undefined, (error: unknown) => error);
  controller.abort();
  await first;
  const refused = await second;
  assert.instance(refused, AwsError);
  assert.is((refused as AwsError).code, 'Interrupted');
  assert.is(meter.counts.get('sts.callerIdentity'), 1, 'only the request already in flight was sent');
});

test('D-13: a read made after Ctrl-C (the report of what the run left behind) is sent once a slot frees, even behind dropped ones', async () => {
  const aws = new FakeAws({ clock: new FakeClock() });
  const meter = new PortMeter(5);
  const controller = new AbortController();
  const limited = withConcurrencyLimit(meter.wrap(aws.port), { maxInFlight: 1, signal: controller.signal });
  const first = limited.port.sts.callerIdentity();
  const dropped = limited.port.sts.callerIdentity().then(() => undefined, (error: unknown) => error);
  controller.abort();
  const report = limited.port.sts.callerIdentity();
  await first;
  assert.is((await dropped as AwsError).code, 'Interrupted');
  assert.ok(await report, 'the read made after Ctrl-C was answered');
  assert.is(meter.counts.get('sts.callerIdentity'), 2, 'the first and the report; the one waiting at Ctrl-C was not sent');
});

test('D-5 / D-9: deploying 100 services, the reads of nested change sets and stack outputs overlap, never more than the bound at once', async () => {
  const meter = new PortMeter(1);
  const s = new Scenario('dev', { platform: hundredServices(), wrapPort: meter.wrap });
  const { outcome, events } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  const stacks = hundredServices().templates.filter((t) => t.name !== 'bootstrap').length;
  const [{ artifact }] = eventsOf(events, 'review-artifact');
  assert.is(artifact.changeSet.nested.length, stacks - 1);
  assert.ok((meter.counts.get('cfn.describeChangeSet') ?? 0) >= stacks, 'one DescribeChangeSet per nested change set');
  assert.ok((meter.counts.get('cfn.describeStack') ?? 0) >= stacks, 'the outputs of every stack');
  assert.is(meter.maxInFlight, DEFAULT_MAX_IN_FLIGHT, 'reads overlap up to the bound, never beyond it');
});

test('D-5: a diff of 100 changed service stacks reads them together up to the bound, and completes while a third of those reads are throttled', async () => {
  const meter = new PortMeter(0);
  const s = new Scenario('dev', { platform: hundredServices(), wrapPort: meter.wrap });
  await s.deployed();
  // Every service template changes (its error-log metric filter), so every stack has a nested change set.
  s.platform = renderPlatform(syntheticCatalog(100).map((service) => ({ ...service, errorLogPattern: '?ERROR ?FATAL' })), testAssets());
  meter.reset();
  meter.latencyMs = 1;
  const plain = await s.operate(diffing());
  assert.is(plain.outcome.type, 'reviewed');
  assert.is(meter.maxInFlight, DEFAULT_MAX_IN_FLIGHT, 'the review reads its stacks together, up to the bound');

  meter.reset();
  meter.latencyMs = 1;
  meter.throttle('cfn.describeChangeSet', 3);
  meter.throttle('cfn.getTemplate', 3);
  const retriesBefore = s.retryDelays.length;
  const { outcome, events } = await s.operate(diffing());
  assert.is(outcome.type, 'reviewed', JSON.stringify(outcome).slice(0, 400));
  const [{ review }] = eventsOf(events, 'review-ready');
  // The root, the services stack and each service stack whose template changed: all read, none lost to throttling.
  assert.ok(review.counts.stacks > 95, `${review.counts.stacks} stacks in the review`);
  assert.ok((meter.counts.get('cfn.describeChangeSet') ?? 0) - meter.throttled >= review.counts.stacks);
  assert.ok(meter.throttled > 60, `${meter.throttled} throttled`);
  assert.is(s.retryDelays.length - retriesBefore, meter.throttled, 'every throttled request was retried');
  assert.ok(meter.maxInFlight > 1 && meter.maxInFlight <= DEFAULT_MAX_IN_FLIGHT, `in flight at most ${meter.maxInFlight}`);
});

test.run();
