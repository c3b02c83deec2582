/**
 * Shared steps of the offline commands: render, check freshness, load environments, lint.
 */
import path from 'node:path';
import { loadEnvironment, listEnvironments, requireKnownEnvironment, type EnvironmentConfig } from '../config/environment';
import { compareWithDisk, isStale, renderPlatform, type RenderedPlatform, type StaleReport } from '../synth/render';
import { runCfnLint, type LintJob, type LintResult } from '../lint/cfn-lint';
import { runCheckov, type ScanResult } from '../lint/checkov';
import type { TemplateJson } from '../cfn/template-json';
import type { Style } from './terminal';

export const TEMPLATES_DIR = 'templates';

/** A check that failed (stale templates, lint findings...): exit code 3. */
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

export function staleMessage(report: StaleReport): string {
  const lines = [
    ...report.changed.map((f) => `  changed: ${TEMPLATES_DIR}/${f}`),
    ...report.missing.map((f) => `  missing: ${TEMPLATES_DIR}/${f}`),
    ...report.extra.map((f) => `  no longer rendered: ${TEMPLATES_DIR}/${f}`),
  ];
  return `${TEMPLATES_DIR}/ is stale: the builders render something else than what is committed.\n${lines.join('\n')}\nRun \`make synth\` and commit the result.`;
}

/** Renders in memory and insists that templates/ on disk is identical. */
export function renderFresh(root: string): RenderedPlatform {
  const platform = renderPlatform();
  const report = compareWithDisk(path.join(root, TEMPLATES_DIR), platform.templates);
  if (isStale(report)) throw new CheckFailedError(staleMessage(report));
  return platform;
}

/** `--env X` gives one environment; no flag gives all of them (after checking X exists). */
export function selectEnvironments(root: string, requested: string | undefined): string[] {
  if (requested === undefined) return listEnvironments(root);
  requireKnownEnvironment(root, requested);
  return [requested];
}

export function loadEnvironments(root: string, names: readonly string[], platform: RenderedPlatform): EnvironmentConfig[] {
  return names.map((name) => loadEnvironment(name, { root, templates: platform.templates }));
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
  readonly lines: readonly { style: Style | undefined; text: string }[];
}

export function summarizeLint(results: readonly LintResult[]): LintSummary {
  let errors = 0;
  let warnings = 0;
  const lines: { style: Style | undefined; text: string }[] = [];
  for (const result of results) {
    const e = result.findings.filter((f) => f.level === 'Error').length;
    const w = result.findings.filter((f) => f.level === 'Warning').length;
    errors += e;
    warnings += w;
    const status = e + w === 0 ? 'green' : 'red';
    const cached = result.cached > 0 ? `, ${result.cached === result.job.files.length ? 'all' : result.cached} cached` : '';
    lines.push({ style: status, text: `cfn-lint ${result.job.label}: ${e} errors, ${w} warnings (${result.job.files.length} template${result.job.files.length === 1 ? '' : 's'}${cached}, ${result.seconds.toFixed(1)} s)` });
    for (const finding of result.findings) {
      lines.push({ style: undefined, text: `  ${finding.level} ${finding.rule} ${finding.file}:${finding.line} ${finding.path}: ${finding.message}` });
    }
  }
  return { errors, warnings, lines };
}

export interface GateReport {
  readonly lines: readonly { style: Style | undefined; text: string }[];
  /** One line per gate that failed; empty when everything passed. */
  readonly failures: readonly string[];
}

function summarizeScan(scan: ScanResult, withReasons: boolean): { lines: { style: Style | undefined; text: string }[]; failure?: string } {
  const failed = scan.failed.length + scan.parsingErrors;
  const lines: { style: Style | undefined; text: string }[] = [{
    style: failed === 0 ? 'green' : 'red',
    text: `checkov ${scan.version}: ${scan.passed} passed, ${scan.failed.length} failed, ${scan.skipped.length} skipped${scan.parsingErrors ? `, ${scan.parsingErrors} parsing errors` : ''} (${scan.cached > 0 ? `${scan.cached} templates cached, ` : ''}${scan.seconds.toFixed(1)} s)`,
  }];
  for (const f of scan.failed) lines.push({ style: undefined, text: `  FAILED ${f.check} ${f.file} ${f.resource}: ${f.name}` });
  if (withReasons) {
    for (const s of scan.skipped) lines.push({ style: 'dim', text: `  skipped ${s.check} ${s.file} ${s.resource}: ${s.reason ?? '(no reason given)'}` });
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

/** cfn-lint (every template, each environment) and checkov, run concurrently. */
export async function runGates(
  root: string,
  platform: RenderedPlatform,
  environments: readonly EnvironmentConfig[],
  options: { scanReasons: boolean; gates?: readonly Gate[] },
): Promise<GateReport> {
  const gates = options.gates ?? GATES;
  const [lint, scan] = await Promise.all([
    gates.includes('cfn-lint') ? runCfnLint(lintJobs(platform, environments), root) : Promise.resolve(undefined),
    gates.includes('checkov') ? runCheckov(platform.templates.map((t) => `${TEMPLATES_DIR}/${t.file}`), root) : Promise.resolve(undefined),
  ]);
  const lines: { style: Style | undefined; text: string }[] = [];
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
