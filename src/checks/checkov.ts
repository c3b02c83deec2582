/**
 * Security scan gate: checkov (pinned, project .venv) over every template. Zero failed checks are
 * allowed; each skip must carry its reason in the resource's Metadata (see cfn/scan-exemptions.ts).
 * The workers run checkov's CloudFormation runner offline, as `checkov --framework cloudformation
 * --skip-download --file <template>` does (CHECKOV_COMMAND; test/checks/worker-pool.test.ts
 * compares the two). checkov judges each template on its own: a CloudFormation graph connects
 * resources of one template only, so each template is one pool task and its result is cached by
 * its content.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ResultCache, toolPins } from './result-cache';
import type { CheckPool } from './worker-pool';

export const CHECKOV = path.join('.venv', 'bin', 'checkov');

/** The command line the workers' scan is equivalent to (files appended). */
export const CHECKOV_COMMAND: readonly string[] = [CHECKOV, '--framework', 'cloudformation', '--output', 'json', '--skip-download', '--file'];

export interface ScanFinding {
  readonly check: string;
  readonly name: string;
  readonly file: string;
  readonly resource: string;
  /** First line of the resource in the template. */
  readonly line: number;
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
export interface FileResult {
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
  file_line_range: [number, number];
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
  line: check.file_line_range[0],
  ...(check.check_result?.suppress_comment ? { reason: check.check_result.suppress_comment } : {}),
});

/** Splits a report (parsed JSON, one report or a list) over the scanned files (paths relative to the repository root). */
export function parseCheckovReport(report: unknown, files: readonly string[]): { perFile: Map<string, FileResult>; parsingErrors: number } {
  const reports = (Array.isArray(report) ? report : [report]) as CheckovReport[];
  const perFile = new Map<string, { passed: number; failed: ScanFinding[]; skipped: ScanFinding[]; version: string }>(
    files.map((file) => [file, { passed: 0, failed: [], skipped: [], version: '' }]),
  );
  let parsingErrors = 0;
  for (const scan of reports) {
    parsingErrors += scan.summary.parsing_errors;
    const entryFor = (check: CheckovCheck) => perFile.get(check.file_path.replace(/^\//, ''));
    for (const check of scan.results.passed_checks) {
      const entry = entryFor(check);
      if (entry) entry.passed += 1;
    }
    for (const check of scan.results.failed_checks) entryFor(check)?.failed.push(finding(check));
    for (const check of scan.results.skipped_checks) entryFor(check)?.skipped.push(finding(check));
    for (const entry of perFile.values()) entry.version = scan.summary.checkov_version;
  }
  return { perFile, parsingErrors };
}

/** Bump when what is cached per template changes shape. */
const RESULT_VERSION = '2';

/**
 * Estimated CPU-seconds to scan a template (2-core EPYC, checkov 3.3): about 7 µs per byte, and
 * more per byte for large templates, whose graph checkov renders in time that grows faster than
 * the template (the 480 KB services stack at 100 services takes 8-10 s).
 */
const scanCost = (root: string, file: string): number => {
  const bytes = fs.statSync(path.join(root, file), { throwIfNoEntry: false })?.size ?? 0;
  return 7e-6 * bytes * (1 + bytes / 300_000);
};

/** Scans `files` (paths relative to `root`), one pool task per template whose content changed. */
export async function runCheckov(files: readonly string[], root: string, pool: CheckPool): Promise<ScanResult> {
  const started = process.hrtime.bigint();
  const cache = new ResultCache<FileResult>(root, 'checkov');
  const pins = toolPins(root);
  const keyOf = (file: string) => cache.key(RESULT_VERSION, pins, CHECKOV_COMMAND.join(' '), file, fs.readFileSync(path.join(root, file), 'utf8'));
  const unique = [...new Set(files)];
  let parsingErrors = 0;
  let cached = 0;
  const results = await Promise.all(unique.map(async (file): Promise<FileResult> => {
    const key = keyOf(file);
    const hit = cache.get(key);
    if (hit) {
      cached += 1;
      return hit;
    }
    const scan = parseCheckovReport(await pool.run({ tool: 'checkov', files: [file], cost: scanCost(root, file) }), [file]);
    parsingErrors += scan.parsingErrors;
    const result = scan.perFile.get(file) ?? { passed: 0, failed: [], skipped: [], version: '' };
    // A template checkov could not parse is not cached: it must be scanned (and fail) again.
    if (scan.parsingErrors === 0) cache.set(key, result);
    return result;
  }));
  return {
    passed: results.reduce((sum, r) => sum + r.passed, 0),
    failed: results.flatMap((r) => r.failed),
    skipped: results.flatMap((r) => r.skipped),
    parsingErrors,
    version: results.find((r) => r.version)?.version ?? '',
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cached,
  };
}
