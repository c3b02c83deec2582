/**
 * Lint and scan results cached by content: a template is re-checked only when what its result
 * depends on changes: its bytes, what cfn-lint reads of the templates it nests (see
 * `nestedTemplateView` and `lintKeys`), the tool pins (requirements.txt), the check's options and
 * any local file those options name (project rules). Results live in .cache/lint/<tool>/<key>.json and are
 * derived data: deleting the directory only costs time.
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
 * Hash of a tool's options and of every local file or directory they name (e.g. `--append-rules
 * <dir>`, relative to `root` or absolute), so editing a project rule invalidates the results it
 * produced.
 */
export function optionsDigest(root: string, options: readonly string[]): string {
  const parts: string[] = [];
  const addPath = (full: string): void => {
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) {
        if (entry !== '__pycache__') addPath(path.join(full, entry));
      }
    } else {
      parts.push(`${path.relative(root, full)}\n${sha256(fs.readFileSync(full, 'utf8'))}`);
    }
  };
  for (const option of options) {
    parts.push(option);
    if (!option.startsWith('-')) addPath(path.resolve(root, option));
  }
  return sha256(parts.join('\n'));
}

/** Local nested-stack templates a template points at (`TemplateURL` relative paths). */
export function nestedTemplateFiles(file: string, content: string): string[] {
  const children: string[] = [];
  for (const match of content.matchAll(/"TemplateURL": "([^"]+)"/g)) {
    if (!/^(https?|s3):/.test(match[1])) children.push(path.posix.join(path.posix.dirname(file), match[1]));
  }
  return children.sort();
}

/**
 * What linting a parent reads of a nested template. cfn-lint 1.58 opens a local nested template in
 * exactly two places, and only after it decodes without errors: E3043 compares the parent's
 * `Parameters` with the child's `Parameters` (names, and whether each has a Default)
 * (cfnlint/rules/resources/cloudformation/NestedStackParameters.py), and the template context
 * takes the child's output names for `Fn::GetAtt [Stack, Outputs.X]`
 * (cfnlint/context/context.py, `_nested_stack_get_atts`). test/checks/nested-readers.test.ts
 * fails if the installed cfn-lint or a project rule reads nested templates anywhere else.
 *
 * A template written the way synth writes it (canonical JSON: `JSON.stringify(t, null, 2)` and a
 * newline, so no duplicate keys and no syntax cfn-lint's decoder could reject) is represented by
 * those two parts; anything else, including a file that does not parse, by its whole content, so
 * that a change to whether it decodes is never missed.
 */
export function nestedTemplateView(content: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return `content ${sha256(content)}`;
  }
  const canonical = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && `${JSON.stringify(parsed, null, 2)}\n` === content;
  if (!canonical) return `content ${sha256(content)}`;
  const template = parsed as { Parameters?: unknown; Outputs?: unknown };
  const outputs = template.Outputs !== null && typeof template.Outputs === 'object' && !Array.isArray(template.Outputs)
    ? Object.keys(template.Outputs)
    : template.Outputs;
  return `interface ${sha256(JSON.stringify({ parameters: template.Parameters ?? null, outputs: outputs ?? null }))}`;
}

/** A template's cache keys for cfn-lint. */
export interface LintKeys {
  /** The template and the view of each template it nests: what every rule but the tree rules reads. */
  readonly local: string;
  /** The template and the whole content of every template below it: what the tree rules read. */
  readonly tree: string;
  /** Whether the template nests local templates at all (if not, the two keys mean the same). */
  readonly nests: boolean;
  /** Bytes of the template, and of all templates below it (for estimating a lint's cost). */
  readonly bytes: number;
  readonly bytesBelow: number;
}

/**
 * Content keys of template files for cfn-lint. cfn-lint's own rules read one level down, and of
 * that level only what `nestedTemplateView` keeps: editing a service's resources changes only that
 * service's local key. Project rules that walk the whole nested tree (TREE_RULES in cfn-lint.ts)
 * are cached under the tree key, which changes with anything below.
 */
export function lintKeys(root: string, files: readonly string[]): Map<string, LintKeys> {
  const contents = new Map<string, string | undefined>();
  const read = (file: string): string | undefined => {
    if (!contents.has(file)) {
      try {
        contents.set(file, fs.readFileSync(path.join(root, file), 'utf8'));
      } catch {
        contents.set(file, undefined);
      }
    }
    return contents.get(file);
  };
  const own = (file: string): string => {
    const content = read(file);
    return content === undefined ? `${file} missing` : `${file} ${sha256(content)}`;
  };
  const trees = new Map<string, { key: string; bytes: number }>();
  /** The tree key of a template, and the bytes of it and everything below it. */
  const tree = (file: string, trail: readonly string[]): { key: string; bytes: number } => {
    const known = trees.get(file);
    if (known) return known;
    if (trail.includes(file)) throw new Error(`nested templates form a cycle: ${[...trail, file].join(' -> ')}`);
    const below = nestedTemplateFiles(file, read(file) ?? '').map((child) => tree(child, [...trail, file]));
    const result = {
      key: sha256([own(file), ...below.map((child) => child.key)].join('\n')),
      bytes: (read(file)?.length ?? 0) + below.reduce((sum, child) => sum + child.bytes, 0),
    };
    trees.set(file, result);
    return result;
  };
  const keys = new Map<string, LintKeys>();
  for (const file of files) {
    const children = nestedTemplateFiles(file, read(file) ?? '');
    const views = children.map((child) => {
      const content = read(child);
      return `${child} ${content === undefined ? 'missing' : nestedTemplateView(content)}`;
    });
    const bytes = read(file)?.length ?? 0;
    const whole = tree(file, []);
    keys.set(file, { local: sha256([own(file), ...views].join('\n')), tree: whole.key, nests: children.length > 0, bytes, bytesBelow: whole.bytes - bytes });
  }
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
