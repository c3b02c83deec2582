/**
 * T-1 layout, T-7 Makefile, T-8 two commands and CI.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

const TOP_LEVEL = new Set([
  // T-1
  'templates', 'src', 'params', 'scripts', 'test', 'package.json', 'tsconfig.json', 'Makefile', 'README.md', '.ci',
  // with a reason: lock files pin dependencies; requirements.txt pins the Python tools; git metadata;
  // docs/ holds the architecture diagram the README shows (generated, checked by make test)
  'package-lock.json', 'requirements.txt', '.gitignore', '.git', 'docs',
  // .github/ holds the GitHub Actions pipeline (D-19): GitHub reads workflows only from there
  '.github',
  // installed or derived, ignored by git
  'node_modules', '.venv', '.build', '.cache', '.tap',
]);

test('T-1: the top level holds the agreed layout and nothing unexplained', () => {
  for (const entry of fs.readdirSync('.')) assert.ok(TOP_LEVEL.has(entry), `unexpected top-level entry ${entry}`);
  for (const required of ['templates', 'src', 'params', 'scripts', 'test', 'package.json', 'tsconfig.json', 'Makefile', 'README.md', '.ci']) {
    assert.ok(fs.existsSync(required), required);
  }
});

test('T-7: `make help` lists every target with one line each', () => {
  const help = spawnSync('make', ['-s', 'help'], { encoding: 'utf8' }).stdout;
  const targets = [...fs.readFileSync('Makefile', 'utf8').matchAll(/^([a-z-]+):.*## (.+)$/gm)].map((m) => m[1]);
  assert.ok(targets.length >= 6);
  for (const target of targets) assert.match(help, new RegExp(`make ${target}\\s+\\S`), target);
  for (const required of ['synth', 'lint', 'test', 'plan', 'deploy', 'diff', 'outputs', 'drift', 'destroy', 'bootstrap', 'bench']) {
    assert.ok(targets.includes(required), required);
  }
  assert.match(help, 'ENV=');
});

test('T-8: .ci/run calls exactly the README\'s test command, and the README opens with the two commands', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  const ci = fs.readFileSync('.ci/run', 'utf8');
  const firstBlock = /```(?:sh|bash)?\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = firstBlock.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));
  assert.equal(commands, ['make plan ENV=dev', 'make test']);
  assert.match(ci, /^make test$/m);
});

test('T-8: every package and Python tool is pinned to an exact version', () => {
  const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    assert.match(String(version), /^\d+\.\d+\.\d+(-[\w.]+)?$/, `${name}@${String(version)}`);
  }
  const requirements = fs.readFileSync('requirements.txt', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  for (const line of requirements) assert.match(line, /^[A-Za-z0-9_.\-[\]]+==[\w.]+$/, line);
  for (const tool of ['cfn-lint==', 'checkov==', 'moto==']) assert.ok(requirements.some((l) => l.startsWith(tool)), tool);
});

test('T-9: a test suite whose setup fails fails the run (uvu alone would report it as passing)', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test/fixtures/failing-setup', '\\.fixture\\.ts$'], { encoding: 'utf8', timeout: 30_000 });
  assert.is(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stderr, 'SETUP FAILED for failing-setup fixture');
  assert.match(run.stderr, 'the database did not start');
});

test.run();
