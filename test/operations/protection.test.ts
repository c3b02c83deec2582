/**
 * P-DATA on the deploy side: termination protection and the stateful part of the stack policies in
 * prod only; stateful replacements and deletions flagged everywhere and refused in prod unless
 * --allow-replace names each one, in which case exactly those logical ids are let through and the
 * policy is restored. (The listener-rule part of the policies: listener-rules.test.ts.)
 */
import { AwsError } from '../../src/aws/port';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STATEFUL_RESOURCE_TYPES } from '../../src/cfn/stateful';
import { judgeDataLoss, policyBody, policyFor, stackPolicy } from '../../src/operations/protection';
import type { DataLossFinding } from '../../src/operations/review/model';
import { allChanges } from '../../src/operations/review/model';
import { deploying, diffing, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props } from '../fakes/platform-fixture';

const renamedRepository = () => fixturePlatform((t) => {
  props(t, 'registry.json', 'FrontendRepository')['RepositoryName'] = { 'Fn::Sub': 'ecr-web-${Environment}' };
});

const STANDARD = JSON.stringify(stackPolicy());
/** Services/Frontend holds the ECS-managed listener rule: its prod policy freezes it too. */
const FRONTEND_PROD = policyBody(policyFor({ keepStateful: true, frozenRules: ['ProdListenerRule'] }));

test('P-DATA: prod gets termination protection on the root and the stateful stack policy on every stack; dev gets neither', async () => {
  const prod = new Scenario('prod');
  const deployed = await prod.operate(deploying(), { answers: ['yes'] });
  expectOutcome(deployed.outcome, 'deployed');
  assert.is(prod.aws.rootStack('tap-prod')?.terminationProtection, true);
  const policies = deployed.calls.filter((c) => c.op === 'cfn.setStackPolicy');
  assert.is(policies.length, 5, 'root, Network, Registry, Services, Services/Frontend');
  for (const call of policies) assert.is(call.args[1], String(call.args[0]).includes('Frontend') ? FRONTEND_PROD : STANDARD);
  assert.equal(eventsOf(deployed.events, 'protections').map((e) => e.report), [
    { retain: true, terminationProtectionEnabled: true, policiesSet: ['', 'Network', 'Registry', 'Services', 'Services/Frontend'], frozenRules: ['Services/Frontend/ProdListenerRule'], stacks: 5 },
  ]);
  const policy = JSON.parse(STANDARD);
  assert.equal(policy.Statement[0].Action, ['Update:Replace', 'Update:Delete']);
  assert.equal(policy.Statement[0].Condition.StringEquals.ResourceType, Object.keys(STATEFUL_RESOURCE_TYPES));
  assert.equal(policy.Statement[1], { Sid: 'AllowEverythingElse', Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' });

  // A second deploy verifies and changes nothing.
  const again = await prod.operate(deploying({ force: true }), { answers: ['yes'] });
  expectOutcome(again.outcome, 'no-changes');
  assert.not.ok(ops(again.calls).includes('cfn.setStackPolicy'));
  assert.not.ok(ops(again.calls).includes('cfn.updateTerminationProtection'));

  const dev = new Scenario('dev');
  const devDeploy = await dev.operate(deploying(), { answers: ['yes'] });
  expectOutcome(devDeploy.outcome, 'deployed');
  assert.is(dev.aws.rootStack('tap-dev')?.terminationProtection, false);
  assert.not.ok(ops(devDeploy.calls).includes('cfn.updateTerminationProtection'));
  // Only the listener-rule freeze, and only where the rule is.
  const devPolicies = devDeploy.calls.filter((c) => c.op === 'cfn.setStackPolicy');
  assert.is(devPolicies.length, 1);
  assert.not.match(String(devPolicies[0].args[1]), /KeepStatefulResources/);
});

test('P-DATA: replacing a stateful resource is flagged in dev and executed there', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = renamedRepository();
  const { outcome, events } = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(outcome, 'deployed');
  const [{ review }] = eventsOf(events, 'review-ready');
  assert.equal(review.findings.dataLoss.map((f) => [f.address, f.resourceType, f.what, f.causes]), [['Registry/FrontendRepository', 'AWS::ECR::Repository', 'replaced', ['Properties.RepositoryName']]]);
  assert.is([...allChanges(review.root)].find((c) => c.address === 'Registry/FrontendRepository')?.replacement, 'True');
});

test('P-DATA: prod refuses a stateful replacement without --allow-replace (nothing executed, change set deleted)', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  s.platform = renamedRepository();
  const refused = await s.operate(deploying(), { answers: ['yes'] });
  const { reason } = expectOutcome(refused.outcome, 'refused');
  if (reason.kind !== 'guarded-changes') throw new Error(`expected a guarded-changes refusal, got ${reason.kind}`);
  assert.is(reason.changeSetDeleted, true);
  assert.equal(reason.dataLoss.map((f) => [f.address, f.resourceType, f.what]), [['Registry/FrontendRepository', 'AWS::ECR::Repository', 'replaced']]);
  assert.equal(reason.listenerRules, []);
  assert.match(reason.dataLoss[0].why, /^container images/);
  assert.equal(refused.questions, [], 'refused before anyone is asked');
  assert.not.ok(ops(refused.calls).includes('cfn.executeChangeSet'));
  assert.is(s.aws.pendingChangeSets().length, 0);
});

// CloudFormation refuses DeleteChangeSet while the change set is in a state it cannot leave
// (InvalidChangeSetStatus, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html);
// a denial is no different: the refusal and its reasons are what the reviewer must read.
const UNDELETABLE = [
  new AwsError('conflict', 'InvalidChangeSetStatus', 'Cannot delete ChangeSet in status CREATE_IN_PROGRESS', 'cfn.deleteChangeSet', 400),
  new AwsError('access-denied', 'AccessDenied', 'User is not authorized to perform: cloudformation:DeleteChangeSet', 'cfn.deleteChangeSet', 403),
];
for (const error of UNDELETABLE) {
  test(`P-DATA: a refusal whose change set could not be deleted (${error.code}) says so and keeps its reasons`, async () => {
    const s = new Scenario('prod');
    expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
    s.platform = renamedRepository();
    s.aws.inject('cfn.deleteChangeSet', error);
    const refused = await s.operate(deploying(), { answers: ['yes'] });
    const { reason } = expectOutcome(refused.outcome, 'refused');
    if (reason.kind !== 'guarded-changes') throw new Error(`expected a guarded-changes refusal, got ${reason.kind}`);
    assert.is(reason.changeSetDeleted, false);
    assert.equal(reason.dataLoss.map((f) => f.address), ['Registry/FrontendRepository']);
    assert.is(s.aws.pendingChangeSets().length, 1, 'the change set is still there, as the outcome says');
    assert.not.ok(ops(refused.calls).includes('cfn.executeChangeSet'));
  });
}

test('P-DATA: --allow-replace lets exactly the named resource through, then restores the stack policy', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  s.platform = renamedRepository();
  const allowed = await s.operate(deploying({ allowReplace: ['Registry/FrontendRepository', 'Registry/Typo'] }), { answers: ['yes'] });
  expectOutcome(allowed.outcome, 'deployed');
  assert.equal(eventsOf(allowed.events, 'release-unused'), [{ type: 'release-unused', option: 'allow-replace', address: 'Registry/Typo' }]);
  assert.equal(eventsOf(allowed.events, 'policy-relaxed'), [{ type: 'policy-relaxed', addresses: ['Registry/FrontendRepository'], stacks: ['Registry'] }]);
  assert.equal(eventsOf(allowed.events, 'policy-restored').length, 1);
  const policyCalls = allowed.calls.filter((c) => c.op === 'cfn.setStackPolicy');
  const relaxed = JSON.parse(String(policyCalls[0].args[1]));
  assert.equal(relaxed.Statement[0].NotResource, ['LogicalResourceId/FrontendRepository']);
  assert.is(relaxed.Statement[0].Resource, undefined);
  assert.match(String(policyCalls[0].args[0]), /Registry/);
  const order = ops(allowed.calls);
  assert.ok(order.indexOf('cfn.setStackPolicy') < order.indexOf('cfn.executeChangeSet'));
  assert.is(policyCalls[1].args[1], STANDARD, 'restored after execution');
  assert.ok(order.lastIndexOf('cfn.setStackPolicy') > order.indexOf('cfn.executeChangeSet'));
  assert.is(s.aws.stack('Registry')?.policy, STANDARD);
  assert.is(s.aws.rootStack('tap-prod')?.status, 'UPDATE_COMPLETE');
});

test('P-DATA: the stack policy itself blocks a replacement the review could not foresee, and the policy is enforced per nested stack', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  // Bypass the review's guardrail (as a console user would) by executing a change set directly.
  s.platform = renamedRepository();
  expectOutcome((await s.operate(diffing())).outcome, 'reviewed');
  const id = s.aws.pendingChangeSets()[0].id;
  await s.aws.port.cfn.executeChangeSet(id, 'console');
  s.aws.settle();
  assert.is(s.aws.rootStack('tap-prod')?.status, 'UPDATE_ROLLBACK_COMPLETE');
  const registry = s.aws.stack('Registry');
  const denied = registry?.events.find((e) => e.status === 'UPDATE_FAILED');
  assert.match(denied?.reason ?? '', /Action denied by stack policy: Statement \[#1\] has effect Deny and action Update:Replace on resource LogicalResourceId\/FrontendRepository/);
});

test('P-DATA: judgeDataLoss refuses only in retain environments and lets likely-noise conditional replacements pass', () => {
  const finding = (address: string, likelyNoise = false): DataLossFinding => ({ address, resourceType: 'AWS::Logs::LogGroup', what: likelyNoise ? 'may be replaced' : 'replaced', why: 'logs', causes: [], likelyNoise });
  const findings = [finding('Network/FlowLogGroup'), finding('Services/Frontend/LogGroup', true)];
  assert.equal(judgeDataLoss(findings, [], { retain: false }).refused, []);
  assert.equal(judgeDataLoss(findings, [], { retain: true }).refused.map((f) => f.address), ['Network/FlowLogGroup']);
  const allowed = judgeDataLoss(findings, ['Network/FlowLogGroup'], { retain: true });
  assert.equal(allowed.refused, []);
  assert.equal(allowed.allowed.map((f) => f.address), ['Network/FlowLogGroup']);
});

test.run();
