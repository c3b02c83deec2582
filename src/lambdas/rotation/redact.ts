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

export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (value !== undefined && value.length >= MIN_LENGTH) this.values.add(value);
  }

  /** Registers a SecretString and, when it is a JSON object, the string values of `fields`. */
  addSecretString(secretString: string, fields: readonly string[]): void {
    this.add(secretString);
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretString);
    } catch {
      return; // not JSON: the whole string is registered already
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    for (const field of fields) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value === 'string') this.add(value);
    }
  }

  redact(text: string): string {
    // Longest first, so a whole SecretString is replaced before the password inside it.
    const values = [...this.values].sort((a, b) => b.length - a.length);
    return values.reduce((out, value) => out.split(value).join(REDACTED), text);
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
