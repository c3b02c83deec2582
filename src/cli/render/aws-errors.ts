/**
 * AWS errors in words (issue 13 #6): the request and the resource it was about first ("S3
 * PutObject s3://bucket/key: The specified bucket does not exist"), the message shortened to what
 * matters, its whole text appended to `.tap/<env>/aws-errors.log` (masked, with the request id),
 * and a hint only where its condition is known to be true.
 */
import fs from 'node:fs';
import type { SecretMasker } from '../../operations/mask';
import type { AwsFailure, LeftBehind } from '../../operations/operation';
import type { SentRequest } from '../../operations/interrupt';
import { AWS_ERROR_LOG, displayPath, statePath } from '../state-dir';

/** What fits a terminal line or two; the log keeps the rest. */
export const MAX_AWS_TEXT = 240;
/** The log starts over (the previous one kept as `.1`) past this size. */
const MAX_LOG_BYTES = 1024 * 1024;

export interface AwsTextContext {
  readonly root: string;
  readonly environment: string;
  readonly masker: SecretMasker;
  /** `deploy`, `diff`…: written into each log entry. */
  readonly command: string;
}

/** The first line of `text`, at most `max` characters, cut at a word. */
export function shortened(text: string, max = MAX_AWS_TEXT): string {
  const line = text.trim().split('\n')[0].trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** Appends an entry to `.tap/<env>/aws-errors.log`; returns its path for people. */
export function logAwsError(ctx: AwsTextContext, heading: string, text: string): string {
  const file = statePath(ctx.root, ctx.environment, AWS_ERROR_LOG);
  fs.mkdirSync(statePath(ctx.root, ctx.environment, ''), { recursive: true });
  try {
    if (fs.statSync(file).size > MAX_LOG_BYTES) fs.renameSync(file, `${file}.1`);
  } catch {
    // No log yet.
  }
  fs.appendFileSync(file, ctx.masker.text(`${new Date().toISOString()}  tap ${ctx.command} --env ${ctx.environment}\n${heading}\n${text.trim()}\n\n`));
  return displayPath(ctx.environment, AWS_ERROR_LOG);
}

/**
 * An AWS message as printed: whole when it is short, else shortened with the log's path (its
 * whole text is appended there under `heading`).
 */
export function awsText(ctx: AwsTextContext, heading: string, text: string): string {
  const short = shortened(text);
  if (short === text.trim()) return short;
  return `${short} (whole text in ${logAwsError(ctx, heading, text)})`;
}

/** `S3 PutObject s3://bucket/key`. */
export const requestLine = (failure: Pick<AwsFailure, 'api' | 'resource'>): string => `${failure.api}${failure.resource ? ` ${failure.resource}` : ''}`;

/** Always logged (with the request id and status), always shortened on screen. */
export function failureHeadline(ctx: AwsTextContext, failure: AwsFailure): { readonly text: string; readonly log: string } {
  const whole = failure.fullText ?? failure.message;
  const details = [`${failure.code}`, failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : '', failure.requestId ? `request id ${failure.requestId}` : '', failure.endpoint ? `endpoint ${failure.endpoint}` : '']
    .filter(Boolean).join(', ');
  const log = logAwsError(ctx, `${requestLine(failure)} (${details})`, whole);
  return { text: `${requestLine(failure)}: ${shortened(whole)} (${failure.code})`, log };
}

/** Connection-level failures: the request never reached a service. */
const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EPIPE|ECONNABORTED|TimeoutError|RequestTimeout)$/;

/** The one hint that is true for this failure, if any. */
export function failureHint(failure: AwsFailure): string | undefined {
  const endpointVariable = failure.endpoint ? `the endpoint ${failure.endpoint} (AWS_ENDPOINT_URL)` : undefined;
  switch (failure.kind) {
    case 'transient':
      if (UNREACHABLE.test(failure.code)) {
        return endpointVariable
          ? `Nothing answered at ${endpointVariable}: is it running, and is the address right?`
          : 'AWS could not be reached: check the network, a proxy (HTTPS_PROXY) and DNS, then run the command again.';
      }
      return 'AWS answered with a server error after the retries; run the command again.';
    case 'throttled':
      return 'AWS kept throttling after the retries; run the command again in a few minutes.';
    case 'credentials':
      return 'The credentials were refused (expired or invalid): refresh them (a new session, `aws sso login`) and run the command again.';
    case 'access-denied':
      return `The credentials in use may not call ${failure.api}${failure.resource ? ` on ${failure.resource}` : ''}: use a role that may, or add the permission.`;
    case 'unsupported':
      return `${endpointVariable ?? 'This endpoint'} does not implement ${failure.api} (an emulator?).`;
    default:
      return undefined;
  }
}

/** `S3 PutObject ×4 (s3://bucket/templates/…)`, one line per AWS action, in the order first sent. */
export function sentLines(sent: readonly SentRequest[]): string[] {
  const groups = new Map<string, SentRequest[]>();
  for (const request of sent) groups.set(request.api, [...(groups.get(request.api) ?? []), request]);
  return [...groups.entries()].map(([api, requests]) => {
    const resources = [...new Set(requests.map((r) => r.resource).filter((r): r is string => r !== undefined))];
    const failed = requests.filter((r) => r.failed).length;
    const what = resources.length === 0 ? '' : resources.length === 1 ? ` ${resources[0]}` : ` ${resources[0]} and ${resources.length - 1} more`;
    return `${api}${requests.length > 1 ? ` ×${requests.length}` : ''}${what}${failed > 0 ? ` (${failed} answered with an error: may or may not have been applied)` : ''}`;
  });
}

/** The resource line of a change set a run created: `change set NAME on stack S` → NAME. */
export const createdChangeSets = (sent: readonly SentRequest[]): string[] =>
  sent.filter((r) => r.operation === 'cfn.createChangeSet').map((r) => /^change set (\S+)/.exec(r.resource ?? '')?.[1]).filter((n): n is string => n !== undefined);

export const isLeftInProgress = (left: LeftBehind): boolean => left.stack !== undefined && left.stack.status.endsWith('_IN_PROGRESS') && left.stack.status !== 'REVIEW_IN_PROGRESS';
