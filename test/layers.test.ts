/**
 * T-1: the source layout shows its layers, and the suite enforces them.
 *
 *   core < catalog < cfn < assets < stacks < synth < config < checks, diagram < aws < operations < cli
 *
 * A module may import its own folder and any folder to its left, never one to its right, and never
 * a peer (checks and diagram know nothing of each other). Lambda code is bundled on its own and
 * shares nothing with the toolkit. Stack builders sit at the paths their templates name, and tests
 * mirror src/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates } from './helpers/platform';

const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['catalog'],
  ['cfn'],
  ['assets'],
  ['stacks'],
  ['synth'],
  ['config'],
  ['checks', 'diagram'],
  ['aws'],
  ['operations'],
  ['cli'],
];
const ISOLATED = 'lambdas';

const layerOf = (folder: string): number => LAYERS.findIndex((row) => row.includes(folder));

function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f).split(path.sep).join('/'));
}

/** Every relative import of every module under src/, resolved to a file. */
function importEdges(): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  for (const from of sourceFiles('src')) {
    for (const match of fs.readFileSync(from, 'utf8').matchAll(/(?:from\s+|import\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), match[1]));
      const to = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => fs.existsSync(candidate));
      assert.ok(to, `${from} imports ${match[1]}, which resolves to no file`);
      edges.push({ from, to: to! });
    }
  }
  return edges;
}

const folderOf = (file: string): string => file.split('/')[1];

test('T-1: every folder under src/ has its place in the layer order', () => {
  const folders = fs.readdirSync('src', { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const folder of folders) assert.ok(folder === ISOLATED || layerOf(folder) >= 0, `src/${folder} is in no layer: add it to LAYERS in test/layers.test.ts`);
  assert.equal(fs.readdirSync('src', { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name), [], 'src/ holds folders only');
});

test('T-1: no module imports a layer above its own or a peer; nothing but the CLI imports the CLI', () => {
  const edges = importEdges();
  assert.ok(edges.length > 100, `found only ${edges.length} imports: the scan is broken`);
  const violations = edges
    .filter(({ from, to }) => {
      const [a, b] = [folderOf(from), folderOf(to)];
      if (a === b || a === ISOLATED || b === ISOLATED) return false;
      return layerOf(b) >= layerOf(a);
    })
    .map(({ from, to }) => `${from} -> ${to}`);
  assert.equal(violations, [], 'these imports go up the layer order (or sideways)');
});

test('T-1: Lambda code imports nothing else of src/, and nothing in src/ imports it (it is bundled on its own)', () => {
  const crossing = importEdges().filter(({ from, to }) => (folderOf(from) === ISOLATED) !== (folderOf(to) === ISOLATED));
  assert.equal(crossing.map(({ from, to }) => `${from} -> ${to}`), []);
});

test('T-2: each template is built at the path it names: templates/X.json by src/stacks/X.ts, templates/services/<name>.json by src/stacks/services/service.ts', () => {
  const templates = platformTemplates();
  assert.ok(templates.length >= 11);
  for (const { file } of templates) {
    const builder = /^services\/[^/]+\.json$/.test(file) ? 'src/stacks/services/service.ts' : `src/stacks/${file.replace(/\.json$/, '.ts')}`;
    assert.ok(fs.existsSync(builder), `templates/${file}: expected its builder at ${builder}`);
  }
});

test('T-1: tests mirror src/: every test folder is named after a folder of src/ (or scripts/)', () => {
  const TIERS = new Set(['helpers', 'fixtures', 'fakes', 'wire', 'contract', 'aws-behaviour']);
  const folders = (fs.readdirSync('test', { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => path.relative('test', e.parentPath).split(path.sep).join('/'))
    .filter((dir) => dir !== '' && !TIERS.has(dir.split('/')[0]));
  assert.ok(folders.length > 10);
  for (const dir of new Set(folders)) {
    const mirror = dir === 'scripts' ? 'scripts' : `src/${dir}`;
    assert.ok(fs.existsSync(mirror), `test/${dir}/ mirrors nothing: ${mirror} does not exist`);
  }
});

test.run();
