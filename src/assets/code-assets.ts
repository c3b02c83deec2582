/**
 * Lambda code assets: TypeScript entry points bundled by esbuild into one CommonJS file each.
 * Bundling happens in `synth` (builders stay pure: they receive the built assets as input), and
 * the bundle's SHA-256 goes into the template, so a code change is a visible template change.
 *
 * - `inline` assets are small enough to embed as `Code.ZipFile` (CloudFormation writes index.js);
 * - `s3` assets are zipped and uploaded by the deploy pipeline to a content-addressed key.
 */
import { createHash } from 'node:crypto';
import { repoRoot } from '../core/paths';
import { bundle } from './bundler';

export interface CodeAssetSpec {
  readonly entry: string;
  readonly delivery: 'inline' | 's3';
  /** Packages the Lambda runtime provides (kept out of small inline bundles). */
  readonly external: readonly string[];
}

export const CODE_ASSETS = {
  'lock-default-security-group': {
    entry: 'src/lambdas/lock-default-security-group.ts',
    delivery: 'inline',
    external: ['@aws-sdk/*'],
  },
  // Secrets Manager rotation functions: the SDK clients (and pg, for the database one) are bundled
  // at their pinned versions rather than taken from the runtime. pg-native is an optional require
  // inside pg that is never taken.
  'rotate-api-key': {
    entry: 'src/lambdas/rotate-api-key.ts',
    delivery: 's3',
    external: ['pg-native'],
  },
  'rotate-database': {
    entry: 'src/lambdas/rotate-database.ts',
    delivery: 's3',
    external: ['pg-native'],
  },
} as const satisfies Record<string, CodeAssetSpec>;

export type AssetName = keyof typeof CODE_ASSETS;

export interface BuiltAsset {
  readonly name: AssetName;
  readonly delivery: 'inline' | 's3';
  readonly code: string;
  readonly sha256: string;
}

export type BuiltAssets = Readonly<Record<AssetName, BuiltAsset>>;

/** Node.js runtime every platform function uses (also the esbuild target). */
export const LAMBDA_RUNTIME = 'nodejs24.x';

export function buildAssets(root: string = repoRoot()): BuiltAssets {
  // Assets that share options share one esbuild call (and one cache entry).
  const groups = new Map<string, { entries: Record<string, string>; external: readonly string[] }>();
  for (const [name, spec] of Object.entries(CODE_ASSETS) as [AssetName, CodeAssetSpec][]) {
    const id = JSON.stringify(spec.external);
    const group = groups.get(id) ?? { entries: {}, external: spec.external };
    group.entries[name] = spec.entry;
    groups.set(id, group);
  }
  const built = {} as Record<AssetName, BuiltAsset>;
  for (const group of groups.values()) {
    const outputs = bundle(root, group);
    for (const name of Object.keys(group.entries) as AssetName[]) {
      const code = outputs[name];
      built[name] = { name, delivery: CODE_ASSETS[name].delivery, code, sha256: createHash('sha256').update(code).digest('hex') };
    }
  }
  return built;
}

/** S3 key of an uploaded asset, relative to the artifact prefix: content-addressed. */
export function assetKey(asset: BuiltAsset): string {
  return `assets/${asset.name}-${asset.sha256.slice(0, 16)}.zip`;
}
