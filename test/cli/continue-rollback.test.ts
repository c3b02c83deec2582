/**
 * D-8 (issue 10 #2): continue-rollback changes nothing unless someone says yes. Declined at the
 * prompt it exits non-zero (6) and never calls ContinueUpdateRollback; without a terminal and
 * without --yes it does not start (5); the stack stays UPDATE_ROLLBACK_FAILED. The control row
 * (yes) does call it, so the zero-call checks can fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failFrontendDeployment, ops, Scenario } from '../helpers/deploy-harness';

async function rollbackFailed(): Promise<Scenario> {
  const s = new Scenario('dev');
  await s.deployed();
  failFrontendDeployment(s);
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'LogGroup', reason: 'Resource handler returned message: "Log group was deleted outside CloudFormation"', phase: 'rollback' });
  assert.is((await s.run(['deploy', '--env', 'dev', '--yes'])).code, 8);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_FAILED');
  return s;
}

test('D-8: declining continue-rollback at the prompt exits 6 and executes nothing', async () => {
  const s = await rollbackFailed();
  const declined = await s.run(['continue-rollback', '--env', 'dev', '--skip', 'Services.Frontend.LogGroup'], { tty: true, answers: ['no'] });
  assert.is(declined.code, 6, declined.stderr);
  assert.not.equal(declined.code, 0);
  assert.match(declined.stdout, /Declined; nothing was started\./);
  assert.not.ok(ops(declined.calls).includes('cfn.continueUpdateRollback'));
  assert.equal(declined.calls.filter((c) => s.aws.mutatingCalls().includes(c)), [], 'no call that changes anything');
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_FAILED');
});

test('D-8: without a terminal and without --yes continue-rollback does not start (exit 5)', async () => {
  const s = await rollbackFailed();
  const unattended = await s.run(['continue-rollback', '--env', 'dev']);
  assert.is(unattended.code, 5);
  assert.not.ok(ops(unattended.calls).includes('cfn.continueUpdateRollback'));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_FAILED');
});

test('D-8: control: answering yes continues the rollback', async () => {
  const s = await rollbackFailed();
  const accepted = await s.run(['continue-rollback', '--env', 'dev', '--skip', 'Services.Frontend.LogGroup'], { tty: true, answers: ['yes'] });
  assert.is(accepted.code, 0, accepted.stderr);
  assert.is(ops(accepted.calls).filter((op) => op === 'cfn.continueUpdateRollback').length, 1);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_COMPLETE');
});

test.run();
