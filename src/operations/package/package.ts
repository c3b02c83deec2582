/**
 * D-3 Package. Pure part: walk the rendered tree bottom-up, rewrite every local nested
 * `TemplateURL` to the child's uploaded URL, and key each template by the SHA-256 of its
 * *packaged* bytes. A child's change therefore changes its parent's bytes too (a Merkle tree), so
 * the root's hash alone says whether anything in the platform changed.
 * I/O part: upload what the bucket does not already hold (HeadObject first); an object copied from
 * another environment's bucket (promotion) is read from there only when it is uploaded.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { RenderedTemplate } from '../../synth/render';
import { serializeTemplate } from '../../synth/render';
import type { TemplateJson } from '../../core/template-json';
import { toPlainJson } from '../../core/template-json';
import { assetKey, type BuiltAsset } from '../../assets/code-assets';
import type { S3Port } from '../../aws/port';
import { templateEndpoint } from '../../aws/endpoint';
import { firstZipEntry, zipFiles } from './zip';

/** CloudFormation's quota for a template read from S3. */
export const TEMPLATE_URL_MAX_BYTES = 1_048_576;

export interface ArtifactLocation {
  readonly bucket: string;
  readonly region: string;
  /** A custom endpoint (AWS_ENDPOINT_URL): URLs become path-style on its host (a loopback address as `localhost`). */
  readonly endpoint?: string;
}

export interface PackagedStack {
  /** Logical-id path from the root: `` (root), `Network`, `Services/Frontend`. */
  readonly path: string;
  /** Rendered template name (`services/frontend`) and file (`services/frontend.json`). */
  readonly name: string;
  readonly file: string;
  readonly template: TemplateJson;
  readonly body: string;
  readonly sha256: string;
  readonly key: string;
  readonly url: string;
}

export interface PackagedObject {
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string;
  /** What it is, for messages: `template network.json`, `asset lock-default-security-group`. */
  readonly label: string;
}

/**
 * An object whose bytes are read only when the bucket lacks it: promotion copies another
 * environment's artifacts (D-18), and reads each from there only if it has to.
 */
export interface CopiedObject {
  readonly key: string;
  readonly contentType: string;
  readonly label: string;
  read(): Promise<Uint8Array>;
}

/** What the upload puts into the artifact bucket: packaged here, or copied from another bucket. */
export type ArtifactObject = PackagedObject | CopiedObject;

export interface PackagedPlatform {
  /** Root first, then depth-first in template order. */
  readonly stacks: readonly PackagedStack[];
  readonly objects: readonly PackagedObject[];
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function templateUrl(location: ArtifactLocation, key: string): string {
  if (location.endpoint) return `${templateEndpoint(location.endpoint).replace(/\/+$/, '')}/${location.bucket}/${key}`;
  return `https://${location.bucket}.s3.${location.region}.amazonaws.com/${key}`;
}

export const templateKey = (bytesSha256: string): string => `templates/${bytesSha256}.json`;

const isLocalPath = (url: unknown): url is string => typeof url === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);

export class PackagingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackagingError';
  }
}

export function packageTemplates(templates: readonly RenderedTemplate[], location: ArtifactLocation): PackagedStack[] {
  const byFile = new Map(templates.map((t) => [t.file, t]));
  const root = templates[0];
  if (!root) throw new PackagingError('nothing to package: no rendered templates');
  const stacks: PackagedStack[] = [];

  const pack = (rendered: RenderedTemplate, stackPath: string, ancestors: readonly string[]): PackagedStack => {
    if (ancestors.includes(rendered.file)) throw new PackagingError(`${rendered.file} nests itself (${[...ancestors, rendered.file].join(' → ')})`);
    const template = toPlainJson<TemplateJson>(rendered.template);
    const index = stacks.length;
    const children: PackagedStack[] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
      const properties = resource.Properties ?? {};
      const url = properties['TemplateURL'];
      if (!isLocalPath(url)) continue;
      const childFile = path.posix.normalize(path.posix.join(path.posix.dirname(rendered.file), url));
      const child = byFile.get(childFile);
      if (!child) throw new PackagingError(`${rendered.file}: ${logicalId} nests ${url}, which is not a rendered template`);
      const packagedChild = pack(child, stackPath ? `${stackPath}/${logicalId}` : logicalId, [...ancestors, rendered.file]);
      children.push(packagedChild);
      properties['TemplateURL'] = packagedChild.url;
    }
    const body = serializeTemplate(template);
    const size = Buffer.byteLength(body);
    if (size > TEMPLATE_URL_MAX_BYTES) throw new PackagingError(`${rendered.file} is ${size} bytes packaged; CloudFormation reads at most ${TEMPLATE_URL_MAX_BYTES} from S3`);
    const digest = sha256(body);
    const key = templateKey(digest);
    const packaged: PackagedStack = { path: stackPath, name: rendered.name, file: rendered.file, template, body, sha256: digest, key, url: templateUrl(location, key) };
    // Parents are listed before their children even though they are packaged after them.
    stacks.splice(index, 0, packaged);
    return packaged;
  };

  pack(root, '', []);
  return stacks;
}

/** Lambda code delivered through S3: a deterministic zip holding the bundle as `index.js`. */
export function packageAssets(assets: readonly BuiltAsset[]): PackagedObject[] {
  return assets
    .filter((asset) => asset.delivery === 's3')
    .map((asset) => ({ key: assetKey(asset), body: zipFiles([{ name: 'index.js', content: asset.code }]), contentType: 'application/zip', label: `asset ${asset.name}` }));
}

/**
 * Whether bytes read back from a bucket are the code asset its key names: the deterministic zip of
 * one `index.js` whose sha256 begins with the key's hash (packageAssets, assetKey). `sha256` is
 * the hash of the code found (of the bytes, when they hold no code), for the message.
 */
export function checkCodeAsset(key: string, bytes: Uint8Array): { readonly matches: boolean; readonly sha256: string } {
  const entry = firstZipEntry(bytes);
  const digest = sha256(entry ? entry.content : bytes);
  const rebuilt = entry?.name === 'index.js' && zipFiles([{ name: 'index.js', content: entry.content }]).equals(Buffer.from(bytes));
  return { matches: rebuilt && key.endsWith(`-${digest.slice(0, 16)}.zip`), sha256: digest };
}

export function packagePlatform(rendered: { templates: readonly RenderedTemplate[]; assets: Readonly<Record<string, BuiltAsset>> }, location: ArtifactLocation): PackagedPlatform {
  const stacks = packageTemplates(rendered.templates, location);
  const objects = new Map<string, PackagedObject>();
  for (const stack of stacks) {
    objects.set(stack.key, { key: stack.key, body: Buffer.from(stack.body, 'utf8'), contentType: 'application/json', label: `template ${stack.file}` });
  }
  for (const asset of packageAssets(Object.values(rendered.assets))) objects.set(asset.key, asset);
  return { stacks, objects: [...objects.values()] };
}

/* ---------------------------------------------------------------------------------------------- */
/* Upload                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

export type UploadResult =
  | { readonly type: 'uploaded'; readonly uploaded: readonly ArtifactObject[]; readonly present: readonly ArtifactObject[] }
  | { readonly type: 'no-bucket'; readonly bucket: string }
  | { readonly type: 'foreign-bucket'; readonly bucket: string };

const UPLOAD_CONCURRENCY = 4;

export async function uploadObjects(s3: S3Port, objects: readonly ArtifactObject[], bucket: string, owner: string): Promise<UploadResult> {
  const state = await s3.headBucket(bucket, owner);
  if (state === 'absent') return { type: 'no-bucket', bucket };
  if (state === 'foreign') return { type: 'foreign-bucket', bucket };
  const uploaded: ArtifactObject[] = [];
  const present: ArtifactObject[] = [];
  const queue = [...objects];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (await s3.headObject(bucket, next.key, owner)) {
        present.push(next);
        continue;
      }
      const body = 'body' in next ? next.body : await next.read();
      await s3.putObject({ bucket, key: next.key, body, contentType: next.contentType, expectedOwner: owner });
      uploaded.push(next);
    }
  };
  await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, objects.length) }, worker));
  const order = (list: ArtifactObject[]) => list.sort((a, b) => objects.indexOf(a) - objects.indexOf(b));
  return { type: 'uploaded', uploaded: order(uploaded), present: order(present) };
}
