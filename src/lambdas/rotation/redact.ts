/**
 * Last line of defence against secret values in logs and error messages.
 *
 * The code never puts a secret value into a message on purpose, but messages also come from
 * libraries (the SDK, pg, JSON.parse — V8 quotes the start of the input it failed on). Every value
 * the function reads or generates is registered here, and anything leaving the function as text
 * (the failure log line, the error Lambda reports to Secrets Manager) is passed through `redact`.
 */
import type { LogFields, Logger } from './log';
import type { SecretsApi } from './secrets-api';

export const REDACTED = '[redacted]';

/** Values shorter than this are not secrets we generate, and replacing them would mangle text. */
const MIN_LENGTH = 6;

/**
 * Any run of this many characters taken from a secret value is treated as secret too: libraries
 * quote fragments (V8's JSON.parse quotes the first 10 characters of what it failed on, drivers
 * truncate), and a fragment of a password or key narrows a search for the rest.
 */
export const SECRET_FRAGMENT_LENGTH = 8;

export class Redactor {
  /** JSON SecretStrings: replaced whole; their non-secret fields (host, username) stay readable elsewhere. */
  private readonly documents = new Set<string>();
  /** Passwords, keys and SecretStrings that are not JSON objects: every fragment is replaced. */
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (value !== undefined && value.length >= MIN_LENGTH) this.values.add(value);
  }

  /** Registers a SecretString and, when it is a JSON object, the string values of `fields`. */
  addSecretString(secretString: string, fields: readonly string[]): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretString);
    } catch {
      this.add(secretString); // not JSON: the whole string is the secret
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      this.add(secretString);
      return;
    }
    if (secretString.length >= MIN_LENGTH) this.documents.add(secretString);
    for (const field of fields) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value === 'string') this.add(value);
    }
  }

  redact(text: string): string {
    // Longest first, so a whole SecretString is replaced before the password inside it.
    const documents = [...this.documents].sort((a, b) => b.length - a.length);
    const out = documents.reduce((acc, document) => acc.split(document).join(REDACTED), text);
    return this.redactFragments(out);
  }

  /** Replaces every run of characters covered by a fragment of a registered value. */
  private redactFragments(text: string): string {
    const covered = new Uint8Array(text.length);
    for (const value of this.values) {
      const width = Math.min(SECRET_FRAGMENT_LENGTH, value.length);
      const fragments = new Set<string>();
      for (let i = 0; i + width <= value.length; i += 1) fragments.add(value.slice(i, i + width));
      for (let i = 0; i + width <= text.length; i += 1) {
        if (fragments.has(text.slice(i, i + width))) covered.fill(1, i, i + width);
      }
    }
    let out = '';
    for (let i = 0; i < text.length; i += 1) {
      if (!covered[i]) out += text[i];
      else if (i === 0 || !covered[i - 1]) out += REDACTED;
    }
    return out;
  }
}

/** The same API, registering every SecretString it returns or stores and every generated password. */
export function redactingSecretsApi(api: SecretsApi, redactor: Redactor, sensitiveFields: readonly string[]): SecretsApi {
  return {
    describe: (secretId) => api.describe(secretId),
    async getValue(secretId, stage, versionId) {
      const value = await api.getValue(secretId, stage, versionId);
      if (value !== undefined) redactor.addSecretString(value, sensitiveFields);
      return value;
    },
    async putPendingValue(secretId, versionId, secretString) {
      redactor.addSecretString(secretString, sensitiveFields);
      await api.putPendingValue(secretId, versionId, secretString);
    },
    moveCurrent: (secretId, toVersionId, fromVersionId) => api.moveCurrent(secretId, toVersionId, fromVersionId),
    async randomPassword(request) {
      const password = await api.randomPassword(request);
      redactor.add(password);
      return password;
    },
  };
}

/** The same logger, with every known secret value replaced in the message and in string fields. */
export function redactingLogger(log: Logger, redactor: Redactor): Logger {
  const clean = (fields: LogFields = {}): LogFields =>
    Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? redactor.redact(value) : value]));
  return {
    info: (message, fields) => log.info(redactor.redact(message), clean(fields)),
    warn: (message, fields) => log.warn(redactor.redact(message), clean(fields)),
    error: (message, fields) => log.error(redactor.redact(message), clean(fields)),
  };
}
