/**
 * D-10 / P-DATA: destroy against the fake, whose stacks retain their stateful resources as the real
 * templates do (RetainExceptOnCreate) and whose ALB keeps its deletion protection in prod.
 * - outside prod the environment is fully destroyable: what the tree retained is listed before
 *   DeleteStack and deleted after it, each reported; a second run after an interruption finishes
 *   the job, and a third finds nothing to do;
 * - prod (forced): the ALB's deletion protection is turned off through ELBv2 first, the stacks
 *   go, and nothing retained is touched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../src/aws/port';
import { STATEFUL_RESOURCE_TYPES } from '../../src/cfn/stateful';
import { destroy } from '../../src/operations/destroy';
import { KMS_MINIMUM_PENDING_DAYS, RETAINED_KINDS, statefulTypesWithoutDeletion } from '../../src/operations/retained';
import { deploying, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';

const destroying = (force = false) => (c: Parameters<typeof destroy>[0], io: Parameters<typeof destroy>[1]) => destroy(c, io, { force });

const RETAINED_DELETIONS = ['secrets.forceDeleteSecret', 'ecr.deleteRepository', 'logs.deleteLogGroup', 's3.deleteBucket', 'kms.scheduleKeyDeletion'];

/** The fixture's stateful resources in dev, as the fake holds them. */
function leftovers(s: Scenario): Record<string, unknown> {
  return {
    repositories: [...s.aws.repositories].sort(),
    logGroups: [...s.aws.logGroups].sort(),
    buckets: [...s.aws.buckets.keys()].filter((b) => !b.startsWith('tap-artifacts')).sort(),
    secrets: [...s.aws.secrets.keys()].length,
    liveKeys: [...s.aws.kmsKeys.values()].filter((k) => k.state !== 'PendingDeletion').length,
  };
}

const NOTHING_LEFT = { repositories: [], logGroups: [], buckets: [], secrets: 0, liveKeys: 0 };

test('D-10: every stateful type has a deletion for what a DataProtection=delete tree retains', () => {
  assert.equal(statefulTypesWithoutDeletion(), []);
  assert.equal(Object.keys(RETAINED_KINDS).sort(), Object.keys(STATEFUL_RESOURCE_TYPES).sort());
  assert.is(KMS_MINIMUM_PENDING_DAYS, 7, 'ScheduleKeyDeletion: 7-30 days');
});

test('D-10: dev is fully destroyed: retained resources listed before DeleteStack, deleted after it, keys last, each reported', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  for (let i = 0; i < 3; i += 1) s.aws.putObject('tap-alb-logs-dev', `AWSLogs/111122223333/elb/${i}.gz`, 'log');
  assert.equal(leftovers(s), { repositories: ['ecr-api-gateway-dev', 'ecr-frontend-dev'], logGroups: ['/tap/dev/frontend', '/tap/dev/vpc-flow'], buckets: ['tap-alb-logs-dev'], secrets: 1, liveKeys: 1 });

  const { outcome, events, calls } = await s.operate(destroying(), { answers: ['yes'] });
  assert.equal(expectOutcome(outcome, 'destroyed').retained, { deleted: 7, gone: 0, kept: 0 });
  const [plan] = eventsOf(events, 'destroy-plan');
  assert.equal(plan.retained.map((r) => [r.kind, `${r.path}/${r.logicalId}`]), [
    ['secret', 'Services/Frontend/ApiTokenSecret'],
    ['repository', 'Registry/FrontendRepository'],
    ['repository', 'Registry/ApiRepository'],
    ['log-group', 'Network/FlowLogGroup'],
    ['log-group', 'Services/Frontend/LogGroup'],
    ['bucket', 'Network/AccessLogBucket'],
    ['key', 'Registry/RegistryKey'],
  ]);
  assert.equal(plan.protectedLoadBalancers, []);
  // CloudFormation skipped them: they are what the templates retain, not what it deleted.
  const skipped = eventsOf(events, 'stack-event').filter((e) => e.event.event.status === 'DELETE_SKIPPED').map((e) => e.event.event.logicalId).sort();
  assert.equal(skipped, ['AccessLogBucket', 'ApiRepository', 'ApiTokenSecret', 'FlowLogGroup', 'FrontendRepository', 'LogGroup', 'RegistryKey']);
  assert.equal(eventsOf(events, 'retained-deleted').map((e) => [e.resource.logicalId, e.outcome.result]), [
    ['ApiTokenSecret', 'deleted'], ['FrontendRepository', 'deleted'], ['ApiRepository', 'deleted'], ['FlowLogGroup', 'deleted'],
    ['LogGroup', 'deleted'], ['AccessLogBucket', 'deleted'], ['RegistryKey', 'key-scheduled'],
  ]);
  const bucket = eventsOf(events, 'retained-deleted').find((e) => e.resource.kind === 'bucket');
  assert.equal(bucket?.outcome, { result: 'deleted', removedObjects: 3 });
  const key = [...s.aws.kmsKeys.values()][0];
  assert.equal([key.state, key.pendingWindowInDays], ['PendingDeletion', 7]);
  assert.equal(leftovers(s), NOTHING_LEFT);

  const order = ops(calls);
  const deleteStack = order.indexOf('cfn.deleteStack');
  for (const op of RETAINED_DELETIONS) assert.ok(order.indexOf(op) > deleteStack, `${op} after the stacks are gone`);
  assert.ok(order.indexOf('kms.scheduleKeyDeletion') > order.lastIndexOf('s3.deleteBucket'), 'keys last');
  assert.is(s.aws.rootStack('tap-dev'), undefined);
});

test('D-10: interrupted after the stacks went, a second run finishes from the deleted tree; a third finds nothing to do', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  // The first run stops at its first repository deletion (AccessDenied, not retried).
  s.aws.inject('ecr.deleteRepository', new AwsError('access-denied', 'AccessDeniedException', 'not allowed', 'ecr.deleteRepository', 400));
  const first = await s.operate(destroying(), { answers: ['yes'] }).then(() => 'finished', (error: Error) => error.message);
  assert.is(first, 'not allowed');
  assert.is(s.aws.rootStack('tap-dev'), undefined, 'the stacks are gone');
  assert.equal(leftovers(s).repositories, ['ecr-api-gateway-dev', 'ecr-frontend-dev']);

  const second = await s.operate(destroying(), { answers: ['yes'] });
  assert.equal(expectOutcome(second.outcome, 'destroyed').retained, { deleted: 6, gone: 0, kept: 0 });
  const [plan] = eventsOf(second.events, 'destroy-plan');
  assert.ok(plan.stacksDeletedAt instanceof Date);
  assert.equal(plan.retained.map((r) => r.logicalId).sort(), ['AccessLogBucket', 'ApiRepository', 'FlowLogGroup', 'FrontendRepository', 'LogGroup', 'RegistryKey'], 'the deleted secret is not listed again');
  assert.equal(plan.retained.map((r) => r.kind).at(-1), 'key');
  assert.not.ok(ops(second.calls).includes('cfn.deleteStack'));
  assert.equal(leftovers(s), NOTHING_LEFT);

  const third = await s.operate(destroying(), { answers: ['yes'] });
  expectOutcome(third.outcome, 'nothing-to-destroy');
  assert.equal(third.questions, [], 'nothing to confirm');
  assert.not.ok(ops(third.calls).some((op) => RETAINED_DELETIONS.includes(op)));
});

test('D-10: Ctrl-C while the stacks are deleted deletes nothing retained; the next run, once they are gone, does', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const interrupted = await s.operate(destroying(), { answers: ['yes'], interruptWhen: (call) => call.op === 'cfn.describeStackEvents' && s.aws.calls.filter((c) => c.op === 'cfn.describeStackEvents').length > 4 });
  expectOutcome(interrupted.outcome, 'interrupted');
  assert.not.ok(ops(interrupted.calls).some((op) => RETAINED_DELETIONS.includes(op)));
  const busy = await s.operate(destroying(), { answers: ['yes'] });
  assert.is(expectOutcome(busy.outcome, 'precondition').reason.kind, 'stack-busy');
  s.aws.settle();
  const finished = await s.operate(destroying(), { answers: ['yes'] });
  assert.equal(expectOutcome(finished.outcome, 'destroyed').retained, { deleted: 7, gone: 0, kept: 0 });
  assert.equal(leftovers(s), NOTHING_LEFT);
});

test('D-10: a second run needs the confirmation again before deleting what was retained', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.inject('secrets.forceDeleteSecret', new AwsError('access-denied', 'AccessDeniedException', 'not allowed', 'secrets.forceDeleteSecret', 400));
  await s.operate(destroying(), { answers: ['yes'] }).catch(() => undefined);
  const declined = await s.operate(destroying(), { answers: ['no'] });
  expectOutcome(declined.outcome, 'declined');
  const unattended = await s.operate(destroying());
  expectOutcome(unattended.outcome, 'unconfirmed');
  for (const run of [declined, unattended]) assert.not.ok(ops(run.calls).some((op) => RETAINED_DELETIONS.includes(op)));
  assert.is(leftovers(s).secrets, 1);
});

test('D-10 / P-DATA: prod is refused without --force; with it, the ALB deletion protection goes off first, the stacks go, and nothing retained is touched', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  const [alb] = [...s.aws.loadBalancers.keys()];
  assert.is(s.aws.loadBalancers.get(alb)?.deletionProtection, true, 'DataProtection=retain turns it on');
  const refused = await s.operate(destroying(), { answers: ['yes'] });
  assert.equal(expectOutcome(refused.outcome, 'refused').reason, { kind: 'retain', environment: 'prod' });
  assert.equal(s.aws.mutatingCalls().filter((c) => refused.calls.includes(c)), []);

  const before = leftovers(s);
  const forced = await s.operate(destroying(true), { answers: ['yes'] });
  assert.equal(expectOutcome(forced.outcome, 'destroyed').retained, { deleted: 0, gone: 0, kept: 7 });
  assert.equal(eventsOf(forced.events, 'destroy-plan')[0].protectedLoadBalancers, [alb]);
  assert.equal(eventsOf(forced.events, 'deletion-protection-off'), [{ type: 'deletion-protection-off', loadBalancer: alb }]);
  const order = ops(forced.calls);
  assert.ok(order.indexOf('elbv2.setDeletionProtection') < order.indexOf('cfn.deleteStack'));
  assert.ok(order.indexOf('cfn.updateTerminationProtection') < order.indexOf('cfn.deleteStack'));
  assert.is(s.aws.rootStack('tap-prod'), undefined, 'DELETE_COMPLETE, not DELETE_FAILED');
  assert.not.ok(s.aws.loadBalancers.has(alb));
  assert.not.ok(order.some((op) => RETAINED_DELETIONS.includes(op) || op === 's3.deleteObjects'));
  assert.equal(leftovers(s), before, 'every stateful resource kept');

  // Nor does a later run touch them: prod keeps its data.
  const again = await s.operate(destroying(true), { answers: ['yes'] });
  expectOutcome(again.outcome, 'nothing-to-destroy');
  assert.not.ok(ops(again.calls).some((op) => RETAINED_DELETIONS.includes(op)));
});

test('D-10: the fake ends a delete in DELETE_FAILED while the ALB\'s deletion protection is on (the trap --force avoids)', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  const root = s.aws.rootStack('tap-prod');
  if (!root) throw new Error('no root');
  await s.aws.port.cfn.updateTerminationProtection(root.stackId, false);
  await s.aws.port.cfn.deleteStack(root.stackId, 'console');
  s.aws.settle();
  assert.is(s.aws.rootStack('tap-prod')?.status, 'DELETE_FAILED');
  const network = s.aws.stack('Network');
  const failed = network?.events.find((e) => e.status === 'DELETE_FAILED' && e.logicalId === 'Alb');
  assert.match(failed?.reason ?? '', /cannot be deleted because deletion protection is enabled .*OperationNotPermitted/);
  // And destroy --force finishes it from there.
  const forced = await s.operate(destroying(true), { answers: ['yes'] });
  expectOutcome(forced.outcome, 'destroyed');
  assert.is(s.aws.rootStack('tap-prod'), undefined);
});

test('D-10: outside prod, a load balancer someone protected by hand stops destroy before anything changes, unless --force', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const [alb] = [...s.aws.loadBalancers.keys()];
  await s.aws.port.elbv2.setDeletionProtection(alb, true);
  const refused = await s.operate(destroying(), { answers: ['yes'] });
  assert.equal(expectOutcome(refused.outcome, 'refused').reason, { kind: 'deletion-protection', loadBalancers: [alb] });
  assert.equal(refused.questions, [], 'refused before the confirmation');
  assert.not.ok(ops(refused.calls).some((op) => op === 'cfn.deleteStack' || op === 'elbv2.setDeletionProtection'));
  const forced = await s.operate(destroying(true), { answers: ['yes'] });
  expectOutcome(forced.outcome, 'destroyed');
  assert.equal(leftovers(s), NOTHING_LEFT);
});

test('D-10: the fake follows DeletionPolicy: RetainExceptOnCreate deleted when the create rolls back, Retain kept, both kept on stack deletion', async () => {
  const s = new Scenario('dev');
  // The first create fails at the last resource of the frontend stack: everything it created rolls back.
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'Service', reason: 'Resource handler returned message: "boom"', phase: 'forward' });
  s.platform = (await import('../fakes/platform-fixture')).fixturePlatform((t) => {
    t['registry.json'].Resources['ApiRepository'].DeletionPolicy = 'Retain';
  });
  const failed = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(failed.outcome, 'rolled-back');
  assert.equal([...s.aws.repositories], ['ecr-api-gateway-dev'], 'the Retain repository survives the rollback of its create; the RetainExceptOnCreate one does not');
  assert.equal([...s.aws.logGroups], []);
  assert.equal([...s.aws.secrets.values()].filter((secret) => secret.state === 'active'), [], 'the secret was deleted (scheduled, as CloudFormation deletes one)');
});

test.run();
