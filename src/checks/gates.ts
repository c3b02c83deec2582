/**
 * The lint and security gates over a rendered platform: cfn-lint on every template and on the root
 * with each environment's parameters, checkov on every template. Zero findings pass.
 */
import type { EnvironmentConfig } from '../config/environment';
import type { TemplateJson } from '../core/template-json';
import type { RenderedPlatform } from '../synth/render';
import { TEMPLATES_DIR } from '../synth/freshness';
import { runCfnLint, type LintJob, type LintResult } from './cfn-lint';
import { runCheckov, type ScanResult } from './checkov';

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
  for (const f of scan.failed) lines.push({ tone: 'detail', text: `  FAILED ${f.check} ${f.file} ${f.resource}: ${f.name}` });
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
