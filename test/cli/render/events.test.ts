/**
 * An operation's events in words, as a person reads them while it runs: each event type rendered
 * from data as the operations emit it, on the stream it belongs to. A Record over every event
 * type: a new event does not compile until its words are tested here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventRenderer } from '../../../src/cli/render/events';
import { styler } from '../../../src/cli/terminal';
import { sayTo } from '../../../src/cli/ui';
import { createMasker } from '../../../src/operations/mask';
import type { OperationEvent } from '../../../src/operations/operation';
import { createState } from '../../../src/operations/progress/state';
import type { Review } from '../../../src/operations/review/model';
import type { ReviewArtifact } from '../../../src/operations/review/artifact';
import type { RetainedKind, RetainedResource } from '../../../src/operations/retained';
import { Capture } from '../../helpers/capture';

type Case = { readonly events: readonly OperationEvent[]; readonly stdout: readonly (string | RegExp)[]; readonly yes?: boolean; readonly latestReview?: boolean };

const REVIEW = (dataLoss: number): Review => ({
  environment: 'dev',
  stackName: 'tap-dev',
  stackId: 'arn:stack',
  changeSetId: 'arn:cs',
  changeSetName: 'tap-dev-20261012-090320-a33eac0a',
  changeSetType: 'UPDATE',
  root: { path: '', stackName: 'tap-dev', changeSetId: 'arn:cs', status: 'CREATE_COMPLETE', changes: [{ stackPath: '', logicalId: 'Network', address: 'Network', resourceType: 'AWS::CloudFormation::Stack', action: 'Modify', details: [], dynamicOnly: false }] },
  parameters: [],
  findings: {
    dataLoss: Array.from({ length: dataLoss }, () => ({ address: 'Registry/FrontendRepository', resourceType: 'AWS::ECR::Repository', what: 'replaced' as const, why: 'images', causes: [], likelyNoise: false })),
    security: [],
    listenerRules: [],
    noise: [],
  },
  counts: { add: 0, modify: 1, remove: 0, replace: 0, conditional: 0, stacks: 2 },
});

const ARTIFACT = { schema: 'tap-review/1', environment: 'dev', stackName: 'tap-dev', createdAt: '2026-10-12T09:03:20.000Z', toolkitVersion: '0.1.0', changeSet: { id: 'arn:cs', name: 'tap-dev-x', type: 'UPDATE', nested: [] }, review: REVIEW(0) } as unknown as ReviewArtifact;
const state = createState('arn:root', 'tap-dev', Date.UTC(2026, 9, 12, 9, 3, 20));
const retained = (kind: RetainedKind, resourceType: string, path: string, logicalId: string, physicalId: string): RetainedResource => ({ kind, resourceType, path, logicalId, physicalId });
const SECRET = retained('secret', 'AWS::SecretsManager::Secret', 'Services/Frontend', 'ApiTokenSecret', 'arn:aws:secretsmanager:eu-west-1:1:secret:tap-dev-token-AbCdEf');
const REPOSITORY = retained('repository', 'AWS::ECR::Repository', 'Registry', 'FrontendRepository', 'ecr-frontend-dev');
const LOG_GROUP = retained('log-group', 'AWS::Logs::LogGroup', 'Services/Frontend', 'LogGroup', '/tap/dev/frontend');
const BUCKET = retained('bucket', 'AWS::S3::Bucket', 'Network', 'AccessLogBucket', 'tap-alb-logs-dev');
const KEY = retained('key', 'AWS::KMS::Key', 'Registry', 'RegistryKey', '1234abcd-12ab');
const ALB = 'arn:aws:elasticloadbalancing:eu-west-1:7:loadbalancer/app/alb-tap-prod/50dc6c495c0c9188';

const PROMOTED_FROM = { environment: 'staging', accountId: '444455556666', region: 'eu-west-1', stackName: 'tap-staging', bucket: 'tap-artifacts-444455556666-eu-west-1', status: 'UPDATE_COMPLETE', lastChanged: '2026-11-20T08:00:00.000Z' } as const;

const CASES: Record<OperationEvent['type'], Case> = {
  connected: {
    events: [
      { type: 'connected', environment: 'dev', stackName: 'tap-dev', accountId: '111122223333', region: 'eu-west-1', caller: 'arn:aws:sts::111122223333:assumed-role/ci' },
      { type: 'connected', environment: 'dev', stackName: 'tap-dev', accountId: '111122223333', region: 'eu-west-1', caller: 'arn:aws:sts::111122223333:assumed-role/role-deploy-tap-dev/tap-dev-1', deployRole: 'arn:aws:iam::111122223333:role/role-deploy-tap-dev' },
    ],
    stdout: ['dev: stack tap-dev in account 111122223333, eu-west-1 (as arn:aws:sts::111122223333:assumed-role/ci)', '(as arn:aws:sts::111122223333:assumed-role/role-deploy-tap-dev/tap-dev-1, the deploy role of deployment.deployRoleArn)'],
  },
  retry: { events: [{ type: 'retry', operation: 'cfn.createChangeSet', errorKind: 'throttled', code: 'Throttling', attempt: 1, delayMs: 250 }, { type: 'retry', operation: 'cfn.describeStackEvents', errorKind: 'transient', code: 'ECONNRESET', attempt: 3, delayMs: 1000 }],
    stdout: ['throttled on cfn.createChangeSet; retry 1 in 0.3s', 'ECONNRESET on cfn.describeStackEvents; retry 3 in 1s'] },
  'watch-started': { events: [{ type: 'watch-started', stackName: 'tap-dev', startedAt: 0 }], stdout: [] },
  'stack-event': {
    events: [
      { type: 'watch-started', stackName: 'tap-dev', startedAt: 0 },
      { type: 'stack-event', state, event: { path: 'Services/Frontend', event: { eventId: '1', stackId: 'arn:fe', stackName: 'x', logicalId: 'Service', resourceType: 'AWS::ECS::Service', status: 'UPDATE_FAILED', reason: 'circuit breaker', timestamp: new Date(Date.UTC(2026, 9, 12, 9, 3, 53)) } } },
    ],
    stdout: ['09:03:53 Services/Frontend › AWS::ECS::Service Service UPDATE_FAILED — circuit breaker'],
  },
  progress: { events: [{ type: 'watch-started', stackName: 'tap-dev', startedAt: state.startedAt }, { type: 'progress', state, now: state.startedAt + 31_000 }], stdout: ['… 31s elapsed; waiting for CloudFormation'] },
  'watch-warning': { events: [{ type: 'watch-started', stackName: 'tap-dev', startedAt: 0 }, { type: 'watch-warning', error: { code: 'ECONNRESET', message: 'socket hang up' } }], stdout: ['warning could not read stack events (ECONNRESET: socket hang up); still trying'] },
  'watch-ended': { events: [{ type: 'watch-started', stackName: 'tap-dev', startedAt: 0 }, { type: 'watch-ended' }, { type: 'watch-warning', error: { code: 'X', message: 'after' } }], stdout: [] },
  'operation-succeeded': { events: [{ type: 'operation-succeeded', stackName: 'tap-dev', status: 'UPDATE_ROLLBACK_COMPLETE', elapsedMs: 95_000 }], stdout: ['\n✓ tap-dev UPDATE_ROLLBACK_COMPLETE in 1m35s'] },
  attaching: { events: [{ type: 'attaching', stackName: 'tap-dev', status: 'UPDATE_IN_PROGRESS' }], stdout: ['tap-dev is UPDATE_IN_PROGRESS: another deployment is running. Following it instead of starting a second one.'] },
  'attached-finished': { events: [{ type: 'attached-finished' }], stdout: ['That deployment has finished; checking whether these templates still need deploying.'] },
  'replacing-failed-stack': {
    events: [{ type: 'replacing-failed-stack', stackName: 'tap-dev', status: 'ROLLBACK_COMPLETE', requested: true }, { type: 'replacing-failed-stack', stackName: 'tap-dev-bootstrap', status: 'ROLLBACK_COMPLETE', requested: false }],
    stdout: ['tap-dev is ROLLBACK_COMPLETE after a failed first create: deleting it before creating it again (--replace-failed-stack).', 'tap-dev-bootstrap is ROLLBACK_COMPLETE after a failed first create: deleting it before creating it again.\n'],
  },
  unchanged: { events: [{ type: 'unchanged', stacks: 5 }, { type: 'unchanged', stacks: 1 }],
    stdout: ['✓ No changes: the deployed templates (all 5 stacks), parameters and tags are identical to these; no change set needed (--force creates one anyway).', '(all 1 stack), parameters'] },
  compared: {
    events: [
      { type: 'compared', reason: { kind: 'templates' } },
      { type: 'compared', reason: { kind: 'no-echo', parameters: ['ApiToken'] } },
      { type: 'compared', reason: { kind: 'status', status: 'UPDATE_ROLLBACK_COMPLETE' } },
      { type: 'compared', reason: { kind: 'parameters' } },
      { type: 'compared', reason: { kind: 'tags' } },
    ],
    stdout: ['Compared with the deployed stack: templates changed.', 'Compared with the deployed stack: NoEcho parameters (ApiToken) cannot be compared with the deployed stack.', 'the stack is UPDATE_ROLLBACK_COMPLETE.', 'parameters changed.', 'tags changed.'],
  },
  uploaded: {
    events: [
      { type: 'uploaded', templates: 5, assets: 1, uploaded: 0, present: 6, bucket: 'tap-artifacts-111122223333-eu-west-1' },
      { type: 'uploaded', templates: 5, assets: 1, uploaded: 2, present: 4, bucket: 'tap-artifacts-777788889999-us-east-1', copiedFrom: { environment: 'staging', bucket: 'tap-artifacts-444455556666-eu-west-1' } },
    ],
    stdout: [
      'Packaged 5 templates and 1 assets: 0 uploaded, 6 already in s3://tap-artifacts-111122223333-eu-west-1',
      'Promoting 5 templates and 1 code assets of staging: 2 copied from s3://tap-artifacts-444455556666-eu-west-1 to s3://tap-artifacts-777788889999-us-east-1, 4 already there',
    ],
  },
  'promotion-source': {
    events: [
      { type: 'promotion-source', from: PROMOTED_FROM, rootSha256: 'ab'.repeat(32), templates: 5, assets: 1, differences: [], mismatchAllowed: false, parametersNotPassed: [], imageTags: [] },
      {
        type: 'promotion-source', from: PROMOTED_FROM, rootSha256: 'cd'.repeat(32), templates: 5, assets: 1, mismatchAllowed: true,
        differences: [{ kind: 'template', path: 'Services/Frontend', change: 'changed' }, { kind: 'code', key: 'assets/rotate-api-key-0123456789abcdef.zip', change: 'only-in-workspace' }],
        parametersNotPassed: ['EcsExec'],
        imageTags: [{ service: 'frontend', source: '1.0.1', target: '1.0.0' }, { service: 'api-gateway', source: '1.0.0', target: '' }],
      },
    ],
    stdout: [
      'Promoting what staging runs: tap-staging (account 444455556666, eu-west-1, UPDATE_COMPLETE at 2026-11-20T08:00:00.000Z), root template abababababab…, 5 templates and 1 code assets by content hash from s3://tap-artifacts-444455556666-eu-west-1.',
      'templates/ is what staging runs.',
      'warning templates/ is not what staging runs (template Services/Frontend differs; code assets/rotate-api-key-0123456789abcdef.zip is in templates/, not in what staging runs); promoting what staging runs, as --allow-mismatch asks.',
      'Not passed (the templates staging runs do not declare them): EcsExec.',
      'Image tags are each environment\'s own (its params file): frontend 1.0.0 (staging runs 1.0.1), api-gateway (not released) (staging runs 1.0.0).',
    ],
  },
  'change-set-creating': {
    events: [
      { type: 'change-set-creating', name: 'tap-dev-x', changeSetType: 'CREATE', nested: true },
      { type: 'change-set-creating', name: 'tap-dev-y', changeSetType: 'UPDATE', nested: true, roleArn: 'arn:aws:iam::111122223333:role/role-cfn-exec-tap-dev' },
    ],
    stdout: ['Creating change set tap-dev-x (CREATE, nested stacks included)…', 'Creating change set tap-dev-y (UPDATE, nested stacks included; CloudFormation acts as arn:aws:iam::111122223333:role/role-cfn-exec-tap-dev)…'],
  },
  'change-set-empty': { events: [{ type: 'change-set-empty', reason: "The submitted information didn't contain changes. Submit different information to create a change set." }],
    stdout: ["✓ No changes: CloudFormation found nothing to do (The submitted information didn't contain changes. Submit different information to create a change set.). The empty change set was deleted."] },
  'reviewed-change-set': { events: [{ type: 'reviewed-change-set', name: 'tap-dev-x', createdAt: '2026-10-12T09:03:20.000Z' }], stdout: ['Executing the change set reviewed at 2026-10-12T09:03:20.000Z: tap-dev-x.'] },
  'review-ready': { events: [{ type: 'review-ready', review: REVIEW(0), from: 'new' }], stdout: ['\nChange set tap-dev-20261012-090320-a33eac0a (UPDATE of tap-dev)\n  0 to add, 1 to modify, 0 to remove, in 2 stacks', /└─ ~ Network\s+AWS::CloudFormation::Stack/] },
  'review-artifact': { events: [{ type: 'review-artifact', artifact: ARTIFACT }], stdout: ['\nReview saved to .tap/dev/reviews/tap-dev-x.json and .tap/dev/reviews/tap-dev-x.md.\n'] },
  'release-unused': {
    events: [{ type: 'release-unused', option: 'allow-replace', address: 'Registry/Typo' }, { type: 'release-unused', option: 'allow-update', address: 'Services/Frontend/Typo' }],
    stdout: ['warning --allow-replace Registry/Typo matches no data-loss finding of this change set; ignored.', 'warning --allow-update Services/Frontend/Typo matches no ECS-managed listener rule change of this change set; ignored.'],
  },
  'policy-relaxed': { events: [{ type: 'policy-relaxed', addresses: ['Registry/FrontendRepository'], stacks: ['Registry', ''] }], stdout: ['Stack policy relaxed for Registry/FrontendRepository (named with --allow-replace / --allow-update) in: Registry, root'] },
  'policy-restored': { events: [{ type: 'policy-restored' }], stdout: ['Stack policy restored.'] },
  'execute-answer-lost': { events: [{ type: 'execute-answer-lost', code: 'ECONNRESET', executionStatus: 'EXECUTE_IN_PROGRESS' }], stdout: ["ExecuteChangeSet's answer was lost (ECONNRESET), but the change set is EXECUTE_IN_PROGRESS: it was accepted; following it."] },
  'execute-retry': { events: [{ type: 'execute-retry', code: 'ECONNRESET' }], stdout: ['ExecuteChangeSet failed (ECONNRESET); the change set is still AVAILABLE, so it was not executed: trying once more.'] },
  executing: { events: [{ type: 'executing', changeSetName: 'tap-dev-x' }], stdout: ['Executing tap-dev-x…'] },
  protections: {
    events: [
      { type: 'protections', report: { retain: true, terminationProtectionEnabled: true, policiesSet: ['', 'Network', 'Registry', 'Services', 'Services/Frontend'], frozenRules: ['Services/Frontend/ProdListenerRule'], stacks: 5 } },
      { type: 'protections', report: { retain: true, terminationProtectionEnabled: false, policiesSet: [], frozenRules: [], stacks: 5 } },
      { type: 'protections', report: { retain: false, terminationProtectionEnabled: false, policiesSet: ['Services/Frontend'], frozenRules: ['Services/Frontend/ProdListenerRule'], stacks: 5 } },
    ],
    stdout: [
      'Data protection (DataProtection=retain): termination protection enabled on the root; stack policy set on root, Network, Registry, Services, Services/Frontend; ECS-managed listener rules frozen: Services/Frontend/ProdListenerRule.',
      'Data protection (DataProtection=retain): termination protection on; stack policies in place on all 5 stacks.',
      'Stack protections: stack policy set on Services/Frontend; ECS-managed listener rules frozen: Services/Frontend/ProdListenerRule.',
    ],
  },
  'destroy-plan': {
    events: [
      { type: 'destroy-plan', stackName: 'tap-dev', environment: 'dev', accountId: '111122223333', region: 'eu-west-1', stacks: 5, resources: 16, retain: false, protectedLoadBalancers: [], retained: [SECRET, REPOSITORY, LOG_GROUP, BUCKET, KEY] },
      { type: 'destroy-plan', stackName: 'tap-prod', environment: 'prod', accountId: '7', region: 'eu-west-1', stacks: 5, resources: 16, retain: true, protectedLoadBalancers: [ALB], retained: [SECRET, KEY] },
      { type: 'destroy-plan', stackName: 'tap-dev', environment: 'dev', accountId: '111122223333', region: 'eu-west-1', stacks: 5, resources: 1, retain: false, protectedLoadBalancers: [], retained: [REPOSITORY], stacksDeletedAt: new Date('2026-10-12T09:05:00Z') },
    ],
    stdout: [
      'Destroying tap-dev (dev, account 111122223333, eu-west-1): 5 stacks, 16 resources.',
      '  after the stacks, the resources they retain are deleted:',
      '  secret tap-dev-token-AbCdEf (Services/Frontend/ApiTokenSecret), without a recovery window',
      '  repository ecr-frontend-dev (Registry/FrontendRepository), with its images',
      '  log group /tap/dev/frontend (Services/Frontend/LogGroup), with its events',
      '  bucket tap-alb-logs-dev (Network/AccessLogBucket), emptied first (every version)',
      '  KMS key 1234abcd-12ab (Registry/RegistryKey), scheduled for deletion in 7 days, the minimum',
      'Destroying tap-prod (prod, account 7, eu-west-1): 5 stacks, 16 resources.',
      `  load balancer ${ALB} has deletion protection on: it is turned off first (--force)`,
      '  the 2 stateful resources are kept (DataProtection=retain): repositories, secrets, log groups, keys and buckets.',
      'tap-dev (dev, account 111122223333, eu-west-1) was deleted at 2026-10-12T09:05:00.000Z; 1 resource it retained still exists and will be deleted:',
      '  repository ecr-frontend-dev (Registry/FrontendRepository), with its images',
    ],
  },
  'termination-protection-off': { events: [{ type: 'termination-protection-off' }], stdout: ['Termination protection turned off (--force).'] },
  'deletion-protection-off': { events: [{ type: 'deletion-protection-off', loadBalancer: ALB }], stdout: [`Deletion protection of load balancer ${ALB} turned off (--force), so that CloudFormation can delete it.`] },
  'retained-deleted': {
    events: [
      { type: 'retained-deleted', resource: SECRET, outcome: { result: 'deleted' } },
      { type: 'retained-deleted', resource: BUCKET, outcome: { result: 'deleted', removedObjects: 5 } },
      { type: 'retained-deleted', resource: LOG_GROUP, outcome: { result: 'gone' } },
      { type: 'retained-deleted', resource: KEY, outcome: { result: 'key-scheduled', pendingDays: 7, deletionDate: new Date('2026-10-19T09:05:00Z') } },
      { type: 'retained-deleted', resource: KEY, outcome: { result: 'key-already-scheduled' } },
    ],
    stdout: [
      'Deleted secret tap-dev-token-AbCdEf.',
      'Deleted bucket tap-alb-logs-dev (5 objects and versions removed first).',
      'log group /tap/dev/frontend was already gone.',
      'Scheduled KMS key 1234abcd-12ab for deletion on 2026-10-19T09:05:00.000Z (7 days, the minimum KMS allows).',
      'KMS key 1234abcd-12ab was already pending deletion.',
    ],
  },
  'rollback-failed-found': { events: [{ type: 'rollback-failed-found', stackName: 'tap-dev', last: { rollbackFailures: [], skip: [] } }], stdout: ['tap-dev is UPDATE_ROLLBACK_FAILED.'] },
  'skip-unknown': { events: [{ type: 'skip-unknown', address: 'Typo.Resource', candidates: ['Services.Frontend.LogGroup'] }], stdout: ['warning --skip Typo.Resource is not among the resources that failed to roll back (Services.Frontend.LogGroup); CloudFormation will decide.'] },
  'drift-detecting': { events: [{ type: 'drift-detecting', stackName: 'tap-dev' }], stdout: ['Detecting drift on tap-dev and its nested stacks…'] },
  'verify-started': { events: [{ type: 'verify-started', stackName: 'tap-dev' }], stdout: ['Verifying tap-dev and its nested stacks, read-only: stacks, services, target groups, public paths, Cloud Map, secret rotation, alarms, logs…'] },
  'bootstrap-account': {
    events: [
      { type: 'bootstrap-account', ecsServiceLinkedRole: 'present', githubOidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      { type: 'bootstrap-account', ecsServiceLinkedRole: 'missing', githubOidcProvider: 'managed-here', githubOidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
    ],
    stdout: [
      'The account has the ECS service-linked role: not creating it.',
      'The account has no ECS service-linked role yet: this stack creates it.',
      'The GitHub OIDC provider (arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com) was created by this stack before: kept.',
    ],
  },
  'image-found': {
    events: [{ type: 'image-found', service: 'api-gateway', repository: 'ecr-api-gateway-dev', tag: '2026.11.4', digest: `sha256:${'ab'.repeat(32)}`, pushedAt: new Date(Date.UTC(2026, 10, 20, 8, 0, 0)) }],
    stdout: ['Image ecr-api-gateway-dev:2026.11.4 is in ECR (sha256:abababababab…, pushed 2026-11-20T08:00:00.000Z).'],
  },
  'release-scope': {
    events: [
      { type: 'release-scope', service: 'api-gateway', stackPath: 'Services/ApiGateway', changed: ['Services/ApiGateway/TaskDefinition', 'Services/ApiGateway/Service'], noise: ['Services/Frontend'] },
      { type: 'release-scope', service: 'data-ingestion', stackPath: 'Services/DataIngestion', changed: ['Services/DataIngestion/TaskDefinition'], noise: [] },
    ],
    stdout: [
      'Release of api-gateway: only Services/ApiGateway changes (2 resources).',
      "Services/Frontend is listed because it reads api-gateway's outputs, known only after apply: probably no change.",
      'Release of data-ingestion: only Services/DataIngestion changes (1 resource).',
    ],
  },
  'stale-lock-removed': {
    events: [{ type: 'stale-lock-removed', file: '/tmp/x/.tap/dev/deploy.lock', holder: { pid: 4242, host: 'laptop', command: 'tap deploy --env dev', startedAt: '2026-10-12T09:00:00.000Z', toolkitVersion: '0.1.0', token: 't' } }],
    stdout: [/^Took over \S*\.tap\/dev\/deploy\.lock from `tap deploy --env dev` \(pid 4242, since 2026-10-12T09:00:00\.000Z\), which has ended without releasing it\.$/m],
  },
  'other-change-sets': {
    events: [
      { type: 'other-change-sets', stackName: 'tap-dev', changeSets: [{ id: 'arn:cs1', name: 'tap-dev-20261012-085000-0a1b2c3d', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', createdAt: '2026-10-12T08:50:00.000Z' }] },
      { type: 'other-change-sets', stackName: 'tap-dev', changeSets: [{ id: 'a', name: 'a', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', createdAt: '2026-10-12T08:50:00.000Z' }, { id: 'b', name: 'b', status: 'CREATE_COMPLETE', executionStatus: 'AVAILABLE', createdAt: '2026-10-12T08:51:00.000Z' }] },
    ],
    stdout: [
      "Another change set waits on tap-dev, not executed: tap-dev-20261012-085000-0a1b2c3d (2026-10-12 08:50:00 UTC). Executing a change set makes CloudFormation delete the stack's others.",
      '2 other change sets wait on tap-dev, not executed: a (2026-10-12 08:50:00 UTC), b (2026-10-12 08:51:00 UTC).',
    ],
  },
};

function render(events: readonly OperationEvent[], options: { yes?: boolean; tty?: boolean; latestReview?: boolean } = {}): { stdout: string; stderr: string; root: string } {
  const out = new Capture();
  if (options.tty) {
    out.isTTY = true;
    out.columns = 120;
  }
  const err = new Capture();
  const output = { out, err, color: false };
  const style = styler(false);
  const masker = createMasker([], ['s3cr3t-value']);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-events-'));
  const emit = eventRenderer({ say: sayTo(output, style, masker), style, output, masker, root, yes: options.yes ?? false, latestReview: options.latestReview ?? false });
  for (const event of events) emit(event);
  return { stdout: out.text, stderr: err.text, root };
}

for (const [type, { events, stdout, yes }] of Object.entries(CASES)) {
  test(`D-4 … D-11 (words): the ${type} event`, () => {
    const rendered = render(events, { yes: yes ?? false });
    for (const expected of stdout) {
      assert.ok(typeof expected === 'string' ? rendered.stdout.includes(expected) : expected.test(rendered.stdout), `stdout lacks ${expected}:\n${rendered.stdout}`);
    }
    if (stdout.length === 0) assert.is(rendered.stdout, '');
    assert.is(rendered.stderr, '', 'events are narrative: stdout');
  });
}

test('D-6: a change set executed from a reviewed file shows its summary, and the whole tree unless --yes without data loss', () => {
  const fromFile = (dataLoss: number): OperationEvent => ({ type: 'review-ready', review: REVIEW(dataLoss), from: 'review-file' });
  const summary = '  0 to add, 1 to modify, 0 to remove, in 2 stacks';
  assert.is(render([fromFile(0)], { yes: true }).stdout, `${summary}\n`);
  assert.match(render([fromFile(0)], { yes: false }).stdout, /Change set tap-dev-\S+ \(UPDATE of tap-dev\)/);
  assert.match(render([fromFile(1)], { yes: true }).stdout, /Data-loss risks \(1\)/);
});

test('D-5: the review artifact is saved per change set (json and md), masked, with the command that executes it; a deploy leaves review.json alone', () => {
  const { root, stdout } = render([{ type: 'review-artifact', artifact: { ...ARTIFACT, toolkitVersion: 's3cr3t-value' } }]);
  const json = fs.readFileSync(path.join(root, '.tap/dev/reviews/tap-dev-x.json'), 'utf8');
  const markdown = fs.readFileSync(path.join(root, '.tap/dev/reviews/tap-dev-x.md'), 'utf8');
  assert.is(JSON.parse(json).changeSet.id, 'arn:cs');
  assert.match(markdown, /^## Change set review: tap-dev \(dev\)/);
  assert.match(markdown, /Execute exactly this change set: `make deploy ENV=dev REVIEW=\.tap\/dev\/reviews\/tap-dev-x\.json`/);
  assert.not.ok(`${json}${markdown}`.includes('s3cr3t-value'), 'a known secret never reaches the files');
  assert.not.ok(fs.existsSync(path.join(root, '.tap/dev/review.json')), 'only a diff writes the latest review');
  assert.not.match(stdout, /latest diff/);
});

test('D-5 / D-13: a diff saves its review per change set and as the latest diff (review.json, review.md)', () => {
  const { root, stdout } = render([{ type: 'review-artifact', artifact: ARTIFACT }], { latestReview: true });
  assert.is(fs.readFileSync(path.join(root, '.tap/dev/review.json'), 'utf8'), fs.readFileSync(path.join(root, '.tap/dev/reviews/tap-dev-x.json'), 'utf8'));
  assert.ok(fs.existsSync(path.join(root, '.tap/dev/review.md')));
  assert.ok(stdout.includes('Review saved to .tap/dev/reviews/tap-dev-x.json and .tap/dev/reviews/tap-dev-x.md (and, as the latest diff, .tap/dev/review.json and .tap/dev/review.md).'), stdout);
});

test.run();
