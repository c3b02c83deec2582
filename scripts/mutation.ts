/**
 * `make mutation`: does the suite catch realistic bugs? Each mutation of the catalogue
 * (scripts/mutations.ts) is applied alone to a scratch checkout of HEAD, the templates and the
 * diagram are re-rendered (so staleness never counts as a catch), and the gates run in the order
 * CI runs them: tsc, the lint gate (cfn-lint + checkov), the tests. The first gate that fails
 * caught the mutation; a mutation no gate fails survived.
 *
 *   node --import tsx scripts/mutation.ts [mutation id ...]
 *
 * Not part of `make test` (it runs the suite once per mutation). Exits 1 when a mutation survived
 * or no longer applies (its `find` text must occur exactly once, so the catalogue cannot rot
 * silently). Uncommitted changes are not mutated: the scratch checkout is HEAD.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MUTATIONS, type Mutation } from './mutations';

const ROOT = path.resolve(__dirname, '..');

interface Verdict {
  readonly mutation: Mutation;
  readonly caughtBy: string | undefined;
  readonly seconds: number;
  readonly error?: string;
}

function run(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

function createScratch(): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-mutation-'));
  const added = run(ROOT, 'git', ['worktree', 'add', '--detach', '--quiet', scratch, 'HEAD']);
  if (!added.ok) throw new Error(`git worktree add failed:\n${added.output}`);
  // Installed tools are shared, never rebuilt: the scratch checkout runs the gates directly.
  for (const installed of ['node_modules', '.venv']) fs.symlinkSync(path.join(ROOT, installed), path.join(scratch, installed));
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

/** tsc, re-render, lint gate, tests: the name of the first gate that fails, or undefined. */
function gates(scratch: string, mutation: Mutation): string | undefined {
  const bin = (tool: string) => path.join(scratch, 'node_modules', '.bin', tool);
  if (!run(scratch, bin('tsc'), ['-p', '.']).ok) return 'tsc';
  const bundled = run(scratch, 'node', ['scripts/cli-bundle.js']);
  if (!bundled.ok) return 'esbuild';
  for (const command of ['synth', 'diagram']) {
    const rendered = run(scratch, 'node', ['.build/tap.js', command]);
    if (!rendered.ok) return `tap ${command} (${rendered.output.trim().split('\n').pop()})`;
  }
  if (!run(scratch, 'node', ['.build/tap.js', 'lint']).ok) return 'lint gate (cfn-lint, checkov)';
  const report = path.join(scratch, '.cache', 'mutation-report.json');
  const testArgs = ['--import', 'tsx', 'scripts/test.ts'];
  // The likely catchers first: when they catch it, the rest of the suite need not run.
  const passes = mutation.likelyCaughtBy?.length ? [mutation.likelyCaughtBy, []] : [[]];
  for (const targets of passes) {
    fs.rmSync(report, { force: true });
    const tests = run(scratch, 'node', [...testArgs, ...targets], { TAP_TEST_BAIL: '1', TAP_TEST_REPORT: report });
    if (!tests.ok) {
      const results = fs.existsSync(report) ? (JSON.parse(fs.readFileSync(report, 'utf8')) as { file: string; failed: number; failedTests: string[] }[]) : [];
      const failed = results.find((r) => r.failed > 0);
      return failed ? `${path.relative('test', failed.file)}: ${failed.failedTests[0] ?? '(the file failed)'}` : 'the test command';
    }
  }
  return undefined;
}

function main(ids: readonly string[]): number {
  const selected = ids.length > 0 ? MUTATIONS.filter((m) => ids.includes(m.id)) : MUTATIONS;
  const unknown = ids.filter((id) => !MUTATIONS.some((m) => m.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`unknown mutation id(s): ${unknown.join(', ')}\n`);
    return 2;
  }
  const scratch = createScratch();
  const verdicts: Verdict[] = [];
  try {
    process.stdout.write(`Scratch checkout of HEAD at ${scratch}; baseline first.\n`);
    const baseline = gates(scratch, { id: 'baseline', family: 'T', file: '', find: '', replace: '', bug: '' });
    if (baseline) throw new Error(`the unmutated checkout already fails (${baseline}); fix that first`);
    for (const mutation of selected) {
      resetScratch(scratch);
      const started = Date.now();
      const error = apply(scratch, mutation);
      const caughtBy = error ? undefined : gates(scratch, mutation);
      const verdict: Verdict = { mutation, caughtBy, seconds: (Date.now() - started) / 1000, ...(error ? { error } : {}) };
      verdicts.push(verdict);
      process.stdout.write(`${error ? 'STALE' : caughtBy ? 'caught' : 'SURVIVED'}  ${mutation.id}  ${error ?? caughtBy ?? mutation.bug}  (${verdict.seconds.toFixed(0)} s)\n`);
    }
  } finally {
    run(ROOT, 'git', ['worktree', 'remove', '--force', scratch]);
  }
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  process.stdout.write('\n| mutation | family | bug | caught by | time |\n|---|---|---|---|---|\n');
  for (const v of verdicts) {
    process.stdout.write(`| ${v.mutation.id} | ${v.mutation.family} | ${cell(v.mutation.bug)} | ${cell(v.error ? `STALE: ${v.error}` : v.caughtBy ?? '**survived**')} | ${v.seconds.toFixed(0)} s |\n`);
  }
  const caught = verdicts.filter((v) => v.caughtBy).length;
  process.stdout.write(`\n${caught} of ${verdicts.length} mutations caught\n`);
  return caught === verdicts.length ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
