/**
 * The PostgreSQL secret format (the one AWS's rotation templates use) and the pure decisions
 * about it: validation, the new pending value, "does the pending secret point at the same login".
 *
 * ```json
 * {"engine":"postgres","host":"db.internal","port":5432,"dbname":"trades","username":"app","password":"…"}
 * ```
 *
 * - `port` may be a number or a string of digits; `dbname` defaults to `postgres` (as in AWS's
 *   templates).
 * - TLS, from the optional `ssl` field (boolean, or the strings "true"/"false"):
 *   `true` requires TLS, `false` never uses it, absent tries TLS first and falls back to a plain
 *   connection only when the server answers that it does not support TLS.
 * - The server certificate is verified only when `"sslRejectUnauthorized": true`, against Node's
 *   CA list plus `NODE_EXTRA_CA_CERTS` (RDS's CA is not in Node's list: bundle it and set that
 *   variable before turning this on). Without it, TLS protects against eavesdropping, not against
 *   an impostor server.
 * - `masterarn` (optional, the field name AWS's templates use) names an admin secret
 *   (`{"username","password"}`, e.g. RDS's managed master secret). It is the last resort of
 *   setSecret: when no password of the secret itself logs in — the first rotation of a secret
 *   whose password CloudFormation generated, or a role that does not exist yet — the admin login
 *   sets the password, creating the role if needed.
 */
import { RotationError } from './protocol';
import { parseSecretObject, type SecretObject } from './secret-json';

export type TlsMode = 'require' | 'prefer' | 'disable';

export interface PostgresLogin {
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
  readonly tls: TlsMode;
  readonly verifyCertificate: boolean;
}

export interface ParsedPostgresSecret {
  /** Every field as stored, so a new version carries unknown fields over unchanged. */
  readonly fields: SecretObject;
  readonly login: PostgresLogin;
  /** ARN of the admin secret (`masterarn`), when the secret names one. */
  readonly masterArn: string | undefined;
}

/** The part of an admin secret the function uses. */
export interface AdminCredentials {
  readonly username: string;
  readonly password: string;
}

export const PASSWORD_LENGTH = 32;

/**
 * Characters a generated password must not contain. `/ @ " ' \` are AWS's own list for database
 * secrets; `: ? # [ ] %` are delimiters or escapes in a `postgres://user:password@host` URI, kept
 * out so the password can be put in a connection string without encoding. Spaces are excluded by
 * GetRandomPassword's IncludeSpace=false.
 */
export const PASSWORD_EXCLUDE_CHARACTERS = '/@"\'\\:?#[]%';

function requiredString(fields: SecretObject, key: string, label: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value === '') throw new RotationError(`${label} secret: "${key}" must be a non-empty string`);
  return value;
}

function port(fields: SecretObject, label: string): number {
  const raw = fields['port'];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new RotationError(`${label} secret: "port" must be a port number (a number or a string of digits)`);
  }
  return value;
}

function flag(fields: SecretObject, key: string, label: string): boolean | undefined {
  const raw = fields[key];
  if (raw === undefined) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new RotationError(`${label} secret: "${key}" must be true or false`);
}

export function parsePostgresSecret(text: string, label: string): ParsedPostgresSecret {
  const fields = parseSecretObject(text, label);
  const engine = fields['engine'];
  if (engine !== undefined && engine !== 'postgres') throw new RotationError(`${label} secret: "engine" must be "postgres"`);
  const dbname = fields['dbname'] === undefined ? 'postgres' : requiredString(fields, 'dbname', label);
  const ssl = flag(fields, 'ssl', label);
  return {
    fields,
    masterArn: fields['masterarn'] === undefined ? undefined : requiredString(fields, 'masterarn', label),
    login: {
      host: requiredString(fields, 'host', label),
      port: port(fields, label),
      dbname,
      username: requiredString(fields, 'username', label),
      password: requiredString(fields, 'password', label),
      tls: ssl === undefined ? 'prefer' : ssl ? 'require' : 'disable',
      verifyCertificate: flag(fields, 'sslRejectUnauthorized', label) === true,
    },
  };
}

/** The pending SecretString: the current one with a new password. */
export function withNewPassword(current: ParsedPostgresSecret, password: string): string {
  return JSON.stringify({ ...current.fields, password });
}

/** The admin secret named by `masterarn`: only its username and password are used. */
export function parseAdminSecret(text: string): AdminCredentials {
  const label = 'admin (masterarn)';
  const fields = parseSecretObject(text, label);
  return { username: requiredString(fields, 'username', label), password: requiredString(fields, 'password', label) };
}

/**
 * Which connection fields of `pending` differ from `current` (empty when none). setSecret refuses
 * to run when any does: it would otherwise send a password to, or change the password of,
 * something other than the login this secret has been rotating (or use another admin secret).
 */
export function changedTarget(current: ParsedPostgresSecret, pending: ParsedPostgresSecret): string[] {
  const changed: string[] = (['host', 'port', 'dbname', 'username'] as const).filter((key) => current.login[key] !== pending.login[key]);
  return current.masterArn === pending.masterArn ? changed : [...changed, 'masterarn'];
}
