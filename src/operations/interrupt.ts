/**
 * D-13 Ctrl-C in any phase. Once Ctrl-C came, an operation sends nothing more to AWS and stops at
 * its next step: the request in flight is let finish (so what it did is known), then
 *
 * - the next port call throws `Interrupted` instead of being sent (`guardPort`),
 * - a wait (polling a change set, backing off) ends at once (`interruptibleClock`),
 * - a question being asked (the approval prompt) is abandoned (`interruptibleIo`),
 * - following a stack operation ends as it always did (watch.ts: nothing is cancelled).
 *
 * The guarded port also keeps the journal of what this run asked AWS to change (every request that
 * is not a read, in order, with whether AWS accepted it), from which guarded-run.ts tells what the
 * run left behind.
 */
import { RequestNotSent } from '../aws/concurrency';
import type { AwsPort } from '../aws/port';
import { decoratePort } from '../aws/retry';
import { describeRequest, isReadOperation } from '../aws/requests';
import type { Clock } from '../core/clock';
import type { OperationIo, Question } from './operation';

/** Thrown where an operation would go on after Ctrl-C. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted (Ctrl-C)');
    this.name = 'Interrupted';
  }
}

/** A request that asked AWS to change something, as this run sent it. */
export interface SentRequest {
  /** `cfn.createChangeSet`. */
  readonly operation: string;
  /** `CloudFormation CreateChangeSet`. */
  readonly api: string;
  readonly resource?: string;
  /** AWS answered with an error (or no answer came): it may or may not have been applied. */
  readonly failed: boolean;
}

/** `port`, refusing new calls once `signal` aborts, and writing every change it sends to `journal`. */
export function guardPort(port: AwsPort, signal: AbortSignal, journal: SentRequest[]): AwsPort {
  return decoratePort(port, async (operation, call, args) => {
    if (signal.aborted) throw new Interrupted();
    if (isReadOperation(operation)) return call();
    const request = describeRequest(operation, args);
    try {
      const answer = await call();
      journal.push({ operation, ...request, failed: false });
      return answer;
    } catch (error) {
      // Never sent (it waited for a slot when Ctrl-C came): nothing to report as maybe applied.
      if (!(error instanceof RequestNotSent)) journal.push({ operation, ...request, failed: true });
      throw error;
    }
  });
}

/** `clock`, whose waits end early once `signal` aborts (the waiting code then meets the guard). */
export function interruptibleClock(clock: Clock, signal: AbortSignal): Clock {
  return {
    now: () => clock.now(),
    sleep: (ms, own) => clock.sleep(ms, own ? AbortSignal.any([own, signal]) : signal),
  };
}

export interface QuestionTracker {
  /** The question being asked when Ctrl-C came, if any. */
  pending(): Question['kind'] | undefined;
}

/** `io`, whose questions are abandoned on Ctrl-C (the answer then never matters). */
export function interruptibleIo(io: OperationIo, signal: AbortSignal): OperationIo & QuestionTracker {
  let asking: Question['kind'] | undefined;
  return {
    emit: (event) => io.emit(event),
    pending: () => asking,
    ask: (question) =>
      new Promise((resolve, reject) => {
        if (signal.aborted) return reject(new Interrupted());
        asking = question.kind;
        const stop = () => reject(new Interrupted());
        signal.addEventListener('abort', stop, { once: true });
        io.ask(question).then(
          (answer) => {
            signal.removeEventListener('abort', stop);
            if (!signal.aborted) asking = undefined;
            resolve(answer);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', stop);
            reject(error);
          },
        );
      }),
  };
}
