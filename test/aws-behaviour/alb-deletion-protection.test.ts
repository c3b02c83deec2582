/**
 * P-TRUTH, issue 11 item 9: an ALB with deletion protection on cannot be deleted, so a stack
 * deletion that reaches it ends DELETE_FAILED (the fake's model: test/fakes/aws/elbv2.ts;
 * behaviours.ts lists the sources). The fixture's version of this is in
 * test/operations/destroy.test.ts; here it is the real platform in prod, where DataProtection=retain
 * turns the protection on.
 *
 * (a) The prod tree deleted as a console user would (termination protection off, DeleteStack):
 * DELETE_FAILED at the cluster stack's ALB. (b) The project's path, `make destroy ENV=prod
 * ARGS=--force`: the protection goes off first, and every stack goes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { destroy } from '../../src/operations/destroy';
import { deploying, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { renderedPlatform } from '../helpers/platform';

async function prodDeployed(): Promise<Scenario> {
  const s = new Scenario('prod', { platform: renderedPlatform() });
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  const [alb, ...others] = [...s.aws.loadBalancers.values()];
  assert.equal([alb?.deletionProtection, others.length], [true, 0], 'one ALB, protected in prod');
  return s;
}

test(`P-TRUTH: AWS behaviour: an ALB with deletion protection on ends a stack deletion in DELETE_FAILED`, async () => {
  const console = await prodDeployed();
  const root = console.aws.rootStack('tap-prod');
  if (!root) throw new Error('no root stack');
  await console.aws.port.cfn.updateTerminationProtection(root.stackId, false);
  await console.aws.port.cfn.deleteStack(root.stackId, 'console');
  console.aws.settle();
  assert.is(console.aws.rootStack('tap-prod')?.status, 'DELETE_FAILED');
  const cluster = console.aws.stack('Cluster');
  const failed = cluster?.events.filter((e) => e.status === 'DELETE_FAILED' && e.logicalId !== cluster.stackName).map((e) => [e.logicalId, e.reason]);
  assert.equal(failed?.map(([logicalId]) => logicalId), ['Alb'], 'the ALB alone failed to delete');
  assert.match(String(failed?.[0][1]), /cannot be deleted because deletion protection is enabled .*OperationNotPermitted/);

  const s = await prodDeployed();
  const forced = await s.operate((c, io) => destroy(c, io, { force: true }), { answers: ['yes'] });
  expectOutcome(forced.outcome, 'destroyed');
  const order = ops(forced.calls);
  assert.ok(order.indexOf('elbv2.setDeletionProtection') >= 0 && order.indexOf('elbv2.setDeletionProtection') < order.indexOf('cfn.deleteStack'));
  assert.is(s.aws.rootStack('tap-prod'), undefined, 'DELETE_COMPLETE');
  assert.equal(s.aws.allStackNames().filter((name) => name.startsWith('tap-prod-') && !name.startsWith('tap-prod-bootstrap')), []);
});

test.run();
