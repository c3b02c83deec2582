/**
 * The review artifact (`.tap/<env>/review.json`, plus `review.md` for a PR or CI step summary):
 * the plan a reviewer approved, bound to exactly what it was computed from. `deploy --review`
 * executes its change set only if nothing it names has moved since (`staleness`).
 *
 * NoEcho parameter values are left out of the parameter hash: a hash of a short secret can be
 * guessed. The reviewed change set carries the values it was created with.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { InputError } from '../../core/problems';
import type { TemplateJson } from '../../core/template-json';
import type { ChangeSetStatus, ExecutionStatus, StackDescription, StackStatus } from '../../aws/port';
import type { PackagedStack } from '../package/package';
import { allStacks, type Review } from './model';
import { renderReview } from './render';

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
  };
}

export function artifactMarkdown(artifact: ReviewArtifact): string {
  const plain = (_style: string, text: string) => text;
  return [
    `## Change set review: ${artifact.stackName} (${artifact.environment})`,
    '',
    `Change set \`${artifact.changeSet.name}\`, reviewed ${artifact.createdAt} by tap ${artifact.toolkitVersion}.`,
    '',
    '```text',
    renderReview(artifact.review, plain),
    '```',
    '',
    `Execute exactly this change set: \`make deploy ENV=${artifact.environment} REVIEW=.tap/${artifact.environment}/review.json\``,
    '',
  ].join('\n');
}

/** Reads and shape-checks a review file; a wrong file is an input error (exit 2). */
export function readArtifact(file: string, displayName: string): ReviewArtifact {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist; run `make diff` first' : `is not valid JSON (${(error as Error).message})`;
    throw new InputError([{ file: displayName, path: '', message: reason }]);
  }
  const candidate = parsed as Partial<ReviewArtifact>;
  if (candidate?.schema !== REVIEW_SCHEMA || typeof candidate.changeSet?.id !== 'string' || !Array.isArray(candidate.templates)) {
    throw new InputError([{ file: displayName, path: '/schema', message: `is not a ${REVIEW_SCHEMA} review file` }]);
  }
  return candidate as ReviewArtifact;
}

export interface CurrentState {
  readonly environment: string;
  readonly stackName: string;
  readonly packaged: readonly PackagedStack[];
  readonly parametersSha256: string;
  readonly tagsSha256: string;
  readonly stack: StackDescription | undefined;
  /** Status and execution status of the reviewed change set now (undefined: it is gone). */
  readonly changeSet: { readonly status: ChangeSetStatus; readonly executionStatus: ExecutionStatus } | undefined;
}

/** Pure: every reason the reviewed plan no longer describes what would be executed. */
export function staleness(artifact: ReviewArtifact, now: CurrentState): string[] {
  const reasons: string[] = [];
  if (artifact.environment !== now.environment || artifact.stackName !== now.stackName) {
    reasons.push(`the review is for ${artifact.stackName} (${artifact.environment}), not ${now.stackName} (${now.environment})`);
    return reasons;
  }
  const reviewed = new Map(artifact.templates.map((t) => [t.path, t]));
  const current = new Map(now.packaged.map((t) => [t.path, t]));
  for (const [stackPath, template] of current) {
    const before = reviewed.get(stackPath);
    if (!before) reasons.push(`templates/${template.file} (${stackPath || 'root'}) is new since the review`);
    else if (before.sha256 !== template.sha256) reasons.push(`templates/${template.file} (${stackPath || 'root'}) changed since the review`);
  }
  for (const [stackPath, template] of reviewed) {
    if (!current.has(stackPath)) reasons.push(`templates/${template.file} (${stackPath || 'root'}) is no longer rendered`);
  }
  if (artifact.parametersSha256 !== now.parametersSha256) reasons.push('the parameters in the params file changed since the review');
  if (artifact.tagsSha256 !== now.tagsSha256) reasons.push('the tags in the params file changed since the review');
  if (!now.stack) {
    reasons.push(`stack ${artifact.stackName} no longer exists`);
  } else {
    if (now.stack.stackId !== artifact.stackId) reasons.push(`stack ${artifact.stackName} was deleted and re-created since the review`);
    const lastUpdated = now.stack.lastUpdatedTime?.toISOString();
    if (now.stack.status !== artifact.stackState.status || lastUpdated !== artifact.stackState.lastUpdatedTime) {
      reasons.push(`stack ${artifact.stackName} changed since the review (${artifact.stackState.status} at ${artifact.stackState.lastUpdatedTime ?? 'creation'} → ${now.stack.status} at ${lastUpdated ?? 'creation'})`);
    }
  }
  if (!now.changeSet) reasons.push(`change set ${artifact.changeSet.name} no longer exists`);
  else if (now.changeSet.status !== 'CREATE_COMPLETE' || now.changeSet.executionStatus !== 'AVAILABLE') {
    reasons.push(`change set ${artifact.changeSet.name} cannot be executed any more (${now.changeSet.status}, ${now.changeSet.executionStatus})`);
  }
  return reasons;
}
