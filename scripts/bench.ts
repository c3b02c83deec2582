/**
 * `make bench`: wall-clock and CPU figures of the toolkit's commands, each run as a whole process
 * (one warm-up, then RUNS measured runs: median, min, max), the inner loop (a one-service edit
 * against one cfn-lint run), the cold plan of a 100-service catalog, and the scale series of synth
 * time and per-stack quota use for catalogs of 4, 20, 50 and 100 services.
 *
 * CPU-seconds are this process's and its children's (user + system, from /proc): on a shared
 * machine they move less than wall time, and a wall time far above CPU/cores means the machine was
 * busy. Figures only: nothing here asserts a time (timings vary with the machine; tests must not).
 *
 * The deploy path is measured against the fake AWS (test/fakes/aws, through the deploy harness) with
 * a fixed real latency per request: API calls, wall time and local CPU of `diff` and a no-op
 * `deploy` at 4, 20, 50 and 100 services.
 *
 * Environment: BENCH_RUNS (default 5), BENCH_SCALE_RUNS for the 100-service plan (default 3),
 * BENCH_LATENCY_MS per simulated AWS request (default 50),
 * BENCH_ONLY=commands,edit,scale100,deploy,series to run some sections.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAssets } from '../src/assets/code-assets';
import { syntheticCatalog } from '../test/helpers/synthetic-catalog';
import { CLOUDFORMATION_LIMITS, LIMIT_HEADROOM, measureTemplate, type LimitName } from '../src/checks/quotas';
import { CFN_LINT, CFN_LINT_OPTIONS } from '../src/checks/cfn-lint';
import { runGates, startChecks } from '../src/checks/gates';
import { PROJECT_RULES_DIR } from '../src/checks/project-rules';
import { CheckPool, type TaskRecord } from '../src/checks/worker-pool';
import { loadEnvironment } from '../src/config/environment';
import { renderPlatform, writeTemplates, type RenderedPlatform } from '../src/synth/render';
import { SERVICE_CATALOG } from '../src/catalog/services';
import { DEFAULT_MAX_IN_FLIGHT } from '../src/aws/concurrency';
import { LOCAL_OPERATIONS } from '../src/aws/retry';
import { collectReview } from '../src/operations/review/collect';
import { packageTemplates } from '../src/operations/package/package';
import { assembleReview } from '../src/operations/review/assemble';
import { createMasker, secretParameterValues } from '../src/operations/mask';
import { deploying, diffing, eventsOf, Scenario } from '../test/helpers/deploy-harness';
import { testAssets } from '../test/helpers/platform';
import { PortMeter } from '../test/helpers/port-meter';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const SCALE_RUNS = Number(process.env['BENCH_SCALE_RUNS'] ?? 3);
const ONLY = process.env['BENCH_ONLY']?.split(',');
const section = (name: string): boolean => !ONLY || ONLY.includes(name);

interface Sample {
  /** Milliseconds. */
  readonly wall: number;
  /** CPU-seconds of this process and its children; undefined where /proc is unavailable. */
  readonly cpu: number | undefined;
}

interface Figure {
  readonly label: string;
  readonly runs: readonly Sample[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** User + system CPU-seconds of this process and of every child it has waited for (Linux /proc). */
function cpuSeconds(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the command name.
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

async function sample(action: () => void | Promise<void>): Promise<Sample> {
  const cpuBefore = cpuSeconds();
  const started = process.hrtime.bigint();
  await action();
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuAfter = cpuSeconds();
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

function runOrThrow(label: string, command: string, args: readonly string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env, ...options });
  if (result.status !== 0) throw new Error(`${label} failed (${result.status ?? result.error?.message}):\n${result.stdout}\n${result.stderr}`);
}

async function timeCommand(label: string, command: string, args: readonly string[], prepare?: () => void): Promise<Figure> {
  const once = (): Promise<Sample> => {
    prepare?.();
    return sample(() => runOrThrow(label, command, args));
  };
  await once(); // warm-up: file system caches
  const runs: Sample[] = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await once());
  process.stderr.write(`  measured ${label}\n`);
  return { label, runs };
}

function clean(paths: readonly string[]): () => void {
  return () => paths.forEach((p) => fs.rmSync(p, { recursive: true, force: true }));
}

function cpuCell(runs: readonly Sample[]): string {
  const cpu = runs.map((r) => r.cpu).filter((c): c is number => c !== undefined);
  return cpu.length === runs.length ? `${median(cpu).toFixed(1)} s` : 'n/a';
}

function commandTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => {
    const walls = f.runs.map((r) => r.wall);
    return `| ${f.label} | ${seconds(median(walls))} | ${seconds(Math.min(...walls))} | ${seconds(Math.max(...walls))} | ${cpuCell(f.runs)} |`;
  });
  return ['| what is measured | median | min | max | CPU (median) |', '|---|---|---|---|---|', ...rows].join('\n');
}

// --- the inner loop: one field of one service changed, then `make plan` -------------------------

const EDITED_SERVICE = 'frontend';
const EDIT_SOURCES = ['src', 'scripts', 'params', 'templates', 'Makefile', 'package.json', 'package-lock.json', 'tsconfig.json', 'requirements.txt'];

/**
 * A copy of the repository in .cache/bench/edit (inside the repository, so the CLI bundle finds
 * node_modules by walking up) with the same .venv. make runs there with the install targets marked
 * up to date (-o), so nothing is ever installed through the .venv link.
 */
function editWorkspace(): { dir: string; make: (args: readonly string[]) => void; editService: (value: number) => void } {
  const repo = process.cwd();
  const dir = path.join(repo, '.cache', 'bench', 'edit');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of EDIT_SOURCES) fs.cpSync(entry, path.join(dir, entry), { recursive: true, preserveTimestamps: true });
  fs.symlinkSync(path.join(repo, '.venv'), path.join(dir, '.venv'));
  const make = (args: readonly string[]) => runOrThrow(`make ${args.join(' ')} (in ${dir})`, 'make', [
    '-s', '-o', 'node_modules/.installed', '-o', '.venv/.installed', `NODE_BIN=${path.join(repo, 'node_modules', '.bin')}`, ...args,
  ], { cwd: dir });
  const catalog = path.join(dir, 'src', 'catalog', 'services.ts');
  const original = fs.readFileSync(catalog, 'utf8');
  // The scaling target of the edited service: it appears in that service's template only.
  const target = new RegExp(`(name: '${EDITED_SERVICE}',[\\s\\S]*?targetValue: )\\d+`);
  if (!target.test(original)) throw new Error(`bench: cannot find ${EDITED_SERVICE}'s targetValue in src/catalog/services.ts`);
  const editService = (value: number) => fs.writeFileSync(catalog, original.replace(target, `$1${value}`));
  return { dir, make, editService };
}

/**
 * The edit's wall time on a shared machine depends on everyone's load; its parts' CPU-seconds much
 * less. So the edit is also assembled from them: the serial part (the CLI bundle rebuilt, then
 * `tap plan` with every check cached) plus the busiest check worker (its tasks' CPU, imports
 * included) when the same template change is checked in-process. That leaves out the overlap of
 * the workers' imports with render and validation, so it errs on the slow side.
 */
async function criticalPath(dir: string, make: (args: readonly string[]) => void, singleCpu: number): Promise<string> {
  const catalog = path.join(dir, 'src', 'catalog', 'services.ts');
  const serial: number[] = [];
  const busiest: number[] = [];
  const platform = renderPlatform();
  const env = loadEnvironment('dev', { root: dir, templates: platform.templates, catalog: SERVICE_CATALOG });
  const template = path.join(dir, 'templates', 'services', `${EDITED_SERVICE}.json`);
  for (let i = 0; i < RUNS; i += 1) {
    // The bundle is rebuilt for a newer catalog source; the old time then keeps plan from
    // starting workers for a change it will not find.
    const { atime, mtime } = fs.statSync(catalog);
    fs.utimesSync(catalog, new Date(), new Date());
    const bundle = await sample(() => make(['.build/tap.js']));
    fs.utimesSync(catalog, atime, mtime);
    const plan = await sample(() => runOrThrow('tap plan', 'node', ['.build/tap.js', 'plan', '--env', 'dev'], { cwd: dir }));
    serial.push((bundle.cpu ?? NaN) + (plan.cpu ?? NaN));
    fs.writeFileSync(template, fs.readFileSync(template, 'utf8').replace(/"TargetValue": \d+/, `"TargetValue": ${5000 + i + Math.floor(Math.random() * 1000)}`));
    const pool = new CheckPool(dir);
    await runGates(dir, platform, [env], { scanReasons: false, pool });
    const perWorker = new Map<number, number>();
    for (const record of pool.records) perWorker.set(record.worker, (perWorker.get(record.worker) ?? 0) + record.cpu);
    busiest.push(Math.max(...perWorker.values()));
  }
  const estimate = median(serial) + median(busiest);
  return `Without other load (from CPU-seconds, median of ${RUNS}): serial part ${median(serial).toFixed(2)} s + busiest check worker ${median(busiest).toFixed(2)} s = ${estimate.toFixed(2)} s, ${(estimate / singleCpu).toFixed(2)}× the single cfn-lint run's ${singleCpu.toFixed(2)} s.`;
}

async function editFigures(): Promise<{ figures: Figure[]; lines: string[] }> {
  const { dir, make, editService } = editWorkspace();
  const region = (JSON.parse(fs.readFileSync(path.join(dir, 'params', 'dev.json'), 'utf8')) as { deployment: { region: string } }).deployment.region;
  const template = `templates/services/${EDITED_SERVICE}.json`;
  make(['plan', 'ENV=dev']); // fills the workspace's caches: the edit is the only change
  let value = 1000 + Math.floor(Math.random() * 1000);
  const edits: Sample[] = [];
  const singles: Sample[] = [];
  for (let i = 0; i <= RUNS; i += 1) {
    editService((value += 1)); // a value never linted before: nothing about this template is cached
    const edit = await sample(() => make(['plan', 'ENV=dev']));
    const single = await sample(() => runOrThrow('cfn-lint', path.join(dir, CFN_LINT), [...CFN_LINT_OPTIONS, '--regions', region, '--', template], { cwd: dir }));
    if (i === 0) continue; // warm-up
    edits.push(edit);
    singles.push(single);
  }
  const ratios = edits.map((edit, i) => edit.wall / singles[i].wall);
  const singleCpu = median(singles.map((s) => s.cpu ?? NaN));
  const estimate = await criticalPath(dir, make, singleCpu);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stderr.write('  measured the one-service edit\n');
  return {
    figures: [
      { label: `one-service edit: \`make plan ENV=dev\` after changing ${EDITED_SERVICE}'s scaling target (a fresh value each run)`, runs: edits },
      { label: `one cfn-lint run on ${template} (same runs, one process)`, runs: singles },
    ],
    lines: [
      `One-service edit / one cfn-lint run on its template, wall time per run: median ${median(ratios).toFixed(2)}×, min ${Math.min(...ratios).toFixed(2)}×, max ${Math.max(...ratios).toFixed(2)}× (target ≤ 1.5×).`,
      estimate,
    ],
  };
}

// --- 100 services, nothing cached --------------------------------------------------------------

/** How the pool spent a run: per worker, its tasks and the share of the run it was busy. */
function poolLine(records: readonly TaskRecord[], wallMs: number): string {
  const workers = [...new Set(records.map((r) => r.worker))].sort();
  const perWorker = workers.map((w) => {
    const mine = records.filter((r) => r.worker === w);
    const busy = mine.reduce((sum, r) => sum + r.ended - r.started, 0);
    return `worker ${w + 1}: ${mine.length} tasks (${[...new Set(mine.map((r) => r.tool))].join(' + ')}), busy ${Math.round((busy / wallMs) * 100)}%`;
  });
  const longest = [...records].sort((a, b) => (b.ended - b.started) - (a.ended - a.started)).slice(0, 2)
    .map((r) => `${r.tool} ${r.files.join(' ')} ${seconds(r.ended - r.started)}`);
  return `${perWorker.join('; ')}; longest tasks: ${longest.join(', ')}`;
}

/** Renders the 100-service synthetic catalog into a scratch workspace and runs plan's checks there. */
async function coldPlanAt100(): Promise<{ figure: Figure; pools: string[] }> {
  const repo = process.cwd();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-bench-100-'));
  fs.cpSync(path.join(repo, 'params'), path.join(dir, 'params'), { recursive: true });
  for (const file of ['package.json', 'requirements.txt']) fs.copyFileSync(path.join(repo, file), path.join(dir, file));
  fs.symlinkSync(path.join(repo, '.venv'), path.join(dir, '.venv'));
  fs.mkdirSync(path.join(dir, path.dirname(PROJECT_RULES_DIR)), { recursive: true });
  fs.symlinkSync(path.join(repo, PROJECT_RULES_DIR), path.join(dir, PROJECT_RULES_DIR));
  const catalog = syntheticCatalog(100);
  // Every synthetic service runs the release the real ones run in dev.
  const devFile = path.join(dir, 'params', 'dev.json');
  const dev = JSON.parse(fs.readFileSync(devFile, 'utf8')) as { imageTags: Record<string, string> };
  const release = Object.values(dev.imageTags)[0] ?? '';
  for (const service of catalog) dev.imageTags[service.name] ??= release;
  fs.writeFileSync(devFile, JSON.stringify(dev, null, 2));
  const assets = buildAssets();
  const runs: Sample[] = [];
  const pools: string[] = [];
  let templates = 0;
  for (let i = 0; i < SCALE_RUNS; i += 1) {
    fs.rmSync(path.join(dir, '.cache'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'templates'), { recursive: true, force: true });
    let pool: CheckPool | undefined;
    runs.push(await sample(async () => {
      pool = startChecks(dir); // as plan does: nothing was checked here, so the workers start at once
      const platform = renderPlatform(catalog, assets);
      writeTemplates(path.join(dir, 'templates'), platform.templates);
      const env = loadEnvironment('dev', { root: dir, templates: platform.templates, catalog });
      const report = await runGates(dir, platform, [env], { scanReasons: false, pool });
      if (report.failures.length > 0) throw new Error(`100-service plan failed:\n${report.lines.map((l) => l.text).join('\n')}`);
      templates = platform.templates.length;
    }));
    pools.push(poolLine(pool?.records ?? [], runs[i].wall));
    process.stderr.write(`  100-service cold plan, run ${i + 1}: ${seconds(runs[i].wall)}; ${pools[i]}\n`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { figure: { label: `100-service cold plan (synthetic catalog, ${templates} templates: render, params, cfn-lint, checkov; in-process)`, runs }, pools };
}

// --- the deploy path at scale, against the fake AWS ----------------------------------------------

const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 50);
const DEPLOY_SIZES = [4, 20, 50, 100] as const;

/**
 * Local CPU of building the review of the change set a diff left: collect (every nested change
 * set and deployed template read from the fake with no latency; the fake's answers included) and
 * assemble (findings, noise labels, counts). Median of RUNS.
 */
async function reviewCpu(scenario: Scenario, platform: RenderedPlatform, changeSetId: string, stackId: string): Promise<{ collect: number; assemble: number }> {
  // The stacks as the deploy packages them (root first, each with its stack path).
  const stacks = packageTemplates(platform.templates.filter((t) => t.name !== 'bootstrap'), { bucket: 'bench', region: 'eu-west-1' });
  const parameters = (await scenario.aws.port.cfn.describeStack(stackId))?.parameters ?? {};
  const masker = createMasker(stacks.map((t) => ({ path: t.path, templates: [t.template] })), secretParameterValues(stacks[0].template, parameters));
  const collects: number[] = [];
  const assembles: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = process.cpuUsage();
    const collected = await collectReview({ cfn: scenario.aws.port.cfn, changeSetId, rootStack: stackId, rootExisted: true, masker });
    const collectedAt = process.cpuUsage(started);
    assembleReview({ collected, next: new Map(stacks.map((t) => [t.path, t.template])), environment: 'dev', stackName: 'tap-dev', changeSetType: 'UPDATE', parametersBefore: parameters, parametersAfter: parameters, masker });
    const total = process.cpuUsage(started);
    collects.push((collectedAt.user + collectedAt.system) / 1e6);
    assembles.push((total.user + total.system - collectedAt.user - collectedAt.system) / 1e6);
  }
  return { collect: median(collects), assemble: median(assembles) };
}

interface DeployPathRun {
  readonly calls: ReadonlyMap<string, number>;
  readonly wallMs: number;
  /** CPU-seconds of this process (the toolkit and the fake: an upper bound on the toolkit's). */
  readonly cpu: number;
  readonly maxInFlight: number;
}

async function measured(meter: PortMeter, action: () => Promise<void>): Promise<DeployPathRun> {
  meter.reset();
  meter.latencyMs = LATENCY_MS;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await action();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  meter.latencyMs = 0;
  const calls = new Map([...meter.counts].filter(([operation]) => !LOCAL_OPERATIONS.has(operation)));
  return { calls, wallMs, cpu: (cpu.user + cpu.system) / 1e6, maxInFlight: meter.maxInFlight };
}

/**
 * At each size: deploy the synthetic catalog to a fresh fake (not measured), then measure a `diff`
 * after a change to every service template (as a shared builder change makes: a nested change set
 * per stack to read and review) and a no-op `deploy`.
 */
async function deployPath(): Promise<string> {
  const assets = testAssets();
  const rows: { size: number; stacks: number; diff: DeployPathRun; noop: DeployPathRun; reviewed: { collect: number; assemble: number } }[] = [];
  for (const size of DEPLOY_SIZES) {
    const catalog = syntheticCatalog(size);
    const platform = renderPlatform(catalog, assets);
    const meter = new PortMeter(0);
    const scenario = new Scenario('dev', { platform, wrapPort: meter.wrap });
    try {
      await scenario.deployed();
      scenario.platform = renderPlatform(catalog.map((service) => ({ ...service, errorLogPattern: `${service.errorLogPattern} ?FATAL` })), assets);
      let review: { changeSetId: string; stackId: string } | undefined;
      const diff = await measured(meter, async () => {
        const { outcome, events } = await scenario.operate(diffing());
        if (outcome.type !== 'reviewed') throw new Error(`bench: diff at ${size} services ended ${outcome.type}`);
        const [ready] = eventsOf(events, 'review-ready');
        review = { changeSetId: ready.review.changeSetId, stackId: ready.review.stackId };
      });
      if (!review) throw new Error('bench: the diff built no review');
      const reviewed = await reviewCpu(scenario, platform, review.changeSetId, review.stackId);
      scenario.platform = platform;
      await scenario.deployed(); // back to the deployed templates (not measured), then the no-op
      const noop = await measured(meter, async () => {
        const { outcome } = await scenario.operate(deploying());
        if (outcome.type !== 'no-changes') throw new Error(`bench: no-op deploy at ${size} services ended ${outcome.type}`);
      });
      rows.push({ size, stacks: platform.templates.filter((t) => t.name !== 'bootstrap').length, diff, noop, reviewed });
      process.stderr.write(`  measured the deploy path at ${size} services\n`);
    } finally {
      fs.rmSync(scenario.root, { recursive: true, force: true });
    }
  }
  const total = (run: DeployPathRun) => [...run.calls.values()].reduce((sum, n) => sum + n, 0);
  const table = [
    '| services | stacks | `diff` (every service changed): calls | wall | CPU | max in flight | its review: CPU to collect (fake included) + assemble | no-op `deploy`: calls | wall | CPU |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ size, stacks, diff, noop, reviewed }) =>
      `| ${size} | ${stacks} | ${total(diff)} | ${seconds(diff.wallMs)} | ${diff.cpu.toFixed(2)} s | ${diff.maxInFlight} | ${reviewed.collect.toFixed(2)} s + ${reviewed.assemble.toFixed(2)} s | ${total(noop)} | ${seconds(noop.wallMs)} | ${noop.cpu.toFixed(2)} s |`),
  ].join('\n');
  // Which calls grow with the number of stacks: compared between the smallest and largest catalog.
  const growth = (pick: (row: (typeof rows)[number]) => DeployPathRun): string => {
    const first = pick(rows[0]);
    const last = pick(rows[rows.length - 1]);
    const operations = [...new Set([...first.calls.keys(), ...last.calls.keys()])].sort();
    const grows = operations.filter((op) => (last.calls.get(op) ?? 0) > (first.calls.get(op) ?? 0));
    const fixed = operations.filter((op) => !grows.includes(op));
    const cell = (op: string) => `${op} ${rows.map((row) => pick(row).calls.get(op) ?? 0).join('/')}`;
    return `grow with the stacks: ${grows.length ? grows.map(cell).join(', ') : 'none'}; independent of them: ${fixed.length ? fixed.map(cell).join(', ') : 'none'}`;
  };
  return [
    `Deploy path against the fake AWS, ${LATENCY_MS} ms per request, at most ${DEFAULT_MAX_IN_FLIGHT} requests in flight (src/aws/concurrency.ts); CPU is this process's, fake included:`,
    '',
    table,
    '',
    `Calls per operation at ${DEPLOY_SIZES.join('/')} services:`,
    `- \`diff\`: ${growth((row) => row.diff)}`,
    `- no-op \`deploy\`: ${growth((row) => row.noop)}`,
  ].join('\n');
}

// --- scale series ------------------------------------------------------------------------------

function scaleTable(): string {
  const assets = buildAssets();
  const rows: string[] = [];
  for (const size of [4, 20, 50, 100]) {
    const catalog = syntheticCatalog(size);
    renderPlatform(catalog, assets); // warm-up
    const times = Array.from({ length: RUNS }, () => {
      const started = process.hrtime.bigint();
      renderPlatform(catalog, assets);
      return Number(process.hrtime.bigint() - started) / 1e6;
    });
    const usages = renderPlatform(catalog, assets).templates.map(measureTemplate);
    const peakOf = (limit: LimitName) => {
      const top = usages.reduce((best, u) => (u.used[limit] > best.used[limit] ? u : best));
      return `${top.used[limit].toLocaleString('en-US')} (${Math.round((top.used[limit] / CLOUDFORMATION_LIMITS[limit]) * 100)}%, ${top.stack})`;
    };
    const worst = usages.reduce((best, u) => (u.peak.ratio > best.peak.ratio ? u : best));
    rows.push(`| ${size} | ${usages.length} | ${median(times).toFixed(0)} ms | ${(median(times) / size).toFixed(1)} ms | ${peakOf('resources')} | ${peakOf('bytes')} | ${peakOf('parameters')} | ${peakOf('outputs')} | ${Math.round(worst.peak.ratio * 100)}% ${worst.peak.ratio <= LIMIT_HEADROOM ? '(within 60%)' : '(OVER 60%)'} |`);
  }
  return [
    '| services | stacks | render (median, in-process) | per service | max resources /500 | max template bytes /1 MB | max parameters /200 | max outputs /200 | worst quota use |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  process.stderr.write(`make bench: ${RUNS} runs after a warm-up, on ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const tap = ['node', '.build/tap.js'] as const;
  const noLintCache = clean(['.cache/lint']);
  const figures: Figure[] = [];
  if (section('commands')) {
    figures.push(
      await timeCommand('`make synth` (cold: no .build/, no .cache/)', 'make', ['-s', 'synth'], clean(['.build', '.cache'])),
      await timeCommand('`make synth` (CLI bundle and caches present)', 'make', ['-s', 'synth']),
      await timeCommand('typecheck (`tsc`, TypeScript 7)', 'make', ['-s', 'typecheck']),
      await timeCommand('parameter validation (3 environments)', tap[0], [tap[1], 'validate']),
      await timeCommand('cfn-lint (all templates + 3 environments), nothing cached', tap[0], [tap[1], 'lint', '--only', 'cfn-lint'], noLintCache),
      await timeCommand('cfn-lint, results cached (nothing changed)', tap[0], [tap[1], 'lint', '--only', 'cfn-lint']),
      await timeCommand('checkov (all templates), nothing cached', tap[0], [tap[1], 'lint', '--only', 'checkov'], noLintCache),
      await timeCommand('checkov, results cached (nothing changed)', tap[0], [tap[1], 'lint', '--only', 'checkov']),
      await timeCommand('cold plan: `make plan ENV=dev`, nothing cached (no .build/, no .cache/)', 'make', ['-s', 'plan', 'ENV=dev'], clean(['.build', '.cache'])),
      await timeCommand('`make plan ENV=dev`, caches present (nothing changed)', 'make', ['-s', 'plan', 'ENV=dev']),
    );
  }
  let ratioLine = '';
  if (section('edit')) {
    const edit = await editFigures();
    figures.push(...edit.figures);
    ratioLine = `\n${edit.lines.join('\n')}\n`;
  }
  let poolLines = '';
  if (section('scale100')) {
    const scale = await coldPlanAt100();
    figures.push(scale.figure);
    poolLines = `\n100-service cold plan, the check workers per run:\n${scale.pools.map((line) => `- ${line}`).join('\n')}\n`;
  }
  process.stdout.write(`\n${commandTable(figures)}\n${ratioLine}${poolLines}`);
  process.stdout.write(`\nLoad average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (${os.cpus().length} cores; other processes' load slows wall times, less so CPU-seconds).\n`);
  if (section('deploy')) process.stdout.write(`\n${await deployPath()}\n`);
  if (section('series')) process.stdout.write(`\nScale series (synthetic catalogs, test/helpers/synthetic-catalog.ts):\n\n${scaleTable()}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
