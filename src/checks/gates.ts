/**
 * The lint and security gates over a rendered platform: cfn-lint on every template and on the root
 * with each environment's parameters, checkov on every template. Zero findings pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EnvironmentConfig } from '../config/environment';
import type { TemplateJson } from '../core/template-json';
import type { RenderedPlatform } from '../synth/render';
import { TEMPLATES_DIR } from '../synth/freshness';
import { runCfnLint, type LintJob, type LintResult } from './cfn-lint';
import { runCheckov, type ScanResult } from './checkov';
import { LINT_RESULT_CACHE_DIR } from './result-cache';
import { CheckPool } from './worker-pool';

/** One line of a gate report; the CLI chooses how each tone looks. */
export interface GateLine {
  readonly tone: 'passed' | 'failed' | 'detail' | 'note';
  readonly text: string;
}

export function lintJobs(platform: RenderedPlatform, environments: readonly EnvironmentConfig[]): LintJob[] {
  const regions = [...new Set(environments.map((env) => env.deployment.region))].sort();
  const rootFile = `${TEMPLATES_DIR}/${platform.templates[0].file}`;
  return [
    { label: 'all templates', files: platform.templates.map((t) => `${TEMPLATES_DIR}/${t.file}`), regions: regions.length > 0 ? regions : ['us-east-1'] },
    ...environments.map((env) => ({
      label: `env ${env.name}`,
      files: [rootFile],
      regions: [env.deployment.region],
      parameters: typedParameters(env.stackParameters, platform.templates[0].template),
    })),
  ];
}

/** CloudFormation parameter strings with list parameters split, as cfn-lint expects them. */
function typedParameters(values: Readonly<Record<string, string>>, rootTemplate: TemplateJson): Record<string, string | string[]> {
  const typed: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(values)) {
    typed[key] = rootTemplate.Parameters?.[key]?.Type === 'CommaDelimitedList' ? value.split(',') : value;
  }
  return typed;
}

export interface LintSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly lines: readonly GateLine[];
}

export function summarizeLint(results: readonly LintResult[]): LintSummary {
  let errors = 0;
  let warnings = 0;
  const lines: GateLine[] = [];
  for (const result of results) {
    const e = result.findings.filter((f) => f.level === 'Error').length;
    const w = result.findings.filter((f) => f.level === 'Warning').length;
    errors += e;
    warnings += w;
    const cached = result.cached > 0 ? `, ${result.cached === result.job.files.length ? 'all' : result.cached} cached` : '';
    lines.push({ tone: e + w === 0 ? 'passed' : 'failed', text: `cfn-lint ${result.job.label}: ${e} errors, ${w} warnings (${result.job.files.length} template${result.job.files.length === 1 ? '' : 's'}${cached}, ${result.seconds.toFixed(1)} s)` });
    for (const finding of result.findings) {
      lines.push({ tone: 'detail', text: `  ${finding.level} ${finding.rule} ${finding.file}:${finding.line} ${finding.path}: ${finding.message}` });
    }
  }
  return { errors, warnings, lines };
}

export interface GateReport {
  readonly lines: readonly GateLine[];
  /** One line per gate that failed; empty when everything passed. */
  readonly failures: readonly string[];
}

function summarizeScan(scan: ScanResult, withReasons: boolean): { lines: GateLine[]; failure?: string } {
  const failed = scan.failed.length + scan.parsingErrors;
  const lines: GateLine[] = [{
    tone: failed === 0 ? 'passed' : 'failed',
    text: `checkov ${scan.version}: ${scan.passed} passed, ${scan.failed.length} failed, ${scan.skipped.length} skipped${scan.parsingErrors ? `, ${scan.parsingErrors} parsing errors` : ''} (${scan.cached > 0 ? `${scan.cached} templates cached, ` : ''}${scan.seconds.toFixed(1)} s)`,
  }];
  for (const f of scan.failed) lines.push({ tone: 'detail', text: `  FAILED ${f.check} ${f.file}:${f.line} ${f.resource}: ${f.name}` });
  if (withReasons) {
    for (const s of scan.skipped) lines.push({ tone: 'note', text: `  skipped ${s.check} ${s.file} ${s.resource}: ${s.reason ?? '(no reason given)'}` });
  }
  const unexplained = scan.skipped.filter((s) => !s.reason);
  return {
    lines,
    failure: failed > 0 || unexplained.length > 0
      ? `checkov: ${scan.failed.length} failed checks, ${scan.parsingErrors} parsing errors, ${unexplained.length} skips without a reason`
      : undefined,
  };
}

export const GATES = ['cfn-lint', 'checkov'] as const;
export type Gate = (typeof GATES)[number];

export interface GateOptions {
  readonly scanReasons: boolean;
  readonly gates?: readonly Gate[];
  /** The workers to use (from startChecks; closed when the gates are done) instead of new ones. */
  readonly pool?: CheckPool;
}

/** cfn-lint (every template, each environment) and checkov, sharing one pool of check workers. */
export async function runGates(
  root: string,
  platform: RenderedPlatform,
  environments: readonly EnvironmentConfig[],
  options: GateOptions,
): Promise<GateReport> {
  const gates = options.gates ?? GATES;
  const pool = options.pool ?? new CheckPool(root);
  const [lint, scan] = await Promise.all([
    gates.includes('cfn-lint') ? runCfnLint(lintJobs(platform, environments), root, { pool }) : Promise.resolve(undefined),
    gates.includes('checkov') ? runCheckov(platform.templates.map((t) => `${TEMPLATES_DIR}/${t.file}`), root, pool) : Promise.resolve(undefined),
  ]).finally(() => pool.close());
  markChecked(root);
  const lines: GateLine[] = [];
  const failures: string[] = [];
  if (lint) {
    const summary = summarizeLint(lint);
    lines.push(...summary.lines);
    if (summary.errors + summary.warnings > 0) failures.push(`cfn-lint reported ${summary.errors} errors and ${summary.warnings} warnings (the gate allows none)`);
  }
  if (scan) {
    const summary = summarizeScan(scan, options.scanReasons);
    lines.push(...summary.lines);
    if (summary.failure) failures.push(summary.failure);
  }
  return { lines, failures };
}

/** Written after every run of the gates: what `startChecks` compares the sources with. */
const LAST_RUN = path.join(LINT_RESULT_CACHE_DIR, 'last-run');
/** Where an edit makes checks likely: the builders and catalog, the params, the tool pins. */
const SOURCES = ['src', 'params', 'requirements.txt'];

function markChecked(root: string): void {
  try {
    fs.mkdirSync(path.join(root, LINT_RESULT_CACHE_DIR), { recursive: true });
    fs.writeFileSync(path.join(root, LAST_RUN), `${new Date().toISOString()}\n`);
  } catch {
    // Without the marker the next command only starts its workers early again.
  }
}

/** Whether any source changed since the gates last ran (or they never ran here). */
function sourcesChangedSinceLastRun(root: string): boolean {
  const lastRun = fs.statSync(path.join(root, LAST_RUN), { throwIfNoEntry: false })?.mtimeMs;
  if (lastRun === undefined) return true;
  const newer = (file: string): boolean => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return false;
    if (!stat.isDirectory()) return stat.mtimeMs > lastRun;
    return fs.readdirSync(file).some((entry) => entry !== '__pycache__' && newer(path.join(file, entry)));
  };
  return SOURCES.some((source) => newer(path.join(root, source)));
}

/**
 * The check workers for one command, to pass to runGates, which closes them. When checks are
 * likely (a source, params or pin file changed since the gates last ran here), the workers start
 * importing cfn-lint and checkov at once, while the command builds assets, renders and validates
 * (0.4-1.1 s, against imports of 0.9 and 1.7 s). Otherwise, as after a plan that found nothing to
 * check, they start only when a check is needed.
 */
export function startChecks(root: string, options: { readonly gates?: readonly Gate[] } = {}): CheckPool {
  const pool = new CheckPool(root);
  if (sourcesChangedSinceLastRun(root)) pool.prestart(options.gates ?? GATES);
  return pool;
}
