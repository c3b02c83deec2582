/**
 * T-8 / T-7: the README stays a newcomer's page and the docs/ pages it links to stay reachable.
 * Text moves between pages; these checks make sure a move cannot leave a dead link, an orphaned
 * page or a Makefile target nobody documents.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';

/** "At most about 12 KB": the README is for a newcomer; everything else has a page in docs/. */
const README_MAX_BYTES = 12 * 1024;

const pages = (): string[] => ['README.md', ...fs.readdirSync('docs').filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** The text outside fenced code blocks and inline code spans, where a link is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchor: the rendered text, lower-cased, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`([^`]*)`/g, '$1');
  return text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** Every anchor a page offers: its headings (duplicates numbered as GitHub does) and <a name|id>. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = anchorOf(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, name] of withoutCode.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(name);
  return anchors;
}

/** Relative links of a page that do not resolve: a missing file, or an anchor its target lacks. */
function deadLinks(page: string, markdown: string, read: (file: string) => string | undefined): string[] {
  const dead: string[] = [];
  for (const [, target] of prose(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const [file, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURI(file)));
    const text = read(resolved);
    if (text === undefined) {
      dead.push(`${page}: ${target}: ${resolved} does not exist`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(text).has(decodeURIComponent(anchor))) {
      dead.push(`${page}: ${target}: ${resolved} has no heading with the anchor #${anchor}`);
    }
  }
  return dead;
}

const readRepoFile = (file: string): string | undefined => {
  if (!fs.existsSync(file)) return undefined;
  return fs.statSync(file).isDirectory() ? '' : fs.readFileSync(file, 'utf8');
};

test(`T-8: the README is a newcomer's page: at most ${README_MAX_BYTES} bytes`, () => {
  const size = fs.statSync('README.md').size;
  assert.ok(size <= README_MAX_BYTES, `README.md is ${size} bytes; move detail to a docs/ page (the README links to each)`);
});

test('T-8: every relative link in README.md and docs/*.md reaches a file and, where it names one, a heading', () => {
  const dead = pages().flatMap((page) => deadLinks(page, fs.readFileSync(page, 'utf8'), readRepoFile));
  assert.equal(dead, []);
});

test('T-8: the link check finds a missing file, a missing anchor, a missing same-page anchor, and nothing in code', () => {
  const files: Record<string, string> = {
    'README.md': '# Title\n\n## Adding an environment\n\n## Adding an environment\n',
    'docs/a.md': '# A page\n\n### `make release` and `<env>`\n<a name="custom"></a>\n',
  };
  const read = (file: string): string | undefined => files[file];
  const page = [
    '[ok](../README.md#adding-an-environment) [ok](../README.md#adding-an-environment-1) [ok](#a-page)',
    '[ok](a.md#make-release-and-env) [ok](a.md#custom) [ok](https://example.com/x#y) ![ok](a.md)',
    '[gone](b.md) [no anchor](../README.md#adding-a-service) [no self anchor](#nowhere)',
    '`[in code](c.md)`',
    '```md\n[in a block](d.md)\n```',
  ].join('\n');
  assert.equal(deadLinks('docs/a.md', page, read), [
    'docs/a.md: b.md: docs/b.md does not exist',
    'docs/a.md: ../README.md#adding-a-service: README.md has no heading with the anchor #adding-a-service',
    'docs/a.md: #nowhere: docs/a.md has no heading with the anchor #nowhere',
  ]);
});

test('T-8: every docs/ page is linked from the README, and every hand-written page links back to it', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  for (const page of pages().filter((p) => p !== 'README.md')) {
    assert.ok(readme.includes(`](${page})`), `README.md does not link to ${page}`);
    const text = fs.readFileSync(page, 'utf8');
    const generated = text.includes('<!-- Generated from');
    if (!generated) assert.ok(text.includes('](../README.md'), `${page} does not link back to the README`);
  }
});

test('T-7: docs/operations.md lists every Makefile target', () => {
  const targets = [...fs.readFileSync('Makefile', 'utf8').matchAll(/^([a-z-]+):.*## /gm)].map((m) => m[1]);
  const operations = fs.readFileSync('docs/operations.md', 'utf8');
  const listed = /## Make targets and variables\n\n```text\n([\s\S]*?)```/.exec(operations)?.[1] ?? '';
  assert.ok(targets.length > 10);
  assert.equal(targets.filter((target) => !new RegExp(`^make ${target}\\b`, 'm').test(listed)), []);
});

test.run();
