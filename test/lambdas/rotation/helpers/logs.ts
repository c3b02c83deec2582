/**
 * Log capture for the rotation tests: a Logger that records the JSON lines the real one would
 * print, and a wrapper that records what the real console logger prints.
 */
import type { LogFields, Logger } from '../../../../src/lambdas/rotation/log';
import { SECRET_FRAGMENT_LENGTH } from '../../../../src/lambdas/rotation/redact';

export interface RecordingLogger extends Logger {
  readonly lines: string[];
  readonly records: Array<{ level: string; message: string } & LogFields>;
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const records: Array<{ level: string; message: string } & LogFields> = [];
  const record = (level: string) => (message: string, fields: LogFields = {}) => {
    const entry = { level, message, ...fields };
    records.push(entry);
    lines.push(JSON.stringify(entry));
  };
  return { lines, records, info: record('INFO'), warn: record('WARN'), error: record('ERROR') };
}

export interface Captured<T> {
  readonly lines: string[];
  readonly result?: T;
  readonly error?: unknown;
}

/**
 * Runs `work` with console.log/warn/error recorded instead of printed. A thrown error is returned,
 * and its message is added to `lines`: Lambda logs whatever a handler throws.
 */
export async function captureConsole<T>(work: () => Promise<T>): Promise<Captured<T>> {
  const lines: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  const record = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  console.log = record;
  console.warn = record;
  console.error = record;
  try {
    return { lines, result: await work() };
  } catch (error) {
    lines.push(error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error));
    return { lines, error };
  } finally {
    Object.assign(console, saved);
  }
}

/** The parsed JSON log lines (every line the functions print is one JSON object). */
export function parsed(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Every text that contains a piece of a secret value: any run of SECRET_FRAGMENT_LENGTH (8)
 * characters of one, not only the whole value, since a prefix of a password is a leak too.
 */
export function secretFragmentLeaks(texts: readonly string[], secretValues: Iterable<string>): string[] {
  const leaks: string[] = [];
  for (const value of secretValues) {
    const width = Math.min(SECRET_FRAGMENT_LENGTH, value.length);
    for (let i = 0; i + width <= value.length; i += 1) {
      const fragment = value.slice(i, i + width);
      const text = texts.find((t) => t.includes(fragment));
      if (text !== undefined) leaks.push(`"${fragment}" (from a ${value.length}-character secret) in: ${text}`);
    }
  }
  return leaks;
}
