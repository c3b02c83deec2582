/**
 * Virtual time: `sleep` advances `now` instead of waiting, and records every requested delay so
 * tests can assert on backoff and polling without spending real time.
 */
import type { Clock } from '../../src/core/clock';

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private current: number;
  /** Called after every sleep (the fake AWS uses it to release scheduled work). */
  onAdvance: (() => void) | undefined;

  constructor(start = Date.UTC(2026, 9, 12, 9, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
    this.onAdvance?.();
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return;
    this.advance(ms);
    await Promise.resolve();
  }
}
