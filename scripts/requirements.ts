/**
 * docs/requirements.md: the requirement texts are written by hand; each requirement's
 * "Proven by" block is generated here from the names of the tests that cite its ID.
 *
 *   node --import tsx scripts/requirements.ts           rewrite the blocks
 *   node --import tsx scripts/requirements.ts --check   exit 1 when the page is stale or incomplete
 *
 * Incomplete means: a test cites an ID the page does not define, or a requirement has no test and
 * no hand-written line saying why: "Also proven by:" (a gate such as the lint run) or
 * "Not built yet:" (what is missing, in the open).
 */
import fs from 'node:fs';
import path from 'node:path';

export const REQUIREMENTS_PAGE = 'docs/requirements.md';
const ID = /\b[TDP]-(?:\d+|[A-Z]+)\b/g;
const TITLE = /\btest(?:\.only)?\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*)\1/g;
const BLOCK = /<!-- proven-by ([\w-]+) -->\n[\s\S]*?<!-- \/proven-by -->/g;

function testFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

/** ID → test file → number of tests in that file naming the ID. */
export function citations(root = '.'): Map<string, Map<string, number>> {
  const byId = new Map<string, Map<string, number>>();
  for (const file of testFiles(path.join(root, 'test'))) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    for (const [, , title] of fs.readFileSync(file, 'utf8').matchAll(TITLE)) {
      for (const id of new Set(title.match(ID) ?? [])) {
        const files = byId.get(id) ?? new Map<string, number>();
        files.set(relative, (files.get(relative) ?? 0) + 1);
        byId.set(id, files);
      }
    }
  }
  return byId;
}

export interface PageReport {
  readonly page: string;
  readonly problems: readonly string[];
}

export function renderPage(page: string, cited: Map<string, Map<string, number>>): PageReport {
  const problems: string[] = [];
  const defined = new Set<string>();
  const rendered = page.replace(BLOCK, (_block, id: string) => {
    defined.add(id);
    const files = [...(cited.get(id) ?? new Map<string, number>())].sort(([a], [b]) => a.localeCompare(b));
    const section = page.slice(page.indexOf(`### ${id}`), page.indexOf(`<!-- proven-by ${id} -->`));
    if (files.length === 0 && !/^(Also proven by|Not built yet):/m.test(section)) problems.push(`${id}: no test names it, and it has no "Also proven by:" or "Not built yet:" line`);
    const lines = files.map(([file, count]) => `- \`${file}\` (${count} test${count === 1 ? '' : 's'})`);
    return [`<!-- proven-by ${id} -->`, ...(lines.length > 0 ? ['**Proven by**', '', ...lines] : []), '<!-- /proven-by -->'].join('\n');
  });
  for (const id of [...cited.keys()].sort()) if (!defined.has(id)) problems.push(`${id}: tests cite it (${[...cited.get(id)!.keys()].join(', ')}) but ${REQUIREMENTS_PAGE} does not define it`);
  return { page: rendered, problems };
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const current = fs.readFileSync(REQUIREMENTS_PAGE, 'utf8');
  const { page, problems } = renderPage(current, citations());
  for (const problem of problems) process.stderr.write(`${REQUIREMENTS_PAGE}: ${problem}\n`);
  if (check) {
    if (page !== current) process.stderr.write(`${REQUIREMENTS_PAGE} is stale: run \`make docs\` and commit it\n`);
    return page === current && problems.length === 0 ? 0 : 1;
  }
  fs.writeFileSync(REQUIREMENTS_PAGE, page);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
