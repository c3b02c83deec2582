/**
 * `verify` in words (D-15): the table (check, subject, status, detail), then the next step for
 * every row that failed or is not known, and the report in .tap/<env>/verify.json. Everything the
 * operation decided is in the rows' typed findings; here they become sentences and commands to copy.
 */
import { formatDuration } from '../../core/clock';
import type { VerifyReport } from '../../operations/verify';
import type { CheckKind, CheckRow, CheckStatus, Finding, Unknowable } from '../../operations/verify-rules';
import { commandLine } from '../hints';
import { displayPath, VERIFY_FILE, writeStateFile } from '../state-dir';
import { table, type Styler } from '../terminal';
import { shorten } from './review';
import type { Say } from '../ui';

export interface VerifyContext {
  readonly say: Say;
  readonly style: Styler;
  readonly environment: string;
  readonly root: string;
  readonly mask: (text: string) => string;
}

export const CHECK_LABELS: Readonly<Record<CheckKind, string>> = {
  stack: 'stack',
  service: 'ecs service',
  targets: 'target group',
  path: 'public path',
  discovery: 'cloud map',
  rotation: 'secret rotation',
  alarm: 'alarm',
  logs: 'log events',
};

const DETAIL_WIDTH = 110;

const STATUS_LABELS: Readonly<Record<CheckStatus, string>> = { ok: 'ok', fail: 'FAIL', unknown: 'not known' };

/** The IAM action behind each port operation verify uses (named when AWS refuses one). */
export const IAM_ACTIONS: Readonly<Record<string, string>> = {
  'cfn.describeStack': 'cloudformation:DescribeStacks',
  'cfn.listStackResources': 'cloudformation:ListStackResources',
  'ecs.describeServices': 'ecs:DescribeServices',
  'ecs.listServiceDeployments': 'ecs:ListServiceDeployments',
  'elbv2.describeTargetHealth': 'elasticloadbalancing:DescribeTargetHealth',
  'elbv2.describeRules': 'elasticloadbalancing:DescribeRules',
  'discovery.listServices': 'servicediscovery:ListServices',
  'discovery.listInstances': 'servicediscovery:ListInstances',
  'secrets.describeSecret': 'secretsmanager:DescribeSecret',
  'cloudwatch.describeAlarms': 'cloudwatch:DescribeAlarms',
  'logs.filterLogEvents': 'logs:FilterLogEvents',
};

const ago = (at: Date, now: number): string => `${formatDuration(now - at.getTime())} ago`;
const days = (hours: number): string => (hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`);

function unknownText(why: Unknowable): string {
  switch (why.kind) {
    case 'error':
      return why.errorKind === 'access-denied' ? `${why.operation} denied (${why.error.code})`
        : why.errorKind === 'unsupported' ? `${why.operation} not supported by this endpoint`
        : `${why.operation} failed: ${why.error.code}: ${why.error.message}`;
    case 'no-release':
      return 'no ECS service deployed: no release yet (every imageTags entry is "")';
    case 'no-rollout-state':
      return 'ECS reported no rollout state for the deployment';
    case 'schedule-not-computable':
      return `schedule ${why.expression} has no fixed interval`;
    case 'depends-on':
      return { 'listener-rule': 'needs the production listener rule, which could not be read', 'alb-url': 'the root stack has no AlbUrl output', namespace: 'no Cloud Map namespace in the stacks', 'ecs-service': 'needs the ECS service, which could not be read' }[why.what];
    case 'no-service-connect':
      return 'ECS reported no Service Connect configuration for the deployment';
    case 'health-unavailable':
      return `the ALB reports the health of ${why.targets} target(s) as unavailable`;
    case 'search-unfinished':
      return `no event found in ${why.pages} pages of the search; more to search`;
    case 'unrecognized':
      return `AWS answered ${why.value}`;
  }
}

/** The detail column: what was found, in a few words. */
export function findingText(finding: Finding, now: number): string {
  switch (finding.kind) {
    case 'stack-complete':
      return finding.status;
    case 'stack-not-complete':
      return `${finding.status}${finding.reason ? ` (${finding.reason})` : ''}`;
    case 'service-steady':
      return `${finding.running}/${finding.desired} tasks running, one deployment, rollout completed`;
    case 'service-missing':
      return 'ECS does not know this service';
    case 'service-inactive':
      return `service is ${finding.status}`;
    case 'service-rollout-failed':
      return `deployment failed${finding.reason ? `: ${finding.reason}` : ''}`;
    case 'service-deploying':
      return finding.serviceDeployment
        ? `service deployment ${finding.serviceDeployment}${finding.reason ? `: ${finding.reason}` : ''}`
        : `${finding.deployments} deployment${finding.deployments === 1 ? '' : 's'}, rollout ${finding.rolloutState ?? 'state not reported'}${finding.reason ? `: ${finding.reason}` : ''}`;
    case 'service-below-desired':
      return `${finding.running}/${finding.desired} tasks running (${finding.pending} pending)`;
    case 'targets-healthy':
      return `${finding.healthy} healthy target${finding.healthy === 1 ? '' : 's'}${finding.live === false ? ' (standby: no production traffic)' : ''}`;
    case 'targets-idle':
      return 'blue/green standby: no targets, weight 0';
    case 'targets-unhealthy':
      return `${finding.problems.length} not healthy (${finding.problems.map((p) => `${p.targetId} ${p.state}${p.reason ? ` ${p.reason}` : ''}`).join('; ')}), ${finding.healthy} healthy`;
    case 'targets-empty-live':
      return `the production rule routes here${finding.weight !== undefined ? ` (weight ${finding.weight})` : ''}, and no target is healthy`;
    case 'target-group-missing':
      return 'ELB does not know this target group';
    case 'path-answered':
      return `HTTP ${finding.status} from ${finding.url}`;
    case 'path-server-error':
      return `HTTP ${finding.status} from ${finding.url}`;
    case 'path-no-answer':
      return `no answer from ${finding.url} (${finding.error.code})`;
    case 'discovery-registered':
      return `${finding.discoveryName}: ${finding.instances} instance${finding.instances === 1 ? '' : 's'}`;
    case 'discovery-missing':
      return `${finding.discoveryName} is not in the namespace`;
    case 'discovery-no-instances':
      return `${finding.discoveryName}: no instance, ${finding.desired} task(s) desired`;
    case 'rotation-ok':
      return `rotated ${ago(finding.lastRotated, now)}, every ${days(finding.intervalHours)}`;
    case 'secret-missing':
      return 'Secrets Manager does not know this secret';
    case 'secret-deleted':
      return `scheduled for deletion on ${finding.deletedDate.toISOString().slice(0, 10)}`;
    case 'rotation-disabled':
      return 'rotation is turned off';
    case 'rotation-unfinished':
      return `AWSPENDING left on version ${finding.pendingVersion}: the last rotation did not finish`;
    case 'rotation-never':
      return 'never rotated: the first rotation did not complete';
    case 'rotation-overdue':
      return `last rotated ${ago(finding.lastRotated, now)}, schedule every ${days(finding.intervalHours)}`;
    case 'alarm-quiet':
      return finding.state === 'OK' ? 'OK' : 'INSUFFICIENT_DATA (no data yet)';
    case 'alarm-firing':
      return `ALARM${finding.since ? ` since ${finding.since.toISOString()}` : ''}${finding.reason ? `: ${finding.reason}` : ''}`;
    case 'alarm-missing':
      return 'CloudWatch does not know this alarm';
    case 'logs-recent':
      return `events in the last ${finding.windowMinutes} min`;
    case 'logs-not-expected':
      return 'no events needed: the service runs no tasks (desired 0)';
    case 'logs-silent':
      return `no event in the last ${finding.windowMinutes} min while ${finding.desired} task(s) should run`;
    case 'log-group-missing':
      return 'CloudWatch Logs does not know this log group';
    case 'not-known':
      return unknownText(finding.why);
  }
}

/** `--cluster C --services S` for a long-format ECS service ARN (the CLI's arguments to name it). */
const ecsNames = (serviceArn: string | undefined): { cluster: string; service: string } => {
  const parts = serviceArn?.split(':').pop()?.split('/') ?? [];
  return parts.length === 3 ? { cluster: parts[1], service: parts[2] } : { cluster: '<cluster>', service: serviceArn ?? '<service>' };
};
const clusterAndService = (serviceArn: string | undefined): string => {
  const { cluster, service } = ecsNames(serviceArn);
  return `--cluster ${cluster} --services ${service}`;
};

const DEPENDS_ON_ROWS: Readonly<Record<Extract<Unknowable, { kind: 'depends-on' }>['what'], string>> = {
  'ecs-service': 'ecs service',
  'listener-rule': 'target group',
  'alb-url': 'stack',
  namespace: 'stack',
};

function unknownStep(why: Unknowable, row: CheckRow, environment: string): string {
  switch (why.kind) {
    case 'error': {
      const action = IAM_ACTIONS[why.operation];
      if (why.errorKind === 'access-denied') return `allow ${action ?? why.operation} to the role you run with (docs/operations.md "Verifying a live environment" lists every action verify needs), then verify again.`;
      if (why.errorKind === 'unsupported') return `this endpoint does not implement ${why.operation}; check it against AWS.`;
      return `AWS answered ${why.error.code} to ${why.operation}; verify again, and if it persists, check ${row.ref ?? row.subject} in the console.`;
    }
    case 'no-release':
      return `push each service's image, give it its tag in imageTags of params/${environment}.json, ${commandLine('release', environment).make} SERVICE=<service> TAG=<tag>, then verify again.`;
    case 'no-rollout-state':
      return `read the deployments: aws ecs describe-services ${clusterAndService(row.ref)} --query 'services[0].deployments'.`;
    case 'schedule-not-computable':
      return `compare LastRotatedDate with the schedule by hand: aws secretsmanager describe-secret --secret-id ${row.subject}.`;
    case 'depends-on':
      return `see the ${DEPENDS_ON_ROWS[why.what]} rows; this check follows from them.`;
    case 'no-service-connect':
      return `read the deployment's Service Connect configuration: aws ecs describe-services --query 'services[0].deployments[0].serviceConnectConfiguration'.`;
    case 'health-unavailable':
      return `aws elbv2 describe-target-health --target-group-arn ${row.ref ?? '<arn>'} (the ALB cannot tell these targets' health).`;
    case 'search-unfinished':
      return `look by hand: aws logs tail ${row.subject} --since 1h.`;
    case 'unrecognized':
      return 'this toolkit does not know that value yet; check by hand.';
  }
}

/** The next step for a row that failed or is not known. */
export function nextStep(row: CheckRow, environment: string): string {
  const { finding } = row;
  const deploy = commandLine('deploy', environment).make;
  const drift = commandLine('drift', environment).make;
  switch (finding.kind) {
    case 'stack-not-complete': {
      const status = String(finding.status);
      if (status.endsWith('_IN_PROGRESS')) return `an operation is running on it: ${deploy} follows it to the end; verify again after.`;
      if (status === 'UPDATE_ROLLBACK_FAILED') return `finish the rollback: ${commandLine('continue-rollback', environment).make}.`;
      if (status === 'ROLLBACK_COMPLETE' || status === 'ROLLBACK_FAILED' || status === 'CREATE_FAILED') return `its first create failed: ${commandLine('deploy', environment, '--replace-failed-stack').make}.`;
      if (status.includes('ROLLBACK')) return `the last deploy failed and was rolled back; its cause: aws cloudformation describe-stack-events --stack-name ${row.ref ?? row.subject}; fix it, then ${deploy}.`;
      return `read its events: aws cloudformation describe-stack-events --stack-name ${row.ref ?? row.subject}.`;
    }
    case 'service-missing':
    case 'service-inactive':
    case 'target-group-missing':
    case 'alarm-missing':
    case 'log-group-missing':
      return `the stack holds it but AWS does not: ${drift} shows what was changed outside CloudFormation; ${deploy} after fixing the drift.`;
    case 'service-rollout-failed':
      return `read why: aws ecs describe-services ${clusterAndService(row.ref)} --query 'services[0].events[:5]'; fix the cause and deploy again.`;
    case 'service-deploying':
      return `a deployment is running; wait for it (aws ecs wait services-stable ${clusterAndService(row.ref)}), then verify again.`;
    case 'service-below-desired': {
      const { cluster, service } = ecsNames(row.ref);
      return `tasks stop or cannot start: aws ecs describe-services ${clusterAndService(row.ref)} --query 'services[0].events[:5]'; why they stopped: aws ecs list-tasks --cluster ${cluster} --service-name ${service} --desired-status STOPPED, then aws ecs describe-tasks --cluster ${cluster} --tasks <arn> --query 'tasks[].stoppedReason'.`;
    }
    case 'targets-unhealthy':
      return `aws elbv2 describe-target-health --target-group-arn ${row.ref ?? '<arn>'} gives each target's reason; the task must answer the target group's health-check path with 200-399 (its log group says why not).`;
    case 'targets-empty-live':
      return 'production traffic goes to a target group without healthy tasks: a stack update re-applied the listener rule and reset the weights ECS had set (aws-cdk#36649; docs/decisions.md "Listener rules ECS owns are frozen in the templates"). Start a new deployment of the service (aws ecs update-service --force-new-deployment) so ECS routes production to running tasks.';
    case 'path-server-error':
      return `the ALB answered ${finding.status}${finding.status === 503 ? ' (no healthy target to send it to: see the target group rows)' : finding.status === 502 ? ' (the target closed the connection or answered malformed)' : finding.status === 504 ? ' (the target did not answer in time)' : ''}; causes: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html`;
    case 'path-no-answer':
      return `nothing answered ${finding.url}: check that the ALB is active, its security group admits the listener port, and the name resolves (curl -v ${finding.url}).`;
    case 'discovery-missing':
      return `ECS registers it when the service's tasks start with Service Connect: aws servicediscovery list-services --filters Name=NAMESPACE_ID,Values=${row.ref ?? '<namespace>'},Condition=EQ; a new deployment of the service registers it again.`;
    case 'discovery-no-instances':
      return 'tasks should be registered as instances: aws servicediscovery list-instances --service-id <id>; a new deployment of the service registers its tasks again.';
    case 'secret-missing':
      return `${drift}, then ${deploy}.`;
    case 'secret-deleted':
      return `restore it before it is gone: aws secretsmanager restore-secret --secret-id ${row.subject}.`;
    case 'rotation-disabled':
      return `rotation was turned off outside CloudFormation (${drift} shows it); turn it on again: aws secretsmanager rotate-secret --secret-id ${row.subject}.`;
    case 'rotation-unfinished':
      return `read the rotation function's log (fn-rotate-*-${environment}) for the failed step; after fixing it, remove the label (aws secretsmanager update-secret-version-stage --secret-id ${row.subject} --version-stage AWSPENDING --remove-from-version-id ${finding.pendingVersion}) and rotate again (aws secretsmanager rotate-secret --secret-id ${row.subject}).`;
    case 'rotation-never':
    case 'rotation-overdue':
      return `read the rotation function's log (fn-rotate-*-${environment}) for why; then aws secretsmanager rotate-secret --secret-id ${row.subject}.`;
    case 'alarm-firing':
      return `what changed and when: aws cloudwatch describe-alarm-history --alarm-name ${row.subject} --history-item-type StateUpdate --max-items 5.`;
    case 'logs-silent':
      return `aws logs tail ${row.subject} --since 3h; if the tasks run (ecs service row), check the task definition's awslogs options and the execution role's logs permissions.`;
    case 'not-known':
      return unknownStep(finding.why, row, environment);
    case 'stack-complete':
    case 'service-steady':
    case 'targets-healthy':
    case 'targets-idle':
    case 'path-answered':
    case 'discovery-registered':
    case 'rotation-ok':
    case 'alarm-quiet':
    case 'logs-recent':
    case 'logs-not-expected':
      return '';
  }
}

export function renderVerifyReport(ctx: VerifyContext, report: VerifyReport): void {
  const { say, style } = ctx;
  const now = Date.parse(report.checkedAt);
  writeStateFile(ctx.root, ctx.environment, VERIFY_FILE, `${ctx.mask(JSON.stringify(report, null, 2))}\n`);
  const statusCell = (status: CheckStatus) => style(status === 'ok' ? 'green' : status === 'fail' ? 'red' : 'yellow', STATUS_LABELS[status]);
  say.line();
  // Long details (an alarm's reason) are cut in the table; the report file has them whole.
  say.line(table(['check', 'subject', 'status', 'detail'], report.rows.map((r) => [CHECK_LABELS[r.check], r.subject, statusCell(r.status), shorten(findingText(r.finding, now), DETAIL_WIDTH)])));
  const open = report.rows.filter((r) => r.status !== 'ok');
  if (open.length > 0) {
    say.line();
    say.line(style('bold', 'Next steps'));
    for (const r of open) say.line(`- ${CHECK_LABELS[r.check]} ${r.subject}: ${nextStep(r, ctx.environment)}`);
  }
  say.note(`Report written to ${displayPath(ctx.environment, VERIFY_FILE)}.`);
}
