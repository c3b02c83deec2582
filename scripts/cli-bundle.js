/**
 * The CLI bundle, .build/tap.js: one esbuild bundle of scripts/tap.ts, so `tap` starts in about
 * 0.1 s instead of compiling TypeScript. Built by `make` (the .build/tap.js rule runs this file)
 * and by `npx tap` (scripts/npx-tap.js), each time a source under src/ or scripts/ is newer than it.
 * Plain JavaScript: it runs before anything is compiled.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ENTRY = 'scripts/tap.ts';
const BUNDLE = path.join('.build', 'tap.js');
const SOURCE_DIRS = ['src', 'scripts'];

/** Newest modification time of the TypeScript sources (what the Makefile's SOURCES lists). */
function newestSource(root) {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  return newest;
}

function isFresh(root) {
  const bundle = path.join(root, BUNDLE);
  return fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestSource(root);
}

/** esbuild's command line: the one recipe (its CLI starts faster than its JavaScript API). */
const ESBUILD_ARGS = [ENTRY, '--bundle', '--platform=node', '--format=cjs', '--target=node20', '--packages=external', '--log-level=warning', `--outfile=${BUNDLE}`];

function build(root) {
  let esbuild;
  try {
    esbuild = require.resolve('esbuild/bin/esbuild', { paths: [root] });
  } catch {
    throw new Error('node_modules/ is missing or incomplete: run `make install` (npm ci and the pinned Python tools) first');
  }
  const run = spawnSync(esbuild, ESBUILD_ARGS, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`esbuild could not bundle ${ENTRY} (exit ${run.status ?? run.signal})`);
}

/** The bundle's path, built first when a source is newer. */
function ensureBundle(root) {
  if (!isFresh(root)) build(root);
  return path.join(root, BUNDLE);
}

module.exports = { BUNDLE, ensureBundle, build, isFresh };

if (require.main === module) {
  try {
    build(path.resolve(__dirname, '..'));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
