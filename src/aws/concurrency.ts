/**
 * Bounded, throttling-aware concurrency for the port: at most `maxInFlight` requests are on the
 * wire at once, and the bound shrinks when AWS throttles and grows back as requests succeed.
 *
 * The deploy path reads a tree of stacks (a nested change set, a deployed template and the outputs
 * of each stack): at 100 services that is over 300 reads, which one after another take as many
 * round trips, and all at once trip the API's rate limit. AWS's advice for "Rate exceeded" from
 * CloudFormation is to back off and to make fewer calls at once
 * (https://repost.aws/knowledge-center/cloudformation-rate-exceeded-error); CloudFormation does not
 * publish its per-API request rates, so the bound is a conservative default, not a documented quota.
 * The SDKs' `adaptive` retry mode answers throttling with client-side rate limiting
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html); the SDK clients
 * here run with `maxAttempts: 1` (retry.ts is the one retry layer), so this does the same for the
 * port: additive increase, multiplicative decrease of the number of requests in flight.
 *
 * Put it beneath `withRetries`: a request waiting for its backoff holds no slot, and each attempt
 * takes one.
 */
import { AwsError, type AwsPort } from './port';
import { decoratePort } from './retry';

/** Requests in flight at most when nothing is throttled (8: the reads of a 100-service tree in ~40 round trips). */
export const DEFAULT_MAX_IN_FLIGHT = 8;

/**
 * Pure state of the bound: `limit` requests may be in flight. A throttled answer halves it (never
 * below one); each success adds 1/limit, so a full window of successes adds one, up to `max`.
 */
export interface AdaptiveLimit {
  readonly max: number;
  readonly limit: number;
}

export function afterAnswer(state: AdaptiveLimit, throttled: boolean): AdaptiveLimit {
  const limit = throttled ? Math.max(1, state.limit / 2) : Math.min(state.max, state.limit + 1 / state.limit);
  return { max: state.max, limit };
}

export interface ConcurrencyOptions {
  readonly maxInFlight?: number;
  /** Ctrl-C (D-13): a request still waiting for a slot when it aborts is never sent. */
  readonly signal?: AbortSignal;
}

/** A request the bound never sent: Ctrl-C came while it waited for a slot. Nothing reached AWS. */
export class RequestNotSent extends AwsError {
  constructor(operation: string) {
    super('other', 'Interrupted', 'not sent: the run was interrupted while the request waited for a slot', operation);
  }
}

export interface ConcurrencyLimited {
  readonly port: AwsPort;
  /** The current bound (whole requests), for tests and `make bench`. */
  limit(): number;
}

export function withConcurrencyLimit(port: AwsPort, { maxInFlight = DEFAULT_MAX_IN_FLIGHT, signal }: ConcurrencyOptions = {}): ConcurrencyLimited {
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new Error(`maxInFlight must be a whole number of at least 1 (got ${maxInFlight})`);
  let state: AdaptiveLimit = { max: maxInFlight, limit: maxInFlight };
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const allowed = () => Math.floor(state.limit);
  const release = () => {
    inFlight -= 1;
    while (waiting.length > 0 && inFlight < allowed()) {
      inFlight += 1;
      waiting.shift()?.();
    }
  };
  const send = async (call: () => Promise<unknown>): Promise<unknown> => {
    try {
      const answer = await call();
      state = afterAnswer(state, false);
      return answer;
    } catch (error) {
      // Only throttling says anything about the rate; other errors leave the bound as it is.
      if (error instanceof AwsError && error.kind === 'throttled') state = afterAnswer(state, true);
      throw error;
    } finally {
      release();
    }
  };
  const limited = decoratePort(port, (operation, call) => {
    // A free slot sends at once, in the caller's tick, as an unbounded port would.
    if (inFlight < allowed() && waiting.length === 0) {
      inFlight += 1;
      return send(call);
    }
    // Only what was already waiting when Ctrl-C came is dropped: a request made after it is the
    // run's own report of what it left behind (guarded-run.ts), read through this same session.
    const madeBeforeAbort = !signal?.aborted;
    return new Promise<void>((resolve) => waiting.push(resolve)).then(() => {
      if (signal?.aborted && madeBeforeAbort) {
        release();
        throw new RequestNotSent(operation);
      }
      return send(call);
    });
  });
  return { port: limited, limit: allowed };
}
