/**
 * D-2 Guard: wrong account, wrong region, no credentials: stop with a clear message before any
 * change (exit 4); a bad ENV or params file stops before an AWS client even exists (exit 2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeIdentity } from '../../src/operations/guard';
import { defaultRuntime } from '../../src/operations/runtime';
import { createDeployCommand } from '../../src/cli/commands/deploy';
import { processTerminal } from '../../src/cli/terminal';
import { runCli, tempWorkspace } from '../helpers/cli';
import { ops, Scenario } from '../helpers/deploy-harness';

test('D-2: credentials for another account are refused before any change (exit 4, zero mutating calls)', async () => {
  const s = new Scenario('dev');
  s.aws.callerAccount = '999999999999';
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 4);
  assert.match(result.stderr, /params\/dev\.json deploys to account 111122223333, but the credentials are for account 999999999999 \(arn:aws:sts::999999999999:assumed-role\/platform-deployer\/ci\)/);
  assert.match(result.stderr, /Nothing was changed in AWS\./);
  assert.equal(s.aws.mutatingCalls(), []);
  assert.equal(ops(result.calls), ['sts.configuredRegion', 'sts.callerIdentity']);
});

test('D-2: a configured region that disagrees with the params file is refused, naming both', async () => {
  const s = new Scenario('dev');
  s.aws.configuredRegion = { region: 'us-east-1', source: 'AWS_REGION' };
  const result = await s.run(['destroy', '--env', 'dev', '--confirm', 'tap-dev']);
  assert.is(result.code, 4);
  assert.match(result.stderr, /params\/dev\.json deploys to eu-west-1, but AWS_REGION says us-east-1/);
  assert.equal(ops(result.calls), ['sts.configuredRegion']);
});

test('D-2: no credentials: the message names the standard chain (exit 4)', async () => {
  const s = new Scenario('dev');
  s.aws.credentials = false;
  const result = await s.run(['diff', '--env', 'dev']);
  assert.is(result.code, 4);
  assert.match(result.stderr, /no usable AWS credentials\. Searched the standard chain: environment variables \(AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY\/AWS_SESSION_TOKEN\), AWS_PROFILE/);
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
  const command = createDeployCommand({
    runtime: (root) => ({ ...defaultRuntime(root), connect: async () => { connects += 1; throw new Error('must not connect'); } }),
    terminal: processTerminal,
  });
  const root = tempWorkspace({ dev: (doc) => { doc.parameters['VpcCidr'] = '10.10.1.0/16'; } });
  const { parseArgs } = await import('../../src/cli/args');
  const { InputError } = await import('../../src/core/problems');
  for (const [argv, expected] of [[['--env', 'nope'], /unknown environment "nope"/], [['--env', 'dev'], /VpcCidr/]] as const) {
    try {
      await command.run({ root, output: { out: process.stdout, err: process.stderr, color: false }, args: parseArgs('deploy', command.spec, argv), env: {} });
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
