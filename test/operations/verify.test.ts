/**
 * D-15 `verify` against the fake: the real platform deployed and brought to life, then one failure
 * mode per scenario. Each asserts the row that names the failure, that nothing else is blamed
 * where it should not be, and (every scenario) that only read-only requests were sent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../src/aws/port';
import { verify } from '../../src/operations/verify';
import { CHECKS, type CheckKind, type Finding } from '../../src/operations/verify-rules';
import type { VerifyReport } from '../../src/operations/verify';
import { expectOutcome, type Operated } from '../helpers/deploy-harness';
import type { VerifyOutcome } from '../../src/operations/operation';
import { imageTagsAt } from '../helpers/deploy-harness';
import { liveEnvironment, READ_ONLY_OPERATIONS, realPlatform, reportOf, rowOf, rowsOf, VerifyScenario } from './verify-harness';

const environment = liveEnvironment();

/** A healthy environment again, then `breakIt`, then verify; asserts the read-only contract on every run. */
async function verifyAfter(breakIt: (s: VerifyScenario) => void = () => {}): Promise<Operated<VerifyOutcome> & { s: VerifyScenario }> {
  const s = await environment;
  s.aws.goLive();
  breakIt(s);
  const before = s.aws.calls.length;
  const operated = await s.operate(verify);
  const sent = s.aws.calls.slice(before);
  assert.equal(s.aws.mutatingCalls().filter((c) => sent.includes(c)), [], 'verify never changes anything');
  assert.equal(sent.filter((c) => !READ_ONLY_OPERATIONS.has(c.op)).map((c) => c.op), [], 'verify sends only the read-only requests it is allowed');
  return { ...operated, s };
}

/** The row of a failure: its finding, and its status fail. */
function failedRow<K extends Finding['kind']>(report: VerifyReport, check: CheckKind, subject: string, kind: K) {
  const row = rowOf(report, check, subject, kind);
  assert.is(row.status, 'fail', `${check} ${subject} ${kind}`);
  return row;
}

const failing = (outcome: VerifyOutcome) => reportOf(expectOutcome(outcome, 'verify-failed')).rows.filter((r) => r.status === 'fail');

test('D-15: a healthy environment verifies: every check has rows, all ok, and only reads were sent', async () => {
  const { outcome, calls, events } = await verifyAfter();
  const report = reportOf(expectOutcome(outcome, 'verified'));
  for (const check of CHECKS) assert.ok(rowsOf(report, check).length > 0, `no ${check} rows`);
  assert.equal(report.rows.filter((r) => r.status !== 'ok'), []);
  // Every stack of the tree, every catalog service, both target groups of each public service.
  assert.is(rowsOf(report, 'stack').length, 10);
  assert.equal(rowsOf(report, 'service').map((r) => r.subject), ['frontend', 'api-gateway', 'data-ingestion', 'analytics-engine']);
  rowOf(report, 'targets', 'api-gateway/TargetGroupA', 'targets-healthy');
  rowOf(report, 'targets', 'api-gateway/TargetGroupB', 'targets-idle');
  assert.equal(rowsOf(report, 'path').map((r) => r.subject), ['frontend /', 'api-gateway /api/']);
  assert.is(rowOf(report, 'discovery', 'data-ingestion', 'discovery-registered').finding.discoveryName, 'data-ingestion-dev');
  assert.is(rowsOf(report, 'rotation').length, 5);
  assert.ok(calls.some((c) => c.op === 'http.get'));
  assert.equal(events.filter((e) => e.type === 'verify-started').length, 1);
});

test('D-15: a nested stack that is not *_COMPLETE (an operation running) fails its stack row', async () => {
  const { outcome } = await verifyAfter((s) => {
    const stack = s.aws.stack('Services/ApiGateway');
    if (!stack) throw new Error('no api-gateway stack');
    stack.status = 'UPDATE_IN_PROGRESS';
  });
  const [row] = failing(outcome);
  assert.is(row.subject, 'Services/ApiGateway');
  assert.is(failedRow(reportOf(expectOutcome(outcome, 'verify-failed')), 'stack', 'Services/ApiGateway', 'stack-not-complete').finding.status, 'UPDATE_IN_PROGRESS');
  (await environment).aws.stack('Services/ApiGateway')!.status = 'CREATE_COMPLETE';
});

test('D-15: an ECS service below its desired count fails, with running, desired and pending', async () => {
  const { outcome } = await verifyAfter((s) => {
    const service = s.aws.live.service('svc-data-ingestion');
    service.runningCount = 1;
    service.pendingCount = 1;
  });
  const report = reportOf(expectOutcome(outcome, 'verify-failed'));
  assert.equal(failedRow(report, 'service', 'data-ingestion', 'service-below-desired').finding, { kind: 'service-below-desired', running: 1, desired: 2, pending: 1 });
  assert.equal(failing(outcome).map((r) => r.check), ['service']);
});

test('D-15: a service with two deployments (a rollout in progress) is not steady', async () => {
  const { outcome } = await verifyAfter((s) => {
    const service = s.aws.live.service('svc-frontend');
    service.deployments[0].status = 'ACTIVE';
    service.deployments.unshift({ id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment ecs-svc/2 in progress.', desiredCount: 2, runningCount: 1, pendingCount: 1, failedTasks: 0 });
  });
  const row = failedRow(reportOf(expectOutcome(outcome, 'verify-failed')), 'service', 'frontend', 'service-deploying');
  assert.is(row.finding.deployments, 2);
  assert.is(row.finding.rolloutState, 'IN_PROGRESS');
});

test('D-15: a blue/green service (no rollout state, as ECS documents) is judged by its unfinished service deployments', async () => {
  const steady = await verifyAfter();
  assert.ok(steady.calls.some((c) => c.op === 'ecs.listServiceDeployments' && String(c.args[1]).includes('svc-api-gateway-dev')));
  assert.not.ok(steady.calls.some((c) => c.op === 'ecs.listServiceDeployments' && String(c.args[1]).includes('svc-data-ingestion-dev')), 'a rolling service reports its rollout state');
  rowOf(reportOf(expectOutcome(steady.outcome, 'verified')), 'service', 'api-gateway', 'service-steady');
  const { outcome } = await verifyAfter((s) => {
    const arn = s.aws.live.service('svc-api-gateway').arn;
    s.aws.live.serviceDeployments.set(arn, [{ arn: `${arn}/2`, status: 'IN_PROGRESS', statusReason: 'bake time: 10 minutes left' }, ...(s.aws.live.serviceDeployments.get(arn) ?? [])]);
  });
  assert.equal(failedRow(reportOf(expectOutcome(outcome, 'verify-failed')), 'service', 'api-gateway', 'service-deploying').finding, { kind: 'service-deploying', deployments: 1, serviceDeployment: 'IN_PROGRESS', reason: 'bake time: 10 minutes left' });
});

test('D-15: a failed rollout (circuit breaker) fails the service', async () => {
  const { outcome } = await verifyAfter((s) => {
    const [deployment] = s.aws.live.service('svc-analytics-engine').deployments;
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  });
  assert.match(failedRow(reportOf(expectOutcome(outcome, 'verify-failed')), 'service', 'analytics-engine', 'service-rollout-failed').finding.reason ?? '', /circuit breaker/);
});

test('D-15: unhealthy targets fail their target group, and the path they serve answers 502 (fail open)', async () => {
  const { outcome } = await verifyAfter((s) => {
    for (const [arn, targets] of s.aws.live.targets) {
      if (!arn.includes('api-gateway') || targets.length === 0) continue;
      s.aws.live.targets.set(arn, targets.map((t) => ({ ...t, state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' })));
    }
  });
  const report = reportOf(expectOutcome(outcome, 'verify-failed'));
  const targets = failedRow(report, 'targets', 'api-gateway/TargetGroupA', 'targets-unhealthy');
  assert.is(targets.finding.problems.length, 2);
  assert.is(targets.finding.problems[0].reason, 'Target.ResponseCodeMismatch');
  assert.is(failedRow(report, 'path', 'api-gateway /api/', 'path-server-error').finding.status, 502);
  rowOf(report, 'path', 'frontend /', 'path-answered');
});

test('D-15: production routed to the empty target group (listener weights reset, aws-cdk#36649) fails, and the path answers 503', async () => {
  const { outcome } = await verifyAfter((s) => {
    const rule = s.aws.live.ruleFor('/');
    if (!rule) throw new Error('no rule for /');
    rule.forwards = rule.forwards.map((f) => ({ ...f, weight: f.weight === 0 ? 100 : 0 }));
  });
  const report = reportOf(expectOutcome(outcome, 'verify-failed'));
  failedRow(report, 'targets', 'frontend/TargetGroupB', 'targets-empty-live');
  rowOf(report, 'targets', 'frontend/TargetGroupA', 'targets-healthy');
  assert.is(failedRow(report, 'path', 'frontend /', 'path-server-error').finding.status, 503);
});

test('D-15: a public path with no answer fails after the retry layer asked again', async () => {
  const { outcome, calls } = await verifyAfter((s) => {
    const url = `${s.aws.live.albUrl}/api/`;
    s.aws.live.httpAnswers.set(url, 'no-answer');
  });
  const row = failedRow(reportOf(expectOutcome(outcome, 'verify-failed')), 'path', 'api-gateway /api/', 'path-no-answer');
  assert.is(row.finding.error.code, 'ECONNREFUSED');
  assert.is(calls.filter((c) => c.op === 'http.get' && String(c.args[0]).endsWith('/api/')).length, 4, 'asked four times (transient: retried)');
});

test('D-15: a catalog service missing from the Cloud Map namespace, or registered without instances, fails', async () => {
  const { outcome } = await verifyAfter((s) => {
    const [services] = s.aws.live.namespaces.values();
    services.delete('analytics-engine-dev');
    const frontend = services.get('frontend-dev');
    if (frontend) frontend.instances = [];
  });
  const report = reportOf(expectOutcome(outcome, 'verify-failed'));
  failedRow(report, 'discovery', 'analytics-engine', 'discovery-missing');
  assert.equal(failedRow(report, 'discovery', 'frontend', 'discovery-no-instances').finding, { kind: 'discovery-no-instances', discoveryName: 'frontend-dev', desired: 2 });
});

test('D-15: rotation turned off, a rotation that left AWSPENDING, one never done and one overdue each fail', async () => {
  const day = 86_400_000;
  const { outcome } = await verifyAfter((s) => {
    const secret = (name: string) => {
      const found = [...s.aws.live.secrets.values()].find((x) => x.name === name);
      if (!found) throw new Error(`no secret ${name}`);
      return found;
    };
    secret('secret-session-key-frontend-dev').rotationEnabled = false;
    secret('secret-client-api-key-api-gateway-dev').versionStages = { current: ['AWSCURRENT', 'AWSPREVIOUS'], broken: ['AWSPENDING'] };
    delete secret('secret-database-data-ingestion-dev').lastRotatedDate;
    secret('secret-database-analytics-engine-dev').lastRotatedDate = new Date(s.clock.now() - 92 * day);
  });
  const report = reportOf(expectOutcome(outcome, 'verify-failed'));
  failedRow(report, 'rotation', 'secret-session-key-frontend-dev', 'rotation-disabled');
  assert.is(failedRow(report, 'rotation', 'secret-client-api-key-api-gateway-dev', 'rotation-unfinished').finding.pendingVersion, 'broken');
  failedRow(report, 'rotation', 'secret-database-data-ingestion-dev', 'rotation-never');
  assert.is(failedRow(report, 'rotation', 'secret-database-analytics-engine-dev', 'rotation-overdue').finding.intervalHours, 90 * 24);
  rowOf(report, 'rotation', 'secret-feed-api-key-data-ingestion-dev', 'rotation-ok');
});

test('D-15: AWSPENDING on the AWSCURRENT version is what a successful rotation may leave: ok', async () => {
  const { outcome } = await verifyAfter((s) => {
    for (const secret of s.aws.live.secrets.values()) secret.versionStages = { v2: ['AWSCURRENT', 'AWSPENDING'], v1: ['AWSPREVIOUS'] };
  });
  expectOutcome(outcome, 'verified');
});

test('D-15: an alarm in ALARM fails with its reason; INSUFFICIENT_DATA does not', async () => {
  const { outcome } = await verifyAfter((s) => {
    const [first, second] = [...s.aws.live.alarms.values()].filter((a) => a.name.includes('api-gateway'));
    first.state = 'ALARM';
    first.reason = 'Threshold Crossed: 3 datapoints were greater than the threshold (5.0).';
    second.state = 'INSUFFICIENT_DATA';
  });
  const fails = failing(outcome);
  assert.is(fails.length, 1);
  assert.is(fails[0].check, 'alarm');
  assert.match(fails[0].finding.kind === 'alarm-firing' ? fails[0].finding.reason ?? '' : '', /Threshold Crossed/);
});

test('D-15: a running service whose log group had no event for an hour fails; a service at desired 0 need not log', async () => {
  const hour = 3_600_000;
  const { outcome } = await verifyAfter((s) => {
    for (const [group] of s.aws.live.logEvents) {
      if (group === 'logs-api-gateway-dev' || group === 'logs-data-ingestion-dev') s.aws.live.logEvents.set(group, [s.clock.now() - 2 * hour]);
    }
    const dataIngestion = s.aws.live.service('svc-data-ingestion');
    dataIngestion.desiredCount = 0;
    dataIngestion.runningCount = 0;
    dataIngestion.deployments[0].desiredCount = 0;
    dataIngestion.deployments[0].runningCount = 0;
  });
  const report = reportOf(expectOutcome(outcome, 'verify-failed'));
  const silent = rowsOf(report, 'logs').filter((r) => r.status === 'fail' && r.finding.kind === 'logs-silent');
  assert.is(silent.length, 1);
  assert.is(silent[0].subject, 'logs-api-gateway-dev');
  assert.ok(rowsOf(report, 'logs').some((r) => r.finding.kind === 'logs-not-expected' && r.subject === 'logs-data-ingestion-dev'));
});

test('D-15: FilterLogEvents answering only empty pages with a token: the search ends as not known, never ok', async () => {
  const { outcome, calls } = await verifyAfter((s) => {
    s.aws.live.emptyLogPages.set('logs-frontend-dev', 10);
  });
  const row = rowsOf(reportOf(expectOutcome(outcome, 'verify-incomplete')), 'logs').find((r) => r.subject === 'logs-frontend-dev');
  assert.equal(row?.finding, { kind: 'not-known', why: { kind: 'search-unfinished', pages: 5 } });
  assert.is(calls.filter((c) => c.op === 'logs.filterLogEvents').length, 5 + 3);
});

const denied = (op: string) => new AwsError('access-denied', 'AccessDeniedException', `User is not authorized to perform ${op}`, op, 400);

test('D-15: every request AWS refuses makes the rows that depend on it "not known", never ok', async () => {
  const dependents: Record<string, readonly string[]> = {
    'ecs.describeServices': ['service', 'discovery'],
    'ecs.listServiceDeployments': [],
    'elbv2.describeTargetHealth': ['targets'],
    'elbv2.describeRules': ['path'],
    'discovery.listServices': ['discovery'],
    'discovery.listInstances': ['discovery'],
    'secrets.describeSecret': ['rotation'],
    'cloudwatch.describeAlarms': ['alarm'],
    'logs.filterLogEvents': ['logs'],
  };
  // As many refusals as a healthy run sends of each request (access denied is not retried), so none is left over.
  const healthy = await verifyAfter();
  const sent = (op: string) => healthy.calls.filter((c) => c.op === op).length;
  for (const [op, checks] of Object.entries(dependents)) {
    assert.ok(sent(op) > 0, `a healthy run sends ${op}`);
    const { outcome } = await verifyAfter((s) => s.aws.inject(op, ...Array.from({ length: sent(op) }, () => denied(op))));
    const report = reportOf(expectOutcome(outcome, 'verify-incomplete'));
    for (const check of checks.length > 0 ? checks : ['service']) {
      if (checks.length === 0) {
        // Only the services that need the request (blue/green) are not known; the others still pass.
        assert.ok(rowsOf(report, 'service').some((r) => r.status === 'ok') && rowsOf(report, 'service').some((r) => r.status === 'unknown'), op);
        continue;
      }
      const rows = rowsOf(report, check as (typeof CHECKS)[number]);
      assert.ok(rows.length > 0, `${op}: no ${check} rows`);
      assert.equal(rows.filter((r) => r.status !== 'unknown').map((r) => r.subject), [], `${op}: ${check} rows must be not known`);
    }
    const named = report.rows.filter((r) => r.finding.kind === 'not-known' && r.finding.why.kind === 'error' && r.finding.why.operation === op && r.finding.why.errorKind === 'access-denied');
    assert.ok(named.length > 0, `${op}: a not-known row names the refused request`);
  }
});

test('D-15: an endpoint that does not implement a call (moto, LocalStack) is "not known", not a failure', async () => {
  const unsupported = new AwsError('unsupported', 'InternalFailure', 'not yet implemented', 'discovery.listServices', 501);
  const { outcome } = await verifyAfter((s) => s.aws.inject('discovery.listServices', unsupported));
  const rows = rowsOf(reportOf(expectOutcome(outcome, 'verify-incomplete')), 'discovery');
  assert.ok(rows.every((r) => r.finding.kind === 'not-known' && r.finding.why.kind === 'error' && r.finding.why.errorKind === 'unsupported'));
});

test('D-15: an environment deployed without a release (every image tag empty) has no service to verify: not known, and the stacks still checked', async () => {
  const s = await liveEnvironment({}, imageTagsAt(''));
  const { outcome, calls } = await s.operate(verify);
  const report = reportOf(expectOutcome(outcome, 'verify-incomplete'));
  assert.equal(rowsOf(report, 'service').map((r) => r.finding), [{ kind: 'not-known', why: { kind: 'no-release' } }]);
  assert.is(rowsOf(report, 'stack').length, 5);
  assert.ok(rowsOf(report, 'stack').every((r) => r.status === 'ok'));
  assert.equal(calls.filter((c) => !READ_ONLY_OPERATIONS.has(c.op)), []);
});

test('D-15: a stack that is not deployed is a precondition, checked with one read', async () => {
  const s = new VerifyScenario('dev', { platform: realPlatform() });
  const { outcome, calls } = await s.operate(verify);
  assert.equal(expectOutcome(outcome, 'precondition').reason, { kind: 'not-deployed', stackName: 'tap-dev', awaitingReview: false });
  assert.equal(calls.map((c) => c.op).filter((op) => op.startsWith('cfn.')), ['cfn.describeStack']);
});

test('D-15: after a failed update the rolled-back root and the nested stack that failed are named (UPDATE_ROLLBACK_COMPLETE)', async () => {
  const s = await environment;
  s.setParameters({ DesiredCount: '3' });
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'Service', reason: 'circuit breaker', phase: 'forward' });
  const deployed = await s.operate((c, io) => import('../../src/operations/deploy').then(({ deploy }) => deploy(c, io, { force: false, allowReplace: [], replaceFailedStack: false })), { answers: ['yes'] });
  expectOutcome(deployed.outcome, 'rolled-back');
  s.aws.goLive();
  const { outcome } = await s.operate(verify);
  const stacks = failing(outcome).filter((r) => r.check === 'stack');
  assert.ok(stacks.some((r) => r.subject === 'tap-dev' && r.finding.kind === 'stack-not-complete' && r.finding.status === 'UPDATE_ROLLBACK_COMPLETE'), JSON.stringify(stacks));
  assert.ok(stacks.some((r) => r.subject === 'Services/Frontend'), JSON.stringify(stacks));
});

test.run();
