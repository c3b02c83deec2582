/**
 * T-6 lint gate: cfn-lint (AWS's own resource schemas) from the project virtualenv, run over every
 * template and again per environment with that environment's parameter values. Each template of
 * each job is one task for the run's worker pool (worker-pool.ts); results are cached by content
 * (result-cache.ts), so only templates whose result could have changed are linted again, each once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lintKeys, optionsDigest, ResultCache, toolPins, type LintKeys } from './result-cache';
import type { CheckPool } from './worker-pool';
import { projectRuleArguments } from './project-rules';

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

/**
 * The options every cfn-lint run gets, in the worker pool or on the command line: the one place
 * to add one. The project rules (project-rules.ts) come in here; every local file these options
 * name is part of every result's cache key, so editing a rule re-lints what it checks.
 */
export const CFN_LINT_OPTIONS: readonly string[] = ['--format', 'json', ...projectRuleArguments()];

/**
 * Project rules that read every template nested below the one they lint (E9101 follows
 * sibling-fed parameters down the tree, E9106 compares the ALB's idle timeout with every service's
 * request timeout). Their findings on a template depend on all of its descendants, so they are run
 * and cached apart from the other rules, whose findings depend only on the template and what
 * cfn-lint reads of its children. test/checks/nested-readers.test.ts fails when a project rule
 * reads nested templates and is not listed here.
 */
export const TREE_RULES: readonly string[] = ['E9101', 'E9106'];

/** Bump when the way jobs are run changes, so old cached results are not reused. */
const RUNNER_VERSION = '3';

/**
 * A job's command-line options, files excluded. Parameter values go through a generated config
 * file: on the command line cfn-lint reads `Key=a,b` as one string and rejects it for list parameters.
 */
export function cfnLintArguments(job: LintJob, root: string, options: readonly string[] = CFN_LINT_OPTIONS): string[] {
  const args = [...options, '--regions', ...job.regions];
  if (job.parameters) {
    const configFile = path.join(LINT_CONFIG_DIR, `${job.label.replace(/[^a-z0-9]+/gi, '-')}.cfnlintrc.json`);
    fs.mkdirSync(path.join(root, LINT_CONFIG_DIR), { recursive: true });
    fs.writeFileSync(path.join(root, configFile), JSON.stringify({ parameters: [job.parameters] }, null, 2));
    args.push('--config-file', configFile);
  }
  return args;
}

/** cfn-lint's JSON report (`--format json`), as the toolkit reads it. */
export function parseCfnLintReport(report: unknown): LintFinding[] {
  return (report as CfnLintMatch[]).map((match) => ({
    file: match.Filename,
    line: match.Location.Start.LineNumber,
    rule: match.Rule.Id,
    level: match.Level,
    message: match.Message,
    path: match.Location.Path.join('/'),
  }));
}

/** As cfn-lint orders its report: by file, line, rule. */
const byPlace = (a: LintFinding, b: LintFinding): number => a.file.localeCompare(b.file) || a.line - b.line || a.rule.localeCompare(b.rule);

/**
 * Estimated CPU-seconds to lint a template (2-core EPYC, cfn-lint 1.58): about 13 µs per byte of
 * the template with every rule, 2 µs with the tree rules alone, and 0.5 µs per byte of every
 * template below it, which cfn-lint and the tree rules decode (at 100 services the services stack
 * takes 8-9 s, the root 2-3 s).
 */
const lintCost = (keys: LintKeys | undefined, scope: Scope): number =>
  (scope === 'tree' ? 2e-6 : 13e-6) * (keys?.bytes ?? 0) + 0.5e-6 * (keys?.bytesBelow ?? 0);

export interface CfnLintRun {
  readonly pool: CheckPool;
  /** Replaces CFN_LINT_OPTIONS (tests add fixture rules). */
  readonly options?: readonly string[];
  /** Replaces TREE_RULES (tests). */
  readonly treeRules?: readonly string[];
}

/**
 * What one cached result covers: every rule (a template that nests nothing), the tree rules
 * (keyed by everything below the template), or every other rule (keyed by the template and what
 * cfn-lint reads of its children).
 */
type Scope = 'all' | 'tree' | 'local';

/** One cached result a job needs for one of its templates. */
interface Part {
  readonly key: string;
  readonly scope: Scope;
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * Lints every job's templates. Each result is cached by what it depends on (result-cache.ts,
 * `lintKeys`): after a service template's resources change, the service is linted again, and its
 * parent and the root with the tree rules only. What is not cached becomes pool tasks: one per
 * template (both scopes in one run when both are missing), and one per job for its tree-rule runs,
 * which then decode the shared tree once. Jobs needing the same result share it: no template is
 * linted twice with the same options in a run.
 */
export async function runCfnLint(jobs: readonly LintJob[], root: string, run: CfnLintRun): Promise<LintResult[]> {
  const started = process.hrtime.bigint();
  const cache = new ResultCache<LintFinding[]>(root, 'cfn-lint');
  const keys = lintKeys(root, [...new Set(jobs.flatMap((job) => job.files))]);
  const pins = toolPins(root);
  const options = run.options ?? CFN_LINT_OPTIONS;
  const treeRules = run.treeRules ?? TREE_RULES;
  const optionsKey = optionsDigest(root, options);
  // A tree rule's findings, and cfn-lint's report of a tree rule that crashed (E0002 names it).
  const fromTreeRule = (f: LintFinding) => treeRules.includes(f.rule) || (f.rule === 'E0002' && treeRules.some((id) => f.message.includes(`rule ${id}`)));

  // The results each job needs for each of its templates; the cache holds some.
  const results = new Map<string, Promise<LintFinding[]>>();
  const missing = new Map<string, Part>();
  const needs = jobs.map((job) => {
    const args = cfnLintArguments(job, root, options);
    const keyOf = (scope: Scope, content: string) => cache.key(RUNNER_VERSION, pins, optionsKey, job.regions.join(','), JSON.stringify(job.parameters ?? null), scope, treeRules.join(','), content);
    return job.files.map((file) => {
      const fileKeys = keys.get(file);
      const parts: Part[] = fileKeys?.nests
        ? [{ key: keyOf('local', fileKeys.local), scope: 'local', file, args }, { key: keyOf('tree', fileKeys.tree), scope: 'tree', file, args }]
        : [{ key: keyOf('all', fileKeys?.local ?? file), scope: 'all', file, args }];
      for (const part of parts) {
        if (results.has(part.key) || missing.has(part.key)) continue;
        const hit = cache.get(part.key);
        if (hit) results.set(part.key, Promise.resolve(hit));
        else missing.set(part.key, part);
      }
      return { parts, cached: parts.every((part) => !missing.has(part.key)) };
    });
  });

  // Pool tasks for what is missing. A task's findings are split over the parts it covers: by file
  // (a task may lint several), and by rule between a template's tree part and its local part.
  const settle = (covered: readonly Part[], task: Promise<LintFinding[]>): void => {
    for (const part of covered) {
      results.set(part.key, task.then((findings) => {
        // A finding that names no file of the task (none does in cfn-lint 1.58) stays with the first.
        const files = new Set(covered.map((p) => p.file));
        const mine = findings.filter((f) => (f.file === part.file || (!files.has(f.file) && part.file === covered[0].file))
          && (part.scope === 'all' || fromTreeRule(f) === (part.scope === 'tree')));
        cache.set(part.key, mine);
        return mine;
      }));
    }
  };
  const runTask = (parts: readonly Part[], scope: Scope): Promise<LintFinding[]> => {
    const rules = scope === 'tree' ? { only: treeRules } : scope === 'local' ? { except: treeRules } : undefined;
    const files = [...new Set(parts.map((part) => part.file))];
    const cost = files.reduce((sum, file) => sum + lintCost(keys.get(file), scope), 0);
    return run.pool.run({ tool: 'cfn-lint', args: parts[0].args, files, cost, ...(rules ? { rules } : {}) }).then(parseCfnLintReport);
  };
  const treeBatches = new Map<readonly string[], Part[]>();
  for (const part of missing.values()) {
    if (results.has(part.key)) continue;
    const sibling = [...missing.values()].find((p) => p.file === part.file && p.args === part.args && p.scope !== part.scope);
    if (sibling && !results.has(sibling.key)) settle([part, sibling], runTask([part], 'all'));
    else if (part.scope === 'tree') treeBatches.set(part.args, [...(treeBatches.get(part.args) ?? []), part]);
    else settle([part], runTask([part], part.scope));
  }
  // The tree rules of one job's templates in one task: they decode the tree below them once.
  for (const batch of treeBatches.values()) settle(batch, runTask(batch, 'tree'));

  return Promise.all(needs.map(async (files, index) => ({
    job: jobs[index],
    findings: (await Promise.all(files.flatMap(({ parts }) => parts.map((part) => results.get(part.key) ?? Promise.resolve([]))))).flat().sort(byPlace),
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cached: files.filter((f) => f.cached).length,
  })));
}
