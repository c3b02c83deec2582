/**
 * `verify` (D-15): the verdict rules, pure. Each takes what AWS answered about one subject and
 * returns a row: the check, the subject, its status and a typed finding (no words: the CLI renders
 * them, src/cli/render/verify.ts). A rule never answers `ok` for something it could not compute:
 * that is `unknown`, with why.
 */
import type { AlarmDescription, AwsErrorKind, EcsServiceDetail, RolloutState, SecretDescription, StackStatus, TargetHealthEntry } from '../aws/port';
import type { ErrorInfo } from './operation';

export const CHECKS = ['stack', 'service', 'targets', 'path', 'discovery', 'rotation', 'alarm', 'logs'] as const;
export type CheckKind = (typeof CHECKS)[number];
export type CheckStatus = 'ok' | 'fail' | 'unknown';

/** Why a check could not be computed. */
export type Unknowable =
  /** AWS refused or does not implement the request (access denied, unsupported, another error). */
  | { readonly kind: 'error'; readonly operation: string; readonly errorKind: AwsErrorKind; readonly error: ErrorInfo }
  /** No ECS service in the tree: the environment has no release yet (every imageTags entry is ""). */
  | { readonly kind: 'no-release' }
  /** ECS reported no rollout state for the service's deployment. */
  | { readonly kind: 'no-rollout-state' }
  /** A cron() rotation schedule: its interval is not a fixed number of days. */
  | { readonly kind: 'schedule-not-computable'; readonly expression: string }
  /** The check needs what another one could not read. */
  | { readonly kind: 'depends-on'; readonly what: 'listener-rule' | 'alb-url' | 'namespace' | 'ecs-service' }
  /** ECS reported no Service Connect configuration for the service's deployment. */
  | { readonly kind: 'no-service-connect' }
  /** The ALB cannot tell the target's health (state `unavailable`). */
  | { readonly kind: 'health-unavailable'; readonly targets: number }
  /** FilterLogEvents answered empty pages with more to search, beyond the search budget. */
  | { readonly kind: 'search-unfinished'; readonly pages: number }
  /** AWS answered a value this toolkit does not know. */
  | { readonly kind: 'unrecognized'; readonly value: string };

export interface TargetProblem {
  readonly targetId: string;
  readonly state: string;
  readonly reason?: string;
  readonly description?: string;
}

export type Finding =
  // stack
  | { readonly kind: 'stack-complete'; readonly status: StackStatus }
  | { readonly kind: 'stack-not-complete'; readonly status: StackStatus; readonly reason?: string }
  // service
  | { readonly kind: 'service-steady'; readonly running: number; readonly desired: number }
  | { readonly kind: 'service-missing' }
  | { readonly kind: 'service-inactive'; readonly status: string }
  | { readonly kind: 'service-rollout-failed'; readonly reason?: string }
  | { readonly kind: 'service-deploying'; readonly deployments: number; readonly rolloutState?: RolloutState; readonly serviceDeployment?: string; readonly reason?: string }
  | { readonly kind: 'service-below-desired'; readonly running: number; readonly desired: number; readonly pending: number }
  // targets
  | { readonly kind: 'targets-healthy'; readonly healthy: number; readonly live: boolean | undefined }
  /** The blue/green standby target group: no weight in the production rule, no targets. */
  | { readonly kind: 'targets-idle' }
  | { readonly kind: 'targets-unhealthy'; readonly healthy: number; readonly problems: readonly TargetProblem[] }
  /** The production rule sends traffic here, and no target is healthy. */
  | { readonly kind: 'targets-empty-live'; readonly weight?: number }
  | { readonly kind: 'target-group-missing' }
  // path
  | { readonly kind: 'path-answered'; readonly url: string; readonly status: number }
  | { readonly kind: 'path-server-error'; readonly url: string; readonly status: number }
  | { readonly kind: 'path-no-answer'; readonly url: string; readonly error: ErrorInfo }
  // discovery
  | { readonly kind: 'discovery-registered'; readonly discoveryName: string; readonly instances: number }
  | { readonly kind: 'discovery-missing'; readonly discoveryName: string }
  | { readonly kind: 'discovery-no-instances'; readonly discoveryName: string; readonly desired: number }
  // rotation
  | { readonly kind: 'rotation-ok'; readonly lastRotated: Date; readonly intervalHours: number }
  | { readonly kind: 'secret-missing' }
  | { readonly kind: 'secret-deleted'; readonly deletedDate: Date }
  | { readonly kind: 'rotation-disabled' }
  | { readonly kind: 'rotation-unfinished'; readonly pendingVersion: string }
  | { readonly kind: 'rotation-never' }
  | { readonly kind: 'rotation-overdue'; readonly lastRotated: Date; readonly intervalHours: number }
  // alarm
  | { readonly kind: 'alarm-quiet'; readonly state: 'OK' | 'INSUFFICIENT_DATA' }
  | { readonly kind: 'alarm-firing'; readonly reason?: string; readonly since?: Date }
  | { readonly kind: 'alarm-missing' }
  // logs
  | { readonly kind: 'logs-recent'; readonly windowMinutes: number }
  | { readonly kind: 'logs-not-expected' }
  | { readonly kind: 'logs-silent'; readonly windowMinutes: number; readonly desired: number }
  | { readonly kind: 'log-group-missing' }
  // any check
  | { readonly kind: 'not-known'; readonly why: Unknowable };

export interface CheckRow {
  readonly check: CheckKind;
  /** What was checked: a stack path, a service, a target group, a URL path, a secret, an alarm, a log group. */
  readonly subject: string;
  readonly status: CheckStatus;
  readonly finding: Finding;
  /** The subject's AWS identifier (ARN or name), for the next step to name it. */
  readonly ref?: string;
}

export const withRef = (row: CheckRow, ref: string): CheckRow => ({ ...row, ref });

const row = (check: CheckKind, subject: string, status: CheckStatus, finding: Finding): CheckRow => ({ check, subject, status, finding });
const ok = (check: CheckKind, subject: string, finding: Finding) => row(check, subject, 'ok', finding);
const fail = (check: CheckKind, subject: string, finding: Finding) => row(check, subject, 'fail', finding);

export const notKnown = (check: CheckKind, subject: string, why: Unknowable): CheckRow => row(check, subject, 'unknown', { kind: 'not-known', why });

/* ---------------------------------------------------------------------------------------------- */
/* Stacks                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

/**
 * A stack is done when its last operation completed and was not undone: CREATE_COMPLETE,
 * UPDATE_COMPLETE or IMPORT_COMPLETE. Every *ROLLBACK_COMPLETE means the last change failed
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes).
 */
export const STACK_DONE: readonly StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'];

export function judgeStack(subject: string, status: StackStatus, reason?: string): CheckRow {
  if (STACK_DONE.includes(status)) return ok('stack', subject, { kind: 'stack-complete', status });
  return fail('stack', subject, { kind: 'stack-not-complete', status, ...(reason ? { reason } : {}) });
}

/* ---------------------------------------------------------------------------------------------- */
/* ECS services                                                                                    */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Service deployments that have not finished: the Pending and Ongoing stages of
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html.
 */
export const ONGOING_SERVICE_DEPLOYMENTS = ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'] as const;

/** What ListServiceDeployments says of the service's unfinished deployments (the first one's status). */
export interface OngoingDeployments {
  readonly count: number;
  readonly status?: string;
  readonly reason?: string;
}

/**
 * Steady: ACTIVE, one deployment whose rollout COMPLETED ("When the service reaches a steady
 * state, the deployment transitions to a COMPLETED state", Deployment.rolloutState,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html), and as many
 * tasks running as desired. The same page says rolloutState "is only returned for services that
 * use the rolling update (ECS) deployment type"; where it is absent (blue/green), `ongoing` (the
 * service deployments not finished) decides, and without it the row is not known.
 */
export function judgeService(subject: string, service: EcsServiceDetail | undefined, ongoing?: OngoingDeployments): CheckRow {
  if (!service) return fail('service', subject, { kind: 'service-missing' });
  if (service.status !== 'ACTIVE') return fail('service', subject, { kind: 'service-inactive', status: service.status });
  const failed = service.deployments.find((d) => d.rolloutState === 'FAILED');
  if (failed) return fail('service', subject, { kind: 'service-rollout-failed', ...(failed.rolloutStateReason ? { reason: failed.rolloutStateReason } : {}) });
  const primary = service.deployments.find((d) => d.status === 'PRIMARY') ?? service.deployments[0];
  if (service.deployments.length !== 1 || (primary?.rolloutState !== undefined && primary.rolloutState !== 'COMPLETED')) {
    return fail('service', subject, {
      kind: 'service-deploying',
      deployments: service.deployments.length,
      ...(primary?.rolloutState ? { rolloutState: primary.rolloutState } : {}),
      ...(primary?.rolloutStateReason ? { reason: primary.rolloutStateReason } : {}),
    });
  }
  if (service.runningCount < service.desiredCount) {
    return fail('service', subject, { kind: 'service-below-desired', running: service.runningCount, desired: service.desiredCount, pending: service.pendingCount });
  }
  if (primary?.rolloutState === undefined) {
    if (!ongoing) return notKnown('service', subject, { kind: 'no-rollout-state' });
    if (ongoing.count > 0) {
      return fail('service', subject, { kind: 'service-deploying', deployments: service.deployments.length, ...(ongoing.status ? { serviceDeployment: ongoing.status } : {}), ...(ongoing.reason ? { reason: ongoing.reason } : {}) });
    }
  }
  return ok('service', subject, { kind: 'service-steady', running: service.runningCount, desired: service.desiredCount });
}

/* ---------------------------------------------------------------------------------------------- */
/* Target groups                                                                                   */
/* ---------------------------------------------------------------------------------------------- */

/**
 * States that are neither healthy nor on their way out. `draining` and `unhealthy.draining`
 * targets are being deregistered (after a deployment or a scale-in) and count neither way.
 */
const NOT_HEALTHY = new Set(['initial', 'unhealthy', 'unused']);

/**
 * `weight`: the target group's weight in the production listener rule (0 = the blue/green
 * standby, which may be empty; `not-routed` = not in the rule at all), `undefined` when the rule
 * could not be read. A target group the rule sends traffic to must have a healthy target: ECS
 * rewrites those weights during blue/green deployments, and a stack update that re-applies the
 * rule can reset them to a target group without tasks (https://github.com/aws/aws-cdk/issues/36649).
 */
export function judgeTargetGroup(subject: string, targets: readonly TargetHealthEntry[] | undefined, weight: number | 'not-routed' | undefined): CheckRow {
  if (!targets) return fail('targets', subject, { kind: 'target-group-missing' });
  const problems = targets
    .filter((t) => NOT_HEALTHY.has(t.state) || t.state.startsWith('unrecognized:'))
    .map((t) => ({ targetId: t.port !== undefined ? `${t.targetId}:${t.port}` : t.targetId, state: t.state, ...(t.reason ? { reason: t.reason } : {}), ...(t.description ? { description: t.description } : {}) }));
  const healthy = targets.filter((t) => t.state === 'healthy').length;
  if (problems.length > 0) return fail('targets', subject, { kind: 'targets-unhealthy', healthy, problems });
  const unavailable = targets.filter((t) => t.state === 'unavailable').length;
  if (unavailable > 0) return notKnown('targets', subject, { kind: 'health-unavailable', targets: unavailable });
  const live = weight === undefined ? undefined : weight !== 0 && weight !== 'not-routed';
  if (healthy > 0) return ok('targets', subject, { kind: 'targets-healthy', healthy, live });
  if (live === undefined) return notKnown('targets', subject, { kind: 'depends-on', what: 'listener-rule' });
  if (live) return fail('targets', subject, { kind: 'targets-empty-live', ...(typeof weight === 'number' ? { weight } : {}) });
  return ok('targets', subject, { kind: 'targets-idle' });
}

/* ---------------------------------------------------------------------------------------------- */
/* Public paths                                                                                    */
/* ---------------------------------------------------------------------------------------------- */

/**
 * A concrete path that an ALB path pattern matches: `*` matches any characters (here none), `?`
 * exactly one (here `x`) (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html#path-conditions).
 * `/*` → `/`, `/api/*` → `/api/`.
 */
export function probePath(pattern: string): string {
  const path = pattern.replace(/\*/g, '').replace(/\?/g, 'x');
  return path.startsWith('/') ? path : `/${path}`;
}

/** `https://alb-1.elb.amazonaws.com` + `/api/` (one slash between them). */
export function probeUrl(albUrl: string, path: string): string {
  return `${albUrl.replace(/\/+$/, '')}${path}`;
}

/** Any answer below 500 reached the service (a 404 from it still means the ALB routes there); 5xx or no answer fails. */
export function judgePath(subject: string, url: string, answer: { readonly status: number } | { readonly error: ErrorInfo }): CheckRow {
  if ('error' in answer) return fail('path', subject, { kind: 'path-no-answer', url, error: answer.error });
  if (answer.status >= 500 || answer.status === 0) return fail('path', subject, { kind: 'path-server-error', url, status: answer.status });
  return ok('path', subject, { kind: 'path-answered', url, status: answer.status });
}

/* ---------------------------------------------------------------------------------------------- */
/* Cloud Map (Service Connect)                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/**
 * Service Connect registers every task of a service as an instance of the Cloud Map service named
 * by its discovery name (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html).
 * `instances`: undefined when the namespace has no such service.
 */
export function judgeDiscovery(subject: string, discoveryName: string, instances: number | undefined, desired: number | undefined): CheckRow {
  if (instances === undefined) return fail('discovery', subject, { kind: 'discovery-missing', discoveryName });
  if (instances === 0 && desired === undefined) return notKnown('discovery', subject, { kind: 'depends-on', what: 'ecs-service' });
  if (instances === 0 && desired !== undefined && desired > 0) return fail('discovery', subject, { kind: 'discovery-no-instances', discoveryName, desired });
  return ok('discovery', subject, { kind: 'discovery-registered', discoveryName, instances });
}

/* ---------------------------------------------------------------------------------------------- */
/* Secret rotation                                                                                 */
/* ---------------------------------------------------------------------------------------------- */

const HOUR = 3_600_000;

/**
 * Hours between rotations and how long after the scheduled start a rotation may still come.
 * AutomaticallyAfterDays is what DescribeSecret reports "calculated from the rotation schedule after
 * every successful rotation"; a `rate()` expression is read directly; `cron()` is not computable
 * here. Window: `Duration` when given, else one hour for hourly rates and the rest of the UTC day
 * for daily ones (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html).
 */
export function rotationSchedule(rules: SecretDescription['rotationRules']): { intervalHours: number; windowHours: number } | { expression: string } {
  const duration = /^(\d+)h$/.exec(rules?.duration ?? '');
  const rate = /^rate\((\d+)\s+(hour|hours|day|days)\)$/.exec(rules?.scheduleExpression?.trim() ?? '');
  const daily = rate ? rate[2].startsWith('day') : true;
  const windowHours = duration ? Number(duration[1]) : daily ? 24 : 1;
  if (rate) return { intervalHours: Number(rate[1]) * (daily ? 24 : 1), windowHours };
  if (rules?.automaticallyAfterDays !== undefined) return { intervalHours: rules.automaticallyAfterDays * 24, windowHours };
  return { expression: rules?.scheduleExpression ?? '(none)' };
}

/**
 * Rotation is working when it is enabled, a rotation has completed, the last one is within the
 * schedule (interval plus window), and no AWSPENDING label is left on a version other than
 * AWSCURRENT: "If the AWSPENDING staging label is present but not attached to the same version as
 * AWSCURRENT, then any later invocation of RotateSecret assumes that a previous rotation request
 * is still in progress and returns an error. When rotation is unsuccessful, the AWSPENDING staging
 * label might be attached to an empty secret version"
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html).
 * A rotation that is running right now looks the same for its few seconds.
 */
export function judgeRotation(subject: string, secret: SecretDescription | undefined, now: number): CheckRow {
  if (!secret) return fail('rotation', subject, { kind: 'secret-missing' });
  if (secret.deletedDate) return fail('rotation', subject, { kind: 'secret-deleted', deletedDate: secret.deletedDate });
  if (!secret.rotationEnabled) return fail('rotation', subject, { kind: 'rotation-disabled' });
  const pending = Object.entries(secret.versionStages).find(([, stages]) => stages.includes('AWSPENDING') && !stages.includes('AWSCURRENT'));
  if (pending) return fail('rotation', subject, { kind: 'rotation-unfinished', pendingVersion: pending[0] });
  if (!secret.lastRotatedDate) return fail('rotation', subject, { kind: 'rotation-never' });
  const schedule = rotationSchedule(secret.rotationRules);
  if ('expression' in schedule) return notKnown('rotation', subject, { kind: 'schedule-not-computable', expression: schedule.expression });
  const lastRotated = secret.lastRotatedDate;
  if (now > lastRotated.getTime() + (schedule.intervalHours + schedule.windowHours) * HOUR) {
    return fail('rotation', subject, { kind: 'rotation-overdue', lastRotated, intervalHours: schedule.intervalHours });
  }
  return ok('rotation', subject, { kind: 'rotation-ok', lastRotated, intervalHours: schedule.intervalHours });
}

/* ---------------------------------------------------------------------------------------------- */
/* Alarms                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

/** INSUFFICIENT_DATA is not ALARM: a new alarm, or one whose metric has no data yet. */
export function judgeAlarm(subject: string, alarm: AlarmDescription | undefined): CheckRow {
  if (!alarm) return fail('alarm', subject, { kind: 'alarm-missing' });
  if (alarm.state === 'ALARM') return fail('alarm', subject, { kind: 'alarm-firing', ...(alarm.reason ? { reason: alarm.reason } : {}), ...(alarm.updatedAt ? { since: alarm.updatedAt } : {}) });
  if (alarm.state === 'OK' || alarm.state === 'INSUFFICIENT_DATA') return ok('alarm', subject, { kind: 'alarm-quiet', state: alarm.state });
  return notKnown('alarm', subject, { kind: 'unrecognized', value: alarm.state });
}

/* ---------------------------------------------------------------------------------------------- */
/* Log groups                                                                                      */
/* ---------------------------------------------------------------------------------------------- */

/**
 * How far back a service's log group must hold an event: one hour. AWS documents no logging rate,
 * so this is the platform's expectation, chosen from what it runs: each running task writes its
 * application's output and the Service Connect proxy's access log (one line per request it
 * handles: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-envoy-access-logs.html)
 * to this group, and each task's container health check calls its /healthz every 10-20 s, so an
 * hour without a single line means the logging path is broken (the awslogs driver runs in
 * non-blocking mode and drops lines when its buffer is full), not that the service is quiet.
 * The search reads events (FilterLogEvents), not a log stream's lastEventTimestamp, which "updates
 * on an eventual consistency basis ... typically ... in less than an hour"
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogStream.html) and
 * would blur a one-hour window.
 */
export const LOG_WINDOW_MINUTES = 60;
/** FilterLogEvents pages (each asking for one event) before the search is reported unfinished. */
export const LOG_SEARCH_PAGES = 5;

export type LogSearch =
  | { readonly type: 'no-group' }
  | { readonly type: 'found' }
  | { readonly type: 'none' }
  | { readonly type: 'unfinished'; readonly pages: number };

/** `desired`: the service's desired count, `undefined` when its ECS check could not read it. */
export function judgeLogs(subject: string, search: LogSearch, desired: number | undefined): CheckRow {
  if (search.type === 'no-group') return fail('logs', subject, { kind: 'log-group-missing' });
  if (search.type === 'found') return ok('logs', subject, { kind: 'logs-recent', windowMinutes: LOG_WINDOW_MINUTES });
  if (desired === 0) return ok('logs', subject, { kind: 'logs-not-expected' });
  if (search.type === 'unfinished') return notKnown('logs', subject, { kind: 'search-unfinished', pages: search.pages });
  if (desired === undefined) return notKnown('logs', subject, { kind: 'depends-on', what: 'ecs-service' });
  return fail('logs', subject, { kind: 'logs-silent', windowMinutes: LOG_WINDOW_MINUTES, desired });
}

/* ---------------------------------------------------------------------------------------------- */
/* The whole report                                                                                */
/* ---------------------------------------------------------------------------------------------- */

export type VerifyVerdict = 'verified' | 'verify-failed' | 'verify-incomplete';

/** Any failure fails; otherwise anything not known leaves the verification incomplete. */
export function verdictOf(rows: readonly CheckRow[]): VerifyVerdict {
  if (rows.some((r) => r.status === 'fail')) return 'verify-failed';
  if (rows.some((r) => r.status === 'unknown')) return 'verify-incomplete';
  return 'verified';
}
