/**
 * T-6 lint gate: cfn-lint (AWS's own resource schemas) from the project virtualenv, run over every
 * template and again per environment with that environment's parameter values. Jobs run in
 * parallel, one process each.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface LintJob {
  /** Shown in reports: `templates` or `env dev`. */
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
}

interface CfnLintMatch {
  Filename: string;
  Level: LintFinding['level'];
  Message: string;
  Location: { Start: { LineNumber: number }; Path: (string | number)[] };
  Rule: { Id: string };
}

export const CFN_LINT = path.join('.venv', 'bin', 'cfn-lint');

export const LINT_CACHE_DIR = path.join('.cache', 'lint');

/**
 * Command-line arguments for a job. Parameter values go through a generated config file: on the
 * command line cfn-lint reads `Key=a,b` as one string and rejects it for list parameters.
 */
export function cfnLintArguments(job: LintJob, root: string): string[] {
  const args = ['--format', 'json', '--regions', ...job.regions];
  if (job.parameters) {
    const configFile = path.join(LINT_CACHE_DIR, `${job.label.replace(/[^a-z0-9]+/gi, '-')}.cfnlintrc.json`);
    fs.mkdirSync(path.join(root, LINT_CACHE_DIR), { recursive: true });
    fs.writeFileSync(path.join(root, configFile), JSON.stringify({ parameters: [job.parameters] }, null, 2));
    args.push('--config-file', configFile);
  }
  return [...args, '--', ...job.files];
}

export function runCfnLintJob(job: LintJob, root: string): Promise<LintResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, CFN_LINT), cfnLintArguments(job, root), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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
      resolve({
        job,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        findings: matches.map((match) => ({
          file: match.Filename,
          line: match.Location.Start.LineNumber,
          rule: match.Rule.Id,
          level: match.Level,
          message: match.Message,
          path: match.Location.Path.join('/'),
        })),
      });
    });
  });
}

export function runCfnLint(jobs: readonly LintJob[], root: string): Promise<LintResult[]> {
  return Promise.all(jobs.map((job) => runCfnLintJob(job, root)));
}
