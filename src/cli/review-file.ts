/**
 * The review files in `.tap/<env>/`: `review.json` (what `deploy --review` executes) and
 * `review.md` (for a PR or a CI step summary). Both are masked: no secret value is ever saved.
 */
import { readJsonFile } from '../core/json-file';
import { InputError } from '../core/problems';
import type { SecretMasker } from '../operations/mask';
import { isReviewArtifact, REVIEW_SCHEMA, type ReviewArtifact } from '../operations/review/artifact';
import { renderReview } from './render/review';
import { displayPath, REVIEW_FILE, REVIEW_MARKDOWN, writeStateFile } from './state-dir';

export function reviewMarkdown(artifact: ReviewArtifact): string {
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
    `Execute exactly this change set: \`make deploy ENV=${artifact.environment} REVIEW=${displayPath(artifact.environment, REVIEW_FILE)}\``,
    '',
  ].join('\n');
}

/** Writes review.json and review.md for the artifact's environment. */
export function saveReview(root: string, artifact: ReviewArtifact, masker: SecretMasker): void {
  writeStateFile(root, artifact.environment, REVIEW_FILE, `${masker.text(JSON.stringify(artifact, null, 2))}\n`);
  writeStateFile(root, artifact.environment, REVIEW_MARKDOWN, masker.text(reviewMarkdown(artifact)));
}

/** Far above any review (its templates are hashes, its findings text); a bound, so REVIEW=/dev/zero-like paths stop at once. */
export const REVIEW_FILE_MAX_BYTES = 32 * 1024 * 1024;

/** Reads and shape-checks a review file; a wrong file is an input error (exit 2). */
export function readReviewFile(file: string, displayName: string): ReviewArtifact {
  const parsed = readJsonFile(file, displayName, { maxBytes: REVIEW_FILE_MAX_BYTES, what: 'a review file', missingHint: '; run `make diff` first' });
  if (!isReviewArtifact(parsed)) throw new InputError([{ file: displayName, path: '/schema', message: `is not a ${REVIEW_SCHEMA} review file` }]);
  return parsed;
}
