/**
 * D-15 verdict rules, pure: each rule at its edges. What AWS answers goes in, a row comes out;
 * a rule never says ok for what it could not compute.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EcsServiceDetail, SecretDescription, TargetHealthEntry } from '../../src/aws/port';
import {
  judgeAlarm,
  judgeDiscovery,
  judgeLogs,
  judgePath,
  judgeRotation,
  judgeService,
  judgeStack,
  judgeTargetGroup,
  probePath,
  probeUrl,
  rotationSchedule,
  verdictOf,
  type CheckRow,
} from '../../src/operations/verify-rules';
import { clusterOfServiceArn, secretNameOfArn } from '../../src/operations/verify';

const status = (row: CheckRow) => `${row.status}:${row.finding.kind}`;

test('D-15: stacks pass only CREATE/UPDATE/IMPORT_COMPLETE; rollbacks, failures and running operations fail', () => {
  for (const done of ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'] as const) assert.is(status(judgeStack('x', done)), 'ok:stack-complete');
  for (const notDone of ['UPDATE_ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED', 'REVIEW_IN_PROGRESS', 'unrecognized:NEW_STATE'] as const) {
    assert.is(status(judgeStack('x', notDone, 'why')), 'fail:stack-not-complete', notDone);
  }
  assert.equal(judgeStack('Network', 'UPDATE_ROLLBACK_COMPLETE', 'Embedded stack failed').finding, { kind: 'stack-not-complete', status: 'UPDATE_ROLLBACK_COMPLETE', reason: 'Embedded stack failed' });
});

const deployment = (extra: Partial<EcsServiceDetail['deployments'][number]> = {}): EcsServiceDetail['deployments'][number] => ({
  id: 'd1', status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2, pendingCount: 0, failedTasks: 0, ...extra,
});
const service = (extra: Partial<EcsServiceDetail> = {}): EcsServiceDetail => ({
  arn: 'arn:aws:ecs:us-east-1:1:service/c/s', name: 's', status: 'ACTIVE', desiredCount: 2, runningCount: 2, pendingCount: 0, deployments: [deployment()], ...extra,
});

test('D-15: an ECS service is steady only ACTIVE, with one completed deployment and every desired task running', () => {
  assert.equal(judgeService('s', service()).finding, { kind: 'service-steady', running: 2, desired: 2 });
  assert.is(status(judgeService('s', service({ desiredCount: 0, runningCount: 0 }))), 'ok:service-steady');
  assert.is(status(judgeService('s', undefined)), 'fail:service-missing');
  assert.is(status(judgeService('s', service({ status: 'DRAINING' }))), 'fail:service-inactive');
  assert.is(status(judgeService('s', service({ runningCount: 1, pendingCount: 1 }))), 'fail:service-below-desired');
  assert.is(status(judgeService('s', service({ deployments: [deployment({ rolloutState: 'IN_PROGRESS' })] }))), 'fail:service-deploying');
  assert.is(status(judgeService('s', service({ deployments: [deployment(), deployment({ id: 'd0', status: 'ACTIVE' })] }))), 'fail:service-deploying');
  assert.is(status(judgeService('s', service({ deployments: [] }))), 'fail:service-deploying');
  assert.is(status(judgeService('s', service({ deployments: [deployment({ rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker' })] }))), 'fail:service-rollout-failed');
  assert.is(status(judgeService('s', service({ deployments: [deployment({ rolloutState: 'unrecognized:PAUSED' })] }))), 'fail:service-deploying');
  // No rollout state (blue/green): the unfinished service deployments decide; without them, not known.
  const { rolloutState: _dropped, ...noState } = deployment();
  assert.is(status(judgeService('s', service({ deployments: [noState] }))), 'unknown:not-known');
  assert.is(status(judgeService('s', service({ deployments: [noState] }), { count: 0 })), 'ok:service-steady');
  assert.equal(judgeService('s', service({ deployments: [noState] }), { count: 1, status: 'ROLLBACK_IN_PROGRESS', reason: 'alarm' }).finding, { kind: 'service-deploying', deployments: 1, serviceDeployment: 'ROLLBACK_IN_PROGRESS', reason: 'alarm' });
  assert.is(status(judgeService('s', service({ deployments: [noState], runningCount: 1 }), { count: 0 })), 'fail:service-below-desired');
});

const target = (state: TargetHealthEntry['state'], extra: Partial<TargetHealthEntry> = {}): TargetHealthEntry => ({ targetId: '10.0.0.1', port: 8080, state, ...extra });

test('D-15: target groups: healthy targets pass; an unhealthy, registering or unused one fails; the empty standby passes; an empty live one fails', () => {
  assert.equal(judgeTargetGroup('t', [target('healthy'), target('healthy')], 100).finding, { kind: 'targets-healthy', healthy: 2, live: true });
  assert.is(status(judgeTargetGroup('t', [target('healthy'), target('draining')], 100)), 'ok:targets-healthy');
  for (const bad of ['unhealthy', 'initial', 'unused', 'unrecognized:new'] as const) {
    assert.is(status(judgeTargetGroup('t', [target('healthy'), target(bad, { reason: 'Target.Timeout' })], 100)), 'fail:targets-unhealthy', bad);
  }
  assert.equal(judgeTargetGroup('t', [target('unhealthy', { reason: 'Target.ResponseCodeMismatch', description: 'codes [500]' })], 100).finding, {
    kind: 'targets-unhealthy', healthy: 0, problems: [{ targetId: '10.0.0.1:8080', state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'codes [500]' }],
  });
  assert.is(status(judgeTargetGroup('t', [], 0)), 'ok:targets-idle');
  assert.is(status(judgeTargetGroup('t', [], 'not-routed')), 'ok:targets-idle');
  assert.is(status(judgeTargetGroup('t', [target('draining')], 0)), 'ok:targets-idle');
  assert.equal(judgeTargetGroup('t', [], 100).finding, { kind: 'targets-empty-live', weight: 100 });
  assert.is(status(judgeTargetGroup('t', [target('draining')], 1)), 'fail:targets-empty-live');
  assert.is(status(judgeTargetGroup('t', [], undefined)), 'unknown:not-known');
  assert.is(status(judgeTargetGroup('t', [target('unavailable')], 100)), 'unknown:not-known');
  assert.is(status(judgeTargetGroup('t', undefined, 100)), 'fail:target-group-missing');
});

test('D-15: public paths: a concrete path per ALB pattern; any answer below 500 passes, 5xx or none fails', () => {
  assert.is(probePath('/*'), '/');
  assert.is(probePath('/api/*'), '/api/');
  assert.is(probePath('/v?/items'), '/vx/items');
  assert.is(probePath('health'), '/health');
  assert.is(probeUrl('https://alb-1.us-east-1.elb.amazonaws.com/', '/api/'), 'https://alb-1.us-east-1.elb.amazonaws.com/api/');
  assert.is(status(judgePath('p', 'u', { status: 200 })), 'ok:path-answered');
  assert.is(status(judgePath('p', 'u', { status: 404 })), 'ok:path-answered');
  assert.is(status(judgePath('p', 'u', { status: 301 })), 'ok:path-answered');
  assert.is(status(judgePath('p', 'u', { status: 500 })), 'fail:path-server-error');
  assert.is(status(judgePath('p', 'u', { status: 503 })), 'fail:path-server-error');
  assert.is(status(judgePath('p', 'u', { error: { code: 'ETIMEDOUT', message: 'no answer' } })), 'fail:path-no-answer');
});

test('D-15: Cloud Map: registered with instances passes; missing fails; no instance fails only while tasks are desired', () => {
  assert.is(status(judgeDiscovery('s', 'api-dev', 2, 2)), 'ok:discovery-registered');
  assert.is(status(judgeDiscovery('s', 'api-dev', undefined, 2)), 'fail:discovery-missing');
  assert.is(status(judgeDiscovery('s', 'api-dev', 0, 2)), 'fail:discovery-no-instances');
  assert.is(status(judgeDiscovery('s', 'api-dev', 0, 0)), 'ok:discovery-registered');
  assert.is(status(judgeDiscovery('s', 'api-dev', 0, undefined)), 'unknown:not-known');
});

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1, 12);
const secret = (extra: Partial<SecretDescription> = {}): SecretDescription => ({
  arn: 'arn:aws:secretsmanager:us-east-1:1:secret:s-AbCdEf', name: 's', rotationEnabled: true,
  rotationRules: { scheduleExpression: 'rate(90 days)' }, lastRotatedDate: new Date(NOW - 10 * DAY),
  versionStages: { v2: ['AWSCURRENT'], v1: ['AWSPREVIOUS'] }, ...extra,
});

test('D-15: rotation schedules: rate() in days or hours, AutomaticallyAfterDays, the window; cron() is not computable', () => {
  assert.equal(rotationSchedule({ scheduleExpression: 'rate(90 days)' }), { intervalHours: 2160, windowHours: 24 });
  assert.equal(rotationSchedule({ scheduleExpression: 'rate(4 hours)' }), { intervalHours: 4, windowHours: 1 });
  assert.equal(rotationSchedule({ scheduleExpression: 'rate(1 day)', duration: '3h' }), { intervalHours: 24, windowHours: 3 });
  assert.equal(rotationSchedule({ automaticallyAfterDays: 30 }), { intervalHours: 720, windowHours: 24 });
  assert.equal(rotationSchedule({ scheduleExpression: 'cron(0 8 1 * ? *)', automaticallyAfterDays: 30 }), { intervalHours: 720, windowHours: 24 });
  assert.equal(rotationSchedule({ scheduleExpression: 'cron(0 8 1 * ? *)' }), { expression: 'cron(0 8 1 * ? *)' });
  assert.equal(rotationSchedule(undefined), { expression: '(none)' });
});

test('D-15: rotation: enabled, finished, within schedule passes; disabled, AWSPENDING left, never, overdue, deleted, missing fail', () => {
  assert.equal(judgeRotation('s', secret(), NOW).finding, { kind: 'rotation-ok', lastRotated: new Date(NOW - 10 * DAY), intervalHours: 2160 });
  assert.is(status(judgeRotation('s', secret({ versionStages: { v2: ['AWSCURRENT', 'AWSPENDING'] } }), NOW)), 'ok:rotation-ok');
  assert.is(status(judgeRotation('s', secret({ rotationEnabled: false }), NOW)), 'fail:rotation-disabled');
  assert.equal(judgeRotation('s', secret({ versionStages: { v2: ['AWSCURRENT'], v3: ['AWSPENDING'] } }), NOW).finding, { kind: 'rotation-unfinished', pendingVersion: 'v3' });
  const { lastRotatedDate: _never, ...never } = secret();
  assert.is(status(judgeRotation('s', never, NOW)), 'fail:rotation-never');
  // 90 days plus the rest of the UTC day: one more hour is still in time, two days late is overdue.
  assert.is(status(judgeRotation('s', secret({ lastRotatedDate: new Date(NOW - 90 * DAY - 23 * 3_600_000) }), NOW)), 'ok:rotation-ok');
  assert.is(status(judgeRotation('s', secret({ lastRotatedDate: new Date(NOW - 92 * DAY) }), NOW)), 'fail:rotation-overdue');
  assert.is(status(judgeRotation('s', secret({ deletedDate: new Date(NOW + 7 * DAY) }), NOW)), 'fail:secret-deleted');
  assert.is(status(judgeRotation('s', undefined, NOW)), 'fail:secret-missing');
  assert.is(status(judgeRotation('s', secret({ rotationRules: { scheduleExpression: 'cron(0 8 1 * ? *)' } }), NOW)), 'unknown:not-known');
});

test('D-15: alarms: ALARM fails; OK and INSUFFICIENT_DATA pass; a missing alarm fails; an unknown state is not known', () => {
  assert.is(status(judgeAlarm('a', { name: 'a', state: 'ALARM', reason: 'Threshold Crossed' })), 'fail:alarm-firing');
  assert.is(status(judgeAlarm('a', { name: 'a', state: 'OK' })), 'ok:alarm-quiet');
  assert.is(status(judgeAlarm('a', { name: 'a', state: 'INSUFFICIENT_DATA' })), 'ok:alarm-quiet');
  assert.is(status(judgeAlarm('a', undefined)), 'fail:alarm-missing');
  assert.is(status(judgeAlarm('a', { name: 'a', state: 'unrecognized:MUTED' })), 'unknown:not-known');
});

test('D-15: log groups: an event in the window passes; none fails while tasks are desired; desired 0 need not log; an unfinished search is not known', () => {
  assert.is(status(judgeLogs('g', { type: 'found' }, 2)), 'ok:logs-recent');
  assert.is(status(judgeLogs('g', { type: 'found' }, undefined)), 'ok:logs-recent');
  assert.equal(judgeLogs('g', { type: 'none' }, 2), { check: 'logs', subject: 'g', status: 'fail', finding: { kind: 'logs-silent', windowMinutes: 60, desired: 2 } });
  assert.is(status(judgeLogs('g', { type: 'none' }, 0)), 'ok:logs-not-expected');
  assert.is(status(judgeLogs('g', { type: 'none' }, undefined)), 'unknown:not-known');
  assert.is(status(judgeLogs('g', { type: 'unfinished', pages: 5 }, 2)), 'unknown:not-known');
  assert.is(status(judgeLogs('g', { type: 'no-group' }, 2)), 'fail:log-group-missing');
});

test('D-15: the verdict: any failure fails; otherwise anything not known leaves it incomplete', () => {
  const ok = judgeAlarm('a', { name: 'a', state: 'OK' });
  const failed = judgeAlarm('b', { name: 'b', state: 'ALARM' });
  const unknown = judgeAlarm('c', { name: 'c', state: 'unrecognized:X' });
  assert.is(verdictOf([ok]), 'verified');
  assert.is(verdictOf([ok, unknown]), 'verify-incomplete');
  assert.is(verdictOf([ok, unknown, failed]), 'verify-failed');
  assert.is(verdictOf([]), 'verified');
});

test('D-15: names out of ARNs: the cluster of a long-format service ARN, a secret without its random suffix', () => {
  assert.is(clusterOfServiceArn('arn:aws:ecs:us-east-1:111122223333:service/cluster-tap-dev/svc-frontend-dev'), 'cluster-tap-dev');
  assert.is(clusterOfServiceArn('arn:aws:ecs:us-east-1:111122223333:service/svc-frontend-dev'), undefined);
  assert.is(secretNameOfArn('arn:aws:secretsmanager:us-east-1:111122223333:secret:secret-database-data-ingestion-dev-AbC123'), 'secret-database-data-ingestion-dev');
});

test.run();
