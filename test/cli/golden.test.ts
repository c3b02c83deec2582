/**
 * Golden output of whole `tap` runs against the fake AWS on virtual time: what a person reads
 * after a successful deploy, a deploy with nothing to do, a diff's review tree, a change set left
 * for review, a declined one, a failure with its root cause and next step (rolled back, and with a
 * failed rollback), a stale review, a destroy, and a verify that finds failures. The operations' tests assert on outcomes and
 * events; these keep the words honest. Every byte is compared: time is virtual and ids are
 * counters, so a difference is a change of wording (or of behaviour).
 *
 * After an intended change of wording: TAP_UPDATE_GOLDEN=1 node --import tsx scripts/test.ts test/cli/golden.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failFrontendDeployment, Scenario, type RunOptions, type RunResult } from '../helpers/deploy-harness';
import { fixturePlatform, props, type Templates } from '../fakes/platform-fixture';
import { AwsError } from '../../src/aws/port';
import { liveEnvironment } from '../operations/verify-harness';

const GOLDEN_DIR = path.join(__dirname, 'golden');

function transcript(argv: readonly string[], result: RunResult, files: Readonly<Record<string, string>> = {}): string {
  const sections = [
    `$ tap ${argv.join(' ')}`,
    `exit ${result.code}`,
    '--- stdout',
    result.stdout.trimEnd(),
    '--- stderr',
    result.stderr.trimEnd(),
    ...Object.entries(files).flatMap(([name, content]) => [`--- ${name}`, content.trimEnd()]),
  ];
  return `${sections.join('\n')}\n`;
}

async function golden(name: string, s: Scenario, argv: readonly string[], options: RunOptions = {}, files: readonly string[] = []): Promise<RunResult> {
  const result = await s.run(argv, options);
  const actual = transcript(argv, result, Object.fromEntries(files.map((f) => [`.tap/${s.environment}/${f}`, s.stateFile(f)])));
  const file = path.join(GOLDEN_DIR, `${name}.txt`);
  if (process.env['TAP_UPDATE_GOLDEN'] === '1') fs.writeFileSync(file, actual);
  assert.ok(fs.existsSync(file), `${file} is missing: run with TAP_UPDATE_GOLDEN=1 to write it`);
  assert.fixture(actual, fs.readFileSync(file, 'utf8'));
  return result;
}

const retention = (days: number) => fixturePlatform((t) => {
  props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = days;
});

test('D-4 / D-7 / D-9 (words): a first deploy in CI: review tree, progress lines and heartbeats, outputs', async () => {
  await golden('deploy-create', new Scenario('dev'), ['deploy', '--env', 'dev', '--yes']);
});

test('D-3 (words): a deploy with nothing to do says so, refreshes the outputs and counts its API calls', async () => {
  const withoutNoEcho = (t: Templates) => {
    delete t['root.json'].Parameters?.['ApiToken'];
    (t['root.json'].Resources['Services'].Properties as { Parameters: Record<string, unknown> }).Parameters['ApiToken'] = 'not-a-secret';
  };
  const s = new Scenario('dev', { platform: fixturePlatform(withoutNoEcho) });
  await s.deployed();
  await golden('deploy-no-op', s, ['deploy', '--env', 'dev', '--yes']);
});

test('D-5 (words): the review tree of a diff: replacement, property detail, data loss, security, listener rules, noise; review.md', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
    delete t['network.json'].Resources['AccessLogBucket'];
    props(t, 'registry.json', 'FrontendRepository')['RepositoryName'] = { 'Fn::Sub': 'ecr-web-${Environment}' };
    (props(t, 'registry.json', 'RegistryKey')['KeyPolicy'] as { Statement: unknown[] }).Statement.push({ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' });
    props(t, 'services/frontend.json', 'ProdListenerRule')['Priority'] = 210;
    props(t, 'services/frontend.json', 'TaskRole')['ManagedPolicyArns'] = ['arn:aws:iam::aws:policy/AdministratorAccess'];
  });
  await golden('diff-review', s, ['diff', '--env', 'dev'], {}, ['review.md']);
});

test('D-6 (words): without a terminal and --yes the change set is left for review, with the commands to execute it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = retention(90);
  await golden('deploy-left-for-review', s, ['deploy', '--env', 'dev']);
});

test('D-6 (words): declining at the prompt deletes the change set and the empty stack it created', async () => {
  await golden('deploy-declined', new Scenario('dev'), ['deploy', '--env', 'dev'], { tty: true, answers: ['no'] });
});

test('D-8 (words): a failed deploy: root cause from the deepest stack, ECS events and stopped tasks, next step', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  failFrontendDeployment(s);
  await golden('deploy-rolled-back', s, ['deploy', '--env', 'dev', '--yes']);
});

test('D-8 (words): a failed rollback names what failed to roll back and the continue-rollback commands with --skip', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  failFrontendDeployment(s);
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'LogGroup', reason: 'Resource handler returned message: "Log group /tap/dev/frontend was deleted outside CloudFormation"', phase: 'rollback' });
  await golden('deploy-rollback-failed', s, ['deploy', '--env', 'dev', '--yes']);
});

test('D-6 (words): a stale review lists every reason and executes nothing', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = retention(90);
  assert.is((await s.run(['diff', '--env', 'dev'])).code, 0);
  fs.copyFileSync(path.join(s.root, '.tap/dev/review.json'), path.join(s.root, 'reviewed.json'));
  s.platform = retention(180);
  await golden('deploy-stale-review', s, ['deploy', '--env', 'dev', '--review', 'reviewed.json', '--yes']);
});

test('D-10 (words): destroy in CI: what goes, the buckets emptied, progress, and the secrets', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  for (let i = 0; i < 3; i += 1) s.aws.putObject('tap-alb-logs-dev', `AWSLogs/111122223333/elb/${i}.gz`, 'log');
  await golden('destroy', s, ['destroy', '--env', 'dev', '--confirm', 'tap-dev']);
});

test('D-15 (words): verify of the real platform, live: a service short of tasks, an alarm in ALARM, a log search refused; the table, the next steps, exit 3', async () => {
  const s = await liveEnvironment();
  s.aws.live.service('svc-data-ingestion').runningCount = 1;
  const alarm = s.aws.live.alarms.get('alarm-5xx-api-gateway-dev');
  if (!alarm) throw new Error('no alarm-5xx-api-gateway-dev');
  alarm.state = 'ALARM';
  alarm.reason = 'Threshold Crossed: 1 out of the last 1 datapoints [12.0 (12/10/26 09:20:00)] was greater than the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition).';
  s.aws.inject('logs.filterLogEvents', new AwsError('access-denied', 'AccessDeniedException', 'User is not authorized to perform: logs:FilterLogEvents', 'logs.filterLogEvents', 400));
  await golden('verify-failed', s, ['verify', '--env', 'dev']);
});

test.run();
