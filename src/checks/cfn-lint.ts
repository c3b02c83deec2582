/**
 * T-6 lint gate: cfn-lint (AWS's own resource schemas) from the project virtualenv, run over every
 * template and again per environment with that environment's parameter values. Jobs run in
 * parallel, one process each; results are cached by content (see result-cache.ts), so only
 * templates that changed are linted again.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ResultCache, templateKeys, toolPins } from './result-cache';
import { projectRuleArguments, projectRulesDigest } from './project-rules';

export interface LintJob {
  /** Shown in reports: `all templates` or `env dev`. */
  readonly label: string;
  /** Template files relative to the repository root. */
  readonly files: readonly string[];
  readonly regions: readonly string[];
  /** Root-stack parameter values (lists as arrays), for per-environment runs. */
  readonly parameters?: Readonly<Record<string, string | readonly string[]>>;
}

export interface LintFinding {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly message: string;
  readonly path: string;
}

export interface LintResult {
  readonly job: LintJob;
  readonly findings: readonly LintFinding[];
  readonly seconds: number;
  /** Templates whose result came from the cache. */
  readonly cached: number;
}

interface CfnLintMatch {
  Filename: string;
  Level: LintFinding['level'];
  Message: string;
  Location: { Start: { LineNumber: number }; Path: (string | number)[] };
  Rule: { Id: string };
}

export const CFN_LINT = path.join('.venv', 'bin', 'cfn-lint');
export const LINT_CONFIG_DIR = path.join('.cache', 'lint-config');

/** Bump when the way jobs are run changes, so old cached results are not reused. */
const RUNNER_VERSION = '1';

/**
 * Command-line arguments for a run. Parameter values go through a generated config file: on the
 * command line cfn-lint reads `Key=a,b` as one string and rejects it for list parameters.
 */
export function cfnLintArguments(job: LintJob, files: readonly string[], root: string): string[] {
  const args = ['--format', 'json', '--regions', ...job.regions, ...projectRuleArguments()];
  if (job.parameters) {
    const configFile = path.join(LINT_CONFIG_DIR, `${job.label.replace(/[^a-z0-9]+/gi, '-')}.cfnlintrc.json`);
    fs.mkdirSync(path.join(root, LINT_CONFIG_DIR), { recursive: true });
    fs.writeFileSync(path.join(root, configFile), JSON.stringify({ parameters: [job.parameters] }, null, 2));
    args.push('--config-file', configFile);
  }
  return [...args, '--', ...files];
}

function spawnCfnLint(job: LintJob, files: readonly string[], root: string): Promise<LintFinding[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, CFN_LINT), cfnLintArguments(job, files, root), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`cannot run ${CFN_LINT} (${error.message}); run \`make install\``)));
    child.on('close', (code) => {
      let matches: CfnLintMatch[];
      try {
        matches = JSON.parse(stdout || '[]') as CfnLintMatch[];
      } catch {
        reject(new Error(`cfn-lint (${job.label}) exited ${code} without a report:\n${stderr || stdout}`));
        return;
      }
      resolve(matches.map((match) => ({
        file: match.Filename,
        line: match.Location.Start.LineNumber,
        rule: match.Rule.Id,
        level: match.Level,
        message: match.Message,
        path: match.Location.Path.join('/'),
      })));
    });
  });
}

export async function runCfnLintJob(job: LintJob, root: string): Promise<LintResult> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const cache = new ResultCache<LintFinding[]>(root, 'cfn-lint');
  const keys = templateKeys(root, job.files);
  const pins = `${toolPins(root)}:${projectRulesDigest(root)}`;
  const keyOf = (file: string) => cache.key(RUNNER_VERSION, pins, job.regions.join(','), JSON.stringify(job.parameters ?? null), keys.get(file) ?? '');

  const findings: LintFinding[] = [];
  const uncached: string[] = [];
  for (const file of job.files) {
    const hit = cache.get(keyOf(file));
    if (hit) findings.push(...hit);
    else uncached.push(file);
  }
  if (uncached.length > 0) {
    const fresh = await spawnCfnLint(job, uncached, root);
    findings.push(...fresh);
    for (const file of uncached) cache.set(keyOf(file), fresh.filter((f) => f.file === file));
  }
  return { job, findings, seconds: elapsed(), cached: job.files.length - uncached.length };
}

export function runCfnLint(jobs: readonly LintJob[], root: string): Promise<LintResult[]> {
  return Promise.all(jobs.map((job) => runCfnLintJob(job, root)));
}
