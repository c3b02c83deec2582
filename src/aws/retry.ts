/**
 * Retries and call counting, as decorators over the port. The SDK clients are built with
 * `maxAttempts: 1`, so this is the only retry layer and it behaves the same against AWS, moto
 * and the fake.
 *
 * - Throttling is retried for every operation: a throttled request was rejected, not applied.
 * - Network errors, timeouts and 5xx are retried only for operations that are safe to repeat
 *   (reads; writes made idempotent by a client token or by content-addressed keys).
 *   `cfn.executeChangeSet` is never blindly repeated: a retried 500 could execute twice (or, on
 *   moto, "succeed" as a silent no-op); the pipeline re-reads the change set instead.
 * - Delays are "full jitter" exponential backoff: uniform in [0, min(cap, base * 2^attempt)].
 */
import { AwsError, SERVICE_GROUPS, type AwsPort } from './port';
import type { Clock } from '../core/clock';

export interface RetryPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  /** Attempts in total (first try included) for throttling. */
  readonly throttledAttempts: number;
  /** Attempts in total for transient errors of repeatable operations. */
  readonly transientAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 500, capMs: 20_000, throttledAttempts: 8, transientAttempts: 4 };

/** Operations that must not be repeated after an ambiguous failure. */
export const NOT_REPEATABLE: ReadonlySet<string> = new Set(['cfn.executeChangeSet']);

/** Pure: the delay before retry number `attempt` (0-based), given a uniform random in [0, 1). */
export function backoffDelay(attempt: number, random: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random * ceiling);
}

export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly delayMs: number };

/** Pure: whether to retry `operation` after `error` on attempt `attempt` (0-based). */
export function retryDecision(operation: string, error: unknown, attempt: number, random: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  if (!(error instanceof AwsError)) return { retry: false };
  const limit =
    error.kind === 'throttled' ? policy.throttledAttempts
    : error.kind === 'transient' && !NOT_REPEATABLE.has(operation) ? policy.transientAttempts
    : 1;
  if (attempt + 1 >= limit) return { retry: false };
  return { retry: true, delayMs: backoffDelay(attempt, random, policy) };
}

export interface RetryNotice {
  readonly operation: string;
  readonly error: AwsError;
  readonly attempt: number;
  readonly delayMs: number;
}

/** Runs one port call (`call`) as `operation` with its arguments; decorators wrap every method with one. */
export type Around = (operation: string, call: () => Promise<unknown>, args: readonly unknown[]) => Promise<unknown>;
type AsyncMethods = Record<string, (...args: never[]) => Promise<unknown>>;

function decorateGroup<G extends object>(group: G, groupName: string, around: Around): G {
  const methods = group as unknown as AsyncMethods;
  const decorated: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    const method = methods[name] as unknown as (...args: unknown[]) => Promise<unknown>;
    if (typeof method !== 'function') continue;
    decorated[name] = (...args: unknown[]) => around(`${groupName}.${name}`, () => method.apply(group, args), args);
  }
  return decorated as unknown as G;
}

/** Every method of every service group of `port`, wrapped by `around`. */
export function decoratePort(port: AwsPort, around: Around): AwsPort {
  return {
    sts: decorateGroup(port.sts, 'sts', around),
    s3: decorateGroup(port.s3, 's3', around),
    cfn: decorateGroup(port.cfn, 'cfn', around),
    ecs: decorateGroup(port.ecs, 'ecs', around),
    secrets: decorateGroup(port.secrets, 'secrets', around),
    elbv2: decorateGroup(port.elbv2, 'elbv2', around),
    ecr: decorateGroup(port.ecr, 'ecr', around),
    logs: decorateGroup(port.logs, 'logs', around),
    kms: decorateGroup(port.kms, 'kms', around),
    discovery: decorateGroup(port.discovery, 'discovery', around),
    cloudwatch: decorateGroup(port.cloudwatch, 'cloudwatch', around),
    http: decorateGroup(port.http, 'http', around),
    iam: decorateGroup(port.iam, 'iam', around),
  } satisfies Record<(typeof SERVICE_GROUPS)[number], unknown>;
}

export interface RetryOptions {
  readonly clock: Clock;
  readonly random?: () => number;
  readonly policy?: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Ctrl-C (D-13): no retry is started or waited for after it; the last error is thrown at once. */
  readonly signal?: AbortSignal;
}

export function withRetries(port: AwsPort, { clock, random = Math.random, policy = DEFAULT_RETRY_POLICY, onRetry, signal }: RetryOptions): AwsPort {
  return decoratePort(port, async (operation, call) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const decision = retryDecision(operation, error, attempt, random(), policy);
        if (!decision.retry || signal?.aborted) throw error;
        onRetry?.({ operation, error: error as AwsError, attempt: attempt + 1, delayMs: decision.delayMs });
        await clock.sleep(decision.delayMs, signal);
        if (signal?.aborted) throw error;
      }
    }
  });
}

/** Port methods answered from local configuration, without a request. */
export const LOCAL_OPERATIONS: ReadonlySet<string> = new Set(['sts.configuredRegion']);

/** Counts every request that reaches `port` (put it under `withRetries` so retries count). */
export function withCallCounter(port: AwsPort): { port: AwsPort; calls(): ReadonlyMap<string, number> } {
  const counts = new Map<string, number>();
  const counted = decoratePort(port, (operation, call) => {
    if (!LOCAL_OPERATIONS.has(operation)) counts.set(operation, (counts.get(operation) ?? 0) + 1);
    return call();
  });
  return { port: counted, calls: () => counts };
}
