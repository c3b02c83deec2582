/**
 * D-18: the artifacts an environment runs, read back from AWS by content hash, and the same
 * artifacts relocated into another environment's bucket. Promotion deploys these, never a rebuild.
 *
 * Reading (`readDeployedArtifacts`, with the source environment's session):
 *   root    ─ DescribeStacks: CREATE_COMPLETE or UPDATE_COMPLETE only (what last succeeded there);
 *             GetTemplate of the root, serialised as tap packages templates: its SHA-256 is its
 *             key, `templates/<sha256>.json`, in the environment's artifact bucket
 *   tree    ─ each template from the bucket by that key (GetObject), its bytes checked against the
 *             hash in its key; every nested stack's TemplateURL must name the same bucket and a
 *             `templates/<sha256>.json` key, and is read the same way (the packaged tree is a
 *             Merkle tree: a parent's bytes hold its children's keys, so the root's hash fixes all)
 *   code    ─ every Lambda `S3Key` the templates read from the ArtifactBucket parameter: HeadObject
 *             (the bytes are read only if the target bucket lacks the key)
 *
 * Relocating (`relocate`, pure): a child's TemplateURL names the bucket, so in the target a parent
 * names its children in the target's bucket. Only those URLs change: a template read back must be
 * exactly what `serializeTemplate` writes for it (checked on reading), so re-serialising it with
 * new URLs changes nothing else. Leaves and code keep their bytes and keys; parents get new hashes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StackStatus } from '../aws/port';
import type { Json, JsonObject, TemplateJson } from '../core/template-json';
import { serializeTemplate } from '../synth/render';
import type { Connection } from './connection';
import { sha256, templateKey, templateUrl, type ArtifactLocation, type PackagedStack } from './package/package';
import type { PromotionRecord } from './review/artifact';

/** A template the source environment runs, as its bucket holds it. */
export interface SourceStack {
  /** Logical-id path from the root: `` (root), `Services/Frontend`. */
  readonly path: string;
  /** `templates/<sha256>.json` in the source's artifact bucket. */
  readonly key: string;
  readonly sha256: string;
  readonly template: TemplateJson;
}

export interface DeployedArtifacts {
  readonly from: PromotionRecord['from'];
  /** The source stack's parameters (DescribeStacks), for what differs from the target's. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Root first, parents before their children. */
  readonly stacks: readonly SourceStack[];
  /** Code asset keys the templates name, each present in the source's bucket. */
  readonly assets: readonly string[];
}

/** Why the deployed artifacts cannot be promoted as they are. */
export type ArtifactProblem =
  | { readonly kind: 'not-deployed'; readonly stackName: string }
  /** The last operation did not succeed, or one runs: what it runs is not what was last deployed. */
  | { readonly kind: 'not-settled'; readonly stackName: string; readonly status: StackStatus }
  | { readonly kind: 'artifact-missing'; readonly bucket: string; readonly key: string; readonly path: string; readonly what: 'template' | 'code' }
  /** The object's bytes do not hash to its key: it was changed after tap wrote it. */
  | { readonly kind: 'artifact-altered'; readonly bucket: string; readonly key: string; readonly path: string; readonly sha256: string }
  /** Not a template as tap packages it (another tool deployed it, or it was edited). */
  | { readonly kind: 'not-packaged-by-tap'; readonly bucket: string; readonly key: string; readonly path: string; readonly reason: string };

export type ArtifactRead = { readonly type: 'read'; readonly artifacts: DeployedArtifacts } | { readonly type: 'problem'; readonly problem: ArtifactProblem };

/** States whose templates are the ones the last operation deployed. */
const SETTLED: ReadonlySet<StackStatus> = new Set<StackStatus>(['CREATE_COMPLETE', 'UPDATE_COMPLETE']);
/** The ArtifactBucket parameter the templates read Lambda code from (root.ts passes it down). */
const ARTIFACT_BUCKET_PARAMETER = 'ArtifactBucket';
const TEMPLATE_KEY = /^templates\/([0-9a-f]{64})\.json$/;

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The nested stacks of a template: logical id and TemplateURL, in template order. */
export function nestedStacks(template: TemplateJson): { readonly logicalId: string; readonly url: unknown }[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudFormation::Stack')
    .map(([logicalId, resource]) => ({ logicalId, url: resource.Properties?.['TemplateURL'] }));
}

/** Every code key read from the artifact bucket: `{ S3Bucket: { Ref: ArtifactBucket }, S3Key: "assets/…" }`. */
export function assetKeys(templates: readonly TemplateJson[]): string[] {
  const keys = new Set<string>();
  const visit = (node: Json | undefined): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isObject(node)) return;
    const bucket = node['S3Bucket'];
    if (isObject(bucket) && bucket['Ref'] === ARTIFACT_BUCKET_PARAMETER && typeof node['S3Key'] === 'string') keys.add(node['S3Key']);
    Object.values(node).forEach(visit);
  };
  templates.forEach((template) => visit(template.Resources as unknown as Json));
  return [...keys].sort();
}

/** The key a TemplateURL names in `location`'s bucket, or undefined when it names anything else. */
export function keyOfTemplateUrl(url: unknown, location: ArtifactLocation): string | undefined {
  if (typeof url !== 'string') return undefined;
  const prefix = templateUrl(location, '');
  if (!url.startsWith(prefix)) return undefined;
  const key = url.slice(prefix.length);
  return TEMPLATE_KEY.test(key) ? key : undefined;
}

const childPath = (parent: string, logicalId: string): string => (parent ? `${parent}/${logicalId}` : logicalId);

/** Reads what the environment of `source` runs, by hash (see the module comment). */
export async function readDeployedArtifacts(source: Connection): Promise<ArtifactRead> {
  const { cfn, s3 } = source.session.port;
  const { deployment } = source.env;
  const bucket = deployment.artifactBucket;
  const location: ArtifactLocation = { bucket, region: deployment.region, ...(source.session.endpoint ? { endpoint: source.session.endpoint } : {}) };
  const stack = await cfn.describeStack(deployment.stackName);
  if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'REVIEW_IN_PROGRESS') return { type: 'problem', problem: { kind: 'not-deployed', stackName: deployment.stackName } };
  if (!SETTLED.has(stack.status)) return { type: 'problem', problem: { kind: 'not-settled', stackName: deployment.stackName, status: stack.status } };

  // GetTemplate may answer with other whitespace than the object; tap's serialisation is the key.
  const body = await cfn.getTemplate(stack.stackId);
  let rootKey: string;
  try {
    rootKey = templateKey(sha256(serializeTemplate(JSON.parse(body) as TemplateJson)));
  } catch {
    return { type: 'problem', problem: { kind: 'not-packaged-by-tap', bucket, key: '(GetTemplate)', path: '', reason: 'the root template is not JSON' } };
  }

  const stacks: SourceStack[] = [];
  const read = async (key: string, path: string): Promise<ArtifactProblem | undefined> => {
    const bytes = await s3.getObject(bucket, key, deployment.accountId);
    if (!bytes) return { kind: 'artifact-missing', bucket, key, path, what: 'template' };
    const digest = sha256(bytes);
    if (templateKey(digest) !== key) return { kind: 'artifact-altered', bucket, key, path, sha256: digest };
    const text = Buffer.from(bytes).toString('utf8');
    let template: TemplateJson;
    try {
      template = JSON.parse(text) as TemplateJson;
    } catch {
      return { kind: 'not-packaged-by-tap', bucket, key, path, reason: 'it is not JSON' };
    }
    if (serializeTemplate(template) !== text) return { kind: 'not-packaged-by-tap', bucket, key, path, reason: 'its bytes are not as tap serialises templates' };
    stacks.push({ path, key, sha256: digest, template });
    for (const nested of nestedStacks(template)) {
      const childKey = keyOfTemplateUrl(nested.url, location);
      if (!childKey) return { kind: 'not-packaged-by-tap', bucket, key, path, reason: `${nested.logicalId}'s TemplateURL ${JSON.stringify(nested.url)} is not a templates/<sha256>.json key of ${bucket}` };
      const problem = await read(childKey, childPath(path, nested.logicalId));
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = await read(rootKey, '');
  if (problem) return { type: 'problem', problem };

  const assets = assetKeys(stacks.map((s) => s.template));
  for (const key of assets) {
    if (!(await s3.headObject(bucket, key, deployment.accountId))) {
      const owner = stacks.find((s) => assetKeys([s.template]).includes(key));
      return { type: 'problem', problem: { kind: 'artifact-missing', bucket, key, path: owner?.path ?? '', what: 'code' } };
    }
  }
  return {
    type: 'read',
    artifacts: {
      from: {
        environment: source.env.name,
        accountId: deployment.accountId,
        region: deployment.region,
        stackName: deployment.stackName,
        bucket,
        status: stack.status,
        lastChanged: (stack.lastUpdatedTime ?? stack.creationTime).toISOString(),
      },
      parameters: stack.parameters,
      stacks,
      assets,
    },
  };
}

/**
 * Pure: the source's templates for the target bucket. `local` names the files (by stack path)
 * where the workspace has the same stack; a stack it lacks is named by its source key.
 */
export function relocate(stacks: readonly SourceStack[], to: ArtifactLocation, local: readonly Pick<PackagedStack, 'path' | 'name' | 'file'>[]): PackagedStack[] {
  const byPath = new Map<string, PackagedStack>();
  // Children first (the list has parents before children), so each parent can name its children's new URLs.
  for (const source of [...stacks].reverse()) {
    const template = structuredClone(source.template);
    for (const nested of nestedStacks(template)) {
      const child = byPath.get(childPath(source.path, nested.logicalId));
      if (!child) throw new Error(`relocate: ${source.path || 'root'} nests ${nested.logicalId}, which was not read`);
      (template.Resources[nested.logicalId].Properties as JsonObject)['TemplateURL'] = child.url;
    }
    const body = serializeTemplate(template);
    const digest = sha256(body);
    const key = templateKey(digest);
    const named = local.find((l) => l.path === source.path);
    byPath.set(source.path, { path: source.path, name: named?.name ?? source.key, file: named?.file ?? source.key, template, body, sha256: digest, key, url: templateUrl(to, key) });
  }
  return stacks.map((s) => byPath.get(s.path) as PackagedStack);
}

/** How the workspace's templates differ from what the source runs. */
export type PromotionDifference =
  /** `changed`: the template itself differs (a changed child's new URL alone does not count). */
  | { readonly kind: 'template'; readonly path: string; readonly change: 'changed' | 'only-in-workspace' | 'only-deployed' }
  | { readonly kind: 'code'; readonly key: string; readonly change: 'only-in-workspace' | 'only-deployed' };

/** A template without its children's URLs: what it says itself. */
function ownContent(template: TemplateJson): TemplateJson {
  const copy = structuredClone(template);
  for (const nested of nestedStacks(copy)) (copy.Resources[nested.logicalId].Properties as JsonObject)['TemplateURL'] = '';
  return copy;
}

/** Pure: the workspace (packaged for the source's bucket) against what the source runs. Empty: they are the same. */
export function workspaceDifferences(deployed: readonly SourceStack[], workspace: readonly Pick<PackagedStack, 'path' | 'template' | 'sha256'>[]): PromotionDifference[] {
  // The same root hash means the same tree (Merkle), and nothing else needs comparing.
  if (deployed[0] && workspace[0] && deployed[0].sha256 === workspace[0].sha256) return [];
  const differences: PromotionDifference[] = [];
  const local = new Map(workspace.map((s) => [s.path, s]));
  const running = new Map(deployed.map((s) => [s.path, s]));
  for (const stack of deployed) {
    const mine = local.get(stack.path);
    if (!mine) differences.push({ kind: 'template', path: stack.path, change: 'only-deployed' });
    else if (!isDeepStrictEqual(ownContent(mine.template), ownContent(stack.template))) differences.push({ kind: 'template', path: stack.path, change: 'changed' });
  }
  for (const stack of workspace) if (!running.has(stack.path)) differences.push({ kind: 'template', path: stack.path, change: 'only-in-workspace' });
  const deployedCode = new Set(assetKeys(deployed.map((s) => s.template)));
  const workspaceCode = new Set(assetKeys(workspace.map((s) => s.template)));
  for (const key of workspaceCode) if (!deployedCode.has(key)) differences.push({ kind: 'code', key, change: 'only-in-workspace' });
  for (const key of deployedCode) if (!workspaceCode.has(key)) differences.push({ kind: 'code', key, change: 'only-deployed' });
  return differences;
}

/**
 * Pure: the target's parameters for the promoted root: the params file's values for the
 * parameters the root declares. `missing`: declared without a Default and not given (the change
 * set would be refused); `notPassed`: given, but the promoted root does not declare them.
 */
export function promotedParameters(values: Readonly<Record<string, string>>, root: TemplateJson): { readonly parameters: Record<string, string>; readonly missing: readonly string[]; readonly notPassed: readonly string[] } {
  const declared = root.Parameters ?? {};
  const parameters: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    if (values[name] !== undefined) parameters[name] = values[name];
    else if (spec.Default === undefined) missing.push(name);
  }
  return { parameters, missing, notPassed: Object.keys(values).filter((name) => !(name in declared)) };
}
