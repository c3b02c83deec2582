/**
 * Deploy scenarios against the fake CloudFormation (D-3, D-4, D-6): create, update, no changes,
 * the no-op fast path, decline, left for review, and executing a reviewed change set later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CreateChangeSetRequest } from '../../src/aws/port';
import { ops, Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props, type Templates } from '../fakes/platform-fixture';

const createRequests = (calls: readonly { op: string; args: readonly unknown[] }[]) =>
  calls.filter((c) => c.op === 'cfn.createChangeSet').map((c) => c.args[0] as CreateChangeSetRequest);

test('D-4: a first deploy creates the stack through one nested CREATE change set and reports outputs', async () => {
  const s = new Scenario('dev');
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  const [request] = createRequests(result.calls);
  assert.is(request.changeSetType, 'CREATE');
  assert.is(request.includeNestedStacks, true);
  assert.equal([...request.capabilities], ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
  assert.equal(request.tags, { 'cost-center': 'trading-analytics', project: 'tap', environment: 'dev' });
  assert.is(request.parameters['ArtifactBucket'], 'tap-artifacts-111122223333-eu-west-1');
  assert.match('url' in request.template ? request.template.url : '', /^https:\/\/tap-artifacts-111122223333-eu-west-1\.s3\.eu-west-1\.amazonaws\.com\/templates\/[0-9a-f]{64}\.json$/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
  assert.match(result.stdout, /\+ Services\s+AWS::CloudFormation::Stack/);
  assert.match(result.stdout, /└─ \+ Frontend\s+AWS::CloudFormation::Stack/);
  assert.match(result.stdout, /✓ tap-dev CREATE_COMPLETE/);
  assert.match(result.stdout, /frontend\s+111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ecr-frontend-dev/);
  const outputs = JSON.parse(s.stateFile('outputs.json'));
  assert.ok(outputs.stacks['Services/Frontend'].ServiceArn.value.includes('svc-frontend-dev'));
  // Only the root change set was executed, by its ARN.
  const executed = result.calls.filter((c) => c.op === 'cfn.executeChangeSet');
  assert.is(executed.length, 1);
  assert.match(String(executed[0].args[0]), /:changeSet\/tap-dev-/);
});

test('D-4: an update uses an UPDATE change set and shows property-level detail', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
  });
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.is(createRequests(result.calls)[0].changeSetType, 'UPDATE');
  assert.match(result.stdout, /~ AlbSecurityGroup\s+AWS::EC2::SecurityGroup/);
  assert.match(result.stdout, /Properties\.SecurityGroupIngress .*10\.0\.0\.0\/8.*→.*0\.0\.0\.0\/0/);
  assert.match(result.stdout, /\+ security-group-rule\s+\$\{AlbSecurityGroup\.GroupId\} ingress TCP 443 from Everyone \(IPv4\)/);
  assert.match(result.stdout, /- security-group-rule\s+\$\{AlbSecurityGroup\.GroupId\} ingress TCP 443 from 10\.0\.0\.0\/8/);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test('D-4: no changes is a success: exit 0, nothing executed, the empty change set deleted', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const result = await s.run(['deploy', '--env', 'dev', '--yes', '--force']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /No changes: CloudFormation found nothing to do \(The submitted information didn't contain changes/);
  assert.ok(ops(result.calls).includes('cfn.deleteChangeSet'));
  assert.not.ok(ops(result.calls).includes('cfn.executeChangeSet'));
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
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /No changes: the deployed templates \(all 5 stacks\), parameters and tags are identical/);
  const used = ops(result.calls);
  assert.not.ok(used.includes('s3.putObject'));
  assert.not.ok(used.includes('s3.headObject'), 'the skip happens before any upload check');
  assert.not.ok(used.some((op) => /ChangeSet|executeChangeSet/.test(op)));
  assert.equal(used.slice(0, 4), ['sts.configuredRegion', 'sts.callerIdentity', 'cfn.describeStack', 'cfn.getTemplate']);
  // The outputs are refreshed: the remaining calls read them (root + tree).
  assert.ok(used.slice(4).every((op) => op === 'cfn.describeStack' || op === 'cfn.listStackResources'), used.join(' '));
  assert.match(result.stdout, /\d+ AWS API calls\./);
});

test('D-3: a forced deploy of an unchanged tree finds every object already uploaded (HeadObject hits)', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  const result = await s.run(['deploy', '--env', 'dev', '--yes', '--force']);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.calls.filter((c) => c.op === 's3.headObject').length, 6);
  assert.is(result.calls.filter((c) => c.op === 's3.putObject').length, 0);
  assert.match(result.stdout, /0 uploaded, 6 already in s3:\/\/tap-artifacts-111122223333-eu-west-1/);
});

test('D-3: a missing artifact bucket stops before any change set, naming make bootstrap', async () => {
  const s = new Scenario('dev', { bucket: false });
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 4);
  assert.match(result.stderr, /the artifact bucket tap-artifacts-111122223333-eu-west-1 does not exist/);
  assert.match(result.stderr, /make bootstrap ENV=dev/);
  assert.equal(s.aws.mutatingCalls(), []);
});

test('D-6: declining deletes the change set and the empty REVIEW_IN_PROGRESS stack it created (exit 6)', async () => {
  const s = new Scenario('dev');
  const result = await s.run(['deploy', '--env', 'dev'], { tty: true, answers: ['no'] });
  assert.is(result.code, 6);
  assert.match(result.stdout, /Type "yes" to execute: no/);
  assert.match(result.stdout, /Declined: the change set was deleted, and so was the empty stack it had created/);
  assert.not.ok(ops(result.calls).includes('cfn.executeChangeSet'));
  assert.is(s.aws.rootStack('tap-dev'), undefined);
  assert.is(s.aws.pendingChangeSets().length, 0);
  assert.equal(s.aws.allStackNames(), [], 'nested REVIEW_IN_PROGRESS stacks went with the change set');
});

test('D-6: typing yes on a terminal executes the reviewed change set', async () => {
  const s = new Scenario('dev');
  const result = await s.run(['deploy', '--env', 'dev'], { tty: true, answers: ['yes'] });
  assert.is(result.code, 0, result.stderr);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-6: without a terminal and without --yes the change set is left for review (exit 5) and deploy --review executes exactly it', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90;
  });
  const left = await s.run(['deploy', '--env', 'dev']);
  assert.is(left.code, 5);
  assert.match(left.stdout, /Left for review: change set tap-dev-\S+ was NOT executed/);
  assert.match(left.stdout, /make deploy ENV=dev REVIEW=\.tap\/dev\/review\.json/);
  assert.match(left.stdout, /tap deploy --env dev --review \.tap\/dev\/review\.json/);
  assert.not.ok(ops(left.calls).includes('cfn.executeChangeSet'));
  const artifact = JSON.parse(s.stateFile('review.json'));
  assert.is(s.aws.pendingChangeSets().length, 1);

  const later = await s.run(['deploy', '--env', 'dev', '--review', '.tap/dev/review.json']);
  assert.is(later.code, 0, later.stderr);
  const executed = later.calls.filter((c) => c.op === 'cfn.executeChangeSet');
  assert.equal(executed.map((c) => c.args[0]), [artifact.changeSet.id]);
  assert.not.ok(ops(later.calls).includes('cfn.createChangeSet'));
});

test('D-5: make diff creates, reviews and saves, and never executes; the artifact binds the plan', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'registry.json', 'ApiRepository')['ImageTagMutability'] = 'MUTABLE';
  });
  const result = await s.run(['diff', '--env', 'dev']);
  assert.is(result.code, 0, result.stderr);
  assert.not.ok(ops(result.calls).includes('cfn.executeChangeSet'));
  assert.match(result.stdout, /To execute exactly this change set: make deploy ENV=dev REVIEW=\.tap\/dev\/review\.json/);
  const artifact = JSON.parse(s.stateFile('review.json'));
  assert.is(artifact.schema, 'tap-review/1');
  assert.is(artifact.toolkitVersion, '0.1.0-test');
  assert.match(artifact.changeSet.id, /:changeSet\//);
  assert.equal(artifact.changeSet.nested.map((n: { path: string }) => n.path), ['Registry']);
  assert.is(artifact.templates.length, 5);
  assert.match(artifact.parametersSha256, /^[0-9a-f]{64}$/);
  assert.match(artifact.tagsSha256, /^[0-9a-f]{64}$/);
  assert.is(artifact.stackState.status, 'CREATE_COMPLETE');
  assert.is(artifact.createdAt, new Date(s.clock.now()).toISOString());
  assert.match(s.stateFile('review.md'), /## Change set review: tap-dev \(dev\)/);
});

test('D-6: deploy --review refuses a stale review (templates, parameters, stack, change set) with exit 9', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90;
  });
  assert.is((await s.run(['diff', '--env', 'dev'])).code, 0);
  // The reviewer's copy (a CI artifact); later runs overwrite .tap/dev/review.json.
  fs.copyFileSync(path.join(s.root, '.tap/dev/review.json'), path.join(s.root, 'reviewed.json'));

  // 1. The templates moved on after the review.
  const reviewed = s.platform;
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 180;
  });
  const stale = await s.run(['deploy', '--env', 'dev', '--review', 'reviewed.json', '--yes']);
  assert.is(stale.code, 9);
  assert.match(stale.stderr, /templates\/network\.json \(Network\) changed since the review/);
  assert.match(stale.stderr, /templates\/root\.json \(root\) changed since the review/);
  assert.not.ok(ops(stale.calls).includes('cfn.executeChangeSet'));

  // 2. Someone else deployed in between: the stack changed and the change set is gone.
  s.platform = reviewed;
  await s.run(['deploy', '--env', 'dev', '--yes', '--force']);
  s.clock.advance(60_000);
  const moved = await s.run(['deploy', '--env', 'dev', '--review', 'reviewed.json', '--yes']);
  assert.is(moved.code, 9);
  assert.match(moved.stderr, /stack tap-dev changed since the review/);
  assert.match(moved.stderr, /change set tap-dev-\S+ no longer exists/);
  assert.not.ok(ops(moved.calls).includes('cfn.executeChangeSet'));
});

test('D-6: a missing review file is an input error (exit 2)', async () => {
  const s = new Scenario('dev');
  const missing = await s.run(['deploy', '--env', 'dev', '--review', '.tap/dev/nope.json']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /\.tap\/dev\/nope\.json: \/: does not exist; run `make diff` first/);
});

test('D-4 / D-5: the real platform (rendered from src/stacks) packages, reviews and deploys through the fake', async () => {
  const { renderPlatform } = await import('../../src/synth/render');
  const platform = renderPlatform();
  const s = new Scenario('dev', { platform });
  const result = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, `${result.stdout.slice(-3000)}\n${result.stderr}`);
  // The root's tree is packaged; the bootstrap stack is rendered alongside but deployed on its own.
  const tree = platform.templates.filter((t) => t.name !== 'bootstrap');
  const nested = tree.length - 1;
  assert.match(result.stdout, new RegExp(`Packaged ${tree.length} templates`));
  assert.match(result.stdout, /Security-relevant changes \(\d+, \d+ broadening\)/);
  const artifact = JSON.parse(s.stateFile('review.json'));
  assert.is(artifact.changeSet.nested.length, nested);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
  const again = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /No changes: the deployed templates/);
});

test.run();
