/**
 * What every service of the fake shares: the account and region it plays, virtual time with the
 * work scheduled on it, and one id counter (every generated id takes the next number, so a
 * scenario's ids are the same on every run).
 *
 * Time is virtual (FakeClock): an operation is a script of steps, one every `stepMs`, released as
 * the clock passes them (`Script`).
 */
import type { AwsError } from '../../../src/aws/port';
import { classifySdkError } from '../../../src/aws/sdk';
import type { FakeClock } from '../clock';

interface Scheduled {
  readonly at: number;
  readonly run: () => void;
}

export class FakeCore {
  private counter = 0;
  private readonly scheduled: Scheduled[] = [];

  constructor(
    readonly clock: FakeClock,
    readonly account: string,
    readonly region: string,
    /** AWS_ENDPOINT_URL the toolkit uses (path-style TemplateURLs on it are accepted). */
    readonly endpoint: string | undefined,
  ) {}

  /** The next number of the shared counter. */
  tick(): number {
    this.counter += 1;
    return this.counter;
  }

  nextId(): string {
    return `${String(this.tick()).padStart(6, '0')}`;
  }

  random12(): string {
    return `R${String(this.tick()).padStart(11, '0')}`;
  }

  schedule(at: number, run: () => void): void {
    this.scheduled.push({ at, run });
  }

  /** Runs every scheduled step whose time has come, in time order. */
  release(): void {
    const now = this.clock.now();
    this.scheduled.sort((a, b) => a.at - b.at);
    while (this.scheduled.length > 0 && this.scheduled[0].at <= now) {
      const next = this.scheduled.shift();
      next?.run();
    }
  }
}

/** An operation as a list of steps, one every `stepMs`. */
export class Script {
  private at: number;
  /** The first step runs at `start` (an accepted request shows its effect at once). */
  constructor(private readonly core: FakeCore, start: number, private readonly stepMs: number) {
    this.at = start - stepMs;
  }
  step(run: () => void): void {
    this.at += this.stepMs;
    this.core.schedule(this.at, run);
  }
  /** Runs in the same step as the previous one. */
  alongside(run: () => void): void {
    this.core.schedule(this.at, run);
  }
}

/** Runs one port call: records it, applies faults and the permission model, answers. */
export type Call = <T>(op: string, args: unknown[], run: () => T) => Promise<T>;

/**
 * An error as AWS answers it (service error code, message, HTTP status), classified as the SDK
 * adapter classifies that answer (src/aws/sdk.ts `classifySdkError`), so the fake and production
 * give a caller the same kind of error for the same answer.
 */
export function awsError(code: string, message: string, op: string, httpStatus: number): AwsError {
  return classifySdkError({ name: code, message, $metadata: { httpStatusCode: httpStatus } }, op);
}
