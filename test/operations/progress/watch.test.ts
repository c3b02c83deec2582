/**
 * D-7 Following an operation: Ctrl-C stops watching (the stack goes on), a second deploy attaches
 * to the running one, and a diff does not queue behind it. Asserted on outcomes and events.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deploying, diffing, eventsOf, expectOutcome, ops, Scenario } from '../../helpers/deploy-harness';
import { fixturePlatform, props } from '../../fakes/platform-fixture';

const changedPlatform = () => fixturePlatform((t) => {
  props(t, 'services/frontend.json', 'Service')['DesiredCount'] = 4;
});

test('D-7: Ctrl-C stops watching (the stack goes on); a second deploy attaches, reports, then finds nothing left to do', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changedPlatform();
  let polls = 0;
  const interrupted = await s.operate(deploying(), {
    answers: ['yes'],
    interruptWhen: (call) => call.op === 'cfn.describeStackEvents' && (polls += 1) === 6,
  });
  const stopped = expectOutcome(interrupted.outcome, 'interrupted');
  assert.equal([stopped.stackName, stopped.status, stopped.operation], ['tap-dev', 'UPDATE_IN_PROGRESS', 'deploy']);
  assert.ok(stopped.elapsedMs > 0);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_IN_PROGRESS');

  const attached = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(attached.outcome, 'no-changes');
  assert.equal(eventsOf(attached.events, 'attaching'), [{ type: 'attaching', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' }]);
  // It replays the running operation from its start, so the attached reader sees all of it.
  const first = eventsOf(attached.events, 'stack-event')[0]?.event;
  assert.equal([first?.path, first?.event.logicalId, first?.event.status], ['', 'tap-dev', 'UPDATE_IN_PROGRESS']);
  assert.equal(eventsOf(attached.events, 'operation-succeeded').map((e) => e.status), ['UPDATE_COMPLETE']);
  assert.equal(eventsOf(attached.events, 'attached-finished').length, 1);
  // The running deployment was of these same templates: the second one needs no change set.
  const used = ops(attached.calls);
  assert.not.ok(used.includes('cfn.executeChangeSet'));
  assert.is(used.filter((op) => op === 'cfn.createChangeSet').length, 1, 'one change set to find out (NoEcho parameters cannot be compared); it was empty');
  assert.equal(eventsOf(attached.events, 'change-set-empty').length, 1);
});

test('D-7: a diff while a deployment runs does not queue a change set behind it (a precondition)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = changedPlatform();
  let polls = 0;
  await s.operate(deploying(), { answers: ['yes'], interruptWhen: (call) => call.op === 'cfn.describeStackEvents' && (polls += 1) === 3 });
  const diff = await s.operate(diffing());
  assert.equal(expectOutcome(diff.outcome, 'precondition').reason, { kind: 'stack-busy', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' });
  assert.not.ok(ops(diff.calls).includes('cfn.createChangeSet'));
});

test.run();
