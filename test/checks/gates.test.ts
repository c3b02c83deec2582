/**
 * T-6 / issue 15: the check workers start importing cfn-lint and checkov while a command renders
 * and validates, when checks are likely: when a source, params or pin file changed since the gates
 * last ran. A plan that finds nothing changed starts none, and a command that fails before it
 * checks anything neither waits for them nor leaves them running.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../helpers/cli';
import { runGates, startChecks } from '../../src/checks/gates';
import { loadEnvironment } from '../../src/config/environment';
import { renderPlatform } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';

/** Whether a process runs: a zombie (ended, not yet reaped by a container's init) does not. */
const alive = (pid: number): boolean => {
  if (fs.existsSync('/proc')) {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('T-6: workers start early before the first check run and after an edit, not when nothing changed since the last run', async () => {
  const ws = tempWorkspace();
  const platform = renderPlatform();
  const env = loadEnvironment('dev', { root: ws, templates: platform.templates, catalog: SERVICE_CATALOG });

  const first = startChecks(ws);
  assert.is(first.pids.length > 0, true, 'never checked here');
  const report = await runGates(ws, platform, [env], { scanReasons: false, pool: first });
  assert.equal(report.failures, []);
  assert.equal(first.pids, [], 'runGates closes the workers');

  // The params file keeps the modification time it had before the run.
  const unchanged = startChecks(ws);
  assert.equal(unchanged.pids, [], 'nothing changed since the gates ran');
  await unchanged.close();

  const params = path.join(ws, 'params', 'dev.json');
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(params, later, later);
  const edited = startChecks(ws);
  assert.is(edited.pids.length > 0, true, 'params/dev.json is newer than the last run');
  await edited.close();
});

test('T-6: a command that ends before it checks anything does not wait for started workers, and they end with it', () => {
  const ws = tempWorkspace();
  // As the CLI ends on bad input found after the workers started: it reports, sets the exit code
  // and returns, and Node exits once nothing holds it.
  const script = `
    const { startChecks } = require(${JSON.stringify(path.resolve('src/checks/gates.ts'))});
    const pool = startChecks(${JSON.stringify(ws)});
    console.log(JSON.stringify(pool.pids));
    process.exitCode = 2;
  `;
  // A hang guard, not a speed limit: a worker holding the process would keep it alive for ever.
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 120_000 });
  assert.equal([run.signal, run.status], [null, 2], `the process ended by itself:\n${run.stderr}`);
  const pids = JSON.parse(run.stdout.trim()) as number[];
  assert.is(pids.length > 0, true, run.stdout);
  // Killed as the process exited; without that they would end after their imports (end of input).
  const deadline = Date.now() + 30_000;
  while (pids.some(alive) && Date.now() < deadline) spawnSync('sleep', ['0.2']);
  for (const pid of pids) assert.is(alive(pid), false, `worker ${pid} ended with the process`);
});

test('T-6: the lint gate fails on a cfn-lint warning alone, and names it; the same templates without it pass', async () => {
  const ws = tempWorkspace();
  const platform = renderPlatform();
  const clean = await runGates(ws, platform, [], { scanReasons: false, gates: ['cfn-lint'] });
  assert.equal(clean.failures, [], 'control: the rendered templates pass');

  // A parameter nothing uses is a warning (W2001), never an error.
  const file = path.join(ws, 'templates', 'registry.json');
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Parameters: Record<string, unknown> };
  template.Parameters['NobodyReadsThis'] = { Type: 'String', Default: 'x', Description: 'unused on purpose' };
  fs.writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
  const warned = await runGates(ws, platform, [], { scanReasons: false, gates: ['cfn-lint'] });
  assert.equal(warned.failures, ['cfn-lint reported 0 errors and 1 warnings (the gate allows none)']);
  assert.ok(warned.lines.some((line) => /Warning W2001 templates\/registry\.json:\d+ .*NobodyReadsThis/.test(line.text)), warned.lines.map((l) => l.text).join('\n'));
});

test.run();
