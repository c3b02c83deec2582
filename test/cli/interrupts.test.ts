/**
 * D-13 Ctrl-C in any phase (issue 13 #5), through the real entry point against the fake AWS: while
 * packaging, connecting, uploading, creating the change set and waiting for it, collecting the
 * review, at the approval prompt, executing, watching, after the stack operation (protections,
 * outputs), and in destroy, continue-rollback and bootstrap. Each row: exit 130, nothing more sent
 * to AWS after Ctrl-C (reads to say what was left are allowed), the words say what was left and the
 * next command, and AWS is in exactly that state.
 *
 * Before this change only watching handled Ctrl-C: in every other phase the run went on (or died
 * without a word) and a Ctrl-C at the approval prompt counted as "no".
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failFrontendDeployment, Scenario } from '../helpers/deploy-harness';
import type { RecordedCall } from '../fakes/aws';
import { changing, operatorRun, type CtrlC, type OperatorOptions } from './operator-runs';

interface Phase {
  readonly phase: string;
  /** The scenario as it is before the command. */
  readonly given: () => Promise<Scenario>;
  readonly argv: readonly string[];
  readonly ctrlC: (s: Scenario) => CtrlC;
  readonly options?: Omit<OperatorOptions, 'ctrlC'>;
  /** What stderr says: what was left, and the next command. */
  readonly says: readonly (string | RegExp)[];
  /** AWS as the words say it is. */
  readonly then: (s: Scenario) => void | Promise<void>;
}

const DEPLOY = ['deploy', '--env', 'dev', '--yes'];
const nth = (op: string, n: number) => {
  let seen = 0;
  return (call: RecordedCall) => call.op === op && (seen += 1) === n;
};
const fresh = async () => new Scenario('dev');
const deployedDev = async () => {
  const s = new Scenario('dev');
  await s.deployed();
  return s;
};
const rootChangeSets = (s: Scenario) => s.aws.pendingChangeSets().filter((c) => c.stackName === 'tap-dev');

const PHASES: readonly Phase[] = [
  {
    phase: 'packaging (before any AWS client)',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ whilePackaging: true }),
    says: ['interrupted Ctrl-C: stopped; nothing more was sent to AWS.', '  Nothing was changed in AWS by this run.', '  Next: make deploy ENV=dev'],
    then: (s) => assert.equal(s.aws.calls, [], 'not one AWS call'),
  },
  {
    phase: 'connecting (STS GetCallerIdentity)',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ atCall: nth('sts.callerIdentity', 1) }),
    says: ['  Nothing was changed in AWS by this run.'],
    then: (s) => assert.equal(changing(s.aws.calls), []),
  },
  {
    phase: 'uploading (the first S3 PutObject)',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ atCall: nth('s3.putObject', 1) }),
    says: ['  Before that, this run had sent:', /^ {4}S3 PutObject s3:\/\/tap-artifacts-111122223333-eu-west-1\/\S+$/m, '  Left in AWS now:', '    no stack tap-dev', '  Next: make deploy ENV=dev'],
    then: (s) => {
      assert.is(s.aws.callsTo('s3.putObject').length, 1, 'no upload after Ctrl-C');
      assert.is(s.aws.rootStack('tap-dev'), undefined);
      assert.is(s.aws.callsTo('cfn.createChangeSet').length, 0);
    },
  },
  {
    phase: 'creating the change set (CreateChangeSet answered)',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ atCall: nth('cfn.createChangeSet', 1) }),
    says: [
      /^ {4}CloudFormation CreateChangeSet change set tap-dev-\S+ on stack tap-dev$/m,
      '    stack tap-dev REVIEW_IN_PROGRESS: empty, it holds the change set of its first create',
      /^ {4}change set tap-dev-\S+ CREATE_PENDING, CloudFormation is still computing it \(created by this run\)$/m,
      /Next: make deploy ENV=dev once CloudFormation has computed it \(until then a new run stops, naming it\)/,
    ],
    then: (s) => {
      assert.is(s.aws.rootStack('tap-dev')?.status, 'REVIEW_IN_PROGRESS');
      assert.is(rootChangeSets(s).length, 1, 'the change set stays: it was not deleted on the way out');
    },
  },
  {
    phase: 'waiting for CloudFormation to compute the change set',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ atCall: nth('cfn.describeChangeSet', 2) }),
    says: [/change set tap-dev-\S+ CREATE_(PENDING|IN_PROGRESS), CloudFormation is still computing it/],
    then: (s) => assert.is(rootChangeSets(s).length, 1),
  },
  {
    phase: 'collecting the review (the change set is computed)',
    given: fresh, argv: DEPLOY,
    ctrlC: (s) => ({ atCall: (call) => call.op === 'cfn.describeChangeSet' && s.aws.pendingChangeSets().some((cs) => call.at >= cs.readyAt) }),
    says: [/^ {4}change set tap-dev-\S+ CREATE_COMPLETE, not executed \(created by this run\)$/m, '    or start over: make deploy ENV=dev', /or remove it: aws cloudformation delete-change-set --change-set-name arn:aws:cloudformation:\S+/, '      and the empty stack: aws cloudformation delete-stack --stack-name tap-dev'],
    then: (s) => {
      assert.is(rootChangeSets(s)[0]?.executionStatus, 'UNAVAILABLE', 'computed, never executed (the fake keeps UNAVAILABLE until DescribeChangeSet says AVAILABLE)');
      assert.is(s.aws.callsTo('cfn.executeChangeSet').length, 0);
    },
  },
  {
    phase: 'the approval prompt (Ctrl-C is not "no": the change set stays, with its review)',
    given: fresh, argv: ['deploy', '--env', 'dev'], options: { tty: true }, ctrlC: () => ({ atPrompt: true }),
    says: ['interrupted Ctrl-C at the approval prompt: stopped; nothing more was sent to AWS.', /execute exactly this change set: make deploy ENV=dev REVIEW=\.tap\/dev\/reviews\/tap-dev-\S+\.json/],
    then: (s) => {
      assert.is(rootChangeSets(s).length, 1, 'not deleted: Ctrl-C is not a decline');
      assert.is(s.aws.callsTo('cfn.deleteChangeSet').length, 0);
      assert.is(s.aws.callsTo('cfn.executeChangeSet').length, 0);
    },
  },
  {
    phase: 'executing (ExecuteChangeSet answered, before the first event was read)',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ atCall: nth('cfn.executeChangeSet', 1) }),
    says: ['interrupted stopped watching after 0s; nothing was cancelled.', '  CloudFormation carries on: tap-dev is CREATE_IN_PROGRESS.', '  Re-attach with make deploy ENV=dev'],
    then: (s) => {
      s.aws.settle();
      assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE', 'CloudFormation finished on its own');
    },
  },
  {
    phase: 'watching the stack operation',
    given: fresh, argv: DEPLOY, ctrlC: () => ({ atCall: nth('cfn.describeStackEvents', 4) }),
    says: ['  CloudFormation carries on: tap-dev is CREATE_IN_PROGRESS.'],
    then: (s) => assert.is(s.aws.callsTo('cfn.executeChangeSet').length, 1),
  },
  {
    phase: 'after the stack operation: prod protections (stack policies)',
    given: async () => new Scenario('prod'), argv: ['deploy', '--env', 'prod', '--yes'], ctrlC: () => ({ atCall: nth('cfn.setStackPolicy', 1) }),
    says: ['  The stack operation itself has ended (tap-prod CREATE_COMPLETE); what follows it (prod protections, outputs) may not have run.', '  Next: make deploy ENV=prod: it finds nothing to deploy and finishes them.'],
    then: (s) => assert.is(s.aws.callsTo('cfn.setStackPolicy').length, 1, 'no second policy after Ctrl-C'),
  },
  {
    phase: 'after the stack operation: reading the outputs',
    given: fresh, argv: DEPLOY,
    ctrlC: (s) => ({ atCall: (call) => call.op === 'cfn.listStackResources' && s.aws.rootStack('tap-dev')?.status === 'CREATE_COMPLETE' }),
    says: ['  The stack operation itself has ended (tap-dev CREATE_COMPLETE)', '  Next: make deploy ENV=dev: it finds nothing to deploy and finishes them.'],
    then: (s) => assert.not.ok(fs.existsSync(path.join(s.root, '.tap/dev/outputs.json'))),
  },
  {
    phase: 'destroy: the confirmation prompt',
    given: deployedDev, argv: ['destroy', '--env', 'dev'], options: { tty: true }, ctrlC: () => ({ atPrompt: true }),
    says: ['interrupted Ctrl-C at the confirmation of the stack name: stopped; nothing more was sent to AWS.', '  Nothing was changed in AWS by this run.', '  Next: make destroy ENV=dev'],
    then: (s) => assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE'),
  },
  {
    phase: 'destroy: emptying a bucket',
    given: async () => {
      const s = await deployedDev();
      for (let i = 0; i < 5; i += 1) s.aws.putObject('tap-alb-logs-dev', `AWSLogs/${i}.gz`, 'log');
      return s;
    },
    argv: ['destroy', '--env', 'dev', '--confirm', 'tap-dev'], ctrlC: () => ({ atCall: nth('s3.deleteObjects', 1) }),
    // Outside prod the bucket is retained by the stack and emptied after it is gone (retained.ts).
    says: ['    S3 DeleteObjects s3://tap-alb-logs-dev', '    no stack tap-dev', '  Next: make destroy ENV=dev'],
    then: (s) => {
      assert.is(s.aws.callsTo('cfn.deleteStack').length, 1, 'the stacks were deleted first');
      assert.is(s.aws.buckets.get('tap-alb-logs-dev')?.objects.size, 3, 'one batch removed, then it stopped');
    },
  },
  {
    phase: 'destroy: DeleteStack answered',
    given: deployedDev, argv: ['destroy', '--env', 'dev', '--confirm', 'tap-dev'], ctrlC: () => ({ atCall: nth('cfn.deleteStack', 1) }),
    says: ['  CloudFormation carries on: tap-dev is DELETE_IN_PROGRESS.', '  Re-attach with make destroy ENV=dev'],
    then: (s) => assert.is(s.aws.rootStack('tap-dev')?.status, 'DELETE_IN_PROGRESS'),
  },
  {
    phase: 'continue-rollback: the question',
    given: async () => {
      const s = await deployedDev();
      failFrontendDeployment(s);
      s.aws.failResource({ path: 'Services/Frontend', logicalId: 'LogGroup', reason: 'deleted outside CloudFormation', phase: 'rollback' });
      assert.is((await s.run(DEPLOY)).code, 8);
      return s;
    },
    argv: ['continue-rollback', '--env', 'dev'], options: { tty: true }, ctrlC: () => ({ atPrompt: true }),
    says: ['interrupted Ctrl-C at the question whether to continue the rollback: stopped; nothing more was sent to AWS.', '  Nothing was changed in AWS by this run.'],
    then: (s) => assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_ROLLBACK_FAILED'),
  },
  {
    phase: 'bootstrap: creating its change set',
    given: async () => new Scenario('dev', { bucket: false }), argv: ['bootstrap', '--env', 'dev', '--yes'], ctrlC: () => ({ atCall: nth('cfn.createChangeSet', 1) }),
    says: ['    stack tap-dev-bootstrap REVIEW_IN_PROGRESS: empty, it holds the change set of its first create', /change set tap-dev-\S+ CREATE_PENDING, CloudFormation is still computing it \(created by this run\)/, /Next: make bootstrap ENV=dev/],
    then: (s) => assert.is(s.aws.rootStack('tap-dev-bootstrap')?.status, 'REVIEW_IN_PROGRESS'),
  },
];

for (const row of PHASES) {
  test(`D-13: Ctrl-C in ${row.phase} → exit 130, nothing more sent, what was left and the next command`, async () => {
    const s = await row.given();
    const run = await operatorRun(s, row.argv, { ...row.options, ctrlC: row.ctrlC(s) });
    assert.is(run.code, 130, `exit code\n${run.stdout}\n${run.stderr}`);
    assert.equal(changing(run.afterCtrlC), [], 'requests that change AWS after Ctrl-C');
    for (const expected of row.says) {
      assert.ok(typeof expected === 'string' ? run.stderr.includes(expected) : expected.test(run.stderr), `stderr lacks ${expected}:\n${run.stderr}`);
    }
    await row.then(s);
  });
}

test('D-13: the change set left at the approval prompt is executed later with the REVIEW= command the message names', async () => {
  const s = new Scenario('dev');
  const stopped = await operatorRun(s, ['deploy', '--env', 'dev'], { tty: true, ctrlC: { atPrompt: true } });
  const review = /REVIEW=(\.tap\/dev\/reviews\/\S+\.json)/.exec(stopped.stderr)?.[1];
  assert.ok(review, stopped.stderr);
  const executed = await s.run(['deploy', '--env', 'dev', '--review', review ?? '']);
  assert.is(executed.code, 0, executed.stderr);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE');
});

test('D-13: after Ctrl-C in the prod protections, the next deploy finds nothing to deploy and finishes them', async () => {
  const s = new Scenario('prod');
  assert.is((await operatorRun(s, ['deploy', '--env', 'prod', '--yes'], { ctrlC: { atCall: nth('cfn.setStackPolicy', 1) } })).code, 130);
  const unprotected = () => ['Network', 'Registry', 'Services'].filter((p) => s.aws.stack(p)?.policy === undefined);
  assert.equal(unprotected(), ['Network', 'Registry', 'Services'], 'the nested stacks\' policies were cut short');
  const again = await s.run(['deploy', '--env', 'prod', '--yes']);
  assert.is(again.code, 0, again.stderr);
  assert.equal(unprotected(), []);
  assert.match(again.stdout, /Data protection \(DataProtection=retain\): termination protection on; stack policy set on Network/);
});

test('D-13: Ctrl-C does not keep the environment locked: the next command runs', async () => {
  const s = new Scenario('dev');
  assert.is((await operatorRun(s, DEPLOY, { ctrlC: { atCall: nth('s3.putObject', 1) } })).code, 130);
  assert.not.ok(fs.existsSync(path.join(s.root, '.tap/dev/deploy.lock')));
  assert.is((await s.run(DEPLOY)).code, 0);
});

test.run();
