/**
 * D-15 `verify` in words: every finding a rule can return has its detail, every row that failed
 * or is not known has a next step to take (and a row that passed has none), and every request
 * verify sends that AWS can refuse names the IAM action to grant. Records over every kind: a new
 * finding does not compile until its words are written and tested here.
 */
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findingText, IAM_ACTIONS, nextStep } from '../../../src/cli/render/verify';
import type { CheckKind, CheckRow, CheckStatus, Finding, Unknowable } from '../../../src/operations/verify-rules';
import { READ_ONLY_OPERATIONS } from '../../operations/verify-harness';

const at = new Date(Date.UTC(2026, 9, 12, 9, 0, 0));
const NOW = at.getTime() + 3 * 86_400_000;
const error = { code: 'AccessDeniedException', message: 'not authorized' };

const FINDINGS: { readonly [K in Finding['kind']]: readonly [CheckKind, CheckStatus, Extract<Finding, { kind: K }>, RegExp] } = {
  'stack-complete': ['stack', 'ok', { kind: 'stack-complete', status: 'CREATE_COMPLETE' }, /^CREATE_COMPLETE$/],
  'stack-not-complete': ['stack', 'fail', { kind: 'stack-not-complete', status: 'UPDATE_ROLLBACK_COMPLETE', reason: 'failed' }, /UPDATE_ROLLBACK_COMPLETE \(failed\)/],
  'service-steady': ['service', 'ok', { kind: 'service-steady', running: 2, desired: 2 }, /2\/2 tasks running/],
  'service-missing': ['service', 'fail', { kind: 'service-missing' }, /ECS does not know/],
  'service-inactive': ['service', 'fail', { kind: 'service-inactive', status: 'DRAINING' }, /DRAINING/],
  'service-rollout-failed': ['service', 'fail', { kind: 'service-rollout-failed', reason: 'circuit breaker' }, /deployment failed: circuit breaker/],
  'service-deploying': ['service', 'fail', { kind: 'service-deploying', deployments: 2, rolloutState: 'IN_PROGRESS' }, /2 deployments, rollout IN_PROGRESS/],
  // (the blue/green form, from ListServiceDeployments, is tested below)
  'service-below-desired': ['service', 'fail', { kind: 'service-below-desired', running: 1, desired: 2, pending: 1 }, /1\/2 tasks running \(1 pending\)/],
  'targets-healthy': ['targets', 'ok', { kind: 'targets-healthy', healthy: 2, live: false }, /2 healthy targets \(standby/],
  'targets-idle': ['targets', 'ok', { kind: 'targets-idle' }, /standby/],
  'targets-unhealthy': ['targets', 'fail', { kind: 'targets-unhealthy', healthy: 0, problems: [{ targetId: '10.0.0.1:8080', state: 'unhealthy', reason: 'Target.Timeout' }] }, /10\.0\.0\.1:8080 unhealthy Target\.Timeout/],
  'targets-empty-live': ['targets', 'fail', { kind: 'targets-empty-live', weight: 100 }, /routes here \(weight 100\)/],
  'target-group-missing': ['targets', 'fail', { kind: 'target-group-missing' }, /ELB does not know/],
  'path-answered': ['path', 'ok', { kind: 'path-answered', url: 'https://alb/api/', status: 404 }, /HTTP 404 from https:\/\/alb\/api\//],
  'path-server-error': ['path', 'fail', { kind: 'path-server-error', url: 'https://alb/', status: 503 }, /HTTP 503/],
  'path-no-answer': ['path', 'fail', { kind: 'path-no-answer', url: 'https://alb/', error: { code: 'ETIMEDOUT', message: 'x' } }, /no answer from https:\/\/alb\/ \(ETIMEDOUT\)/],
  'discovery-registered': ['discovery', 'ok', { kind: 'discovery-registered', discoveryName: 'api-gateway-dev', instances: 1 }, /api-gateway-dev: 1 instance$/],
  'discovery-missing': ['discovery', 'fail', { kind: 'discovery-missing', discoveryName: 'api-gateway-dev' }, /not in the namespace/],
  'discovery-no-instances': ['discovery', 'fail', { kind: 'discovery-no-instances', discoveryName: 'api-gateway-dev', desired: 2 }, /no instance, 2 task/],
  'rotation-ok': ['rotation', 'ok', { kind: 'rotation-ok', lastRotated: at, intervalHours: 2160 }, /rotated 72h00m ago, every 90 days/],
  'secret-missing': ['rotation', 'fail', { kind: 'secret-missing' }, /does not know this secret/],
  'secret-deleted': ['rotation', 'fail', { kind: 'secret-deleted', deletedDate: at }, /scheduled for deletion on 2026-10-12/],
  'rotation-disabled': ['rotation', 'fail', { kind: 'rotation-disabled' }, /turned off/],
  'rotation-unfinished': ['rotation', 'fail', { kind: 'rotation-unfinished', pendingVersion: 'v3' }, /AWSPENDING left on version v3/],
  'rotation-never': ['rotation', 'fail', { kind: 'rotation-never' }, /never rotated/],
  'rotation-overdue': ['rotation', 'fail', { kind: 'rotation-overdue', lastRotated: at, intervalHours: 48 }, /schedule every 2 days/],
  'alarm-quiet': ['alarm', 'ok', { kind: 'alarm-quiet', state: 'INSUFFICIENT_DATA' }, /INSUFFICIENT_DATA/],
  'alarm-firing': ['alarm', 'fail', { kind: 'alarm-firing', reason: 'Threshold Crossed' }, /^ALARM: Threshold Crossed$/],
  'alarm-missing': ['alarm', 'fail', { kind: 'alarm-missing' }, /does not know this alarm/],
  'logs-recent': ['logs', 'ok', { kind: 'logs-recent', windowMinutes: 60 }, /last 60 min/],
  'logs-not-expected': ['logs', 'ok', { kind: 'logs-not-expected' }, /desired 0/],
  'logs-silent': ['logs', 'fail', { kind: 'logs-silent', windowMinutes: 60, desired: 2 }, /no event in the last 60 min while 2 task/],
  'log-group-missing': ['logs', 'fail', { kind: 'log-group-missing' }, /does not know this log group/],
  'not-known': ['logs', 'unknown', { kind: 'not-known', why: { kind: 'search-unfinished', pages: 5 } }, /5 pages/],
};

const UNKNOWABLE: { readonly [K in Unknowable['kind']]: readonly [Extract<Unknowable, { kind: K }>, RegExp, RegExp] } = {
  error: [{ kind: 'error', operation: 'elbv2.describeRules', errorKind: 'access-denied', error }, /elbv2\.describeRules denied \(AccessDeniedException\)/, /allow elasticloadbalancing:DescribeRules/],
  'no-release': [{ kind: 'no-release' }, /no release yet \(every imageTags entry is ""\)/, /imageTags of params\/dev\.json, make release ENV=dev SERVICE=<service> TAG=<tag>/],
  'no-rollout-state': [{ kind: 'no-rollout-state' }, /no rollout state/, /aws ecs describe-services/],
  'schedule-not-computable': [{ kind: 'schedule-not-computable', expression: 'cron(0 8 1 * ? *)' }, /cron\(0 8 1 \* \? \*\) has no fixed interval/, /describe-secret/],
  'depends-on': [{ kind: 'depends-on', what: 'listener-rule' }, /production listener rule/, /target group rows/],
  'no-service-connect': [{ kind: 'no-service-connect' }, /no Service Connect configuration/, /serviceConnectConfiguration/],
  'health-unavailable': [{ kind: 'health-unavailable', targets: 2 }, /2 target\(s\) as unavailable/, /describe-target-health/],
  'search-unfinished': [{ kind: 'search-unfinished', pages: 5 }, /no event found in 5 pages/, /aws logs tail/],
  unrecognized: [{ kind: 'unrecognized', value: 'MUTED' }, /AWS answered MUTED/, /check by hand/],
};

const rowFor = (check: CheckKind, status: CheckStatus, finding: Finding): CheckRow => ({ check, subject: 'subject-1', status, finding, ref: 'arn:aws:ecs:us-east-1:111122223333:service/cluster-tap-dev/svc-api-gateway-dev' });

test('D-15: every finding has its detail; failed and not-known rows have a next step, passed rows none', () => {
  for (const [kind, [check, status, finding, detail]] of Object.entries(FINDINGS)) {
    assert.match(findingText(finding, NOW), detail, kind);
    const step = nextStep(rowFor(check, status, finding), 'dev');
    if (status === 'ok') assert.is(step, '', `${kind} passed: no next step`);
    else assert.ok(step.length > 20, `${kind}: a next step`);
  }
});

test('D-15: a blue/green deployment in progress is named by its service deployment status', () => {
  assert.is(findingText({ kind: 'service-deploying', deployments: 1, serviceDeployment: 'IN_PROGRESS', reason: 'bake time' }, NOW), 'service deployment IN_PROGRESS: bake time');
});

test('D-15: every reason a check is not known says why and what to do', () => {
  for (const [kind, [why, detail, step]] of Object.entries(UNKNOWABLE)) {
    const finding: Finding = { kind: 'not-known', why };
    assert.match(findingText(finding, NOW), detail, kind);
    assert.match(nextStep(rowFor('service', 'unknown', finding), 'dev'), step, kind);
  }
});

test('D-15: next steps name the subject to act on: the cluster and service, the stack, the AWSPENDING version', () => {
  const service = rowFor('service', 'fail', { kind: 'service-below-desired', running: 1, desired: 2, pending: 0 });
  assert.match(nextStep(service, 'dev'), /--cluster cluster-tap-dev --services svc-api-gateway-dev/);
  assert.match(nextStep({ check: 'stack', subject: 'Services/Frontend', status: 'fail', finding: { kind: 'stack-not-complete', status: 'UPDATE_ROLLBACK_FAILED' } }, 'dev'), /make continue-rollback ENV=dev/);
  assert.match(nextStep({ check: 'stack', subject: 'tap-dev', status: 'fail', finding: { kind: 'stack-not-complete', status: 'ROLLBACK_COMPLETE' } }, 'dev'), /--replace-failed-stack/);
  assert.match(nextStep({ check: 'stack', subject: 'tap-dev', status: 'fail', finding: { kind: 'stack-not-complete', status: 'UPDATE_IN_PROGRESS' } }, 'dev'), /make deploy ENV=dev follows it/);
  const pending = { check: 'rotation', subject: 'secret-x-dev', status: 'fail', finding: { kind: 'rotation-unfinished', pendingVersion: 'v3' } } as const;
  assert.match(nextStep(pending, 'dev'), /update-secret-version-stage --secret-id secret-x-dev --version-stage AWSPENDING --remove-from-version-id v3/);
});

test('D-15: every request verify sends that AWS can refuse has its IAM action, and docs/operations.md lists them all', () => {
  const refusable = [...READ_ONLY_OPERATIONS].filter((op) => !op.startsWith('sts.') && op !== 'http.get');
  assert.equal(refusable.filter((op) => !IAM_ACTIONS[op]), []);
  const operations = fs.readFileSync('docs/operations.md', 'utf8');
  const policy = /The role that runs it needs\s+only:\s*```json\n([\s\S]*?)```/.exec(operations)?.[1] ?? '';
  assert.equal(Object.values(IAM_ACTIONS).filter((action) => !policy.includes(`"${action}"`)), []);
});

test.run();
