/**
 * The review files in `.tap/<env>/`, masked (no secret value is ever saved):
 *
 * - `reviews/<change set>.json` and `.md`, one pair per change set, written by deploy and diff:
 *   what `deploy --review` executes, and the text for a PR or a CI step summary. A deploy never
 *   overwrites another change set's review, so a diff not yet executed keeps its own.
 * - `review.json` and `review.md`: the latest `diff`'s (a copy), so
 *   `make deploy ENV=x REVIEW=.tap/x/review.json` executes what the last diff showed.
 *
 * The newest 20 per-change-set reviews are kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../core/json-file';
import { InputError } from '../core/problems';
import type { SecretMasker } from '../operations/mask';
import { isReviewArtifact, REVIEW_SCHEMA, type PromotionRecord, type ReviewArtifact } from '../operations/review/artifact';
import { executeReviewLine } from './hints';
import { renderReview } from './render/review';
import { displayPath, REVIEW_FILE, REVIEW_MARKDOWN, REVIEWS_DIR, reviewFileOf, statePath, writeStateFile } from './state-dir';

/** D-18: what a promotion took, by hash, for the reviewer. */
function promotionMarkdown(promotion: PromotionRecord): string[] {
  const { from } = promotion;
  return [
    `Promoted from **${from.environment}**: what \`${from.stackName}\` (account ${from.accountId}, ${from.region}) runs, ${from.status} at ${from.lastChanged}, copied by content hash from \`s3://${from.bucket}\`. ` +
      (promotion.localTemplates === 'match' ? 'It is what `templates/` holds.' : `**It is not what \`templates/\` holds** (promoted with \`--allow-mismatch\`).`),
    '',
    '| stack | template in ' + from.environment + ' (sha256) | template here (sha256) |',
    '|---|---|---|',
    ...promotion.templates.map((t) => `| ${t.path || '(root)'} | \`${t.sourceSha256}\` | ${t.sha256 === t.sourceSha256 ? 'same' : `\`${t.sha256}\` (its nested stacks' URLs name this bucket)`} |`),
    '',
    ...(promotion.assets.length > 0 ? [`Code (content-addressed keys): ${promotion.assets.map((key) => `\`${key}\``).join(', ')}.`, ''] : []),
  ];
}

export function reviewMarkdown(artifact: ReviewArtifact): string {
  const plain = (_style: string, text: string) => text;
  const review = displayPath(artifact.environment, reviewFileOf(artifact.changeSet.name));
  const execute = executeReviewLine({ command: 'deploy', environment: artifact.environment, ...(artifact.promotion ? { promotionFrom: artifact.promotion.from.environment } : {}) }, review);
  return [
    `## Change set review: ${artifact.stackName} (${artifact.environment})`,
    '',
    `Change set \`${artifact.changeSet.name}\`, reviewed ${artifact.createdAt} by tap ${artifact.toolkitVersion}.`,
    '',
    ...(artifact.promotion ? promotionMarkdown(artifact.promotion) : []),
    '```text',
    renderReview(artifact.review, plain),
    '```',
    '',
    `Execute exactly this change set: \`${execute.make}\``,
    '',
  ].join('\n');
}

export const REVIEWS_KEPT = 20;

/** The files a review was saved to (relative to the repository root). */
export interface SavedReview {
  readonly json: string;
  readonly markdown: string;
  /** Also saved as the latest diff (`review.json`, `review.md`). */
  readonly latest?: { readonly json: string; readonly markdown: string };
}

/** Writes the artifact's per-change-set review files, and with `latest` (diff) review.json and review.md too. */
export function saveReview(root: string, artifact: ReviewArtifact, masker: SecretMasker, { latest }: { latest: boolean }): SavedReview {
  const env = artifact.environment;
  const json = `${masker.text(JSON.stringify(artifact, null, 2))}\n`;
  const markdown = masker.text(reviewMarkdown(artifact));
  const files = { json: reviewFileOf(artifact.changeSet.name), markdown: reviewFileOf(artifact.changeSet.name, 'md') };
  writeStateFile(root, env, files.json, json);
  writeStateFile(root, env, files.markdown, markdown);
  pruneReviews(statePath(root, env, REVIEWS_DIR), artifact.changeSet.name);
  const saved = { json: displayPath(env, files.json), markdown: displayPath(env, files.markdown) };
  if (!latest) return saved;
  writeStateFile(root, env, REVIEW_FILE, json);
  writeStateFile(root, env, REVIEW_MARKDOWN, markdown);
  return { ...saved, latest: { json: displayPath(env, REVIEW_FILE), markdown: displayPath(env, REVIEW_MARKDOWN) } };
}

/** Keeps the newest REVIEWS_KEPT change sets' reviews (names sort by time: tap-<env>-YYYYMMDD-HHMMSS-…). */
function pruneReviews(directory: string, keep: string): void {
  const names = [...new Set(fs.readdirSync(directory).filter((f) => /\.(json|md)$/.test(f)).map((f) => f.replace(/\.(json|md)$/, '')))].sort();
  for (const name of names.slice(0, Math.max(0, names.length - REVIEWS_KEPT))) {
    if (name === keep) continue;
    for (const extension of ['json', 'md']) fs.rmSync(path.join(directory, `${name}.${extension}`), { force: true });
  }
}

/** The saved review of a change set, if this checkout has it (display path). */
export function savedReviewOf(root: string, environment: string, changeSetName: string): string | undefined {
  const file = reviewFileOf(changeSetName);
  return fs.existsSync(statePath(root, environment, file)) ? displayPath(environment, file) : undefined;
}

/** Far above any review (its templates are hashes, its findings text); a bound, so REVIEW=/dev/zero-like paths stop at once. */
export const REVIEW_FILE_MAX_BYTES = 32 * 1024 * 1024;

/** Reads and shape-checks a review file; a wrong file is an input error (exit 2). */
export function readReviewFile(file: string, displayName: string): ReviewArtifact {
  const parsed = readJsonFile(file, displayName, { maxBytes: REVIEW_FILE_MAX_BYTES, what: 'a review file', missingHint: '; run `make diff` first' });
  if (!isReviewArtifact(parsed)) throw new InputError([{ file: displayName, path: '/schema', message: `is not a ${REVIEW_SCHEMA} review file` }]);
  return parsed;
}
