/**
 * P-TRUTH, issue 11 item 6: ECS owns the weights of a blue/green service's production listener
 * rule, and a CloudFormation update of the rule puts the template's back (the fake's model:
 * test/fakes/aws/live.ts `completeBlueGreenDeployment` / `ruleApplied`, from the ListenerRule
 * provider in elbv2.ts; behaviours.ts lists the sources). This is why every environment's stack
 * policy freezes those rules (test/operations/listener-rules.test.ts).
 *
 * (a) After ECS has swung frontend's traffic to its second target group, an update of the rule that
 * is let through on purpose (`--allow-update`) resets the weights: production is sent to the
 * target group with no tasks, and the ALB answers 503. (b) On the real deploy path, a routine
 * update leaves the rule alone, and an update of the rule is refused before anything runs: ECS's
 * weights stay and the ALB answers 200.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deploying, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { editedPlatform, renderedPlatform } from '../helpers/platform';

const RULE = 'Services/Frontend/ProductionListenerRule';

/** The real platform deployed, live, and one blue/green deployment of frontend completed by ECS. */
async function afterBlueGreenDeployment() {
  const s = new Scenario('dev', { platform: renderedPlatform() });
  await s.deployed();
  s.aws.goLive();
  const frontend = s.aws.stack('Services/Frontend');
  const ruleArn = frontend?.resources.get('ProductionListenerRule')?.physicalId ?? '';
  const [a, b] = ['TargetGroupA', 'TargetGroupB'].map((id) => frontend?.resources.get(id)?.physicalId ?? '');
  s.aws.live.completeBlueGreenDeployment(ruleArn);
  const weights = () => Object.fromEntries((s.aws.live.rules.get(ruleArn)?.forwards ?? []).map((f) => [f.targetGroupArn === a ? 'A' : f.targetGroupArn === b ? 'B' : f.targetGroupArn, f.weight]));
  const tasks = (arn: string) => s.aws.live.targets.get(arn)?.length ?? 0;
  const home = () => s.aws.live.httpGet(`${s.aws.live.albUrl ?? ''}/`).status;
  assert.equal(weights(), { A: 0, B: 100 }, 'ECS moved production to B');
  assert.ok(tasks(b) > 0 && tasks(a) === 0, 'the new tasks run in B');
  assert.is(home(), 200);
  return { s, weights, tasks: () => ({ A: tasks(a), B: tasks(b) }), home };
}

/** The real platform with frontend's production rule changed (a new priority). */
const movedRule = () => editedPlatform(renderedPlatform(), 'services/frontend', (t) => {
  (t.Resources['ProductionListenerRule'].Properties as { Priority: number }).Priority = 210;
});

test(`P-TRUTH: AWS behaviour: a CloudFormation update of a blue/green listener rule resets the weights ECS set`, async () => {
  // (a) The rule updated by CloudFormation: the template's weights again, production on the empty group.
  const released = await afterBlueGreenDeployment();
  released.s.platform = movedRule();
  expectOutcome((await released.s.operate(deploying({ allowUpdate: [RULE] }), { answers: ['yes'] })).outcome, 'deployed');
  assert.equal(released.weights(), { A: 100, B: 0 });
  assert.equal(released.tasks(), { A: 0, B: released.tasks().B });
  assert.is(released.home(), 503, 'production goes to a target group with no tasks');

  // (b) The real deploy path: a routine update does not touch the rule; an update of it is refused.
  const routine = await afterBlueGreenDeployment();
  routine.s.editParams((d) => { d.parameters['DesiredCount'] = 2; });
  const updated = await routine.s.operate(deploying(), { answers: ['yes'] });
  expectOutcome(updated.outcome, 'deployed');
  assert.equal(routine.weights(), { A: 0, B: 100 });
  assert.is(routine.home(), 200);
  routine.s.platform = movedRule();
  const refused = await routine.s.operate(deploying(), { answers: ['yes'] });
  assert.is(expectOutcome(refused.outcome, 'refused').reason.kind, 'guarded-changes');
  assert.not.ok(ops(refused.calls).includes('cfn.executeChangeSet'));
  assert.equal(routine.weights(), { A: 0, B: 100 });
  assert.is(routine.home(), 200);
});

test.run();
