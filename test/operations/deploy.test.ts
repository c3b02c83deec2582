/**
 * Deploy scenarios against the fake CloudFormation (D-3, D-4, D-5, D-6): create, update, no
 * changes, the no-op fast path, decline, left for review, and executing a reviewed change set
 * later. Asserted on the operations' outcomes and events; the words are test/cli/'s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError, type CreateChangeSetRequest } from '../../src/aws/port';
import { allChanges, type ReviewChange } from '../../src/operations/review/model';
import type { Review } from '../../src/operations/review/model';
import { deploying, diffing, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props, type Templates } from '../fakes/platform-fixture';

const createRequests = (calls: readonly { op: string; args: readonly unknown[] }[]) =>
  calls.filter((c) => c.op === 'cfn.createChangeSet').map((c) => c.args[0] as CreateChangeSetRequest);

const change = (review: Review, address: string): ReviewChange | undefined => [...allChanges(review.root)].find((c) => c.address === address);

test('D-4: a first deploy creates the stack through one nested CREATE change set and reports outputs', async () => {
  const s = new Scenario('dev');
  const { outcome, events, calls } = await s.operate(deploying(), { answers: ['yes'] });
  const deployed = expectOutcome(outcome, 'deployed');
  const [request] = createRequests(calls);
  assert.is(request.changeSetType, 'CREATE');
  assert.is(request.includeNestedStacks, true);
  assert.equal([...request.capabilities], ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
  assert.equal(request.tags, { 'cost-center': 'trading-analytics', project: 'tap', environment: 'dev' });
  assert.is(request.parameters['ArtifactBucket'], 'tap-artifacts-111122223333-eu-west-1');
  assert.match('url' in request.template ? request.template.url : '', /^https:\/\/tap-artifacts-111122223333-eu-west-1\.s3\.eu-west-1\.amazonaws\.com\/templates\/[0-9a-f]{64}\.json$/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
  // The review is one tree: Services is added with Frontend nested in it.
  const [{ review }] = eventsOf(events, 'review-ready');
  assert.is(change(review, 'Services')?.action, 'Add');
  assert.is(change(review, 'Services/Frontend')?.resourceType, 'AWS::CloudFormation::Stack');
  assert.equal(eventsOf(events, 'operation-succeeded').map((e) => e.status), ['CREATE_COMPLETE']);
  assert.is(deployed.outputs?.services['frontend']?.['RepositoryUri'], '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ecr-frontend-dev');
  assert.ok(deployed.outputs?.stacks['Services/Frontend']?.['ServiceArn']?.value.includes('svc-frontend-dev'));
  // Only the root change set was executed, by its ARN.
  const executed = calls.filter((c) => c.op === 'cfn.executeChangeSet');
  assert.is(executed.length, 1);
  assert.match(String(executed[0].args[0]), /:changeSet\/tap-dev-/);
});

test('D-4: an update uses an UPDATE change set and shows property-level detail', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
  });
  const { outcome, events, calls } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  assert.is(createRequests(calls)[0].changeSetType, 'UPDATE');
  const [{ review }] = eventsOf(events, 'review-ready');
  const group = change(review, 'Network/AlbSecurityGroup');
  assert.is(group?.action, 'Modify');
  const detail = group?.details.find((d) => d.property === 'Properties.SecurityGroupIngress');
  assert.match(detail?.before ?? '', /10\.0\.0\.0\/8/);
  assert.match(detail?.after ?? '', /0\.0\.0\.0\/0/);
  const security = review.findings.security.map((f) => `${f.change} ${f.kind} ${f.summary}`);
  assert.ok(security.includes('added security-group-rule ${AlbSecurityGroup.GroupId} ingress TCP 443 from Everyone (IPv4)'), security.join('\n'));
  assert.ok(security.includes('removed security-group-rule ${AlbSecurityGroup.GroupId} ingress TCP 443 from 10.0.0.0/8'), security.join('\n'));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test('D-4: no changes is a success: nothing executed, the empty change set deleted', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const { outcome, events, calls } = await s.operate(deploying({ force: true }), { answers: ['yes'] });
  assert.ok(expectOutcome(outcome, 'no-changes').outputs, 'the outputs are read all the same');
  assert.match(eventsOf(events, 'change-set-empty')[0]?.reason ?? '', /^The submitted information didn't contain changes/);
  assert.ok(ops(calls).includes('cfn.deleteChangeSet'));
  assert.not.ok(ops(calls).includes('cfn.executeChangeSet'));
  assert.is(s.aws.pendingChangeSets().length, 0);
});

test('D-3 / D-4: a second deploy with nothing changed uploads nothing and creates no change set', async () => {
  // Without NoEcho parameters the deployed parameters can be compared (DescribeStacks masks NoEcho values).
  const withoutNoEcho = (t: Templates) => {
    delete t['root.json'].Parameters?.['ApiToken'];
    const services = t['root.json'].Resources['Services'].Properties as { Parameters: Record<string, unknown> };
    services.Parameters['ApiToken'] = 'not-a-secret';
  };
  const s = new Scenario('dev', { platform: fixturePlatform(withoutNoEcho) });
  await s.deployed();
  const { outcome, events, calls } = await s.operate(deploying());
  expectOutcome(outcome, 'no-changes');
  assert.equal(eventsOf(events, 'unchanged').map((e) => e.stacks), [5]);
  const used = ops(calls);
  assert.not.ok(used.includes('s3.putObject'));
  assert.not.ok(used.includes('s3.headObject'), 'the skip happens before any upload check');
  assert.not.ok(used.some((op) => /ChangeSet|executeChangeSet/.test(op)));
  assert.equal(used.slice(0, 4), ['sts.configuredRegion', 'sts.callerIdentity', 'cfn.describeStack', 'cfn.getTemplate']);
  // The outputs are refreshed: the remaining calls read them (root + tree).
  assert.ok(used.slice(4).every((op) => op === 'cfn.describeStack' || op === 'cfn.listStackResources'), used.join(' '));
});

test('D-3: a forced deploy of an unchanged tree finds every object already uploaded (HeadObject hits)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const { outcome, events, calls } = await s.operate(deploying({ force: true }), { answers: ['yes'] });
  expectOutcome(outcome, 'no-changes');
  assert.is(calls.filter((c) => c.op === 's3.headObject').length, 6);
  assert.is(calls.filter((c) => c.op === 's3.putObject').length, 0);
  assert.equal(eventsOf(events, 'uploaded'), [{ type: 'uploaded', templates: 5, assets: 1, uploaded: 0, present: 6, bucket: 'tap-artifacts-111122223333-eu-west-1' }]);
});

test('D-3: a missing artifact bucket stops before any change set (the next step is bootstrap)', async () => {
  const s = new Scenario('dev', { bucket: false });
  const { outcome } = await s.operate(deploying(), { answers: ['yes'] });
  assert.equal(expectOutcome(outcome, 'precondition').reason, { kind: 'bucket-missing', bucket: 'tap-artifacts-111122223333-eu-west-1', accountId: '111122223333' });
  assert.equal(s.aws.mutatingCalls(), []);
});

test('D-6: a decline whose change set could not be deleted says so (it is not reported deleted)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
  });
  s.aws.inject('cfn.deleteChangeSet', new AwsError('access-denied', 'AccessDenied', 'User is not authorized to perform: cloudformation:DeleteChangeSet', 'cfn.deleteChangeSet', 403));
  const { outcome, calls } = await s.operate(deploying(), { answers: ['no'] });
  assert.equal(expectOutcome(outcome, 'declined').what, { kind: 'change-set', changeSetDeleted: false, emptyStackDeleted: false });
  assert.is(s.aws.pendingChangeSets().length, 1, 'still there, as the outcome says');
  assert.not.ok(ops(calls).includes('cfn.executeChangeSet'));
});

test('D-6: declining deletes the change set and the empty REVIEW_IN_PROGRESS stack it created', async () => {
  const s = new Scenario('dev');
  const { outcome, questions, calls } = await s.operate(deploying(), { answers: ['no'] });
  assert.equal(expectOutcome(outcome, 'declined').what, { kind: 'change-set', changeSetDeleted: true, emptyStackDeleted: true });
  assert.is(questions[0]?.kind, 'execute-change-set');
  assert.not.ok(ops(calls).includes('cfn.executeChangeSet'));
  assert.is(s.aws.rootStack('tap-dev'), undefined);
  assert.is(s.aws.pendingChangeSets().length, 0);
  assert.equal(s.aws.allStackNames(), [], 'nested REVIEW_IN_PROGRESS stacks went with the change set');
});

test('D-6: answering yes executes the reviewed change set; the question names it, its stack and its data loss', async () => {
  const s = new Scenario('dev');
  const { outcome, questions, events } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  const [{ review }] = eventsOf(events, 'review-ready');
  assert.equal(questions, [{ kind: 'execute-change-set', changeSetName: review.changeSetName, stackName: 'tap-dev', environment: 'dev', dataLoss: 0, whenUnattended: 'unanswered' }]);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-6: with nobody to ask the change set is left for review, and deploy --review executes exactly it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90;
  });
  const left = await s.operate(deploying());
  assert.is(expectOutcome(left.outcome, 'left-for-review').reviewSaved, true);
  assert.not.ok(ops(left.calls).includes('cfn.executeChangeSet'));
  const [{ artifact }] = eventsOf(left.events, 'review-artifact');
  assert.is(s.aws.pendingChangeSets().length, 1);

  // Naming the reviewed file is the approval: nobody is asked again.
  const later = await s.operate(deploying({ review: artifact }));
  expectOutcome(later.outcome, 'deployed');
  assert.is(later.questions[0]?.whenUnattended, 'yes');
  const executed = later.calls.filter((c) => c.op === 'cfn.executeChangeSet');
  assert.equal(executed.map((c) => c.args[0]), [artifact.changeSet.id]);
  assert.not.ok(ops(later.calls).includes('cfn.createChangeSet'));
});

test('D-5: diff creates, reviews and emits the artifact, and never executes; the artifact binds the plan', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'registry.json', 'ApiRepository')['ImageTagMutability'] = 'MUTABLE';
  });
  const { outcome, events, calls } = await s.operate(diffing());
  expectOutcome(outcome, 'reviewed');
  assert.not.ok(ops(calls).includes('cfn.executeChangeSet'));
  const [{ artifact }] = eventsOf(events, 'review-artifact');
  assert.is(artifact.schema, 'tap-review/1');
  assert.is(artifact.toolkitVersion, '0.1.0-test');
  assert.match(artifact.changeSet.id, /:changeSet\//);
  assert.equal(artifact.changeSet.nested.map((n) => n.path), ['Registry']);
  assert.is(artifact.templates.length, 5);
  assert.match(artifact.parametersSha256, /^[0-9a-f]{64}$/);
  assert.match(artifact.tagsSha256, /^[0-9a-f]{64}$/);
  assert.is(artifact.stackState.status, 'CREATE_COMPLETE');
  assert.is(artifact.createdAt, new Date(s.clock.now()).toISOString());
});

test('D-6: deploy --review refuses a stale review (templates, parameters, stack, change set); nothing executes', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90;
  });
  const reviewed = s.platform;
  const [{ artifact }] = eventsOf((await s.operate(diffing())).events, 'review-artifact');

  // 1. The templates moved on after the review.
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 180;
  });
  const stale = await s.operate(deploying({ review: artifact }), { answers: ['yes'] });
  const templates = expectOutcome(stale.outcome, 'stale-review').reasons.filter((r) => r.kind === 'template');
  assert.equal(templates, [
    { kind: 'template', change: 'changed', file: 'root.json', path: '' },
    { kind: 'template', change: 'changed', file: 'network.json', path: 'Network' },
  ]);
  assert.not.ok(ops(stale.calls).includes('cfn.executeChangeSet'));

  // 2. Someone else deployed in between: the stack changed and the change set is gone.
  s.platform = reviewed;
  await s.operate(deploying({ force: true }), { answers: ['yes'] });
  s.clock.advance(60_000);
  const moved = await s.operate(deploying({ review: artifact }), { answers: ['yes'] });
  const kinds = expectOutcome(moved.outcome, 'stale-review').reasons.map((r) => r.kind);
  assert.ok(kinds.includes('stack-changed'), kinds.join(', '));
  assert.ok(kinds.includes('change-set-gone'), kinds.join(', '));
  assert.not.ok(ops(moved.calls).includes('cfn.executeChangeSet'));
});

test('D-6: a missing review file is an input error (exit 2) before anything reaches AWS', async () => {
  const s = new Scenario('dev');
  const missing = await s.run(['deploy', '--env', 'dev', '--review', '.tap/dev/nope.json']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /\.tap\/dev\/nope\.json: \/: does not exist; run `make diff` first/);
  assert.equal(missing.calls, []);
});

test('D-4 / D-5: the real platform (rendered from src/stacks) packages, reviews and deploys through the fake', async () => {
  const { renderPlatform } = await import('../../src/synth/render');
  const platform = renderPlatform();
  const s = new Scenario('dev', { platform });
  const { outcome, events } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  // The root's tree is packaged; the bootstrap stack is rendered alongside but deployed on its own.
  const tree = platform.templates.filter((t) => t.name !== 'bootstrap');
  assert.is(eventsOf(events, 'uploaded')[0]?.templates, tree.length);
  const [{ review }] = eventsOf(events, 'review-ready');
  assert.ok(review.findings.security.some((f) => f.broadening), 'IAM and security groups are reviewed');
  const [{ artifact }] = eventsOf(events, 'review-artifact');
  assert.is(artifact.changeSet.nested.length, tree.length - 1);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
  const again = await s.operate(deploying());
  expectOutcome(again.outcome, 'no-changes');
  assert.equal(eventsOf(again.events, 'unchanged').length, 1);
});

test.run();
