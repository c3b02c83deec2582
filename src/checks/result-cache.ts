/**
 * Lint and scan results cached by content: a template is re-checked only when its bytes, the
 * templates it nests (cfn-lint reads them for E3043), the tool pins (requirements.txt) or the
 * check's options change. Results live in .cache/lint/<tool>/<key>.json and are derived data:
 * deleting the directory only costs time.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LINT_RESULT_CACHE_DIR = path.join('.cache', 'lint');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Hash of the pinned tool versions: any pin change invalidates every cached result. */
export function toolPins(root: string): string {
  return sha256(fs.readFileSync(path.join(root, 'requirements.txt'), 'utf8'));
}

/**
 * Content keys of template files: each covers the file and, recursively, the local templates its
 * nested stacks point at (`TemplateURL` relative paths).
 */
export function templateKeys(root: string, files: readonly string[]): Map<string, string> {
  const keys = new Map<string, string>();
  const keyOf = (file: string, trail: readonly string[]): string => {
    const known = keys.get(file);
    if (known) return known;
    if (trail.includes(file)) throw new Error(`nested templates form a cycle: ${[...trail, file].join(' -> ')}`);
    const content = fs.readFileSync(path.join(root, file), 'utf8');
    const children: string[] = [];
    for (const match of content.matchAll(/"TemplateURL": "([^"]+)"/g)) {
      if (!/^(https?|s3):/.test(match[1])) children.push(path.posix.join(path.posix.dirname(file), match[1]));
    }
    const key = sha256([content, ...children.sort().map((child) => keyOf(child, [...trail, file]))].join('\n'));
    keys.set(file, key);
    return key;
  };
  for (const file of files) keyOf(file, []);
  return keys;
}

export class ResultCache<T> {
  constructor(private readonly root: string, private readonly tool: string) {}

  key(...parts: readonly string[]): string {
    return sha256(parts.join('\n'));
  }

  private file(key: string): string {
    return path.join(this.root, LINT_RESULT_CACHE_DIR, this.tool, `${key}.json`);
  }

  get(key: string): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: T): void {
    try {
      fs.mkdirSync(path.dirname(this.file(key)), { recursive: true });
      fs.writeFileSync(this.file(key), JSON.stringify(value));
    } catch {
      // An unwritable cache only costs the next run its speed.
    }
  }
}
