/**
 * `make bench`: wall-clock figures of the toolkit's commands, each run as a whole process (one
 * warm-up, then RUNS measured runs: median, min, max), and the scale series of synth time and
 * per-stack quota use for catalogs of 4, 20, 50 and 100 services.
 *
 * Figures only: nothing here asserts a time (timings vary with the machine; tests must not).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { buildAssets } from '../src/assets/code-assets';
import { syntheticCatalog } from '../test/helpers/synthetic-catalog';
import { CLOUDFORMATION_LIMITS, LIMIT_HEADROOM, measureTemplate, type LimitName } from '../src/checks/quotas';
import { renderPlatform } from '../src/synth/render';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

interface Figure {
  readonly label: string;
  readonly runs: readonly number[];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function timeCommand(label: string, command: string, args: readonly string[], prepare?: () => void): Figure {
  const once = (): number => {
    prepare?.();
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${label} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return elapsed;
  };
  once(); // warm-up: file system caches, Python bytecode
  const runs = Array.from({ length: RUNS }, once);
  process.stderr.write(`  measured ${label}\n`);
  return { label, runs };
}

function clean(paths: readonly string[]): () => void {
  return () => paths.forEach((p) => fs.rmSync(p, { recursive: true, force: true }));
}

function commandTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => `| ${f.label} | ${seconds(median(f.runs))} | ${seconds(Math.min(...f.runs))} | ${seconds(Math.max(...f.runs))} |`);
  return ['| command (whole process) | median | min | max |', '|---|---|---|---|', ...rows].join('\n');
}

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

function main(): void {
  const cpus = os.cpus();
  process.stderr.write(`make bench: ${RUNS} runs after a warm-up, on ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}\n`);
  const tap = ['node', '.build/tap.js'] as const;
  const noLintCache = clean(['.cache/lint']);
  const figures = [
    timeCommand('`make synth` (cold: no .build/, no .cache/)', 'make', ['-s', 'synth'], clean(['.build', '.cache'])),
    timeCommand('`make synth` (CLI bundle and caches present)', 'make', ['-s', 'synth']),
    timeCommand('typecheck (`tsc`, TypeScript 7)', 'make', ['-s', 'typecheck']),
    timeCommand('parameter validation (3 environments)', tap[0], [tap[1], 'validate']),
    timeCommand('cfn-lint (all templates + 3 environments), nothing cached', tap[0], [tap[1], 'lint', '--only', 'cfn-lint'], noLintCache),
    timeCommand('cfn-lint, results cached (nothing changed)', tap[0], [tap[1], 'lint', '--only', 'cfn-lint']),
    timeCommand('checkov (all templates), nothing cached', tap[0], [tap[1], 'lint', '--only', 'checkov'], noLintCache),
    timeCommand('checkov, results cached (nothing changed)', tap[0], [tap[1], 'lint', '--only', 'checkov']),
    timeCommand('`make plan ENV=dev` (total), nothing cached', 'make', ['-s', 'plan', 'ENV=dev'], clean(['.build', '.cache'])),
    timeCommand('`make plan ENV=dev` (total), caches present', 'make', ['-s', 'plan', 'ENV=dev']),
  ];
  process.stdout.write(`\n${commandTable(figures)}\n\nScale series (synthetic catalogs, test/helpers/synthetic-catalog.ts):\n\n${scaleTable()}\n`);
}

main();
