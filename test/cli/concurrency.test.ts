/**
 * D-13 One environment, one change at a time (issue 13 #5), through the real entry point against
 * the fake AWS: a second deploy on the same machine is stopped by the lock before any AWS call; one
 * from another machine (another checkout, the same AWS) is stopped while the first one's change set
 * is being computed; a lock left by a crashed run is taken over; read-only commands need no lock;
 * and a deploy writes its own review files, never the one a diff saved.
 *
 * Before this change both deploys created (and executed) change sets, and the deploy overwrote the
 * diff's review.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Scenario, type RunResult } from '../helpers/deploy-harness';
import { fixturePlatform, props } from '../fakes/platform-fixture';
import { changing, operatorRun, secondCheckout } from './operator-runs';

const DEPLOY = ['deploy', '--env', 'dev', '--yes'];
const retention = (days: number) => fixturePlatform((t) => {
  props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = days;
});
const lockFile = (root: string) => path.join(root, '.tap/dev/deploy.lock');

test('D-13: a second deploy of dev on the same machine while the first waits for approval stops, naming the first, with no AWS call', async () => {
  const s = new Scenario('dev');
  let second: RunResult | undefined;
  const first = await operatorRun(s, ['deploy', '--env', 'dev'], {
    tty: true,
    answers: [async () => {
      second = await s.run(DEPLOY);
      return 'yes';
    }],
  });
  assert.is(first.code, 0, first.stderr);
  assert.ok(second);
  assert.is(second?.code, 4, second?.stderr);
  assert.equal(second?.calls, [], 'the second deploy made no AWS call');
  assert.match(second?.stderr ?? '', new RegExp(`^error another tap command holds dev: \`tap deploy --env dev\` \\(pid ${process.pid} on ${os.hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  assert.match(second?.stderr ?? '', /It is still running on this machine: wait for it to finish \(or stop it: kill -INT \d+\), then run this again\./);
  assert.is(s.aws.callsTo('cfn.createChangeSet').length, 1, 'one change set');
  assert.is(s.aws.callsTo('cfn.executeChangeSet').length, 1);
  assert.not.ok(fs.existsSync(lockFile(s.root)), 'released when the first deploy ended');
});

test('D-13: every command that changes the environment takes the lock; outputs and drift do not need it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  fs.mkdirSync(path.dirname(lockFile(s.root)), { recursive: true });
  fs.writeFileSync(lockFile(s.root), JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'tap deploy --env dev', startedAt: '2026-10-12T09:00:00.000Z', toolkitVersion: '0.1.0', token: 'held' }));
  for (const argv of [DEPLOY, ['diff', '--env', 'dev'], ['bootstrap', '--env', 'dev', '--yes'], ['destroy', '--env', 'dev', '--confirm', 'tap-dev'], ['continue-rollback', '--env', 'dev', '--yes']]) {
    const result = await s.run(argv);
    assert.is(result.code, 4, `${argv.join(' ')}: ${result.stderr}`);
    assert.equal(result.calls, [], argv.join(' '));
  }
  assert.is((await s.run(['outputs', '--env', 'dev'])).code, 0);
  assert.is((await s.run(['drift', '--env', 'dev'])).code, 0);
  assert.ok(fs.existsSync(lockFile(s.root)), 'the holder\'s lock is left alone');
});

test('D-13: a lock left by a run that crashed is taken over with a note, and the deploy goes on', async () => {
  const s = new Scenario('dev');
  const ended = spawnSync(process.execPath, ['-e', '']).pid;
  fs.mkdirSync(path.dirname(lockFile(s.root)), { recursive: true });
  fs.writeFileSync(lockFile(s.root), JSON.stringify({ pid: ended, host: os.hostname(), command: 'tap deploy --env dev --yes', startedAt: '2026-10-12T08:00:00.000Z', toolkitVersion: '0.1.0', token: 'crashed' }));
  const result = await s.run(DEPLOY);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`Took over \\.tap/dev/deploy\\.lock from \`tap deploy --env dev --yes\` \\(pid ${ended}, since 2026-10-12T08:00:00\\.000Z\\), which has ended without releasing it\\.`));
  assert.not.ok(fs.existsSync(lockFile(s.root)));
});

test('D-13: a deploy from another machine stops while the first one\'s change set is being computed, naming it; nothing uploaded or created', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = retention(90);
  // The first machine has created its change set; CloudFormation is computing it.
  let created = false;
  const first = await operatorRun(s, ['diff', '--env', 'dev'], { ctrlC: { atCall: (call) => (created ||= call.op === 'cfn.createChangeSet') } });
  assert.is(first.code, 130);
  const elsewhere = secondCheckout(s);
  const second = await operatorRun(s, DEPLOY, { root: elsewhere });
  assert.is(second.code, 4, second.stderr);
  assert.match(second.stderr, /^error CloudFormation is computing change set tap-dev-\S+ on tap-dev \(created 2026-10-12 \d\d:\d\d:\d\d UTC: tap 0\.1\.0-test: dev, root template [0-9a-f]{12}\): another deploy or diff of dev is running, on this machine or another\.$/m);
  assert.equal(changing(second.calls), [], 'nothing uploaded, no change set created');
  // Once it is computed, the second machine deploys; executing its change set makes CloudFormation delete the other.
  s.clock.advance(60_000);
  const later = await operatorRun(s, DEPLOY, { root: elsewhere });
  assert.is(later.code, 0, later.stderr);
  assert.match(later.stdout, /Another change set waits on tap-dev, not executed: tap-dev-\S+ \(2026-10-12 \S+ UTC\)\. Executing a change set makes CloudFormation delete the stack's others\./);
  assert.equal(s.aws.pendingChangeSets().filter((c) => c.stackName === 'tap-dev'), [], 'the other change set is gone');
});

test('D-13: a deploy writes its own review files and leaves the diff\'s review.json, which still executes exactly the diff\'s change set', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = retention(90);
  const diff = await s.run(['diff', '--env', 'dev']);
  assert.is(diff.code, 0, diff.stderr);
  const reviewed = JSON.parse(s.stateFile('review.json')).changeSet.name as string;
  assert.is(s.stateFile('review.json'), s.stateFile(`reviews/${reviewed}.json`));

  s.platform = retention(120);
  const left = await s.run(['deploy', '--env', 'dev']);
  assert.is(left.code, 5, left.stderr);
  const own = /REVIEW=\.tap\/dev\/reviews\/(\S+)\.json/.exec(left.stdout)?.[1];
  assert.ok(own && own !== reviewed, left.stdout);
  assert.is(JSON.parse(s.stateFile('review.json')).changeSet.name, reviewed, 'the diff\'s review.json was not overwritten');
  assert.ok(s.hasStateFile(`reviews/${own}.json`) && s.hasStateFile(`reviews/${own}.md`));

  s.platform = retention(90);
  const executed = await s.run(['deploy', '--env', 'dev', '--review', '.tap/dev/review.json']);
  assert.is(executed.code, 0, executed.stderr);
  assert.match(executed.stdout, new RegExp(`Executing the change set reviewed at \\S+: ${reviewed}\\.`));
  assert.is(s.aws.stack('Network')?.template?.Resources['FlowLogGroup']?.Properties?.['RetentionInDays'], 90, 'the diff\'s templates are deployed');
});

test('D-13: the newest 20 reviews per environment are kept', async () => {
  const s = new Scenario('dev');
  const dir = path.join(s.root, '.tap/dev/reviews');
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 25; i += 1) {
    for (const ext of ['json', 'md']) fs.writeFileSync(path.join(dir, `tap-dev-20261011-${String(100000 + i)}-0a1b2c3d.${ext}`), '{}');
  }
  assert.is((await s.run(['diff', '--env', 'dev'])).code, 0);
  const names = [...new Set(fs.readdirSync(dir).map((f) => f.replace(/\.(json|md)$/, '')))].sort();
  assert.is(names.length, 20);
  assert.ok(names.at(-1)?.startsWith('tap-dev-20261012-'), 'the new one is kept');
  assert.is(names[0], 'tap-dev-20261011-100006-0a1b2c3d', 'the oldest went');
});

test.run();
