/**
 * Fault suite on the fake: throttling and network errors mid-deploy, an ExecuteChangeSet whose
 * answer is lost, change-set creation failures, losing contact while watching. Nothing is lost
 * and every run ends with a clear message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../src/aws/port';
import { backoffDelay, retryDecision } from '../../src/aws/retry';
import { ops, Scenario } from '../helpers/deploy-harness';
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
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  // random() is 0.5 in tests: half of min(20 s, 500 ms × 2^attempt).
  assert.equal([...s.retryDelays].sort((a, b) => a - b), [250, 250, 250, 250, 500, 500, 1000]);
  assert.match(result.stdout, /throttled on cfn\.createChangeSet; retry 1 in 0\.3s/);
  assert.match(result.stdout, /throttled on cfn\.describeStackEvents; retry 3 in 1s/);
  assert.is(result.calls.filter((c) => c.op === 'cfn.executeChangeSet').length, 2, 'a throttled execute was rejected, so it is safe to send again');
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
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /ECONNRESET on cfn\.describeStackEvents; retry 1/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test('D-6 (faults): an ExecuteChangeSet whose answer was lost is not sent twice (the change set shows it started)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.loseAnswer('cfn.executeChangeSet');
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.calls.filter((c) => c.op === 'cfn.executeChangeSet').length, 1);
  assert.match(result.stdout, /ExecuteChangeSet's answer was lost \(ECONNRESET\), but the change set is EXECUTE_IN_PROGRESS: it was accepted; following it\./);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test('D-6 (faults): an ExecuteChangeSet that failed before reaching CloudFormation is sent once more after checking', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.networkError('cfn.executeChangeSet', 1);
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /ExecuteChangeSet failed \(ECONNRESET\); the change set is still AVAILABLE, so it was not executed: trying once more\./);
  const used = ops(result.calls);
  assert.is(used.filter((op) => op === 'cfn.executeChangeSet').length, 2);
  assert.ok(used.lastIndexOf('cfn.describeChangeSet') < used.lastIndexOf('cfn.executeChangeSet'));
});

test('D-4 (faults): a nested change set that fails names its own reason; the change set and the empty stack are deleted (exit 3)', async () => {
  const s = new Scenario('dev');
  s.aws.failChangeSet('Services', "Parameters: [VpcId] must have values");
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 3);
  assert.match(result.stderr, /CloudFormation could not create the change set: Nested change set arn:aws:cloudformation:\S+ was not successfully created: Currently in FAILED\./);
  assert.match(result.stderr, /caused by tap-dev-Services-\S+: Parameters: \[VpcId\] must have values/);
  assert.match(result.stderr, /The failed change set was deleted, and so was the empty stack it had created\. Nothing else was changed\./);
  assert.equal(s.aws.allStackNames(), []);
});

test('D-4 (faults): a CreateChangeSet refused by CloudFormation stops with its message (exit 3)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  s.aws.inject('cfn.createChangeSet', new AwsError('validation', 'ValidationError', 'Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template', 'cfn.createChangeSet', 400));
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 3);
  assert.match(result.stderr, /CloudFormation rejected the change set: Template format error: Unresolved resource dependencies \[Nope\]/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-6 (faults): another deployment that starts while this one waits for approval stops it with a pointer (exit 4)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  assert.is((await s.run(['diff', '--env', 'dev'])).code, 0);
  const other = s.aws.pendingChangeSets()[0].id;
  s.clock.advance(60_000);
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 120; });
  const result = await s.run(['deploy', '--env', 'dev'], {
    tty: true,
    answers: [async () => {
      await s.aws.port.cfn.executeChangeSet(other, 'someone-else');
      return 'yes';
    }],
  });
  assert.is(result.code, 4);
  assert.match(result.stderr, /the change set could not be executed: ValidationError: Stack:\S+ is in UPDATE_IN_PROGRESS state and can not be updated\./);
  assert.match(result.stderr, /Another operation may have started on tap-dev meanwhile; make deploy ENV=dev follows it\./);
});

test('D-7 (faults): losing contact while watching ends clearly (exit 1); the operation goes on and a re-run attaches to it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changed();
  let armed = false;
  s.aws.onCall = (call) => {
    if (call.op === 'cfn.executeChangeSet') armed = true;
    if (armed && call.op === 'cfn.describeStackEvents') s.aws.networkError('cfn.describeStackEvents', 1);
  };
  const lost = await s.run(['deploy', '--env', 'dev', '--yes']);
  s.aws.onCall = undefined;
  assert.is(lost.code, 1);
  assert.match(lost.stdout, /warning could not read stack events \(ECONNRESET: socket hang up\); still trying/);
  assert.match(lost.stderr, /lost contact with CloudFormation after \S+ \(ECONNRESET: socket hang up\)/);
  assert.match(lost.stderr, /The operation continues in AWS \(tap-dev is UPDATE_IN_PROGRESS\)\. Re-attach with make deploy ENV=dev\./);

  const again = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /(Following it instead of starting a second one|No changes)/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test.run();
