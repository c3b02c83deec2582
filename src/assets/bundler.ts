/**
 * Bundles code assets with esbuild, fast enough for the synth path:
 * - assets with the same options are built in one esbuild call, so modules they share (the AWS
 *   SDK, pg) are parsed once;
 * - each build is cached in .cache/assets/, keyed on the esbuild version, the options, and the
 *   size and modification time of every input file esbuild read; any change rebuilds.
 * The bundles are deterministic, so a cache hit returns exactly what a build would.
 */
import { buildSync, version as esbuildVersion } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface BundleGroup {
  readonly entries: Readonly<Record<string, string>>;
  readonly external: readonly string[];
}

interface CacheFile {
  readonly key: string;
  /** input path (relative to the root) → [size, mtimeMs] */
  readonly inputs: Readonly<Record<string, readonly [number, number]>>;
  readonly outputs: Readonly<Record<string, string>>;
}

export const ASSET_CACHE_DIR = path.join('.cache', 'assets');

function groupKey(group: BundleGroup): string {
  return createHash('sha256').update(JSON.stringify({ esbuild: esbuildVersion, group })).digest('hex').slice(0, 16);
}

function inputStamp(root: string, file: string): readonly [number, number] | undefined {
  try {
    const stat = fs.statSync(path.join(root, file));
    return [stat.size, stat.mtimeMs];
  } catch {
    return undefined;
  }
}

function readCache(root: string, key: string): Readonly<Record<string, string>> | undefined {
  const file = path.join(root, ASSET_CACHE_DIR, `${key}.json`);
  if (!fs.existsSync(file)) return undefined;
  try {
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
    if (cache.key !== key) return undefined;
    for (const [input, stamp] of Object.entries(cache.inputs)) {
      const now = inputStamp(root, input);
      if (!now || now[0] !== stamp[0] || now[1] !== stamp[1]) return undefined;
    }
    return cache.outputs;
  } catch {
    return undefined; // a damaged cache is a miss
  }
}

function build(root: string, group: BundleGroup): { outputs: Record<string, string>; inputs: string[] } {
  const names = Object.keys(group.entries);
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((name) => [name, group.entries[name]])),
    outdir: 'bundles',
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: [...group.external],
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs: Record<string, string> = {};
  for (const file of result.outputFiles) outputs[path.basename(file.path, '.js')] = file.text;
  return { outputs, inputs: Object.keys(result.metafile.inputs) };
}

export function bundle(root: string, group: BundleGroup): Readonly<Record<string, string>> {
  const key = groupKey(group);
  const cached = readCache(root, key);
  if (cached) return cached;
  const { outputs, inputs } = build(root, group);
  const stamps: Record<string, readonly [number, number]> = {};
  for (const input of inputs) {
    const stamp = inputStamp(root, input);
    if (stamp) stamps[input] = stamp;
  }
  const cache: CacheFile = { key, inputs: stamps, outputs };
  try {
    fs.mkdirSync(path.join(root, ASSET_CACHE_DIR), { recursive: true });
    fs.writeFileSync(path.join(root, ASSET_CACHE_DIR, `${key}.json`), JSON.stringify(cache));
  } catch {
    // An unwritable cache only costs the next build its speed.
  }
  return outputs;
}
