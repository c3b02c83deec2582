/**
 * PostgreSQL's SCRAM-SHA-256 password verifier (RFC 5802 / RFC 7677, in the form PostgreSQL
 * stores in pg_authid): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 *
 * The rotation function sends `ALTER ROLE … PASSWORD '<verifier>'` instead of the password, and
 * PostgreSQL stores a pre-hashed value as it is. So the password itself never reaches the server:
 * not its statement log (`log_statement = ddl`, common on RDS for auditing), not
 * pg_stat_statements, not a replica's log. Logins then work exactly as if the password had been
 * sent in clear.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's default (`scram_iterations`). */
export const SCRAM_ITERATIONS = 4096;

/**
 * PostgreSQL prepares the password with SASLprep before hashing; for printable ASCII that is the
 * identity. Generated passwords are always printable ASCII, so anything else is refused rather
 * than hashed differently from the server.
 */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations: number = SCRAM_ITERATIONS): string {
  if (!PRINTABLE_ASCII.test(password)) throw new Error('a SCRAM verifier is computed only for printable ASCII passwords');
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
