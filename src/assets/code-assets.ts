/**
 * Lambda code assets: TypeScript entry points bundled by esbuild into one CommonJS file each.
 * Bundling happens in `synth` (builders stay pure: they receive the built assets as input), and
 * the bundle's SHA-256 goes into the template, so a code change is a visible template change.
 *
 * - `inline` assets are small enough to embed as `Code.ZipFile` (CloudFormation writes index.js);
 * - `s3` assets are zipped and uploaded by the deploy pipeline to a content-addressed key.
 */
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { repoRoot } from '../util/paths';

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
  const built = {} as Record<AssetName, BuiltAsset>;
  for (const [name, spec] of Object.entries(CODE_ASSETS) as [AssetName, CodeAssetSpec][]) {
    const result = buildSync({
      absWorkingDir: root,
      entryPoints: [spec.entry],
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      external: [...spec.external],
      legalComments: 'none',
      charset: 'utf8',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    built[name] = { name, delivery: spec.delivery, code, sha256: createHash('sha256').update(code).digest('hex') };
  }
  return built;
}

/** S3 key of an uploaded asset, relative to the artifact prefix: content-addressed. */
export function assetKey(asset: BuiltAsset): string {
  return `assets/${asset.name}-${asset.sha256.slice(0, 16)}.zip`;
}
