/**
 * Fault suite on the fake: throttling and network errors mid-deploy, an ExecuteChangeSet whose
 * answer is lost, change-set creation failures, losing contact while watching. Nothing is lost
 * and every run ends in an outcome that says what happened.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../src/aws/port';
import { backoffDelay, retryDecision } from '../../src/aws/retry';
import { deploying, diffing, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props } from '../fakes/platform-fixture';

const changed = () => fixturePlatform((t) => {
  props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 60;
});

test('D-7: throttling is retried with jittered exponential backoff, wherever it happens', async () => {
  const s = new Scenario('dev');
  s.aws.throttle('cfn.createChangeSet', 2);
  s.aws.throttle('s3.headObject', 1);
  s.aws.throttle('cfn.describeStackEvents', 3);
  s.aws.throttle('cfn.executeChangeSet', 1);
  const { outcome, events, calls } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  // random() is 0.5 in tests: half of min(20 s, 500 ms × 2^attempt).
  assert.equal([...s.retryDelays].sort((a, b) => a - b), [250, 250, 250, 250, 500, 500, 1000]);
  const retries = eventsOf(events, 'retry').map((r) => `${r.errorKind} ${r.operation} ${r.attempt} ${r.delayMs}`);
  assert.ok(retries.includes('throttled cfn.createChangeSet 1 250'), retries.join('\n'));
  assert.ok(retries.includes('throttled cfn.describeStackEvents 3 1000'), retries.join('\n'));
  assert.is(calls.filter((c) => c.op === 'cfn.executeChangeSet').length, 2, 'a throttled execute was rejected, so it is safe to send again');
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-7: retry decisions: throttling always, transient errors only for repeatable calls, never past the limit', () => {
  const throttled = new AwsError('throttled', 'Throttling', 'Rate exceeded', 'cfn.executeChangeSet');
  const reset = new AwsError('transient', 'ECONNRESET', 'reset', 'x');
  const invalid = new AwsError('validation', 'ValidationError', 'bad', 'x');
  assert.equal(retryDecision('cfn.executeChangeSet', throttled, 0, 0.5), { retry: true, delayMs: 250 });
  assert.equal(retryDecision('cfn.executeChangeSet', reset, 0, 0.5), { retry: false });
  assert.equal(retryDecision('cfn.describeStackEvents', reset, 0, 0.5), { retry: true, delayMs: 250 });
  assert.equal(retryDecision('cfn.describeStackEvents', reset, 3, 0.5), { retry: false });
  assert.equal(retryDecision('cfn.describeStackEvents', invalid, 0, 0.5), { retry: false });
  assert.is(backoffDelay(10, 0.999), 19_980, 'capped at 20 s');
  assert.is(backoffDelay(0, 0), 0, 'full jitter reaches zero');
});

test('D-7 (faults): network errors while polling change sets and events are retried; the deploy completes', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.networkError('cfn.describeChangeSet', 2);
  s.aws.networkError('cfn.describeStackEvents', 3);
  s.aws.networkError('s3.putObject', 1);
  const { outcome, events } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  assert.ok(eventsOf(events, 'retry').some((r) => r.code === 'ECONNRESET' && r.operation === 'cfn.describeStackEvents' && r.attempt === 1));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test('D-6 (faults): an ExecuteChangeSet whose answer was lost is not sent twice (the change set shows it started)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.loseAnswer('cfn.executeChangeSet');
  const { outcome, events, calls } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  assert.is(calls.filter((c) => c.op === 'cfn.executeChangeSet').length, 1);
  assert.equal(eventsOf(events, 'execute-answer-lost'), [{ type: 'execute-answer-lost', code: 'ECONNRESET', executionStatus: 'EXECUTE_IN_PROGRESS' }]);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test('D-6 (faults): an ExecuteChangeSet that failed before reaching CloudFormation is sent once more after checking', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.networkError('cfn.executeChangeSet', 1);
  const { outcome, events, calls } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  assert.equal(eventsOf(events, 'execute-retry'), [{ type: 'execute-retry', code: 'ECONNRESET' }]);
  const used = ops(calls);
  assert.is(used.filter((op) => op === 'cfn.executeChangeSet').length, 2);
  assert.ok(used.lastIndexOf('cfn.describeChangeSet') < used.lastIndexOf('cfn.executeChangeSet'));
});

test('D-4 (faults): a nested change set that fails names its own reason; the change set and the empty stack are deleted', async () => {
  const s = new Scenario('dev');
  s.aws.failChangeSet('Services', "Parameters: [VpcId] must have values");
  const { outcome } = await s.operate(deploying(), { answers: ['yes'] });
  const { failure } = expectOutcome(outcome, 'change-set-failed');
  if (failure.kind !== 'failed') throw new Error(`expected a failed change set, got ${failure.kind}`);
  assert.match(failure.reason, /^Nested change set arn:aws:cloudformation:\S+ was not successfully created: Currently in FAILED\.$/);
  assert.equal(failure.causes.map((c) => c.reason), ['Parameters: [VpcId] must have values']);
  assert.match(failure.causes[0].stackName, /^tap-dev-Services-/);
  assert.is(failure.emptyStackDeleted, true);
  assert.equal(s.aws.allStackNames(), []);
});

test('D-4 (faults): a CreateChangeSet refused by CloudFormation stops with its message', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.inject('cfn.createChangeSet', new AwsError('validation', 'ValidationError', 'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template', 'cfn.createChangeSet', 400));
  const { outcome } = await s.operate(deploying(), { answers: ['yes'] });
  assert.equal(expectOutcome(outcome, 'change-set-failed').failure, {
    kind: 'rejected',
    error: { code: 'ValidationError', message: 'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template' },
  });
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-6 (faults): another deployment that starts while this one waits for approval stops it (a precondition)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  expectOutcome((await s.operate(diffing())).outcome, 'reviewed');
  const other = s.aws.pendingChangeSets()[0].id;
  s.clock.advance(60_000);
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 120; });
  const { outcome } = await s.operate(deploying(), {
    answers: [async () => {
      await s.aws.port.cfn.executeChangeSet(other, 'someone-else');
      return 'yes';
    }],
  });
  const { reason } = expectOutcome(outcome, 'precondition');
  if (reason.kind !== 'execute-conflict') throw new Error(`expected an execute conflict, got ${reason.kind}`);
  assert.is(reason.stackName, 'tap-dev');
  assert.is(reason.error.code, 'ValidationError');
  assert.match(reason.error.message, /^Stack:\S+ is in UPDATE_IN_PROGRESS state and can not be updated\.$/);
});

test('D-7 (faults): losing contact while watching ends clearly; the operation goes on and a re-run attaches to it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  let armed = false;
  s.aws.onCall = (call) => {
    if (call.op === 'cfn.executeChangeSet') armed = true;
    if (armed && call.op === 'cfn.describeStackEvents') s.aws.networkError('cfn.describeStackEvents', 1);
  };
  const lost = await s.operate(deploying(), { answers: ['yes'] });
  const outcome = expectOutcome(lost.outcome, 'lost-contact');
  assert.equal(outcome.error, { code: 'ECONNRESET', message: 'socket hang up' });
  assert.is(outcome.statusNow, 'UPDATE_IN_PROGRESS');
  assert.equal(eventsOf(lost.events, 'watch-warning').map((w) => w.error), [{ code: 'ECONNRESET', message: 'socket hang up' }], 'reported once');

  const again = await s.operate(deploying(), { answers: ['yes'] });
  assert.ok(['deployed', 'no-changes'].includes(again.outcome.type), again.outcome.type);
  assert.ok(eventsOf(again.events, 'attaching').length + eventsOf(again.events, 'change-set-empty').length + eventsOf(again.events, 'unchanged').length > 0);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test.run();
