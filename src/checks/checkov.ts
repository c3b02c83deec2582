/**
 * Security scan gate: checkov (pinned, project .venv) over every template. Zero failed checks are
 * allowed; each skip must carry its reason in the resource's Metadata (see cfn/scan-exemptions.ts).
 * `--skip-download` keeps checkov offline (it would otherwise fetch guidelines from Prisma Cloud).
 * checkov judges each template on its own, so results are cached per template content.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ResultCache, toolPins } from './result-cache';

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
  /** Templates whose result came from the cache. */
  readonly cached: number;
}

/** One template's share of a report: what the cache stores. */
interface FileResult {
  readonly passed: number;
  readonly failed: readonly ScanFinding[];
  readonly skipped: readonly ScanFinding[];
  readonly version: string;
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
  results: { passed_checks: CheckovCheck[]; failed_checks: CheckovCheck[]; skipped_checks: CheckovCheck[] };
}

const finding = (check: CheckovCheck): ScanFinding => ({
  check: check.check_id,
  name: check.check_name,
  file: check.file_path.replace(/^\//, ''),
  resource: check.resource,
  ...(check.check_result?.suppress_comment ? { reason: check.check_result.suppress_comment } : {}),
});

/** Splits a report over the scanned files (paths relative to the repository root). */
export function parseCheckovReport(json: string, files: readonly string[]): { perFile: Map<string, FileResult>; parsingErrors: number } {
  const parsed = JSON.parse(json) as CheckovReport | CheckovReport[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const perFile = new Map<string, { passed: number; failed: ScanFinding[]; skipped: ScanFinding[]; version: string }>(
    files.map((file) => [file, { passed: 0, failed: [], skipped: [], version: '' }]),
  );
  let parsingErrors = 0;
  for (const report of reports) {
    parsingErrors += report.summary.parsing_errors;
    const entryFor = (check: CheckovCheck) => perFile.get(check.file_path.replace(/^\//, ''));
    for (const check of report.results.passed_checks) {
      const entry = entryFor(check);
      if (entry) entry.passed += 1;
    }
    for (const check of report.results.failed_checks) entryFor(check)?.failed.push(finding(check));
    for (const check of report.results.skipped_checks) entryFor(check)?.skipped.push(finding(check));
    for (const entry of perFile.values()) entry.version = report.summary.checkov_version;
  }
  return { perFile, parsingErrors };
}

function spawnCheckov(files: readonly string[], root: string): Promise<{ perFile: Map<string, FileResult>; parsingErrors: number }> {
  const args = ['--framework', 'cloudformation', '--output', 'json', '--skip-download', '--file', ...files];
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, CHECKOV), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`cannot run ${CHECKOV} (${error.message}); run \`make install\``)));
    child.on('close', (code) => {
      try {
        resolve(parseCheckovReport(stdout, files));
      } catch {
        reject(new Error(`checkov exited ${code} without a report:\n${stderr || stdout}`));
      }
    });
  });
}

/** Scans `files` (paths relative to `root`), re-running checkov only for changed templates. */
export async function runCheckov(files: readonly string[], root: string): Promise<ScanResult> {
  const started = process.hrtime.bigint();
  const cache = new ResultCache<FileResult>(root, 'checkov');
  const pins = toolPins(root);
  const keyOf = (file: string) => cache.key(pins, file, fs.readFileSync(path.join(root, file), 'utf8'));
  const results = new Map<string, FileResult>();
  const uncached: string[] = [];
  for (const file of files) {
    const hit = cache.get(keyOf(file));
    if (hit) results.set(file, hit);
    else uncached.push(file);
  }
  let parsingErrors = 0;
  if (uncached.length > 0) {
    const fresh = await spawnCheckov(uncached, root);
    parsingErrors = fresh.parsingErrors;
    for (const [file, result] of fresh.perFile) {
      results.set(file, result);
      // A template checkov could not parse is not cached: it must be scanned (and fail) again.
      if (parsingErrors === 0) cache.set(keyOf(file), result);
    }
  }
  const all = [...results.values()];
  return {
    passed: all.reduce((sum, r) => sum + r.passed, 0),
    failed: all.flatMap((r) => r.failed),
    skipped: all.flatMap((r) => r.skipped),
    parsingErrors,
    version: all.find((r) => r.version)?.version ?? '',
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cached: files.length - uncached.length,
  };
}
