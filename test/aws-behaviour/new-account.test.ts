/**
 * P-TRUTH, issue 11 items 3 and 11: what a new account refuses on a first deploy (the fake's model
 * of accounts: test/fakes/aws/account.ts; Lambda: lambda.ts; ECS: ecs.ts; behaviours.ts lists the
 * sources). Each test: (a) the fake refuses as AWS does, in a new account; (b) the real platform
 * (rendered from src/stacks), bootstrapped then deployed in a new account, is created.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootstrap } from '../../src/operations/bootstrap';
import { deploying, expectOutcome, Scenario } from '../helpers/deploy-harness';
import { renderedPlatform } from '../helpers/platform';
import { ESTABLISHED_ACCOUNT, NEW_ACCOUNT, serviceLinkedRoleName, type AccountProfile } from '../fakes/aws';
import { fixturePlatform, props } from '../fakes/platform-fixture';

const ECS_ROLE = serviceLinkedRoleName('ecs.amazonaws.com');

/** A first deploy in an account of `profile`, approved: the outcome, and the scenario. */
async function firstDeploy(profile: AccountProfile, platform = fixturePlatform()) {
  const s = new Scenario('dev', { platform, accountProfile: profile });
  const { outcome } = await s.operate(deploying(), { answers: ['yes'] });
  return { s, outcome };
}

/** The root cause of a first deploy that rolled back. */
function rootCause(outcome: Awaited<ReturnType<typeof firstDeploy>>['outcome']) {
  const { failure } = expectOutcome(outcome, 'rolled-back');
  if (!failure.rootCause) throw new Error('no root cause');
  return failure.rootCause;
}

let real: Promise<Scenario> | undefined;

/** (b) for every test here: the real platform, bootstrapped then deployed in a new account. */
async function realPlatformInNewAccount(): Promise<Scenario> {
  real ??= (async () => {
    const s = new Scenario('dev', { platform: renderedPlatform(), bucket: false, accountProfile: NEW_ACCOUNT });
    expectOutcome((await s.operate(bootstrap, { answers: ['yes'] })).outcome, 'bootstrapped');
    expectOutcome((await s.operate(deploying(), { answers: ['yes'] })).outcome, 'deployed');
    return s;
  })();
  return real;
}

/** The deployed resources of a type, across every live stack of the scenario. */
const deployedOfType = (s: Scenario, type: string) =>
  s.aws.stackSnapshots().flatMap(({ path }) => [...(s.aws.stack(path)?.resources.values() ?? [])]).filter((r) => r.type === type);

test(`P-TRUTH: AWS behaviour: Lambda refuses reserved concurrency that leaves the account less unreserved than its floor (a new account: none)`, async () => {
  const reserving = fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'RotationFunction')['ReservedConcurrentExecutions'] = 1;
  });
  const established = await firstDeploy(ESTABLISHED_ACCOUNT, reserving);
  expectOutcome(established.outcome, 'deployed');
  // A new account, its ECS role there so that only the reservation is in the way.
  const fresh = new Scenario('dev', { platform: reserving, accountProfile: NEW_ACCOUNT });
  fresh.aws.accountRoles.add(ECS_ROLE);
  const cause = rootCause((await fresh.operate(deploying(), { answers: ['yes'] })).outcome);
  assert.equal([cause.path, cause.logicalId, cause.status], ['Services/Frontend', 'RotationFunction', 'CREATE_FAILED']);
  assert.is(cause.reason, 'Resource handler returned message: "Specified ReservedConcurrentExecutions for function decreases account\'s UnreservedConcurrentExecution below its minimum value of [10]. (Service: Lambda, Status Code: 400)" (HandlerErrorCode: InvalidRequest)');

  const s = await realPlatformInNewAccount();
  const functions = deployedOfType(s, 'AWS::Lambda::Function');
  assert.ok(functions.length >= 3, `${functions.length} functions deployed`);
  assert.equal(functions.filter((f) => JSON.stringify(f.definition ?? {}).includes('ReservedConcurrentExecutions')).map((f) => f.logicalId), []);
});

test(`P-TRUTH: AWS behaviour: ECS cannot create a cluster in a new account until its service-linked role exists`, async () => {
  // The real platform deployed into a new account that nobody bootstrapped (its bucket and execution role made by hand).
  const unbootstrapped = await firstDeploy(NEW_ACCOUNT, renderedPlatform());
  const cause = rootCause(unbootstrapped.outcome);
  assert.equal([cause.path, cause.logicalId, cause.resourceType], ['Cluster', 'Cluster', 'AWS::ECS::Cluster']);
  assert.match(cause.reason, /CreateCluster Invalid Request: Unable to assume the service linked role\. Please verify that the ECS service linked role exists\./);
  // Where ECS can create its role on demand (an established account) the same deploy goes through.
  expectOutcome((await firstDeploy(ESTABLISHED_ACCOUNT, renderedPlatform())).outcome, 'deployed');

  const s = await realPlatformInNewAccount();
  assert.ok(s.aws.stack('tap-dev-bootstrap')?.resources.get('EcsServiceLinkedRole'), 'bootstrap created the role');
  assert.is(deployedOfType(s, 'AWS::ECS::Cluster').length, 1);
  assert.is(deployedOfType(s, 'AWS::ECS::Service').length, 4);
});

test.run();
