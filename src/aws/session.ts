/**
 * Assembles an AwsSession from a raw port (the SDK adapter or the test fake): call counting
 * beneath, retries above, so retried requests are counted too.
 */
import type { AwsPort, AwsSession } from './port';
import type { Clock } from '../core/clock';
import { withCallCounter, withRetries, type RetryNotice, type RetryPolicy } from './retry';

export interface SessionOptions {
  readonly region: string;
  readonly endpoint?: string;
  readonly clock: Clock;
  readonly random?: () => number;
  readonly policy?: RetryPolicy;
  readonly onRetry?: (notice: RetryNotice) => void;
}

export function sessionFromPort(raw: AwsPort, options: SessionOptions): AwsSession {
  const counted = withCallCounter(raw);
  const port = withRetries(counted.port, {
    clock: options.clock,
    ...(options.random ? { random: options.random } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  return {
    port,
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    apiCalls: counted.calls,
  };
}
