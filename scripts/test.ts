/**
 * The test command (`make test` runs it after the checks): every uvu test file in its own process,
 * as many at once as there are cores, and a verdict that nothing inside a test file can change.
 *
 *   node --import tsx scripts/test.ts [file or directory ...]     (default: test/, files *.test.ts)
 *
 * Each file runs in `scripts/test-worker.ts`, which writes its counts to a result file. A file
 * fails when any of its tests fails, when it registers no test, when it exits without writing its
 * result (a crash, or a dependency calling process.exit), or when it exits non-zero after reporting
 * success. The run exits 1 when anything failed and ends with the line `N passed, N failed`
 * (`, N skipped` when some were).
 *
 * Environment: TAP_TEST_JOBS (default: the number of cores), TAP_TEST_TIMEOUT_S per file
 * (default 600), TAP_TEST_VERBOSE=1 prints every file's output, not only the failing ones',
 * TAP_TEST_BAIL=1 stops at the first failing file (the mutation script wants only a verdict),
 * TAP_TEST_REPORT=<file> writes the per-file results as JSON, TAP_TEST_LIST=1 prints the files the
 * run would test, one a line, and runs none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileResult } from './test-worker';

const TEST_FILE = /\.test\.ts$/;
const WORKER = path.join(__dirname, 'test-worker.ts');
const DURATIONS = path.join('.cache', 'test-durations.json');

interface Outcome extends FileResult {
  readonly file: string;
  readonly ms: number;
  readonly output: string;
}

function collect(target: string): string[] {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : collect(full);
      return TEST_FILE.test(entry.name) ? [full] : [];
    });
}

function readDurations(): Record<string, number> {
  try {
    return JSON.parse(fs.readFileSync(DURATIONS, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

const running = new Set<ChildProcess>();
/** Set when TAP_TEST_BAIL stops the run: files killed then are not results. */
let bailing = false;

function runOne(file: string, scratch: string, index: number, timeoutS: number): Promise<Outcome | undefined> {
  const resultFile = path.join(scratch, `${index}.json`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TAP_TEST_RESULT: resultFile },
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const ms = Date.now() - started;
      const how = timedOut ? `did not finish within ${timeoutS} s` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
      let result: FileResult | undefined;
      try {
        result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as FileResult;
      } catch {
        result = undefined;
      }
      // Files the bail killed are not results, unless they had already failed: a file that
      // passed and was killed while still exiting (an open handle) did not fail.
      if (bailing && !timedOut && signal === 'SIGKILL' && (!result || result.failed === 0)) {
        resolve(undefined);
      } else if (!result) {
        resolve({ file, ms, output, passed: 0, failed: 1, skipped: 0, failedTests: [], errors: `  the test process ${how} before reporting any result\n` });
      } else if (timedOut || ((code !== 0 || signal) && result.failed === 0)) {
        resolve({ file, ms, output, ...result, failed: result.failed + 1, errors: `${result.errors}  all tests passed, but the test process ${how}\n` });
      } else {
        resolve({ file, ms, output, ...result });
      }
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const targets = argv.length > 0 ? argv : ['test'];
  const files = targets.flatMap(collect);
  if (files.length === 0) {
    process.stderr.write(`no test files under ${targets.join(', ')}\n`);
    return 1;
  }
  if (process.env['TAP_TEST_LIST'] === '1') {
    process.stdout.write(`${files.join('\n')}\n`);
    return 0;
  }
  const jobs = Math.max(1, Number(process.env['TAP_TEST_JOBS']) || os.availableParallelism());
  const timeoutS = Number(process.env['TAP_TEST_TIMEOUT_S']) || 600;
  const verbose = process.env['TAP_TEST_VERBOSE'] === '1';
  const bail = process.env['TAP_TEST_BAIL'] === '1';
  const known = readDurations();
  // Longest first, so the slowest files do not start last and leave a core idle at the end.
  const queue = [...files].sort((a, b) => (known[b] ?? Infinity) - (known[a] ?? Infinity));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-test-'));
  const started = Date.now();
  const outcomes: Outcome[] = [];

  const onSigint = () => {
    for (const child of running) child.kill('SIGKILL');
    process.stderr.write('\ninterrupted\n');
    process.exit(130);
  };
  process.on('SIGINT', onSigint);

  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length && !bailing) {
      const index = next++;
      const outcome = await runOne(queue[index], scratch, index, timeoutS);
      if (!outcome) continue;
      outcomes.push(outcome);
      const ok = outcome.failed === 0;
      const counts = `${outcome.passed} passed${outcome.failed ? `, ${outcome.failed} failed` : ''}${outcome.skipped ? `, ${outcome.skipped} skipped` : ''}`;
      process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${path.relative('test', outcome.file)}  ${counts}  ${(outcome.ms / 1000).toFixed(1)} s\n`);
      if (!ok || verbose) process.stdout.write(`${outcome.output.trimEnd()}\n${ok ? '' : outcome.errors}\n`);
      if (!ok && bail && !bailing) {
        bailing = true;
        for (const child of running) child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, lane));
  process.off('SIGINT', onSigint);
  fs.rmSync(scratch, { recursive: true, force: true });

  // Durations only from a full run, so running one file does not reorder the next full run.
  if (argv.length === 0) {
    fs.mkdirSync(path.dirname(DURATIONS), { recursive: true });
    fs.writeFileSync(DURATIONS, JSON.stringify(Object.fromEntries(outcomes.map((o) => [o.file, o.ms])), null, 2));
  }
  const report = process.env['TAP_TEST_REPORT'];
  if (report) fs.writeFileSync(report, JSON.stringify(outcomes.map(({ file, passed, failed, skipped, failedTests, ms }) => ({ file, passed, failed, skipped, failedTests, ms })), null, 2));
  const sum = (pick: (o: Outcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
  const passed = sum((o) => o.passed);
  const failed = sum((o) => o.failed);
  const skipped = sum((o) => o.skipped);
  const failedFiles = outcomes.filter((o) => o.failed > 0).map((o) => o.file);
  process.stdout.write(`\n${outcomes.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s on ${jobs} job(s)`);
  process.stdout.write(failedFiles.length ? `; failed: ${failedFiles.join(', ')}\n` : '\n');
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test runner failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
