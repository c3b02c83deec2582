/**
 * `.tap/<env>/`: what the CLI writes per environment (review artifacts, outputs, the drift and verify reports).
 * Ignored by git. Files are written atomically (temporary file, then rename), so a crash never
 * leaves half a file.
 */
import fs from 'node:fs';
import path from 'node:path';

export const STATE_DIR = '.tap';

export const statePath = (root: string, environment: string, file: string): string => path.join(root, STATE_DIR, environment, file);

/** Relative to the repository root, for messages and commands to copy. */
export const displayPath = (environment: string, file: string): string => `${STATE_DIR}/${environment}/${file}`;

export function writeStateFile(root: string, environment: string, file: string, content: string): string {
  const target = statePath(root, environment, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
  return target;
}

/** The latest `diff`'s review (what `make deploy REVIEW=.tap/<env>/review.json` executes). */
export const REVIEW_FILE = 'review.json';
export const REVIEW_MARKDOWN = 'review.md';
/** Every review, per change set: `reviews/<change set name>.json` and `.md` (deploy writes only these). */
export const REVIEWS_DIR = 'reviews';
export const reviewFileOf = (changeSetName: string, extension: 'json' | 'md' = 'json'): string => `${REVIEWS_DIR}/${changeSetName}.${extension}`;
/** The whole text of every AWS error, appended (render/aws-errors.ts). */
export const AWS_ERROR_LOG = 'aws-errors.log';
export const OUTPUTS_FILE = 'outputs.json';
export const DRIFT_FILE = 'drift.json';
export const VERIFY_FILE = 'verify.json';
