/**
 * The review artifact (`.tap/<env>/review.json`, plus `review.md` for a PR or CI step summary):
 * the plan a reviewer approved, bound to exactly what it was computed from. `deploy --review`
 * executes its change set only if nothing it names has moved since (`staleness`). The CLI reads
 * and writes the files (src/cli/review-file.ts); this module is the format and the comparison.
 *
 * NoEcho parameter values are left out of the parameter hash: a hash of a short secret can be
 * guessed. The reviewed change set carries the values it was created with.
 */
import { createHash } from 'node:crypto';
import type { TemplateJson } from '../../core/template-json';
import type { ChangeSetStatus, ExecutionStatus, StackDescription, StackStatus } from '../../aws/port';
import type { PackagedStack } from '../package/package';
import { allStacks, type Review } from './model';

export const REVIEW_SCHEMA = 'tap-review/1';

export interface ReviewArtifact {
  readonly schema: typeof REVIEW_SCHEMA;
  readonly toolkitVersion: string;
  readonly createdAt: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly changeSet: {
    readonly id: string;
    readonly name: string;
    readonly type: 'CREATE' | 'UPDATE';
    readonly nested: readonly { readonly path: string; readonly id: string }[];
  };
  /** The stack as it was when reviewed (after the change set was created). */
  readonly stackState: { readonly status: StackStatus; readonly lastUpdatedTime?: string };
  readonly templates: readonly { readonly path: string; readonly file: string; readonly sha256: string; readonly url: string }[];
  readonly parametersSha256: string;
  readonly tagsSha256: string;
  readonly review: Review;
  /** A promotion's review (D-18): where the templates and code came from, by hash. */
  readonly promotion?: PromotionRecord;
}

/**
 * What a promotion took (D-18): the source environment as it was read, each template by its hash
 * there and its hash here (a parent's differs only in its children's URLs, which name the bucket),
 * and the code assets, whose keys are content-addressed.
 */
export interface PromotionRecord {
  readonly from: {
    readonly environment: string;
    readonly accountId: string;
    readonly region: string;
    readonly stackName: string;
    readonly bucket: string;
    readonly status: StackStatus;
    /** ISO time of the source stack's last change. */
    readonly lastChanged: string;
  };
  readonly templates: readonly { readonly path: string; readonly sourceSha256: string; readonly sha256: string }[];
  readonly assets: readonly string[];
  /** Whether templates/ of the workspace is what the source runs; `differ` only with --allow-mismatch. */
  readonly localTemplates: 'match' | 'differ';
}

const canonical = (value: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))));

export function parametersHash(parameters: Readonly<Record<string, string>>, rootTemplate: TemplateJson): string {
  const hashed = Object.fromEntries(Object.entries(parameters).filter(([key]) => rootTemplate.Parameters?.[key]?.NoEcho !== true));
  return createHash('sha256').update(canonical(hashed)).digest('hex');
}

export const tagsHash = (tags: Readonly<Record<string, string>>): string => createHash('sha256').update(canonical(tags)).digest('hex');

export interface ArtifactInput {
  readonly review: Review;
  readonly toolkitVersion: string;
  readonly createdAt: Date;
  readonly accountId: string;
  readonly region: string;
  readonly stack: StackDescription;
  readonly packaged: readonly PackagedStack[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly promotion?: PromotionRecord;
}

export function buildArtifact(input: ArtifactInput): ReviewArtifact {
  const rootTemplate = input.packaged[0].template;
  return {
    schema: REVIEW_SCHEMA,
    toolkitVersion: input.toolkitVersion,
    createdAt: input.createdAt.toISOString(),
    environment: input.review.environment,
    accountId: input.accountId,
    region: input.region,
    stackName: input.review.stackName,
    stackId: input.stack.stackId,
    changeSet: {
      id: input.review.changeSetId,
      name: input.review.changeSetName,
      type: input.review.changeSetType,
      nested: [...allStacks(input.review.root)].filter((s) => s.path !== '').map((s) => ({ path: s.path, id: s.changeSetId })),
    },
    stackState: { status: input.stack.status, ...(input.stack.lastUpdatedTime ? { lastUpdatedTime: input.stack.lastUpdatedTime.toISOString() } : {}) },
    templates: input.packaged.map((s) => ({ path: s.path, file: s.file, sha256: s.sha256, url: s.url })),
    parametersSha256: parametersHash(input.parameters, rootTemplate),
    tagsSha256: tagsHash(input.tags),
    review: input.review,
    ...(input.promotion ? { promotion: input.promotion } : {}),
  };
}

export interface CurrentState {
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly stackName: string;
  readonly packaged: readonly Pick<PackagedStack, 'path' | 'file' | 'sha256'>[];
  readonly parametersSha256: string;
  readonly tagsSha256: string;
  readonly stack: StackDescription | undefined;
  /** Status and execution status of the reviewed change set now (undefined: it is gone). */
  readonly changeSet: { readonly status: ChangeSetStatus; readonly executionStatus: ExecutionStatus } | undefined;
}

interface StackMoment {
  readonly status: StackStatus;
  readonly lastUpdatedTime?: string;
}

/** One way in which a reviewed plan no longer describes what would be executed. */
export type StaleReason =
  | { readonly kind: 'other-account'; readonly reviewed: { readonly accountId: string; readonly region: string }; readonly now: { readonly accountId: string; readonly region: string } }
  | { readonly kind: 'other-stack'; readonly reviewed: { readonly stackName: string; readonly environment: string }; readonly now: { readonly stackName: string; readonly environment: string } }
  | { readonly kind: 'template'; readonly change: 'new' | 'changed' | 'removed'; readonly file: string; readonly path: string }
  | { readonly kind: 'parameters' }
  | { readonly kind: 'tags' }
  | { readonly kind: 'stack-gone'; readonly stackName: string }
  | { readonly kind: 'stack-recreated'; readonly stackName: string }
  | { readonly kind: 'stack-changed'; readonly stackName: string; readonly reviewed: StackMoment; readonly now: StackMoment }
  | { readonly kind: 'change-set-gone'; readonly name: string }
  | { readonly kind: 'change-set-spent'; readonly name: string; readonly status: ChangeSetStatus; readonly executionStatus: ExecutionStatus };

/** Pure: every reason the reviewed plan no longer describes what would be executed. */
export function staleness(artifact: ReviewArtifact, now: CurrentState): StaleReason[] {
  const reasons: StaleReason[] = [];
  if (artifact.accountId !== now.accountId || artifact.region !== now.region) {
    reasons.push({ kind: 'other-account', reviewed: { accountId: artifact.accountId, region: artifact.region }, now: { accountId: now.accountId, region: now.region } });
  }
  if (artifact.environment !== now.environment || artifact.stackName !== now.stackName) {
    reasons.push({ kind: 'other-stack', reviewed: { stackName: artifact.stackName, environment: artifact.environment }, now: { stackName: now.stackName, environment: now.environment } });
    return reasons;
  }
  const reviewed = new Map(artifact.templates.map((t) => [t.path, t]));
  const current = new Map(now.packaged.map((t) => [t.path, t]));
  for (const [stackPath, template] of current) {
    const before = reviewed.get(stackPath);
    if (!before) reasons.push({ kind: 'template', change: 'new', file: template.file, path: stackPath });
    else if (before.sha256 !== template.sha256) reasons.push({ kind: 'template', change: 'changed', file: template.file, path: stackPath });
  }
  for (const [stackPath, template] of reviewed) {
    if (!current.has(stackPath)) reasons.push({ kind: 'template', change: 'removed', file: template.file, path: stackPath });
  }
  if (artifact.parametersSha256 !== now.parametersSha256) reasons.push({ kind: 'parameters' });
  if (artifact.tagsSha256 !== now.tagsSha256) reasons.push({ kind: 'tags' });
  if (!now.stack) {
    reasons.push({ kind: 'stack-gone', stackName: artifact.stackName });
  } else {
    if (now.stack.stackId !== artifact.stackId) reasons.push({ kind: 'stack-recreated', stackName: artifact.stackName });
    const lastUpdated = now.stack.lastUpdatedTime?.toISOString();
    if (now.stack.status !== artifact.stackState.status || lastUpdated !== artifact.stackState.lastUpdatedTime) {
      reasons.push({ kind: 'stack-changed', stackName: artifact.stackName, reviewed: artifact.stackState, now: { status: now.stack.status, ...(lastUpdated ? { lastUpdatedTime: lastUpdated } : {}) } });
    }
  }
  if (!now.changeSet) reasons.push({ kind: 'change-set-gone', name: artifact.changeSet.name });
  else if (now.changeSet.status !== 'CREATE_COMPLETE' || now.changeSet.executionStatus !== 'AVAILABLE') {
    reasons.push({ kind: 'change-set-spent', name: artifact.changeSet.name, status: now.changeSet.status, executionStatus: now.changeSet.executionStatus });
  }
  return reasons;
}

/** Shape check of a parsed review file (the CLI reads it and words the refusal). */
export function isReviewArtifact(value: unknown): value is ReviewArtifact {
  const candidate = value as Partial<ReviewArtifact> | null;
  return candidate?.schema === REVIEW_SCHEMA && typeof candidate.changeSet?.id === 'string' && Array.isArray(candidate.templates);
}
