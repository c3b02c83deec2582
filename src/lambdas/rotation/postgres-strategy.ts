/**
 * Rotation of a PostgreSQL login, single-user strategy: the role's password is changed in place.
 *
 * - createSecret: the current secret with a new 32-character password.
 * - setSecret: log in as the role with, in order, the AWSPENDING password (already applied by an
 *   earlier attempt → done), the AWSCURRENT one, the AWSPREVIOUS one (the database may have been
 *   restored to the previous password), then `ALTER ROLE … WITH PASSWORD …` — a role may change
 *   its own password; the statement carries a SCRAM verifier, not the password. Only when none of them logs in and the secret names an admin secret
 *   (`masterarn`) does the admin login set the password, creating the role if it does not exist
 *   (the first rotation after CloudFormation generated the secret).
 * - testSecret: log in with AWSPENDING exactly as the services will, and run `SELECT 1`.
 *
 * Every connection has a 5 s connect timeout and is closed before the step returns.
 */
import pg from 'pg';
import { errorMessage } from './log';
import { RotationError, type RotationStrategy, type StrategyTools } from './protocol';
import { scramSha256Verifier } from './scram';
import {
  changedTarget,
  parseAdminSecret,
  parsePostgresSecret,
  PASSWORD_EXCLUDE_CHARACTERS,
  PASSWORD_LENGTH,
  withNewPassword,
  type PostgresLogin,
} from './postgres-secret';

const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 5_000;

/** invalid_password, invalid_authorization_specification: this password (or role) is not accepted. */
const LOGIN_REJECTED = new Set(['28P01', '28000']);

/** What pg says when a server answers the TLS request with "no". */
const NO_TLS_ANSWER = 'The server does not support SSL connections';

function describeTarget(login: PostgresLogin): string {
  return `"${login.username}" on ${login.host}:${login.port}/${login.dbname}`;
}

function clientConfig(login: PostgresLogin, password: string, tls: boolean): pg.ClientConfig {
  return {
    host: login.host,
    port: login.port,
    database: login.dbname,
    user: login.username,
    password,
    ssl: tls ? { rejectUnauthorized: login.verifyCertificate } : false,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: STATEMENT_TIMEOUT_MS * 2,
    application_name: 'tap-secret-rotation',
  };
}

function sqlState(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A connected client logged in as `login.username` with `password`; `undefined` when the server
 * rejects that password. Anything else (server unreachable, timeout, TLS refused when required,
 * database missing) throws: trying other passwords would not help.
 */
export async function tryLogin(login: PostgresLogin, password: string): Promise<pg.Client | undefined> {
  const attempts = login.tls === 'require' ? [true] : login.tls === 'disable' ? [false] : [true, false];
  for (const [index, tls] of attempts.entries()) {
    const client = new pg.Client(clientConfig(login, password, tls));
    // pg emits 'error' on a connected client when the server goes away; without a listener Node
    // would crash the function instead of failing the query in progress.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      const state = sqlState(error);
      if (state && LOGIN_REJECTED.has(state)) return undefined;
      const lastAttempt = index === attempts.length - 1;
      if (!lastAttempt && error instanceof Error && error.message === NO_TLS_ANSWER) continue;
      throw new Error(`cannot connect as ${describeTarget(login)}${tls ? ' over TLS' : ''}: ${errorMessage(error)}`);
    }
  }
  throw new Error('unreachable: no connection attempt was made');
}

/**
 * `ALTER ROLE`/`CREATE ROLE … PASSWORD …` with the password's SCRAM-SHA-256 verifier, never the
 * password itself (see scram.ts: statement logs must not learn it). Utility statements take no
 * bind parameters, so the name and the verifier are quoted by pg's escaping functions.
 */
function setPasswordSql(verb: 'ALTER' | 'CREATE', role: string, password: string): string {
  return `${verb} ROLE ${pg.escapeIdentifier(role)} WITH ${verb === 'CREATE' ? 'LOGIN ' : ''}PASSWORD ${pg.escapeLiteral(scramSha256Verifier(password))}`;
}

/**
 * The last resort of setSecret: log in with the admin secret's username and password — on the
 * host, port and database of the user's secret (RDS's managed master secret holds no host) — and
 * set the password, creating the role when it does not exist. Only the password (and LOGIN for a
 * new role) is set; grants belong to the schema migrations.
 */
async function setWithAdmin(masterArn: string, target: PostgresLogin, password: string, tools: StrategyTools): Promise<string> {
  const text = await tools.readSecret(masterArn);
  if (text === undefined) throw new RotationError(`the admin secret ${masterArn} (masterarn) has no AWSCURRENT value`);
  const admin = parseAdminSecret(text);
  const adminLogin: PostgresLogin = { ...target, username: admin.username, password: admin.password };
  const client = await tryLogin(adminLogin, admin.password);
  if (!client) throw new RotationError(`the admin secret ${masterArn} (masterarn) does not log in as ${describeTarget(adminLogin)}`);
  const role = target.username;
  const created = await closing(client, async (c) => {
    const exists = ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount ?? 0) > 0;
    await c.query(setPasswordSql(exists ? 'ALTER' : 'CREATE', role, password));
    return !exists;
  });
  return `${created ? 'created role' : 'set the password of role'} "${role}" to AWSPENDING with the admin login "${admin.username}"`;
}

async function closing<T>(client: pg.Client, work: (client: pg.Client) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const postgresStrategy: RotationStrategy = {
  kind: 'database',
  sensitiveFields: ['password'],

  async createPending(current, randomPassword) {
    const parsed = parsePostgresSecret(current, 'AWSCURRENT');
    const password = await randomPassword({ length: PASSWORD_LENGTH, excludeCharacters: PASSWORD_EXCLUDE_CHARACTERS });
    return withNewPassword(parsed, password);
  },

  async setPending({ pending, current, previous }, tools) {
    const next = parsePostgresSecret(pending, 'AWSPENDING');
    const now = parsePostgresSecret(current, 'AWSCURRENT');
    const changed = changedTarget(now, next);
    if (changed.length > 0) {
      throw new RotationError(`AWSPENDING differs from AWSCURRENT in ${changed.join(', ')}; refusing to change the password of a different login`);
    }
    // Every attempt goes to the login AWSCURRENT describes (TLS settings included); only the
    // password varies.
    const target = now.login;
    const candidates: [string, string][] = [['AWSPENDING', next.login.password], ['AWSCURRENT', target.password]];
    if (previous !== undefined) {
      const before = parsePostgresSecret(previous, 'AWSPREVIOUS').login;
      if (before.username === target.username) candidates.push(['AWSPREVIOUS', before.password]);
      else tools.log.info('AWSPREVIOUS is for another username; not trying its password');
    }
    for (const [label, password] of candidates) {
      const client = await tryLogin(target, password);
      if (!client) {
        tools.log.info(`${label} password rejected`, { target: describeTarget(target) });
        continue;
      }
      if (label === 'AWSPENDING') {
        await client.end().catch(() => undefined);
        return `AWSPENDING password already logs in as ${describeTarget(target)}; nothing to change`;
      }
      await closing(client, (c) => c.query(setPasswordSql('ALTER', target.username, next.login.password)));
      return `logged in with ${label}; password of ${describeTarget(target)} set to AWSPENDING`;
    }
    const tried = candidates.map(([label]) => label).join(', ');
    if (now.masterArn === undefined) {
      throw new RotationError(
        `none of ${tried} logs in as ${describeTarget(target)} and the secret names no admin secret (masterarn); ` +
          'the role may be missing or its password changed outside rotation',
      );
    }
    tools.log.info(`none of ${tried} logs in; using the admin secret (masterarn)`, { masterArn: now.masterArn });
    return setWithAdmin(now.masterArn, target, next.login.password, tools);
  },

  async testPending({ pending }) {
    const login = parsePostgresSecret(pending, 'AWSPENDING').login;
    const client = await tryLogin(login, login.password);
    if (!client) throw new RotationError(`AWSPENDING password is rejected for ${describeTarget(login)}`);
    const rows = await closing(client, async (c) => (await c.query<{ ok: number }>('SELECT 1 AS ok')).rows);
    if (rows[0]?.ok !== 1) throw new RotationError(`SELECT 1 as ${describeTarget(login)} did not return 1`);
    return `AWSPENDING logs in as ${describeTarget(login)} and runs SELECT 1`;
  },
};
