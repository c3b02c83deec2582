/**
 * The check tools run the plain way, one command-line process over the given templates, for tests
 * that compare the worker pool's results with them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CFN_LINT, CFN_LINT_OPTIONS, cfnLintArguments, parseCfnLintReport, type LintFinding, type LintJob } from '../../src/checks/cfn-lint';
import { CHECKOV_COMMAND, parseCheckovReport, type FileResult } from '../../src/checks/checkov';

/** Every template under `<root>/templates`, as repository-relative paths, sorted. */
export function templateFiles(root: string): string[] {
  return (fs.readdirSync(path.join(root, 'templates'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json')).map((f) => `templates/${f.split(path.sep).join('/')}`).sort();
}

/** `cfn-lint <the job's options> -- <files>` in one process. */
export function plainCfnLint(root: string, job: LintJob, files: readonly string[] = job.files, options: readonly string[] = CFN_LINT_OPTIONS): LintFinding[] {
  const run = spawnSync(path.join(root, CFN_LINT), [...cfnLintArguments(job, root, options), '--', ...files], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (!run.stdout.trim().startsWith('[')) throw new Error(`cfn-lint exited ${run.status} without a report:\n${run.stderr}${run.stdout}`);
  return parseCfnLintReport(JSON.parse(run.stdout));
}

/** `checkov --framework cloudformation --skip-download --file <files>` in one process, per file. */
export function plainCheckov(root: string, files: readonly string[]): { perFile: Map<string, FileResult>; parsingErrors: number } {
  const [command, ...args] = CHECKOV_COMMAND;
  const run = spawnSync(path.join(root, command), [...args, ...files], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  try {
    return parseCheckovReport(JSON.parse(run.stdout), files);
  } catch {
    throw new Error(`checkov exited ${run.status} without a report:\n${run.stderr}${run.stdout}`);
  }
}
