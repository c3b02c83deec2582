/**
 * Assembles an AwsSession from a raw port (the SDK adapter or the test fake): errors given their
 * request's context, call counting beneath, a bound on requests in flight above it (concurrency.ts),
 * retries on top, so retried requests are counted and each attempt takes a slot.
 */
import type { AwsPort, AwsSession } from './port';
import type { Clock } from '../core/clock';
import { withCallCounter, withRetries, type RetryNotice, type RetryPolicy } from './retry';
import { withRequestContext } from './requests';
import { withConcurrencyLimit } from './concurrency';

export interface SessionOptions {
  readonly region: string;
  readonly endpoint?: string;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly policy?: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Ctrl-C: retries stop (retry.ts). */
  readonly signal?: AbortSignal;
  /** Requests in flight at most (concurrency.ts; default DEFAULT_MAX_IN_FLIGHT). */
  readonly maxInFlight?: number;
}

export function sessionFromPort(raw: AwsPort, options: SessionOptions): AwsSession {
  // Errors name their request's resource (requests.ts) before anything above sees them.
  const counted = withCallCounter(withRequestContext(raw));
  // Bounded beneath the retries: a request waiting out its backoff holds no slot.
  const limited = withConcurrencyLimit(counted.port, {
    ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const port = withRetries(limited.port, {
    clock: options.clock,
    ...(options.random ? { random: options.random } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    port,
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    apiCalls: counted.calls,
  };
}
