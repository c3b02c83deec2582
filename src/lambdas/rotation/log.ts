/**
 * Structured logging for the rotation functions: one JSON object per line on stdout/stderr.
 *
 * The functions run with `LoggingConfig.LogFormat: JSON`; Lambda takes the level from the console
 * method (log → INFO, warn → WARN, error → ERROR) and keeps our JSON text as the message, so
 * CloudWatch Logs Insights can query `step`, `secretArn`, `token` and `outcome` directly.
 *
 * Fields are plain scalars on purpose: nothing structured (an SDK response, an error object, a
 * parsed secret) can be logged by accident and carry a secret value with it.
 */

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

function line(level: 'INFO' | 'WARN' | 'ERROR', message: string, fields: LogFields): string {
  return JSON.stringify({ level, message, ...fields });
}

export const consoleLogger: Logger = {
  info: (message, fields = {}) => console.log(line('INFO', message, fields)),
  warn: (message, fields = {}) => console.warn(line('WARN', message, fields)),
  error: (message, fields = {}) => console.error(line('ERROR', message, fields)),
};

/** A logger that adds the same fields (step, secret, token) to every line. */
export function withFields(logger: Logger, base: LogFields): Logger {
  return {
    info: (message, fields = {}) => logger.info(message, { ...base, ...fields }),
    warn: (message, fields = {}) => logger.warn(message, { ...base, ...fields }),
    error: (message, fields = {}) => logger.error(message, { ...base, ...fields }),
  };
}

/**
 * One line describing anything thrown: the error's name when it is specific (SDK errors are named
 * after the service exception), its message, and a string `code` when it carries one (SQLSTATE
 * for PostgreSQL, errno names such as ECONNREFUSED for sockets). The stack is left out.
 */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // pg's DatabaseError is named "error"; a bare Error says nothing either.
  const specific = error.name && error.name.toLowerCase() !== 'error' && !error.message.startsWith(error.name);
  const name = specific ? `${error.name}: ` : '';
  const code = (error as { code?: unknown }).code;
  const suffix = typeof code === 'string' && code !== '' && !error.message.includes(code) ? ` (${code})` : '';
  return `${name}${error.message}${suffix}`;
}
