/**
 * P-TRUTH, issue 11 item 2: what a sibling stack's output breaks in a nested change set. With
 * IncludeNestedStacks, a nested stack's parameter fed by a sibling's output (or by a resource being
 * created) is a placeholder, not a value, until the change set runs (the fake's model and its
 * sources: test/fakes/aws/cloudformation/placeholders.ts; behaviours.ts lists them).
 *
 * Each test: (a) the fixture platform, given the trap, fails at CreateChangeSet as AWS does: the
 * root change set FAILED, the cause named in the nested one, nothing executed; (b) the real platform
 * (rendered from src/stacks) is created through the same path while its nested change sets do
 * receive placeholders, and none fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChangeSetFailure } from '../../src/operations/operation';
import { deploying, expectOutcome, ops, Scenario } from '../helpers/deploy-harness';
import { renderedPlatform } from '../helpers/platform';
import { fixturePlatform, type Templates } from '../fakes/platform-fixture';

/** The fixture's Services stack, given the registry's repository list (a sibling's output) as the real one once was. */
function withRepositoryList(templates: Templates): void {
  const services = templates['root.json'].Resources['Services'].Properties as { Parameters: Record<string, unknown> };
  services.Parameters['RepositoryUris'] = { 'Fn::GetAtt': ['Registry', 'Outputs.RepositoryUris'] };
  templates['services.json'].Parameters = { ...templates['services.json'].Parameters, RepositoryUris: { Type: 'String', Description: 'catalog order' } };
}

/** A first deploy of `platform`, approved: its outcome and the calls it made. */
async function firstDeploy(platform = fixturePlatform()) {
  const s = new Scenario('dev', { platform });
  const deployed = await s.operate(deploying(), { answers: ['yes'] });
  return { s, ...deployed };
}

/** The change set's failure, asserting nothing was executed. */
function failedChangeSet(result: Awaited<ReturnType<typeof firstDeploy>>): Extract<ChangeSetFailure, { kind: 'failed' }> {
  const { failure } = expectOutcome(result.outcome, 'change-set-failed');
  if (failure.kind !== 'failed') throw new Error(`expected a FAILED change set, got ${failure.kind}`);
  assert.not.ok(ops(result.calls).includes('cfn.executeChangeSet'), 'nothing executed');
  return failure;
}

let real: Promise<Awaited<ReturnType<typeof firstDeploy>>> | undefined;

/** (b) for every test here: the real platform's first deploy, whose nested change sets get placeholders and all succeed. */
async function realPlatformDeployed(): Promise<void> {
  real ??= firstDeploy(renderedPlatform());
  const { s, outcome } = await real;
  expectOutcome(outcome, 'deployed');
  const nested = s.aws.allChangeSets().filter((cs) => cs.parentId !== undefined);
  const fed = nested.filter((cs) => cs.placeholders);
  assert.ok(fed.length >= 3, `nested change sets given a sibling's output: ${fed.map((cs) => cs.name).join(', ')}`);
  assert.equal(nested.filter((cs) => cs.failReason).map((cs) => [cs.name, cs.failReason]), []);
}

test(`P-TRUTH: AWS behaviour: Fn::Select (index 1 or more) over a sibling stack's output fails the nested change set's creation`, async () => {
  const selecting = await firstDeploy(fixturePlatform((t) => {
    withRepositoryList(t);
    t['services.json'].Resources['ApiImage'] = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::Select': [1, { 'Fn::Split': [',', { Ref: 'RepositoryUris' }] }] } } };
  }));
  const failure = failedChangeSet(selecting);
  assert.match(failure.reason, /^Nested change set arn:aws:cloudformation:.*was not successfully created: Currently in FAILED\.$/);
  assert.equal(failure.causes.map((c) => c.reason), ['Template error: Fn::Select cannot select nonexistent value at index 1']);
  assert.match(failure.causes[0].stackName, /^tap-dev-Services-/);
  // Index 0 is what the open issue does not report failing: the placeholder is a list of one.
  const first = await firstDeploy(fixturePlatform((t) => {
    withRepositoryList(t);
    t['services.json'].Resources['ApiImage'] = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::Select': [0, { 'Fn::Split': [',', { Ref: 'RepositoryUris' }] }] } } };
  }));
  expectOutcome(first.outcome, 'deployed');
  await realPlatformDeployed();
});

test(`P-TRUTH: AWS behaviour: the AWS::LanguageExtensions transform rejects a sibling stack's output in a nested change set`, async () => {
  const transformed = await firstDeploy(fixturePlatform((t) => {
    t['services.json'].Transform = 'AWS::LanguageExtensions';
  }));
  const failure = failedChangeSet(transformed);
  assert.equal(failure.causes.map((c) => c.reason), ['Usage of {{IntrinsicFunction:tap-dev/Network/Fn::GetAtt}} is not allowed.']);
  // The same transform on a stack given no sibling's output is accepted (the registry gets parameters only).
  const registry = await firstDeploy(fixturePlatform((t) => {
    t['registry.json'].Transform = 'AWS::LanguageExtensions';
  }));
  expectOutcome(registry.outcome, 'deployed');
  await realPlatformDeployed();
});

test(`P-TRUTH: AWS behaviour: a condition over a sibling stack's output has no value when the nested change set is created`, async () => {
  const conditional = await firstDeploy(fixturePlatform((t) => {
    t['services.json'].Conditions = { HasVpc: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'VpcId' }, ''] }] } };
  }));
  const failure = failedChangeSet(conditional);
  assert.equal(failure.causes.map((c) => c.reason), ['Template error: unable to evaluate condition HasVpc: parameter VpcId has no value until the change set is executed']);
  // A condition over the parent's own parameters is evaluated as usual.
  const own = await firstDeploy(fixturePlatform((t) => {
    t['services.json'].Conditions = { IsProd: { 'Fn::Equals': [{ Ref: 'Environment' }, 'prod'] } };
  }));
  expectOutcome(own.outcome, 'deployed');
  await realPlatformDeployed();
});

test.run();
