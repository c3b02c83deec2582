/**
 * P-DEPLOY (issue 11 #6): the listener rules ECS owns during blue/green are frozen in every
 * environment. Updating one resets the weights ECS set (aws-cdk#36649, open), so:
 * - the stack policy of the stack holding one denies Update:* on it (dev included);
 * - a change set that updates or removes one is refused before execution (exit 10) unless
 *   `--allow-update Path/LogicalId` names it; then exactly that rule is let through its stack's
 *   policy for that execution, and the policy is restored;
 * - the policy itself stops an update that bypasses the review (a console execution).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeGuardrails, policyBody, policyFor, releaseProblems } from '../../src/operations/protection';
import type { ListenerRuleFinding } from '../../src/operations/review/model';
import { deploying, diffing, eventsOf, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { baseTemplates, fixturePlatform, props } from '../fakes/platform-fixture';

const RULE = 'Services/Frontend/ProdListenerRule';
const FROZEN = policyBody(policyFor({ keepStateful: false, frozenRules: ['ProdListenerRule'] }));
const movedRule = () => fixturePlatform((t) => {
  props(t, 'services/frontend.json', 'ProdListenerRule')['Priority'] = 210;
});

test('P-DEPLOY: the freeze applies in dev too: the stack holding the rule gets a policy denying Update:* on it; stacks with nothing to protect get none', async () => {
  const s = new Scenario('dev');
  const { calls, events } = await s.operate(deploying(), { answers: ['yes'] });
  const policies = calls.filter((c) => c.op === 'cfn.setStackPolicy');
  assert.equal(policies.map((c) => c.args[1]), [FROZEN]);
  assert.is(s.aws.stack('Frontend')?.policy ?? s.aws.stack('Services/Frontend')?.policy, FROZEN);
  const policy = JSON.parse(FROZEN);
  assert.equal(policy.Statement[0], { Sid: 'FreezeEcsManagedListenerRules', Effect: 'Deny', Action: 'Update:*', Principal: '*', Resource: ['LogicalResourceId/ProdListenerRule'] });
  assert.equal(eventsOf(events, 'protections').map((e) => [e.report.retain, e.report.frozenRules, e.report.policiesSet]), [[false, [RULE], ['Services/Frontend']]]);
  // A deploy with nothing to do writes nothing (and reads no policy) outside prod.
  const again = await s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(again.outcome, 'no-changes');
  assert.not.ok(ops(again.calls).some((op) => op === 'cfn.getStackPolicy' || op === 'cfn.setStackPolicy'));
});

test('P-DEPLOY: an update of the rule is refused in dev without --allow-update: nothing executed, change set deleted, the review says why and where from', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = movedRule();
  const refused = await s.operate(deploying(), { answers: ['yes'] });
  const { reason } = expectOutcome(refused.outcome, 'refused');
  if (reason.kind !== 'guarded-changes') throw new Error(`expected guarded-changes, got ${reason.kind}`);
  assert.equal(reason.dataLoss, []);
  assert.equal(reason.listenerRules.map((f) => [f.address, f.change, f.listener, f.frozen, f.source]), [[RULE, 'modified', 'production', true, 'https://github.com/aws/aws-cdk/issues/36649']]);
  assert.is(reason.changeSetDeleted, true);
  assert.equal(refused.questions, [], 'refused before anyone is asked');
  assert.not.ok(ops(refused.calls).includes('cfn.executeChangeSet'));
  assert.is(s.aws.pendingChangeSets().length, 0);
});

test('P-DEPLOY: --allow-update lets exactly the named rule through its stack\'s policy for one execution, then restores the freeze', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = movedRule();
  const allowed = await s.operate(deploying({ allowUpdate: [RULE, 'Services/Frontend/Typo'] }), { answers: ['yes'] });
  expectOutcome(allowed.outcome, 'deployed');
  assert.equal(eventsOf(allowed.events, 'release-unused'), [{ type: 'release-unused', option: 'allow-update', address: 'Services/Frontend/Typo' }]);
  assert.equal(eventsOf(allowed.events, 'policy-relaxed'), [{ type: 'policy-relaxed', addresses: [RULE], stacks: ['Services/Frontend'] }]);
  const policyCalls = allowed.calls.filter((c) => c.op === 'cfn.setStackPolicy');
  const relaxed = JSON.parse(String(policyCalls[0].args[1]));
  assert.equal(relaxed.Statement, [{ Sid: 'AllowEverythingElse', Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }]);
  const order = ops(allowed.calls);
  assert.ok(order.indexOf('cfn.setStackPolicy') < order.indexOf('cfn.executeChangeSet'));
  assert.is(policyCalls[1].args[1], FROZEN, 'restored after execution');
  assert.ok(order.lastIndexOf('cfn.setStackPolicy') > order.indexOf('cfn.executeChangeSet'));
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
  // --allow-replace does not release a rule: each option releases its own kind.
  s.platform = fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'ProdListenerRule')['Priority'] = 220;
  });
  const wrongOption = await s.operate(deploying({ allowReplace: [RULE] }), { answers: ['yes'] });
  assert.is(expectOutcome(wrongOption.outcome, 'refused').reason.kind, 'guarded-changes');
});

test('P-DEPLOY: in prod both guardrails apply at once; each name releases only its own kind', async () => {
  const s = new Scenario('prod');
  expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
  assert.is(s.aws.stack('Services/Frontend')?.policy, policyBody(policyFor({ keepStateful: true, frozenRules: ['ProdListenerRule'] })));
  s.platform = fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'ProdListenerRule')['Priority'] = 210;
    props(t, 'services/frontend.json', 'LogGroup')['LogGroupName'] = { 'Fn::Sub': '/tap/${Environment}/web' };
  });
  const onlyRule = await s.operate(deploying({ allowUpdate: [RULE] }), { answers: ['yes'] });
  const { reason } = expectOutcome(onlyRule.outcome, 'refused');
  if (reason.kind !== 'guarded-changes') throw new Error(reason.kind);
  assert.equal([reason.dataLoss.map((f) => f.address), reason.listenerRules.map((f) => f.address)], [['Services/Frontend/LogGroup'], []]);
  const both = await s.operate(deploying({ allowUpdate: [RULE], allowReplace: ['Services/Frontend/LogGroup'] }), { answers: ['yes'] });
  expectOutcome(both.outcome, 'deployed');
  const relaxed = JSON.parse(String(both.calls.find((c) => c.op === 'cfn.setStackPolicy')?.args[1]));
  assert.equal(relaxed.Statement.map((st: { Sid: string }) => st.Sid), ['KeepStatefulResources', 'AllowEverythingElse'], 'the rule released, the freeze statement gone for this execution');
  assert.equal(relaxed.Statement[0].NotResource, ['LogicalResourceId/LogGroup']);
});

test('P-DEPLOY: the stack policy alone stops an update of the rule that bypasses the review (a console execution), in dev', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = movedRule();
  expectOutcome((await s.operate(diffing())).outcome, 'reviewed');
  await s.aws.port.cfn.executeChangeSet(s.aws.pendingChangeSets()[0].id, 'console');
  s.aws.settle();
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_COMPLETE');
  const denied = s.aws.stack('Services/Frontend')?.events.find((e) => e.status === 'UPDATE_FAILED');
  assert.match(denied?.reason ?? '', /Action denied by stack policy: Statement \[#1\] has effect Deny and action Update:Modify on resource LogicalResourceId\/ProdListenerRule/);
});

test('P-DEPLOY: changes that are probably not real are shown, not refused; unmarked rules only warn', () => {
  const finding = (extra: Partial<ListenerRuleFinding>): ListenerRuleFinding => ({ address: RULE, services: [], change: 'modified', frozen: true, likelyNoise: false, source: 'x', ...extra });
  const judge = (f: ListenerRuleFinding, allowUpdate: string[] = []) => judgeGuardrails({ dataLoss: [], listenerRules: [f] }, { allowReplace: [], allowUpdate }, { retain: false });
  assert.equal(judge(finding({})).refused.listenerRules.length, 1);
  assert.equal(judge(finding({ change: 'removed' })).refused.listenerRules.length, 1);
  assert.equal(judge(finding({ likelyNoise: true })).refused.listenerRules, []);
  assert.equal(judge(finding({ frozen: false })).refused.listenerRules, []);
  assert.equal(judge(finding({}), [RULE]).allowed.listenerRules.length, 1);
});

test('P-DEPLOY: --allow-update is checked before any AWS call: a malformed address, a case slip, a resource that is no such rule', () => {
  const stacks = Object.entries(baseTemplates()).map(([file, template]) => ({
    path: { 'root.json': '', 'network.json': 'Network', 'registry.json': 'Registry', 'services.json': 'Services', 'services/frontend.json': 'Services/Frontend' }[file] ?? file,
    template,
  }));
  const problems = (values: string[]) => releaseProblems('allow-update', values, stacks).map((p) => [p.path, p.message]);
  assert.equal(problems([RULE, 'Services/Frontend/RetiredRule']), [], 'a marked rule, or one the templates no longer have (being removed)');
  assert.equal(problems(['Services/Frontend/*']), [['--allow-update', '"Services/Frontend/*" is not a Path/LogicalId address: logical ids (letters and digits) joined by "/", e.g. Services/Frontend/ProdListenerRule']]);
  assert.equal(problems(['services/frontend/prodlistenerrule']), [['--allow-update', '"services/frontend/prodlistenerrule" matches no resource; did you mean "Services/Frontend/ProdListenerRule"? (logical ids are case-sensitive)']]);
  assert.match(problems(['Services/Frontend/LogGroup'])[0][1], /is an AWS::Logs::LogGroup, which is no ECS-managed listener rule: --allow-update names an ECS-managed listener rule/);
  assert.match(problems(['Services/Frontend'])[0][1], /the ones in it are: Services\/Frontend\/ProdListenerRule$/);
  // And --allow-replace does not take a rule.
  assert.match(releaseProblems('allow-replace', [RULE], stacks)[0].message, /is an AWS::ElasticLoadBalancingV2::ListenerRule, which holds no data: --allow-replace names a stateful resource/);
});

test('P-DEPLOY (words): the CLI refuses with exit 10 and names the --allow-update to run; a wrong address is exit 2 with no AWS call', async () => {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = movedRule();
  const refused = await s.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(refused.code, 10);
  assert.match(refused.stdout, /! Services\/Frontend\/ProdListenerRule: the production listener rule is modified; ECS blue\/green service Services\/Frontend\/Service manages its weights/);
  assert.match(refused.stdout, /Frozen by the stack policy: deploy executes this only with --allow-update Services\/Frontend\/ProdListenerRule/);
  assert.match(refused.stderr, /refused this change set would update 1 ECS-managed listener rule, which resets the blue\/green weights ECS owns \(https:\/\/github.com\/aws\/aws-cdk\/issues\/36649\)/);
  assert.match(refused.stderr, /make deploy ENV=dev ARGS='--allow-update Services\/Frontend\/ProdListenerRule'/);
  assert.not.ok(ops(refused.calls).includes('cfn.executeChangeSet'));
  const bad = await s.run(['deploy', '--env', 'dev', '--yes', '--allow-update', 'Services/Frontend/LogGroup']);
  assert.is(bad.code, 2);
  assert.equal(bad.calls, []);
  const released = await s.run(['deploy', '--env', 'dev', '--yes', '--allow-update', RULE]);
  assert.is(released.code, 0, released.stderr);
});

test.run();
