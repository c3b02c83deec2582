/**
 * D-5 Unknown is not none (issue 13 #7): when the review cannot see part of a change set (no nested
 * change set, as on moto; a deployed template that cannot be read), the sections that depend on it
 * say "not known" and why, never "none". D-6: with `--require-approval broadening`, --yes does not
 * approve a change set whose security section is not known (or that broadens security).
 *
 * Before this change a CREATE of the fixture platform without nested change sets (a dozen roles
 * and security groups) was reviewed as "No security-relevant changes".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsError } from '../../../src/aws/port';
import { approvalRequirement } from '../../../src/operations/approval';
import { deploying, eventsOf, expectOutcome, Scenario } from '../../helpers/deploy-harness';
import { fixturePlatform, props } from '../../fakes/platform-fixture';

const NOTHING_SECURITY = 'No security-relevant changes';

test('D-5: a CREATE without nested change sets: the security section is "not known" (why, which stacks), never "none"', async () => {
  const s = new Scenario('dev');
  s.aws.omitNestedChangeSets();
  const { outcome, events } = await s.operate(deploying());
  expectOutcome(outcome, 'left-for-review');
  const review = eventsOf(events, 'review-ready')[0].review;
  const nestedStacks = Object.entries(s.platform.templates[0].template.Resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack').map(([id]) => id);
  assert.ok(nestedStacks.length >= 3);
  assert.equal(review.findings.unknown?.security, nestedStacks.map((address) => ({ kind: 'no-nested-change-set', address, action: 'Add' })));
  assert.equal(review.findings.unknown?.dataLoss, undefined, 'nothing can be lost in stacks being created');

  const words = await s.run(['diff', '--env', 'dev']);
  assert.is(words.code, 0, words.stderr);
  assert.not.ok(words.stdout.includes(NOTHING_SECURITY), 'never "none" for what it could not see');
  assert.match(words.stdout, /Security-relevant changes: not known — CloudFormation returned no nested change set for Network, \S.*, so what changes inside them cannot be seen\. Review the templates of those stacks before approving\./);
  assert.match(words.stdout, /~?\+ Network\s+AWS::CloudFormation::Stack  inside not known: no nested change set/);
  assert.match(words.stdout, /in 1 stack; the changes inside \d nested stacks are not known/);
  assert.ok(JSON.parse(s.stateFile('review.json')).review.findings.unknown.security.length >= 3, 'the review file says so too');
});

test('D-5: an UPDATE without nested change sets: data loss and ECS-managed listener rules are not known either', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.aws.omitNestedChangeSets();
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90; });
  const { events } = await s.operate(deploying());
  const { findings } = eventsOf(events, 'review-ready')[0].review;
  // Network changes; Services looks modified (parameters from sibling outputs): inside both, nothing can be seen.
  assert.equal(findings.unknown?.dataLoss?.map((g) => g.address), ['Network', 'Services']);
  assert.equal(findings.unknown?.listenerRules?.map((g) => g.address), ['Network', 'Services']);
  const words = await s.run(['diff', '--env', 'dev']);
  assert.match(words.stdout, /Data-loss risks: not known — CloudFormation returned no nested change set for Network/);
  assert.match(words.stdout, /ECS-managed listener rules: not known/);
  assert.not.ok(words.stdout.includes('No data-loss risks'));
});

test('D-5: a nested stack removed whose deployed template cannot be read: its data loss is not known', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    delete t['root.json'].Resources['Registry'];
    for (const [id, output] of Object.entries(t['root.json'].Outputs ?? {})) if (JSON.stringify(output).includes('Registry')) delete t['root.json'].Outputs?.[id];
  });
  const registry = s.aws.stack('Registry')?.stackId ?? '';
  const getTemplate = s.aws.port.cfn.getTemplate;
  s.aws.port.cfn.getTemplate = async (stack) => {
    if (stack === registry) throw new AwsError('access-denied', 'AccessDenied', 'not allowed', 'cfn.getTemplate', 403);
    return getTemplate(stack);
  };
  const { events, outcome } = await s.operate(deploying());
  const review = eventsOf(events, 'review-ready')[0]?.review;
  assert.ok(review, JSON.stringify(outcome));
  assert.equal(review?.findings.unknown?.dataLoss, [{ kind: 'deployed-template-unread', address: 'Registry', error: 'not allowed' }]);
  assert.equal(review?.findings.dataLoss.filter((f) => f.address.startsWith('Registry/')), [], 'what it holds could not be listed');
});

test('D-5: with every nested change set there, nothing is unknown and "none" is said when it is none', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90; });
  const { events } = await s.operate(deploying());
  assert.equal(eventsOf(events, 'review-ready')[0].review.findings.unknown, {});
  assert.match((await s.run(['diff', '--env', 'dev'])).stdout, /No security-relevant changes: IAM/);
});

test('D-6: --require-approval broadening: --yes does not execute a change set whose security is not known; it is left for review (exit 5)', async () => {
  const s = new Scenario('dev');
  s.aws.omitNestedChangeSets();
  const result = await s.run(['deploy', '--env', 'dev', '--yes', '--require-approval', 'broadening']);
  assert.is(result.code, 5, result.stderr);
  assert.match(result.stdout, /Left for review: change set tap-dev-\S+ was NOT executed \(--require-approval broadening wants a person: its security-relevant changes are not known; there is no terminal to ask\)\./);
  assert.is(s.aws.callsTo('cfn.executeChangeSet').length, 0);
  // Without the flag, --yes executes it (the default stays `never`).
  const s2 = new Scenario('dev');
  s2.aws.omitNestedChangeSets();
  assert.is((await s2.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
});

test('D-6: --require-approval broadening: a change that broadens security needs a person; one that does not is executed with --yes', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => { props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90; });
  const quiet = await s.run(['deploy', '--env', 'dev', '--yes', '--require-approval', 'broadening']);
  assert.is(quiet.code, 0, quiet.stderr);
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = 90;
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
  });
  const broad = await s.run(['deploy', '--env', 'dev', '--yes', '--require-approval', 'broadening']);
  assert.is(broad.code, 5, broad.stderr);
  assert.match(broad.stdout, /\(--require-approval broadening wants a person: 1 security change broadens access; there is no terminal to ask\)/);
  // On a terminal the person is asked, --yes or not.
  const asked = await s.run(['deploy', '--env', 'dev', '--yes', '--require-approval', 'broadening'], { tty: true, answers: ['yes'] });
  assert.is(asked.code, 0, asked.stderr);
  assert.match(asked.stdout, /Execute change set \S+ on tap-dev \(dev\)\? It broadens security\. Type "yes" to execute: yes/);
});

test('D-6: the approval requirement is pure: never, broadening (found or not known), any-change', async () => {
  const s = new Scenario('dev');
  s.aws.omitNestedChangeSets();
  const review = eventsOf((await s.operate(deploying())).events, 'review-ready')[0].review;
  assert.is(approvalRequirement('never', review), undefined);
  assert.equal(approvalRequirement('broadening', review), { level: 'broadening', broadening: review.findings.security.filter((f) => f.broadening).length, securityUnknown: true });
  assert.equal(approvalRequirement('any-change', review), { level: 'any-change' });
  const known = { ...review, findings: { ...review.findings, unknown: {}, security: [] } };
  assert.is(approvalRequirement('broadening', known), undefined);
});

test.run();
