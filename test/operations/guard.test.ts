/**
 * D-2 Guard: wrong account, wrong region, no credentials: the connection does not open and the
 * outcome is a precondition (exit 4; its words: test/cli/); a bad ENV or params file stops before
 * an AWS client even exists (exit 2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../src/core/paths';
import { InputError } from '../../src/core/problems';
import { prepareConnection } from '../../src/operations/connection';
import { destroy } from '../../src/operations/destroy';
import { judgeIdentity } from '../../src/operations/guard';
import { defaultRuntime } from '../../src/operations/runtime';
import { runCli, tempWorkspace } from '../helpers/cli';
import { deploying, diffing, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';

const destroying = (c: Parameters<typeof destroy>[0], io: Parameters<typeof destroy>[1]) => destroy(c, io, { force: false });

test('D-2: credentials for another account are refused before any change (zero mutating calls)', async () => {
  const s = new Scenario('dev');
  s.aws.callerAccount = '999999999999';
  const { outcome, calls, events } = await s.operate(deploying(), { answers: ['yes'] });
  assert.equal(expectOutcome(outcome, 'precondition').reason, {
    kind: 'guard',
    failure: { reason: 'account-mismatch', file: 'params/dev.json', expected: '111122223333', identity: { account: '999999999999', arn: 'arn:aws:sts::999999999999:assumed-role/platform-deployer/ci' } },
  });
  assert.equal(s.aws.mutatingCalls(), []);
  assert.equal(ops(calls), ['sts.configuredRegion', 'sts.callerIdentity']);
  assert.equal(events, [], 'not connected: nothing to report');
});

test('D-2: a configured region that disagrees with the params file is refused, naming both, before STS is asked', async () => {
  const s = new Scenario('dev');
  s.aws.configuredRegion = { region: 'us-east-1', source: 'AWS_REGION' };
  const { outcome, calls } = await s.operate(destroying);
  assert.equal(expectOutcome(outcome, 'precondition').reason, {
    kind: 'guard',
    failure: { reason: 'region-mismatch', file: 'params/dev.json', expected: 'eu-west-1', configured: { region: 'us-east-1', source: 'AWS_REGION' } },
  });
  assert.equal(ops(calls), ['sts.configuredRegion']);
});

test('D-2: no credentials is its own refusal (the CLI names the standard chain)', async () => {
  const s = new Scenario('dev');
  s.aws.credentials = false;
  const { outcome } = await s.operate(diffing());
  assert.equal(expectOutcome(outcome, 'precondition').reason, { kind: 'guard', failure: { reason: 'no-credentials', unusable: true } });
  assert.equal(s.aws.mutatingCalls(), []);
});

test('D-2: judgeIdentity accepts the params file\'s account and region, with or without a configured region', () => {
  const deployment = { accountId: '111122223333', region: 'eu-west-1' };
  assert.equal(judgeIdentity(deployment, 'f', undefined, { account: '111122223333', arn: 'a' }), { ok: true, identity: { account: '111122223333', arn: 'a' } });
  assert.is(judgeIdentity(deployment, 'f', { region: 'eu-west-1', source: 'profile "x"' }, { account: '111122223333', arn: 'a' }).ok, true);
  assert.is(judgeIdentity(deployment, 'f', undefined, undefined).ok, false);
});

test('D-2: an unknown ENV or a bad params file stops before any AWS client is created (exit 2)', async () => {
  let connects = 0;
  const runtime = { ...defaultRuntime(repoRoot()), connect: async () => { connects += 1; throw new Error('must not connect'); } };
  const root = tempWorkspace({ dev: (doc) => { doc.parameters['VpcCidr'] = '10.10.1.0/16'; } });
  for (const [environment, expected] of [['nope', /unknown environment "nope"/], ['dev', /VpcCidr/]] as const) {
    try {
      prepareConnection(runtime, root, environment, {}, { requireFresh: true });
      assert.unreachable('expected an input error');
    } catch (error) {
      assert.instance(error, InputError);
      assert.match((error as Error).message, expected);
    }
  }
  assert.is(connects, 0);
  // Through the real entry point: exit 2 and the standard message.
  const viaMain = await runCli(['deploy', '--env', 'nope'], { root });
  assert.is(viaMain.code, 2);
  assert.match(viaMain.stderr, /Nothing was changed in AWS\./);
});

test.run();
