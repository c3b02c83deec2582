/**
 * D-13: the real runtime's Ctrl-C. The first SIGINT aborts (the operation stops at its next step
 * and reports what it left); a second one, while that report is read back from AWS, ends the
 * process at once with 130. Run in a child process: it really receives the signals.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const CHILD = `
const { processInterrupts } = require(${JSON.stringify(path.resolve('src/operations/runtime.ts'))});
const interrupt = processInterrupts();
process.kill(process.pid, 'SIGINT');
setTimeout(() => {
  console.log('first Ctrl-C aborted: ' + interrupt.signal.aborted);
  process.kill(process.pid, 'SIGINT');
  setTimeout(() => { console.log('still running after the second'); process.exit(0); }, 2000);
}, 300);
`;

test('D-13: the first Ctrl-C aborts the operation; a second one ends the process with 130', () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', CHILD], { encoding: 'utf8', timeout: 20_000 });
  assert.is(child.stdout.trim(), 'first Ctrl-C aborted: true', child.stderr);
  assert.is(child.status, 130, child.stderr);
});

test.run();
