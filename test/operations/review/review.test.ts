/**
 * D-5 Review: one tree of the root and every nested change set, replacement highlighted,
 * property-level detail, and the findings: data loss, security, ECS-managed listener rules, and
 * noise from sibling-output parameters (roadmap #759).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NOISE_KNOWN_AFTER_APPLY, NOISE_SIBLING_OUTPUTS, servicesManagingRule } from '../../../src/operations/review/findings';
import { baseTemplates, fixturePlatform, props } from '../../fakes/platform-fixture';
import { Scenario } from '../../helpers/deploy-harness';

test('D-5: a sibling output KNOWN_AFTER_APPLY makes unchanged stacks look modified; they are labelled as noise, not hidden', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  // Only the network's security group changes; Services takes Network's VpcId (a sibling output).
  s.platform = fixturePlatform((t) => {
    props(t, 'network.json', 'AlbSecurityGroup')['SecurityGroupIngress'] = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }];
  });
  const result = await s.run(['diff', '--env', 'dev']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /~ Services\s+AWS::CloudFormation::Stack\s+probably no change: parameters resolved from sibling outputs/);
  assert.match(result.stdout, /~ BlueTargetGroup\s+AWS::ElasticLoadBalancingV2::TargetGroup\s+MAY REPLACE\s+probably no change: the value is only known after apply/);
  assert.match(result.stdout, /Properties\.VpcId\s+\S+ → \{\{changeSet:KNOWN_AFTER_APPLY\}\}\s+\(ResourceAttribute, via Network\.Outputs\.VpcId|Properties\.VpcId .*known after apply/);
  assert.match(result.stdout, /Probably not real changes \(\d\): nested change sets mark stacks whose parameters come from sibling outputs \(roadmap #759\)/);
  const review = JSON.parse(s.stateFile('review.json')).review;
  const noise = review.findings.noise.map((n: { address: string; label: string }) => `${n.address}: ${n.label}`);
  assert.ok(noise.includes(`Services: ${NOISE_SIBLING_OUTPUTS}`));
  assert.ok(noise.includes(`Services/Frontend: ${NOISE_SIBLING_OUTPUTS}`));
  assert.ok(noise.includes(`Services/Frontend/BlueTargetGroup: ${NOISE_KNOWN_AFTER_APPLY}`));
  // The real change is not labelled.
  assert.not.ok(noise.some((n: string) => n.startsWith('Network')));
});

test('D-5: the review is one tree with nested paths, counts, replacement and property detail; the JSON has every change set ARN', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'registry.json', 'FrontendRepository')['RepositoryName'] = { 'Fn::Sub': 'ecr-web-${Environment}' };
    props(t, 'services/frontend.json', 'Service')['DesiredCount'] = 3;
    delete t['network.json'].Resources['AccessLogBucket'];
  });
  const result = await s.run(['diff', '--env', 'dev']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Change set tap-dev-\S+ \(UPDATE of tap-dev\)\n\s+0 to add, \d+ to modify, 1 to remove \(1 replaced(, \d+ may be replaced)?\), in 5 stacks/);
  assert.match(result.stdout, /│  └─ - AccessLogBucket\s+AWS::S3::Bucket/);
  assert.match(result.stdout, /~ FrontendRepository\s+AWS::ECR::Repository\s+REPLACE\n.*Properties\.RepositoryName  ecr-frontend-dev → ecr-web-dev  \(DirectModification, recreation: Always\)/);
  assert.match(result.stdout, /Properties\.DesiredCount  2 → 3/);
  assert.match(result.stdout, /Data-loss risks \(2\)/);
  assert.match(result.stdout, /✗ Network\/AccessLogBucket\s+AWS::S3::Bucket removed \(removed from the template\)/);
  const artifact = JSON.parse(s.stateFile('review.json'));
  assert.equal(artifact.changeSet.nested.map((n: { path: string }) => n.path).sort(), ['Network', 'Registry', 'Services', 'Services/Frontend']);
  for (const nested of artifact.changeSet.nested) assert.match(nested.id, /^arn:aws:cloudformation:eu-west-1:111122223333:changeSet\//);
  const frontend = artifact.review.root.changes.find((c: { logicalId: string }) => c.logicalId === 'Services').nested.changes[0].nested;
  assert.is(frontend.path, 'Services/Frontend');
  assert.is(frontend.changes.find((c: { logicalId: string }) => c.logicalId === 'Service').address, 'Services/Frontend/Service');
});

test('D-5: a Modify of a listener rule used by an ECS blue/green service is flagged loudly', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'ProdListenerRule')['Priority'] = 210;
  });
  const result = await s.run(['diff', '--env', 'dev']);
  assert.match(result.stdout, /ECS-managed listener rules \(1\)\n\s+! Services\/Frontend\/ProdListenerRule: ECS blue\/green service Services\/Frontend\/Service manages this rule's weights; updating it resets them/);
  assert.equal(servicesManagingRule(baseTemplates()['services/frontend.json'], 'ProdListenerRule'), ['Service']);
  assert.equal(servicesManagingRule(baseTemplates()['services/frontend.json'], 'BlueTargetGroup'), []);
});

test('D-5: security-relevant changes list IAM statements, managed policies and key policies per stack', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = fixturePlatform((t) => {
    const role = props(t, 'services/frontend.json', 'TaskRole');
    role['ManagedPolicyArns'] = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    role['Policies'] = [];
    const key = props(t, 'registry.json', 'RegistryKey');
    (key['KeyPolicy'] as { Statement: unknown[] }).Statement.push({ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' });
  });
  const result = await s.run(['diff', '--env', 'dev']);
  assert.match(result.stdout, /Security-relevant changes \(\d+, \d+ broadening\)/);
  assert.match(result.stdout, /Registry\n\s+\+ iam-statement\s+Allow kms:Decrypt on \$\{RegistryKey\.Arn\} for AWS:\*/);
  assert.match(result.stdout, /Services\/Frontend\n(.*\n)*\s+\+ managed-policy\s+arn:aws:iam::aws:policy\/AdministratorAccess attached to \$\{TaskRole\}/);
  assert.match(result.stdout, /- iam-statement\s+Allow secretsmanager:GetSecretValue on \$\{ApiTokenSecret\} for AWS:\$\{TaskRole\}/);
});

test.run();
