/**
 * T-10: no test can be skipped without a failure. uvu's `run()` queues the tests registered so far
 * and starts a new, empty queue: a test registered after it, or a suite whose `run()` is never
 * called, is silently never run and counts neither as passed nor as failed. So every test file
 * registers into one suite and ends with that suite's `run()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../src/core/paths';

/** What is wrong with a test file's text, as sentences (none: its tests all run). */
export function testFileProblems(text: string): string[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  // Statements, one per line as the project writes them (run() in a string or a title is not one).
  const runs = lines.filter((line) => /^\s*\w+\.run\(\);\s*$/.test(line));
  const suites = lines.filter((line) => /^\s*(?:const|let)\s+\w+\s*=\s*suite\b/.test(line)).length;
  const problems: string[] = [];
  if (runs.length !== 1) problems.push(`calls run() ${runs.length} times; exactly once, as its last statement`);
  const last = /^(\w+)\.run\(\);$/.exec(lines.at(-1)?.trim() ?? '');
  if (!last) problems.push('does not end with <suite>.run(); tests registered after it would never run');
  if (suites > 1) problems.push(`creates ${suites} suites; one per file, so one run() runs them all`);
  if (last && last[1] !== 'test' && suites === 0) problems.push(`runs ${last[1]}, which is not uvu's test nor a suite of this file`);
  return problems;
}

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(file);
    return entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

test('T-10: every test file registers into one suite and ends with its run(), so no test is left unrun', () => {
  const files = testFiles(path.join(repoRoot(), 'test'));
  assert.ok(files.length > 50, `found ${files.length} test files`);
  const problems = files.flatMap((file) => testFileProblems(fs.readFileSync(file, 'utf8')).map((p) => `${path.relative(repoRoot(), file)}: ${p}`));
  assert.equal(problems, []);
});

test('T-10: the check finds a test after run(), a second run(), a second suite and a file that never runs', () => {
  const ok = "import { test } from 'uvu';\ntest('a', () => {});\ntest.run();\n";
  assert.equal(testFileProblems(ok), []);
  assert.equal(testFileProblems("const wire = suite<C>('w');\nwire('a', () => {});\nwire.run();\n"), []);
  assert.ok(testFileProblems("test('a', () => {});\ntest.run();\ntest('late', () => {});\n").some((p) => p.includes('does not end with')));
  assert.ok(testFileProblems("test('a', () => {});\ntest.run();\ntest('b', () => {});\ntest.run();\n").some((p) => p.includes('2 times')));
  assert.ok(testFileProblems("const a = suite('a');\nconst b = suite('b');\na('x', () => {});\nb('y', () => {});\na.run();\n").some((p) => p.includes('2 suites')));
  assert.ok(testFileProblems("test('a', () => {});\n").some((p) => p.includes('0 times')));
});

test.run();
