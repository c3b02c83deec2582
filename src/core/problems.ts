/**
 * Input problems: each names the file, the JSON path (or CLI argument) and what was expected.
 * Values are quoted only when they are not secret.
 */
export interface Problem {
  /** File the problem is in (relative to the repository), or `command line`. */
  readonly file: string;
  /** JSON pointer into the file, e.g. `/parameters/VpcCidr`, or the argument name. */
  readonly path: string;
  readonly message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.path || '/'}: ${problem.message}`;
}

export class InputError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

/** Quotes a value for an error message, truncating long ones. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A check failed (stale templates, lint or scan findings, a quota): exit code 3. */
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}
