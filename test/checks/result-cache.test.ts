/**
 * T-6 / issue 7: cached lint and scan results. A template is re-checked when it, a template it
 * nests, or a tool pin changes; a cached clean result never hides a new finding.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../helpers/cli';
import { templateKeys } from '../../src/checks/result-cache';
import { runCfnLintJob } from '../../src/checks/cfn-lint';

test('T-6: a nested template\'s change changes its parents\' cache keys, and nothing else\'s', () => {
  const ws = tempWorkspace();
  const files = ['templates/root.json', 'templates/services.json', 'templates/services/frontend.json', 'templates/network.json'];
  const before = templateKeys(ws, files);
  const frontend = path.join(ws, 'templates/services/frontend.json');
  fs.writeFileSync(frontend, fs.readFileSync(frontend, 'utf8').replace('Web UI for traders and analysts', 'Web UI'));
  const after = templateKeys(ws, files);
  assert.is.not(after.get('templates/services/frontend.json'), before.get('templates/services/frontend.json'));
  assert.is.not(after.get('templates/services.json'), before.get('templates/services.json'), 'parent');
  assert.is.not(after.get('templates/root.json'), before.get('templates/root.json'), 'grandparent');
  assert.is(after.get('templates/network.json'), before.get('templates/network.json'), 'unrelated');
});

test('T-6: after a clean, cached lint, an edited template is linted again and its new error reported', async () => {
  const ws = tempWorkspace();
  const files = fs.readdirSync(path.join(ws, 'templates'), { recursive: true })
    .map(String).filter((f) => f.endsWith('.json')).map((f) => `templates/${f}`).sort();
  const job = { label: 'all templates', files, regions: ['eu-west-1'] };

  const first = await runCfnLintJob(job, ws);
  assert.equal([first.findings.length, first.cached], [0, 0]);
  const second = await runCfnLintJob(job, ws);
  assert.equal([second.findings.length, second.cached], [0, files.length], 'nothing changed: every result from the cache');

  // An invalid value in one service template: it, its parent and the root are linted again.
  const file = path.join(ws, 'templates/services/data-ingestion.json');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"LogDriver": "awslogs"', '"LogDriver": "no-such-driver"'));
  const third = await runCfnLintJob(job, ws);
  assert.is(third.cached, files.length - 3);
  assert.ok(third.findings.some((f) => f.file === 'templates/services/data-ingestion.json' && f.level === 'Error'), JSON.stringify(third.findings));

  // And the error stays reported: it is cached as a finding, not as a clean result.
  const fourth = await runCfnLintJob(job, ws);
  assert.is(fourth.cached, files.length);
  assert.equal(fourth.findings, third.findings);
});

test('T-6 (speed): the install pre-builds the parse table of checkov\'s JSONPath parser, matching the installed grammar', () => {
  // Without it PLY regenerates the table for every JSONPath checkov evaluates (about 2 s per scan).
  const check = spawnSync(path.resolve('.venv/bin/python'), ['scripts/checkov_parse_table.py', '--check'], { encoding: 'utf8' });
  assert.is(check.status, 0, `${check.stdout}${check.stderr}`);
  assert.match(check.stdout, 'pre-built, matches the grammar');
});

test.run();
