/**
 * A meter between the fake AWS and the session, for the concurrency tests and `make bench`: every
 * request waits a fixed real latency (as a round trip to AWS would), may be answered "Rate
 * exceeded" instead of reaching the fake, and the meter records how many requests were in flight
 * at once and how many of each operation were made.
 */
import { AwsError, type AwsPort } from '../../src/aws/port';
import { decoratePort } from '../../src/aws/retry';

export class PortMeter {
  /** Real milliseconds each request waits before the fake answers it. */
  latencyMs: number;
  inFlight = 0;
  maxInFlight = 0;
  /** Requests answered with throttling by the meter. */
  throttled = 0;
  readonly counts = new Map<string, number>();
  private readonly throttling = new Map<string, number>();

  constructor(latencyMs = 0) {
    this.latencyMs = latencyMs;
  }

  /** Every `every`-th request of `operation` from now on is throttled (AWS's ThrottlingException, HTTP 400). */
  throttle(operation: string, every: number): void {
    this.throttling.set(operation, every);
  }

  wrap = (port: AwsPort): AwsPort =>
    decoratePort(port, async (operation, call) => {
      const count = (this.counts.get(operation) ?? 0) + 1;
      this.counts.set(operation, count);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      try {
        if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        const every = this.throttling.get(operation);
        if (every !== undefined && count % every === 0) {
          this.throttled += 1;
          throw new AwsError('throttled', 'Throttling', 'Rate exceeded', operation, 400);
        }
        return await call();
      } finally {
        this.inFlight -= 1;
      }
    });

  /** Requests made since the last reset, all operations. */
  total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  reset(): void {
    this.counts.clear();
    this.throttling.clear();
    this.maxInFlight = 0;
    this.throttled = 0;
  }
}
