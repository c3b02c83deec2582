/**
 * `promote` (D-18): deploy into one environment (the target, `c`) exactly the templates and code
 * another (the source) runs, by content hash, through the same reviewed change-set flow as deploy.
 *
 *   source  ─ opened with its own credentials (its profile, its deploy role), read-only: what it
 *             runs, read back from its stack and its artifact bucket (promote-artifacts.ts)
 *   compare ─ the workspace's templates against what the source runs: a difference refuses the
 *             promotion (refused, exit 10) unless --allow-mismatch
 *   target  ─ the source's templates relocated into the target's bucket, with the target's
 *             parameters (its params file's, for the parameters the promoted root declares) and tags
 *   flow    ─ upload (what the target's bucket lacks is copied: read from the source's bucket with
 *             the source's credentials, written with the target's: neither deploy role can reach
 *             the other's bucket), change set, review (recording the source and the hashes),
 *             approval, execution, protections, outputs
 *
 * With a reviewed file (`--review`, what CI's approved job runs) the source is not read again: the
 * promoted templates are in the target's bucket, by the hashes the review names, and the reviewed
 * change set is executed if nothing moved since (staleness, as for deploy).
 */
import type { EnvironmentVariables } from '../aws/endpoint';
import { AwsError } from '../aws/port';
import { guardPort } from './interrupt';
import { openConnection, type Connection, type PreparedEnvironment } from './connection';
import { runChangeSetFlow, type DeployTarget, type FlowOptions } from './change-set-flow';
import { imagesPreflight } from './images';
import { applyProtections, platformTarget } from './deploy';
import type { OperationIo, PromoteOutcome, Precondition } from './operation';
import { collectOutputs } from './outputs';
import { createMasker, secretParameterValues } from './mask';
import { checkCodeAsset, sha256, templateKey, templateUrl, type ArtifactLocation, type ArtifactObject, type PackagedStack } from './package/package';
import { promotedParameters, readDeployedArtifacts, relocate, workspaceDifferences, type ArtifactProblem, type DeployedArtifacts } from './promote-artifacts';
import type { PromotionRecord, ReviewArtifact } from './review/artifact';
import type { RequireApproval } from './approval';
import type { TemplateJson } from '../core/template-json';
import { imageTagParameter } from '../stacks/releases';

export interface PromoteOptions {
  /** The source environment, prepared: its params file, and the workspace packaged for its bucket (the comparison). */
  readonly source: PreparedEnvironment;
  /** The process environment the source's session is opened with (AWS_ENDPOINT_URL…). */
  readonly variables: EnvironmentVariables;
  /** `diff`: create and review the change set, never execute. */
  readonly mode: 'deploy' | 'diff';
  /** Promote what the source runs even where the workspace's templates differ from it. */
  readonly allowMismatch: boolean;
  /** Execute exactly this reviewed promotion (its templates are in the target's bucket already). */
  readonly review?: ReviewArtifact;
  readonly allowReplace: readonly string[];
  readonly allowUpdate?: readonly string[];
  readonly requireApproval?: RequireApproval;
}

const locationOf = (c: Connection): ArtifactLocation => ({
  bucket: c.env.deployment.artifactBucket,
  region: c.env.deployment.region,
  ...(c.session.endpoint ? { endpoint: c.session.endpoint } : {}),
});

export async function promote(c: Connection, io: OperationIo, options: PromoteOptions): Promise<PromoteOutcome> {
  const target = options.review ? await reviewedTarget(c, options.review) : await freshTarget(c, io, options);
  if (target.type !== 'target') return target;
  // NoEcho values and secret-derived properties of the promoted templates are masked too.
  const masker = createMasker(
    [...c.packaged.stacks, ...target.deploy.stacks].map((s) => ({ path: s.path, templates: [s.template] })),
    [...secretParameterValues(c.packaged.stacks[0].template, c.env.stackParameters), ...secretParameterValues(target.deploy.stacks[0].template, target.deploy.parameters)],
  );
  const connection: Connection = { ...c, masker };
  const flow: FlowOptions = {
    mode: options.mode,
    force: false,
    allowReplace: options.allowReplace,
    ...(options.allowUpdate ? { allowUpdate: options.allowUpdate } : {}),
    replaceFailedStack: false,
    ...(options.review ? { review: options.review } : {}),
    ...(options.requireApproval ? { requireApproval: options.requireApproval } : {}),
    // The images TO's tags name must be in TO's own repositories: a promotion copies templates, not images.
    preflight: imagesPreflight(connection),
  };
  let end: Awaited<ReturnType<typeof runChangeSetFlow>>;
  try {
    end = await runChangeSetFlow(connection, io, target.deploy, flow);
  } catch (error) {
    // Found while uploading, before any change set: what was copied so far is content-addressed and correct.
    if (error instanceof AlteredCode) return { type: 'precondition', reason: { kind: 'promotion-artifacts', environment: error.environment, problem: error.problem } };
    throw error;
  }
  if (end.type !== 'applied') return end;
  const from = target.deploy.promotion?.from.environment ?? options.source.env.name;
  if (!end.stack) return { type: 'promoted', from, stackName: c.env.deployment.stackName };
  await applyProtections(connection, io, end.stack, target.deploy.stacks, end.changed);
  const outputs = await collectOutputs(c.session.port.cfn, end.stack, c.env.name, c.runtime.serviceNames, masker, new Date(c.runtime.clock.now()));
  return end.changed ? { type: 'promoted', from, stackName: end.stack.stackName, outputs } : { type: 'no-changes', outputs };
}

type Target = { readonly type: 'target'; readonly deploy: Extract<DeployTarget, { template: 'url' }> } | Precondition | Extract<PromoteOutcome, { type: 'refused' }>;

/** The source opened with its own credentials, read-only, stopping at Ctrl-C as the target's session does. */
async function openSource(c: Connection, io: OperationIo, options: PromoteOptions): Promise<{ readonly type: 'connected'; readonly connection: Connection } | Precondition> {
  const { signal } = c.runtime.interrupts();
  const opened = await openConnection(options.source, options.variables, io, signal);
  if (opened.type !== 'connected') return opened;
  const { connection } = opened;
  // The source is only read: the journal of what this run changed stays the target's.
  return { type: 'connected', connection: { ...connection, session: { ...connection.session, port: guardPort(connection.session.port, signal, []) } } };
}

async function freshTarget(c: Connection, io: OperationIo, options: PromoteOptions): Promise<Target> {
  const opened = await openSource(c, io, options);
  if (opened.type !== 'connected') return opened;
  const source = opened.connection;
  const read = await readDeployedArtifacts(source);
  if (read.type === 'problem') return { type: 'precondition', reason: { kind: 'promotion-artifacts', environment: source.env.name, problem: read.problem } };
  const { artifacts } = read;

  const differences = workspaceDifferences(artifacts.stacks, options.source.packaged.stacks);
  const stacks = relocate(artifacts.stacks, locationOf(c), c.packaged.stacks);
  const fitted = promotedParameters(c.env.stackParameters, stacks[0].template);
  io.emit({
    type: 'promotion-source',
    from: artifacts.from,
    rootSha256: artifacts.stacks[0].sha256,
    templates: artifacts.stacks.length,
    assets: artifacts.assets.length,
    differences,
    mismatchAllowed: options.allowMismatch,
    parametersNotPassed: fitted.notPassed,
    imageTags: imageTagDifferences(c, artifacts),
  });
  if (differences.length > 0 && !options.allowMismatch) return { type: 'refused', reason: { kind: 'promotion-mismatch', from: artifacts.from.environment, differences } };
  if (fitted.missing.length > 0) return { type: 'precondition', reason: { kind: 'promotion-parameters', from: artifacts.from.environment, file: c.env.file, missing: fitted.missing } };

  const { s3 } = source.session.port;
  const copied: ArtifactObject[] = artifacts.assets.map((key) => ({
    key,
    contentType: 'application/zip',
    label: `code ${key} of ${artifacts.from.environment}`,
    read: async () => {
      const bytes = await s3.getObject(artifacts.from.bucket, key, artifacts.from.accountId);
      // Checked present while reading the source; gone since means someone deleted it meanwhile.
      if (!bytes) throw new AwsError('other', 'NoSuchKey', 'The specified key does not exist (it was there when the promotion read the source a moment ago).', 's3.getObject', 404, { resource: `s3://${artifacts.from.bucket}/${key}` });
      // Code is content-addressed like the templates (assets/<name>-<first 16 of its sha256>.zip):
      // bytes that do not hash to their key were changed after tap wrote them, and are not copied.
      const check = checkCodeAsset(key, bytes);
      if (!check.matches) throw new AlteredCode(artifacts.from.environment, { kind: 'artifact-altered', bucket: artifacts.from.bucket, key, path: 'code', sha256: check.sha256 });
      return bytes;
    },
  }));
  const objects: ArtifactObject[] = [
    ...stacks.map((s) => ({ key: s.key, body: Buffer.from(s.body, 'utf8'), contentType: 'application/json', label: `template ${s.path || 'root'} of ${artifacts.from.environment}` })),
    ...copied,
  ];
  const promotion: PromotionRecord = {
    from: artifacts.from,
    templates: artifacts.stacks.map((s, index) => ({ path: s.path, sourceSha256: s.sha256, sha256: stacks[index].sha256 })),
    assets: artifacts.assets,
    localTemplates: differences.length === 0 ? 'match' : 'differ',
  };
  return { type: 'target', deploy: { ...platformTarget(c), stacks, objects, parameters: fitted.parameters, promotion } };
}

/** Services whose tag the target gives differs from the one the source runs (images are per environment). */
function imageTagDifferences(c: Connection, artifacts: DeployedArtifacts): { service: string; source: string; target: string }[] {
  return Object.entries(c.env.imageTags)
    .map(([service, tag]) => ({ service, source: artifacts.parameters[imageTagParameter({ name: service })] ?? '', target: tag }))
    .filter((entry) => entry.source !== entry.target);
}

/** Code read from the source while copying it whose bytes do not hash to its key (read() above). */
class AlteredCode extends Error {
  constructor(readonly environment: string, readonly problem: Extract<ArtifactProblem, { readonly kind: 'artifact-altered' }>) {
    super(`s3://${problem.bucket}/${problem.key} does not hash to its key`);
  }
}

/** A reviewed promotion: its templates from the target's bucket, by the hashes the review names. */
async function reviewedTarget(c: Connection, artifact: ReviewArtifact): Promise<Target> {
  const { deployment } = c.env;
  const location = locationOf(c);
  const record = artifact.promotion;
  const stacks: PackagedStack[] = [];
  for (const reviewed of artifact.templates) {
    const key = templateKey(reviewed.sha256);
    const bytes = await c.session.port.s3.getObject(deployment.artifactBucket, key, deployment.accountId);
    if (!bytes) return { type: 'precondition', reason: { kind: 'promotion-artifacts', environment: c.env.name, problem: { kind: 'artifact-missing', bucket: deployment.artifactBucket, key, path: reviewed.path, what: 'template' } } };
    const digest = sha256(bytes);
    if (digest !== reviewed.sha256) return { type: 'precondition', reason: { kind: 'promotion-artifacts', environment: c.env.name, problem: { kind: 'artifact-altered', bucket: deployment.artifactBucket, key, path: reviewed.path, sha256: digest } } };
    const body = Buffer.from(bytes).toString('utf8');
    stacks.push({ path: reviewed.path, name: reviewed.file, file: reviewed.file, template: JSON.parse(body) as TemplateJson, body, sha256: digest, key, url: templateUrl(location, key) });
  }
  const fitted = promotedParameters(c.env.stackParameters, stacks[0].template);
  if (fitted.missing.length > 0) return { type: 'precondition', reason: { kind: 'promotion-parameters', from: record?.from.environment ?? '', file: c.env.file, missing: fitted.missing } };
  return { type: 'target', deploy: { ...platformTarget(c), stacks, objects: [], parameters: fitted.parameters, ...(record ? { promotion: record } : {}) } };
}
