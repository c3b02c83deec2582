/**
 * D-5 Review: one tree of the root and every nested change set, replacement highlighted,
 * property-level detail, and the findings: data loss, security, ECS-managed listener rules, and
 * noise from sibling-output parameters (roadmap #759). Asserted on the review the diff emits;
 * the tree in words is test/cli/'s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NOISE_KNOWN_AFTER_APPLY, NOISE_SIBLING_OUTPUTS, servicesManagingRule } from '../../../src/operations/review/findings';
import { allChanges, type Review, type ReviewChange } from '../../../src/operations/review/model';
import { baseTemplates, fixturePlatform, props, type Templates } from '../../fakes/platform-fixture';
import { diffing, eventsOf, expectOutcome, Scenario } from '../../helpers/deploy-harness';

/** Deploys the fixture, changes it, and returns the review of the diff. */
async function reviewOf(change: (t: Templates) => void): Promise<{ review: Review; nested: readonly string[] }> {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform(change);
  const { outcome, events } = await s.operate(diffing());
  expectOutcome(outcome, 'reviewed');
  const [{ review }] = eventsOf(events, 'review-ready');
  const [{ artifact }] = eventsOf(events, 'review-artifact');
  for (const nested of artifact.changeSet.nested) assert.match(nested.id, /^arn:aws:cloudformation:eu-west-1:111122223333:changeSet\//);
  return { review, nested: artifact.changeSet.nested.map((n) => n.path).sort() };
}

const at = (review: Review, address: string): ReviewChange | undefined => [...allChanges(review.root)].find((c) => c.address === address);

test('D-5: a sibling output KNOWN_AFTER_APPLY makes unchanged stacks look modified; they are labelled as noise, not hidden', async () => {
  // Only the network's security group changes; Services takes Network's VpcId (a sibling output).
  const { review } = await reviewOf((t) => {
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }];
  });
  assert.is(at(review, 'Services')?.noise, NOISE_SIBLING_OUTPUTS);
  const blue = at(review, 'Services/Frontend/BlueTargetGroup');
  assert.equal([blue?.action, blue?.replacement, blue?.noise], ['Modify', 'Conditional', NOISE_KNOWN_AFTER_APPLY]);
  const vpc = blue?.details.find((d) => d.property === 'Properties.VpcId');
  assert.is(vpc?.after, '{{changeSet:KNOWN_AFTER_APPLY}}');
  assert.is(vpc?.evaluation, 'Dynamic');
  const noise = review.findings.noise.map((n) => `${n.address}: ${n.label}`);
  assert.ok(noise.includes(`Services: ${NOISE_SIBLING_OUTPUTS}`));
  assert.ok(noise.includes(`Services/Frontend: ${NOISE_SIBLING_OUTPUTS}`));
  assert.ok(noise.includes(`Services/Frontend/BlueTargetGroup: ${NOISE_KNOWN_AFTER_APPLY}`));
  // The real change is not labelled.
  assert.not.ok(noise.some((n) => n.startsWith('Network')));
});

test('D-5: the review is one tree with nested paths, counts, replacement and property detail; the artifact has every change set ARN', async () => {
  const { review, nested } = await reviewOf((t) => {
    props(t, 'registry.json', 'FrontendRepository')['RepositoryName'] = { 'Fn::Sub': 'ecr-web-${Environment}' };
    props(t, 'services/frontend.json', 'Service')['DesiredCount'] = 3;
    delete t['network.json'].Resources['AccessLogBucket'];
  });
  assert.equal([review.changeSetType, review.stackName], ['UPDATE', 'tap-dev']);
  assert.match(review.changeSetName, /^tap-dev-\d{8}-\d{6}-[0-9a-f]{8}$/);
  assert.equal({ add: review.counts.add, remove: review.counts.remove, replace: review.counts.replace, stacks: review.counts.stacks }, { add: 0, remove: 1, replace: 1, stacks: 5 });
  assert.is(at(review, 'Network/AccessLogBucket')?.action, 'Remove');
  const repository = at(review, 'Registry/FrontendRepository');
  assert.is(repository?.replacement, 'True');
  assert.equal(repository?.details.find((d) => d.property === 'Properties.RepositoryName'), {
    property: 'Properties.RepositoryName', recreation: 'Always', evaluation: 'Static', source: 'DirectModification', before: 'ecr-frontend-dev', after: 'ecr-web-dev',
  });
  assert.equal(at(review, 'Services/Frontend/Service')?.details.find((d) => d.property === 'Properties.DesiredCount')?.after, '3');
  assert.equal(review.findings.dataLoss.map((f) => [f.address, f.what, f.causes]), [
    ['Network/AccessLogBucket', 'removed', ['removed from the template']],
    ['Registry/FrontendRepository', 'replaced', ['Properties.RepositoryName']],
  ]);
  assert.equal(nested, ['Network', 'Registry', 'Services', 'Services/Frontend']);
  const frontend = review.root.changes.find((c) => c.logicalId === 'Services')?.nested?.changes[0]?.nested;
  assert.is(frontend?.path, 'Services/Frontend');
  assert.is(frontend?.changes.find((c) => c.logicalId === 'Service')?.address, 'Services/Frontend/Service');
});

test('D-5 / P-DEPLOY: a Modify of an ECS-managed listener rule is flagged with its listener, the service owning it, and the source', async () => {
  const { review } = await reviewOf((t) => {
    props(t, 'services/frontend.json', 'ProdListenerRule')['Priority'] = 210;
  });
  assert.equal(review.findings.listenerRules, [{
    address: 'Services/Frontend/ProdListenerRule',
    services: ['Services/Frontend/Service'],
    change: 'modified',
    listener: 'production',
    frozen: true,
    likelyNoise: false,
    source: 'https://github.com/aws/aws-cdk/issues/36649',
  }]);
  assert.equal(servicesManagingRule(baseTemplates()['services/frontend.json'], 'ProdListenerRule'), ['Service']);
  assert.equal(servicesManagingRule(baseTemplates()['services/frontend.json'], 'BlueTargetGroup'), []);
});

test('D-5: security-relevant changes list IAM statements, managed policies and key policies per stack', async () => {
  const { review } = await reviewOf((t) => {
    const role = props(t, 'services/frontend.json', 'TaskRole');
    role['ManagedPolicyArns'] = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    role['Policies'] = [];
    const key = props(t, 'registry.json', 'RegistryKey');
    (key['KeyPolicy'] as { Statement: unknown[] }).Statement.push({ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' });
  });
  const security = review.findings.security.map((f) => `${f.stackPath}: ${f.change} ${f.kind} ${f.summary}${f.broadening ? ' (broadening)' : ''}`);
  for (const expected of [
    'Registry: added iam-statement Allow kms:Decrypt on ${RegistryKey.Arn} for AWS:* (broadening)',
    'Services/Frontend: added managed-policy arn:aws:iam::aws:policy/AdministratorAccess attached to ${TaskRole} (broadening)',
  ]) assert.ok(security.includes(expected), `${expected}\nnot in\n${security.join('\n')}`);
  assert.ok(security.some((f) => f.startsWith('Services/Frontend: removed iam-statement Allow secretsmanager:GetSecretValue on ${ApiTokenSecret} for AWS:${TaskRole}')), security.join('\n'));
});

test.run();
