/**
 * Assembles an AwsSession from a raw port (the SDK adapter or the test fake): errors given their
 * request's context, call counting beneath, retries above, so retried requests are counted too.
 */
import type { AwsPort, AwsSession } from './port';
import type { Clock } from '../core/clock';
import { withCallCounter, withRetries, type RetryNotice, type RetryPolicy } from './retry';
import { withRequestContext } from './requests';

export interface SessionOptions {
  readonly region: string;
  readonly endpoint?: string;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly policy?: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Ctrl-C: retries stop (retry.ts). */
  readonly signal?: AbortSignal;
}

export function sessionFromPort(raw: AwsPort, options: SessionOptions): AwsSession {
  // Errors name their request's resource (requests.ts) before anything above sees them.
  const counted = withCallCounter(withRequestContext(raw));
  const port = withRetries(counted.port, {
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
