/**
 * `make mutation` (T-11): does the suite catch realistic bugs? Each mutation of the catalogue
 * (scripts/mutations.ts) is applied alone to a scratch checkout of HEAD, the templates and the
 * diagram are re-rendered (so staleness never counts as a catch), and then:
 *
 *   1. the test files the entry names as its likely catchers run first (TAP_TEST_BAIL=1);
 *   2. only if they all pass: tsc, the lint gate (cfn-lint + checkov), and the rest of the suite.
 *
 * A mutation is caught when a real gate fails: a render (`make synth`/`make diagram` are part of
 * `make test`), a test file (named in the report with its first failing test), tsc or the lint
 * gate. A mutation no gate fails survived. The hints only order the work: a wrong hint costs time,
 * never a verdict.
 *
 * Before scoring, the unmutated checkout must pass every gate in the scratch (its renders must
 * also leave templates/ and the diagram unchanged). The full baseline is remembered per commit in
 * .cache/mutation-baseline.json, so `IDS=...` runs of the same commit do not repeat it.
 *
 *   node --import tsx scripts/mutation.ts [mutation id ...]
 *
 * Not part of `make test`. Exits 1 when a mutation survived or no longer applies (its `find`
 * text must occur exactly once, so the catalogue cannot rot silently), 2 when the baseline fails
 * or an id is unknown. Uncommitted changes are not mutated: the scratch checkout is HEAD.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MUTATIONS, familyOf, type Mutation } from './mutations';

const ROOT = path.resolve(__dirname, '..');
const BASELINE_RECORD = path.join(ROOT, '.cache', 'mutation-baseline.json');

interface Verdict {
  readonly mutation: Mutation;
  readonly caughtBy: string | undefined;
  readonly seconds: number;
  readonly error?: string;
}

interface FileReport {
  readonly file: string;
  readonly failed: number;
  readonly failedTests: readonly string[];
}

function run(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function createScratch(): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-mutation-'));
  const added = run(ROOT, 'git', ['worktree', 'add', '--detach', '--quiet', scratch, 'HEAD']);
  if (!added.ok) throw new Error(`git worktree add failed:\n${added.output}`);
  // node_modules as hard links, not a symlink: esbuild follows a symlink to its real path, so the
  // Lambda bundles (and their content-addressed S3 keys in templates/) would name another
  // directory and every template would differ from HEAD's. Hard links cost no copy.
  const copied = run(ROOT, 'cp', ['-al', path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules')]);
  if (!copied.ok) throw new Error(`could not link node_modules into the scratch checkout:\n${copied.output}`);
  fs.symlinkSync(path.join(ROOT, '.venv'), path.join(scratch, '.venv'));
  const durations = path.join(ROOT, '.cache', 'test-durations.json');
  if (fs.existsSync(durations)) {
    fs.mkdirSync(path.join(scratch, '.cache'), { recursive: true });
    fs.copyFileSync(durations, path.join(scratch, '.cache', 'test-durations.json'));
  }
  return scratch;
}

function resetScratch(scratch: string): void {
  run(scratch, 'git', ['checkout', '--quiet', '--', '.']);
  run(scratch, 'git', ['clean', '-fdq', '-e', 'node_modules', '-e', '.venv', '-e', '.cache']);
}

function apply(scratch: string, mutation: Mutation): string | undefined {
  const file = path.join(scratch, mutation.file);
  if (!fs.existsSync(file)) return `${mutation.file} does not exist`;
  const text = fs.readFileSync(file, 'utf8');
  const occurrences = text.split(mutation.find).length - 1;
  if (occurrences !== 1) return `its text occurs ${occurrences} times in ${mutation.file} (must be exactly once): update the catalogue`;
  fs.writeFileSync(file, text.replace(mutation.find, mutation.replace));
  return undefined;
}

/** Every test file `scripts/test.ts` would run with no argument (fixtures excluded). */
function allTestFiles(scratch: string, dir = 'test'): string[] {
  if (dir.endsWith('.test.ts')) return [dir];
  return fs
    .readdirSync(path.join(scratch, dir), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : allTestFiles(scratch, relative);
      return entry.name.endsWith('.test.ts') ? [relative] : [];
    });
}

/** The rendering `make test` checks for freshness: the CLI bundle, then synth and diagram. */
function render(scratch: string): string | undefined {
  const bundled = run(scratch, 'node', ['scripts/cli-bundle.js']);
  if (!bundled.ok) return `esbuild (${lastLine(bundled.output)})`;
  for (const command of ['synth', 'diagram']) {
    const rendered = run(scratch, 'node', ['.build/tap.js', command]);
    if (!rendered.ok) return `tap ${command} (${lastLine(rendered.output)})`;
  }
  return undefined;
}

const lastLine = (output: string): string => output.trim().split('\n').pop() ?? '';

/** Runs test files with TAP_TEST_BAIL; undefined when all pass, else the failing files and their first failing test. */
function tests(scratch: string, files: readonly string[]): string | undefined {
  if (files.length === 0) return undefined;
  const report = path.join(scratch, '.cache', 'mutation-report.json');
  fs.rmSync(report, { force: true });
  const result = run(scratch, 'node', ['--import', 'tsx', 'scripts/test.ts', ...files], { TAP_TEST_BAIL: '1', TAP_TEST_REPORT: report });
  const reports = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, 'utf8')) as FileReport[]) : [];
  const failed = reports.filter((r) => r.failed > 0);
  // A failing file counts even when the command exits 0: the mutation may be in the test runner.
  if (result.ok && failed.length === 0) return undefined;
  // The test command failed without a failing file in its report: the command itself broke
  // (e.g. a syntax error it cannot load). That is still a real failure of `make test`.
  if (failed.length === 0) return `the test command (${lastLine(result.output)})`;
  return failed.map((r) => `${r.file}${r.failedTests[0] ? ` ("${r.failedTests[0]}")` : ' (the file failed)'}`).join(', ');
}

/** Marks a verdict of TAP_MUTATION_QUICK=1: the rest of the suite did not run. */
const NOT_SCORED = 'not caught by its hints, tsc or the lint gate (TAP_MUTATION_QUICK: the rest of the suite did not run)';

/** The first gate the checkout fails, or undefined. `likely` test files run first. */
function gates(scratch: string, likely: readonly string[], quick = false): string | undefined {
  const rendered = render(scratch);
  if (rendered) return rendered;
  const hinted = tests(scratch, likely);
  if (hinted) return hinted;
  if (!run(scratch, path.join(scratch, 'node_modules', '.bin', 'tsc'), ['-p', '.']).ok) return 'tsc';
  if (!run(scratch, 'node', ['.build/tap.js', 'lint']).ok) return 'lint gate (cfn-lint, checkov)';
  if (quick) return NOT_SCORED;
  const hintedFiles = new Set(likely.flatMap((target) => allTestFiles(scratch, target)));
  return tests(scratch, allTestFiles(scratch).filter((file) => !hintedFiles.has(file)));
}

interface BaselineRecord {
  readonly commit: string;
  readonly passedAt: string;
  readonly seconds: number;
}

/** Throws unless the unmutated scratch passes every gate and re-renders to exactly HEAD. */
function baseline(scratch: string): string {
  const rendered = render(scratch);
  if (rendered) throw new Error(`the unmutated checkout fails to render: ${rendered}`);
  const changed = run(scratch, 'git', ['status', '--porcelain', '--', 'templates', 'docs']).output.trim();
  if (changed !== '') throw new Error(`re-rendering the unmutated checkout changes committed files, so every mutation would look caught:\n${changed}`);
  const commit = run(scratch, 'git', ['rev-parse', 'HEAD']).output.trim();
  const record = readBaseline();
  if (record?.commit === commit) return `passed for ${commit.slice(0, 12)} at ${record.passedAt} (${record.seconds.toFixed(0)} s; remembered in .cache/mutation-baseline.json)`;
  const started = Date.now();
  const failed = gates(scratch, []);
  if (failed) throw new Error(`the unmutated checkout already fails (${failed}); fix that first: no mutation can be scored against a red baseline`);
  const passed: BaselineRecord = { commit, passedAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 };
  fs.mkdirSync(path.dirname(BASELINE_RECORD), { recursive: true });
  fs.writeFileSync(BASELINE_RECORD, JSON.stringify(passed, null, 2));
  return `passed for ${commit.slice(0, 12)} in ${passed.seconds.toFixed(0)} s`;
}

function readBaseline(): BaselineRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(BASELINE_RECORD, 'utf8')) as BaselineRecord;
  } catch {
    return undefined;
  }
}

function table(verdicts: readonly Verdict[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = verdicts.map((v) => {
    const caught = v.error ? `STALE: ${v.error}` : v.caughtBy === undefined || v.caughtBy === NOT_SCORED ? `**survived**${v.caughtBy ? ` (${v.caughtBy})` : ''}` : v.caughtBy;
    return `| ${v.mutation.id} | ${v.mutation.requirement} | ${familyOf(v.mutation)} | ${cell(v.mutation.bug)} | ${cell(caught)} | ${v.seconds.toFixed(0)} |`;
  });
  return ['| mutation | requirement | family | bug | caught by | seconds |', '|---|---|---|---|---|---:|', ...rows].join('\n');
}

function main(ids: readonly string[]): number {
  const unknown = ids.filter((id) => !MUTATIONS.some((m) => m.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`unknown mutation id(s): ${unknown.join(', ')}\n`);
    return 2;
  }
  const selected = ids.length > 0 ? MUTATIONS.filter((m) => ids.includes(m.id)) : MUTATIONS;
  // For authors adding entries: stop after the hints, tsc and the lint gate (minutes instead of a
  // whole suite per uncaught mutation); such a run is not a score.
  const quick = process.env['TAP_MUTATION_QUICK'] === '1';
  const scratch = createScratch();
  const verdicts: Verdict[] = [];
  const started = Date.now();
  try {
    process.stdout.write(`Scratch checkout of HEAD at ${scratch}; baseline first.\n`);
    try {
      process.stdout.write(`baseline: ${baseline(scratch)}\n`);
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    for (const mutation of selected) {
      resetScratch(scratch);
      const begun = Date.now();
      const error = apply(scratch, mutation);
      const caughtBy = error ? undefined : gates(scratch, mutation.likelyCaughtBy, quick);
      const verdict: Verdict = { mutation, caughtBy, seconds: (Date.now() - begun) / 1000, ...(error ? { error } : {}) };
      verdicts.push(verdict);
      process.stdout.write(`${error ? 'STALE' : caughtBy && caughtBy !== NOT_SCORED ? 'caught' : 'SURVIVED'}  ${mutation.id}  ${error ?? caughtBy ?? mutation.bug}  (${verdict.seconds.toFixed(0)} s)\n`);
    }
  } finally {
    run(ROOT, 'git', ['worktree', 'remove', '--force', scratch]);
  }
  const caught = verdicts.filter((v) => v.caughtBy && v.caughtBy !== NOT_SCORED).length;
  const minutes = (Date.now() - started) / 60_000;
  process.stdout.write(`\n${table(verdicts)}\n\n${caught} of ${verdicts.length} mutations caught in ${minutes.toFixed(1)} min\n`);
  return caught === verdicts.length ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
