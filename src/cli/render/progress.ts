/**
 * The two progress views.
 * - Lines (CI, pipes): one line per event, prefixed with the nested-stack path, and a heartbeat
 *   every 30 s naming what is still in progress (ECS services can take many minutes).
 * - Live (a terminal): a block redrawn in place: one row per stack with its status and counts of
 *   resources in progress / complete / failed, what is running, and the failures so far.
 * Every reason is passed through the secret masker before it is shown.
 */
import type { Writable } from 'node:stream';
import type { Style, Styler } from '../terminal';
import { clockTime, formatDuration } from '../../core/clock';
import type { SecretMasker } from '../../operations/mask';
import type { ErrorInfo } from '../../operations/operation';
import { countResources, inProgressResources, isStackLevel, pathLabel, type OperationState, type PathEvent } from '../../operations/progress/state';

/** What a view does with the events of a followed operation (src/cli/render/events.ts feeds it). */
export interface ProgressView {
  /** Each new event, oldest first, with its nested-stack path. */
  event(event: PathEvent, state: OperationState): void;
  /** After each poll: for redraws and heartbeats. */
  tick(state: OperationState, now: number): void;
  warning(error: ErrorInfo): void;
  /** The operation is no longer watched: what follows is printed below the view. */
  finish(): void;
}

/** `could not read stack events (ECONNRESET: socket hang up); still trying` */
const watchWarning = (error: ErrorInfo): string => `could not read stack events (${error.code}: ${error.message}); still trying`;

export const HEARTBEAT_MS = 30_000;

export interface ProgressViewOptions {
  readonly out: Writable;
  readonly style: Styler;
  readonly masker: SecretMasker;
  readonly rootName: string;
  readonly startedAt: number;
}

export function statusStyle(status: string): Style | undefined {
  if (status.endsWith('_FAILED')) return 'red';
  if (status.includes('ROLLBACK')) return 'yellow';
  if (status.endsWith('_COMPLETE')) return 'green';
  return undefined;
}

const IGNORED_REASONS = /^(User Initiated|Resource creation Initiated)$/;

/** `Services/Frontend › AWS::ECS::Service Service UPDATE_IN_PROGRESS — reason` */
export function eventLine({ path, event }: PathEvent, rootName: string, masker: SecretMasker, style: Styler): string {
  const status = statusStyle(event.status);
  const reason = event.reason && !IGNORED_REASONS.test(event.reason) ? ` — ${masker.text(event.reason)}` : '';
  // A nested stack's own events carry its generated name; its logical id is what people know.
  const logicalId = path !== '' && isStackLevel(event) ? path.split('/').pop() : event.logicalId;
  const body = `${pathLabel(path, rootName)} › ${event.resourceType} ${logicalId} ${status ? style(status, event.status) : event.status}${reason}`;
  return `${style('dim', clockTime(event.timestamp))} ${body}`;
}

export function heartbeatLine(state: OperationState, now: number, rootName: string): string {
  const running = inProgressResources(state);
  const elapsed = formatDuration(now - state.startedAt);
  if (running.length === 0) return `… ${elapsed} elapsed; waiting for CloudFormation`;
  const shown = running.slice(0, 3).map(({ path, resource }) =>
    `${pathLabel(path, rootName)} › ${resource.logicalId} (${resource.resourceType}, ${resource.status} for ${formatDuration(now - resource.since)})`);
  const more = running.length > 3 ? ` and ${running.length - 3} more` : '';
  return `… ${elapsed} elapsed; still in progress: ${shown.join(', ')}${more}`;
}

export function lineView(options: ProgressViewOptions): ProgressView {
  const { out, style, masker, rootName } = options;
  let lastHeartbeat = options.startedAt;
  return {
    event(pathEvent) {
      // A nested stack's own stack-level events repeat what its parent reports for the resource,
      // except its rollbacks and failures; "Resource creation Initiated" repeats the line before.
      if (pathEvent.path !== '' && isStackLevel(pathEvent.event) && !/ROLLBACK|FAILED/.test(pathEvent.event.status)) return;
      if (pathEvent.event.reason === 'Resource creation Initiated') return;
      out.write(`${eventLine(pathEvent, rootName, masker, style)}\n`);
    },
    tick(state, now) {
      if (now - lastHeartbeat < HEARTBEAT_MS) return;
      lastHeartbeat = now;
      out.write(`${style('dim', heartbeatLine(state, now, rootName))}\n`);
    },
    warning(error) {
      out.write(`${style('yellow', 'warning')} ${masker.text(watchWarning(error))}\n`);
    },
    finish() {},
  };
}

/** Rows of the live block (pure, tested without a terminal). */
export function liveFrame(state: OperationState, now: number, rootName: string, masker: SecretMasker, style: Styler, failures: readonly string[]): string[] {
  const stacks = [...state.stacks.values()].sort((a, b) => a.path.localeCompare(b.path));
  const width = Math.max(...stacks.map((s) => pathLabel(s.path, rootName).length));
  const rows = [style('bold', `${rootName}  ${formatDuration(now - state.startedAt)}`)];
  for (const stack of stacks) {
    const counts = countResources(stack);
    const status = statusStyle(stack.status);
    const running = [...stack.resources.values()].filter((r) => r.status.endsWith('_IN_PROGRESS') && r.resourceType !== 'AWS::CloudFormation::Stack');
    const runningText = running.length > 0 ? `  ${style('dim', running.slice(0, 3).map((r) => `${r.logicalId} ${formatDuration(now - r.since)}`).join(', '))}` : '';
    const label = pathLabel(stack.path, rootName).padEnd(width);
    const statusText = stack.status.padEnd(28);
    rows.push(`  ${label}  ${status ? style(status, statusText) : statusText}  ${String(counts.inProgress).padStart(3)} in progress ${String(counts.complete).padStart(4)} complete ${counts.failed > 0 ? style('red', `${counts.failed} failed`) : '0 failed'}${runningText}`);
  }
  if (failures.length > 0) {
    rows.push(style('red', 'Failures'));
    for (const failure of failures.slice(-5)) rows.push(`  ${masker.text(failure)}`);
  }
  return rows;
}

export function liveView(options: ProgressViewOptions & { readonly columns?: number }): ProgressView {
  const { out, style, masker, rootName } = options;
  let drawn = 0;
  const failures: string[] = [];
  const columns = options.columns ?? 160;
  const clip = (row: string) => (row.length > columns * 2 ? row.slice(0, columns * 2) : row);
  const draw = (state: OperationState, now: number) => {
    const rows = liveFrame(state, now, rootName, masker, style, failures).map(clip);
    const clear = drawn > 0 ? `\u001b[${drawn}F\u001b[0J` : '';
    out.write(`${clear}${rows.join('\n')}\n`);
    drawn = rows.length;
  };
  return {
    event({ path, event }) {
      if (event.status.endsWith('_FAILED') && event.reason && !isStackLevel(event)) {
        failures.push(`${pathLabel(path, rootName)} › ${event.resourceType} ${event.logicalId} ${event.status}: ${event.reason}`);
      }
    },
    tick(state, now) {
      draw(state, now);
    },
    warning(error) {
      // Clear the block, print the warning above where it will be redrawn on the next tick.
      out.write(`${drawn > 0 ? `\u001b[${drawn}F\u001b[0J` : ''}${style('yellow', 'warning')} ${masker.text(watchWarning(error))}\n`);
      drawn = 0;
    },
    finish() {
      drawn = 0;
    },
  };
}
