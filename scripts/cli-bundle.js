/**
 * The CLI bundle, .build/tap.js: one esbuild bundle of scripts/tap.ts, so `tap` starts in about
 * 0.1 s instead of compiling TypeScript. Built by `make` (the .build/tap.js rule runs this file)
 * and by `npx tap` (scripts/npx-tap.js), each time a source under src/ or scripts/ is newer than it.
 * Plain JavaScript: it runs before anything is compiled.
 */
'use strict';
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

function build(root) {
  let esbuild;
  try {
    esbuild = require(require.resolve('esbuild', { paths: [root] }));
  } catch {
    throw new Error('node_modules/ is missing or incomplete: run `make install` (npm ci and the pinned Python tools) first');
  }
  esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    outfile: BUNDLE,
  });
}

/** The bundle's path, built first when a source is newer. */
function ensureBundle(root) {
  if (!isFresh(root)) build(root);
  return path.join(root, BUNDLE);
}

module.exports = { BUNDLE, ensureBundle, build, isFresh };

if (require.main === module) build(path.resolve(__dirname, '..'));
