/**
 * T-6 / issue 15: cfn-lint and checkov run in a pool of long-lived workers, one per core. The pool
 * must report exactly what the plain command-line runs report on the same templates, an injected
 * finding once and where it is, with project rules (--append-rules) too; a worker's failure
 * fails the gate with the tool's message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tempWorkspace } from '../helpers/cli';
import { plainCfnLint, plainCheckov, templateFiles } from '../helpers/plain-checks';
import { CFN_LINT_OPTIONS, runCfnLint, type LintFinding } from '../../src/checks/cfn-lint';
import { runCheckov } from '../../src/checks/checkov';
import { lintJobs } from '../../src/checks/gates';
import { chooseTask, CheckPool, type CheckTask, type CheckTool } from '../../src/checks/worker-pool';
import { loadEnvironment } from '../../src/config/environment';
import { renderPlatform } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';

const sorted = (findings: readonly LintFinding[]): string[] => findings.map((f) => JSON.stringify(f)).sort();

/** 1-based line of the first occurrence of `text` in `content`. */
const lineOf = (content: string, text: string): number => content.slice(0, content.indexOf(text)).split('\n').length;

/** Replaces the first `from` in a workspace file; returns the line it is on. */
function inject(ws: string, file: string, from: string, to: string): number {
  const full = path.join(ws, file);
  const content = fs.readFileSync(full, 'utf8');
  assert.ok(content.includes(from), `${file} has no ${from}`);
  fs.writeFileSync(full, content.replace(from, to));
  return lineOf(content, from);
}

test('T-6: the pool reports exactly what plain cfn-lint and checkov runs report; an injected finding once, at its file and line', async () => {
  const ws = tempWorkspace();
  const lintLine = inject(ws, 'templates/services/data-ingestion.json', '"LogDriver": "awslogs"', '"LogDriver": "no-such-driver"');
  const registry = fs.readFileSync(path.join(ws, 'templates/registry.json'), 'utf8');
  const scanLine = inject(ws, 'templates/registry.json', '"ImageTagMutability": "IMMUTABLE"', '"ImageTagMutability": "MUTABLE"');
  // The repository holding that property: the last resource key above it.
  const resourceKeys = [...registry.slice(0, registry.indexOf('"ImageTagMutability"')).matchAll(/^ {4}"(\w+)": \{$/gm)];
  const repository = resourceKeys[resourceKeys.length - 1];
  const repositoryLine = lineOf(registry, repository[0]);

  const platform = renderPlatform();
  const env = loadEnvironment('dev', { root: ws, templates: platform.templates, catalog: SERVICE_CATALOG });
  const jobs = lintJobs(platform, [env]);
  const files = templateFiles(ws);
  const pool = new CheckPool(ws, { workers: 2 });
  const [lint, scan] = await Promise.all([runCfnLint(jobs, ws, { pool }), runCheckov(files, ws, pool)]).finally(() => pool.close());

  // cfn-lint: every job, finding for finding.
  for (const [index, job] of jobs.entries()) {
    assert.equal(sorted(lint[index].findings), sorted(plainCfnLint(ws, job)), `cfn-lint ${job.label}`);
  }
  const atLine = lint[0].findings.filter((f) => f.file === 'templates/services/data-ingestion.json' && f.line === lintLine);
  assert.ok(atLine.length > 0 && atLine.every((f) => f.level === 'Error'), JSON.stringify(lint[0].findings));
  assert.is(new Set(atLine.map((f) => f.rule)).size, atLine.length, 'each rule reports it once');
  assert.is(lint[0].findings.length, atLine.length, 'nothing else');

  // checkov: per template, the same counts, failures and skips with their reasons.
  const plain = plainCheckov(ws, files);
  const plainFailed = files.flatMap((f) => plain.perFile.get(f)?.failed ?? []);
  const plainSkipped = files.flatMap((f) => plain.perFile.get(f)?.skipped ?? []);
  const plainPassed = files.reduce((sum, f) => sum + (plain.perFile.get(f)?.passed ?? 0), 0);
  assert.equal([scan.passed, scan.failed, scan.skipped, scan.parsingErrors], [plainPassed, plainFailed, plainSkipped, plain.parsingErrors]);
  assert.equal(scan.failed, [{ check: 'CKV_AWS_51', name: scan.failed[0]?.name, file: 'templates/registry.json', resource: `AWS::ECR::Repository.${repository[1]}`, line: repositoryLine }]);
  assert.ok(repositoryLine < scanLine);
});

test('T-6: rules appended with --append-rules run in the workers as on the command line', async () => {
  const ws = tempWorkspace();
  const options = [...CFN_LINT_OPTIONS, '--append-rules', path.resolve('test/fixtures/append-rules')];
  const job = { label: 'all templates', files: templateFiles(ws), regions: ['eu-west-1'] };
  const pool = new CheckPool(ws, { workers: 2 });
  const [result] = await runCfnLint([job], ws, { pool, options }).finally(() => pool.close());
  const seen = result.findings.filter((f) => f.rule === 'W9901');
  assert.ok(seen.some((f) => f.file === 'templates/bootstrap.json' && f.message === 'fixture rule saw bucket ArtifactBucket'), JSON.stringify(result.findings));
  assert.equal(sorted(result.findings), sorted(plainCfnLint(ws, job, job.files, options)));
});

test('T-6: no template is checked twice in a run: jobs asking for the same result share one task', async () => {
  const ws = tempWorkspace();
  const files = ['templates/mesh.json', 'templates/registry.json'];
  const pool = new CheckPool(ws, { workers: 2 });
  try {
    const jobs = [
      { label: 'env a', files, regions: ['eu-west-1'] },
      { label: 'env b', files, regions: ['eu-west-1'] },
      { label: 'env c', files: ['templates/mesh.json'], regions: ['us-east-1'] },
    ];
    await Promise.all([runCfnLint(jobs, ws, { pool }), runCheckov([...files, files[0]], ws, pool)]);
    const checked = pool.records.map((r) => `${r.tool} ${r.files.join(' ')}`).sort();
    assert.equal(checked, [
      'cfn-lint templates/mesh.json', // eu-west-1, for env a and env b
      'cfn-lint templates/mesh.json', // us-east-1: other options, another check
      'cfn-lint templates/registry.json',
      'checkov templates/mesh.json',
      'checkov templates/registry.json',
    ]);
  } finally {
    await pool.close();
  }
});

test('T-6: a tool\'s error fails its task with the tool\'s message; the worker goes on with the next', async () => {
  const ws = tempWorkspace();
  const pool = new CheckPool(ws, { workers: 1 });
  try {
    const bad = pool.run({ tool: 'cfn-lint', args: ['--format', 'json', '--regions', 'xx-nowhere-1'], files: ['templates/mesh.json'], cost: 1 });
    const good = pool.run({ tool: 'cfn-lint', args: ['--format', 'json', '--regions', 'eu-west-1'], files: ['templates/mesh.json'], cost: 0.5 });
    const failure = await bad.then(() => undefined, (error: Error) => error.message);
    assert.match(failure ?? 'resolved', /cfn-lint failed on templates\/mesh\.json:[\s\S]*xx-nowhere-1/);
    assert.equal(await good, []);
  } finally {
    await pool.close();
  }
});

test('T-6: without the virtualenv the pool says how to install it', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-no-venv-'));
  const pool = new CheckPool(empty, { workers: 1 });
  const failure = await pool.run({ tool: 'checkov', files: ['x.json'], cost: 1 }).then(() => undefined, (error: Error) => error.message).finally(() => pool.close());
  assert.match(failure ?? 'resolved', /cannot run \.venv\/bin\/python .*run `make install`/);
});

const task = (tool: CheckTool, cost: number): CheckTask => ({ tool, files: [`${tool}-${cost}.json`], cost });
const none = new Set<CheckTool>();
const lint = new Set<CheckTool>(['cfn-lint']);
const scan = new Set<CheckTool>(['checkov']);

test('T-6: scheduling: largest task first; a second worker starts the tool nobody runs yet', () => {
  const queue = [task('cfn-lint', 1), task('checkov', 3), task('cfn-lint', 8), task('checkov', 0.5)];
  assert.is(chooseTask(none, [none], queue), 2, 'the costliest task of all');
  assert.is(chooseTask(none, [lint], queue), 1, 'the costliest checkov task: nobody runs checkov');
  assert.is(chooseTask(lint, [scan], queue), 2, 'a worker keeps to its tool, largest first');
});

test('T-6: scheduling: a worker starts a second tool only when its share of that queue outweighs the start-up', () => {
  // Worker runs cfn-lint, its queue is empty; checkov (start-up 1.7 s) runs on the other worker.
  assert.is(chooseTask(lint, [scan], [task('checkov', 0.4), task('checkov', 0.3)]), undefined, '0.35 s share: not worth 1.7 s');
  assert.is(chooseTask(lint, [scan], [task('checkov', 9), task('checkov', 0.3), task('checkov', 0.4)]), 0, '4.9 s share: start checkov, on the largest');
  assert.is(chooseTask(lint, [scan], []), undefined);
});

test.run();
