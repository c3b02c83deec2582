#!/usr/bin/env node
/**
 * `npx tap <command>` from a checkout of this repository (package.json `bin`: tap): runs the CLI
 * bundle, rebuilding it first when a source changed, exactly as the make targets do. Exit codes
 * pass through (docs/cli.md); `make` turns every failure into 2.
 */
'use strict';
const path = require('node:path');
const { ensureBundle } = require('./cli-bundle.js');

let bundle;
try {
  bundle = ensureBundle(path.resolve(__dirname, '..'));
} catch (error) {
  process.stderr.write(`tap: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
require(bundle);
