/**
 * Security scan gate: checkov (pinned, project .venv) over every template. Zero failed checks are
 * allowed; each skip must carry its reason in the resource's Metadata (see cfn/scan-exemptions.ts).
 * `--skip-download` keeps checkov offline (it would otherwise fetch guidelines from Prisma Cloud).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const CHECKOV = path.join('.venv', 'bin', 'checkov');

export interface ScanFinding {
  readonly check: string;
  readonly name: string;
  readonly file: string;
  readonly resource: string;
  /** The suppression comment, for skipped checks. */
  readonly reason?: string;
}

export interface ScanResult {
  readonly passed: number;
  readonly failed: readonly ScanFinding[];
  readonly skipped: readonly ScanFinding[];
  readonly parsingErrors: number;
  readonly version: string;
  readonly seconds: number;
}

interface CheckovCheck {
  check_id: string;
  check_name: string;
  file_path: string;
  resource: string;
  check_result?: { suppress_comment?: string };
}

interface CheckovReport {
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number; checkov_version: string };
  results: { failed_checks: CheckovCheck[]; skipped_checks: CheckovCheck[] };
}

const finding = (check: CheckovCheck): ScanFinding => ({
  check: check.check_id,
  name: check.check_name,
  file: check.file_path.replace(/^\//, ''),
  resource: check.resource,
  ...(check.check_result?.suppress_comment ? { reason: check.check_result.suppress_comment } : {}),
});

export function parseCheckovReport(json: string, seconds: number): ScanResult {
  const parsed = JSON.parse(json) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const result = { passed: 0, failed: [] as ScanFinding[], skipped: [] as ScanFinding[], parsingErrors: 0, version: '', seconds };
  for (const report of reports) {
    result.passed += report.summary.passed;
    result.parsingErrors += report.summary.parsing_errors;
    result.version = report.summary.checkov_version;
    result.failed.push(...report.results.failed_checks.map(finding));
    result.skipped.push(...report.results.skipped_checks.map(finding));
  }
  return result;
}

export function runCheckov(templatesDir: string, root: string): Promise<ScanResult> {
  const started = process.hrtime.bigint();
  const args = ['-d', templatesDir, '--framework', 'cloudformation', '--output', 'json', '--skip-download'];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, CHECKOV), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`cannot run ${CHECKOV} (${error.message}); run \`make install\``)));
    child.on('close', (code) => {
      try {
        resolve(parseCheckovReport(stdout, Number(process.hrtime.bigint() - started) / 1e9));
      } catch {
        reject(new Error(`checkov exited ${code} without a report:\n${stderr || stdout}`));
      }
    });
  });
}
