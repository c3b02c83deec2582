/**
 * D-13 One change at a time per environment, on this machine: a lock file (`.tap/<env>/deploy.lock`)
 * held by every command that changes the environment (deploy, diff, bootstrap, destroy,
 * continue-rollback). The AWS side (a change set being computed on the stack, an operation running
 * on it) is checked by the change-set flow (in-progress.ts).
 *
 * Safe against crashes:
 * - The lock is created whole or not at all: written to a temporary file, then hard-linked to its
 *   name (`link` fails if the name exists), so no reader ever sees half a lock.
 * - It says who holds it: pid, host, user, command, start time, and the process's start time
 *   (Linux: /proc/<pid>/stat), so a pid reused by another process is not taken for the holder.
 * - A lock left by a process that has ended (same host, pid gone or reused) is stale: the next run
 *   takes it over and says so. The stale file is first renamed away (only one taker wins the
 *   rename) and checked to be the one judged stale; a lock from another host (a shared checkout)
 *   cannot be checked and is never taken over.
 * - Released only by its holder (its token), in a `finally`; a killed process leaves it stale.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'deploy.lock';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly user?: string;
  /** The command line, e.g. `tap deploy --env dev --yes`. */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
  /** The holder process's start time as the OS counts it (Linux), to tell a reused pid. */
  readonly processStart?: string;
  readonly toolkitVersion: string;
  readonly token: string;
}

/** The machine and process, injectable for tests. */
export interface LockSystem {
  readonly pid: number;
  hostname(): string;
  user(): string | undefined;
  now(): number;
  /** Whether a process with this pid exists (on this host). */
  alive(pid: number): boolean;
  /** The process's start time (undefined where the OS does not say). */
  processStart(pid: number): string | undefined;
}

export const systemLock: LockSystem = {
  pid: process.pid,
  hostname: () => os.hostname(),
  user: () => {
    try {
      return os.userInfo().username;
    } catch {
      // No passwd entry (some containers).
      return undefined;
    }
  },
  now: () => Date.now(),
  alive: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists, owned by someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  processStart: (pid) => {
    try {
      // Field 22 (starttime), counted after the command name, which may hold spaces.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    } catch {
      return undefined;
    }
  },
};

export type LockResult =
  | {
      readonly type: 'acquired';
      readonly file: string;
      /** A lock left by a process that had ended, taken over. */
      readonly replaced?: LockHolder;
      release(): void;
    }
  | {
      readonly type: 'held';
      readonly file: string;
      /** Undefined when the file cannot be read as a lock. */
      readonly holder?: LockHolder;
      /** The holder runs on this machine (and is alive): its pid can be checked. */
      readonly sameHost: boolean;
    };

export interface LockRequest {
  readonly command: string;
  readonly toolkitVersion: string;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.token === 'string' ? (parsed as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: a lock whose holder has ended. Only a holder on this host can be judged. */
export function isStale(holder: LockHolder, system: LockSystem): boolean {
  if (holder.host !== system.hostname()) return false;
  if (!system.alive(holder.pid)) return true;
  const start = system.processStart(holder.pid);
  return holder.processStart !== undefined && start !== undefined && start !== holder.processStart;
}

/** Tries once to create `file` whole; false when it exists. */
function create(file: string, holder: LockHolder): boolean {
  const temporary = `${file}.${holder.pid}.${holder.token}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(holder, null, 2)}\n`);
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Moves a stale lock away; false when someone else changed it first. */
function removeStale(file: string, stale: LockHolder, pid: number): boolean {
  const aside = `${file}.stale.${pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved?.token === stale.token) {
    fs.rmSync(aside, { force: true });
    return true;
  }
  // A live lock was taken between reading and renaming: put it back (unless yet another run took the name).
  try {
    fs.linkSync(aside, file);
  } catch {
    // The name is taken again; that run holds the environment.
  }
  fs.rmSync(aside, { force: true });
  return false;
}

export function acquireLock(directory: string, request: LockRequest, system: LockSystem = systemLock): LockResult {
  fs.mkdirSync(directory, { recursive: true });
  const file = path.join(directory, LOCK_FILE);
  const start = system.processStart(system.pid);
  const user = system.user();
  const holder: LockHolder = {
    pid: system.pid,
    host: system.hostname(),
    ...(user ? { user } : {}),
    command: request.command,
    startedAt: new Date(system.now()).toISOString(),
    ...(start ? { processStart: start } : {}),
    toolkitVersion: request.toolkitVersion,
    token: randomUUID(),
  };
  let replaced: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (create(file, holder)) {
      return {
        type: 'acquired',
        file,
        ...(replaced ? { replaced } : {}),
        release: () => {
          if (readHolder(file)?.token === holder.token) fs.rmSync(file, { force: true });
        },
      };
    }
    const current = readHolder(file);
    if (!current || !isStale(current, system)) {
      return { type: 'held', file, ...(current ? { holder: current } : {}), sameHost: current?.host === system.hostname() };
    }
    if (removeStale(file, current, system.pid)) replaced = current;
  }
  const current = readHolder(file);
  return { type: 'held', file, ...(current ? { holder: current } : {}), sameHost: current?.host === system.hostname() };
}
