/**
 * D-13 The environment's lock file (operations/lock.ts): who holds it, a lock left by a process that
 * ended (crashed, killed) is taken over, a pid reused by another process is not taken for its
 * holder, a lock from another host is never taken over, and only the holder releases it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acquireLock, isStale, LOCK_FILE, systemLock, type LockHolder, type LockSystem } from '../../src/operations/lock';

const directory = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tap-lock-'));
const request = { command: 'tap deploy --env dev', toolkitVersion: '0.1.0-test' };

/** A machine where `alive` pids exist, started at `starts`. */
function machine(pid: number, { host = 'laptop', alive = [pid], starts = {} as Record<number, string> } = {}): LockSystem {
  return {
    pid,
    hostname: () => host,
    user: () => 'ana',
    now: () => Date.UTC(2026, 9, 12, 9, 0, 0),
    alive: (p) => alive.includes(p),
    processStart: (p) => starts[p],
  };
}

const holderIn = (dir: string): LockHolder => JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;

test('D-13: the lock says who holds it; a second taker is told who, and nothing is written', () => {
  const dir = directory();
  const first = acquireLock(dir, request, machine(100, { alive: [100, 200], starts: { 100: '4242' } }));
  assert.is(first.type, 'acquired');
  assert.equal({ ...holderIn(dir), token: '-' }, { pid: 100, host: 'laptop', user: 'ana', command: 'tap deploy --env dev', startedAt: '2026-10-12T09:00:00.000Z', processStart: '4242', toolkitVersion: '0.1.0-test', token: '-' });
  const second = acquireLock(dir, { ...request, command: 'tap diff --env dev' }, machine(200, { alive: [100, 200], starts: { 100: '4242' } }));
  assert.is(second.type, 'held');
  if (second.type !== 'held') return;
  assert.is(second.holder?.pid, 100);
  assert.is(second.sameHost, true);
  assert.equal(fs.readdirSync(dir), [LOCK_FILE], 'no temporary file left');
});

test('D-13: released by its holder only; released, the next run takes it', () => {
  const dir = directory();
  const system = machine(100, { alive: [100, 200] });
  const first = acquireLock(dir, request, system);
  if (first.type !== 'acquired') throw new Error('not acquired');
  first.release();
  assert.not.ok(fs.existsSync(path.join(dir, LOCK_FILE)));
  const second = acquireLock(dir, request, machine(200, { alive: [100, 200] }));
  if (second.type !== 'acquired') throw new Error('not acquired');
  first.release();
  assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)), 'a stale release does not remove the next holder\'s lock');
});

test('D-13: a lock left by a process that has ended (crash, kill -9) is taken over, naming it', () => {
  const dir = directory();
  acquireLock(dir, request, machine(100));
  const next = acquireLock(dir, request, machine(200, { alive: [200] }));
  assert.is(next.type, 'acquired');
  if (next.type !== 'acquired') return;
  assert.is(next.replaced?.pid, 100);
  assert.is(holderIn(dir).pid, 200);
});

test('D-13: a pid reused by another process is not the holder (its start time differs): the lock is stale', () => {
  const holder: LockHolder = { pid: 100, host: 'laptop', command: 'x', startedAt: '', processStart: '4242', toolkitVersion: '', token: 't' };
  assert.ok(isStale(holder, machine(200, { alive: [100, 200], starts: { 100: '9999' } })));
  assert.not.ok(isStale(holder, machine(200, { alive: [100, 200], starts: { 100: '4242' } })));
  assert.not.ok(isStale(holder, machine(200, { alive: [100, 200] })), 'where the OS does not say, a live pid holds it');
});

test('D-13: a lock from another host (a shared checkout) is never taken over: its process cannot be checked', () => {
  const dir = directory();
  acquireLock(dir, request, machine(100, { host: 'ci-runner-3' }));
  const here = acquireLock(dir, request, machine(100, { host: 'laptop', alive: [] }));
  assert.is(here.type, 'held');
  if (here.type === 'held') assert.equal([here.holder?.host, here.sameHost], ['ci-runner-3', false]);
});

test('D-13: a lock file that is not a lock (hand-edited, truncated) is held by nobody known, and never overwritten', () => {
  const dir = directory();
  fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 1');
  const result = acquireLock(dir, request, machine(100));
  assert.is(result.type, 'held');
  if (result.type === 'held') assert.is(result.holder, undefined);
  assert.is(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), '{"pid": 1');
});

test('D-13: on this machine, a process that has exited is not alive, and the running one is (with its start time on Linux)', () => {
  const ended = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(ended !== undefined && ended > 0);
  assert.not.ok(systemLock.alive(ended ?? 0));
  assert.ok(systemLock.alive(process.pid));
  if (process.platform === 'linux') assert.match(systemLock.processStart(process.pid) ?? '', /^\d+$/);
});

test.run();
