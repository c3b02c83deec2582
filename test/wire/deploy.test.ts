/**
 * D-12 wire tests: the real commands and the real SDK adapter over HTTP against moto, which is
 * reset before every scenario. What moto lacks (nested change sets, resource events, property
 * values, drift, termination protection) is covered by the fake; here the API contract is proven:
 * bootstrap, uploads (skipped when present), change set create/describe/execute/delete,
 * no-change, outputs, delete, and faults.
 */
import fs from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand, ListChangeSetsCommand } from '@aws-sdk/client-cloudformation';
import { HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silenceSdkNodeNotice } from '../../src/aws/sdk';
import type { MotoServer } from '../helpers/moto-server';
import { startFaultProxy } from '../helpers/fault-proxy';
import { BUCKET, motoClientOptions, onMoto, total, WireWorkspace } from './moto-harness';
import { motoTemplates } from './moto-fixtures';

// This suite builds SDK clients of its own to look at moto; the toolkit's are built by createSdkPort.
silenceSdkNodeNotice();

interface Context { moto: MotoServer; s3: S3Client; cfn: CloudFormationClient }
const wire = suite<Context>('wire');

onMoto(wire, 'wire', (moto) => ({ s3: new S3Client({ ...motoClientOptions(moto), forcePathStyle: true }), cfn: new CloudFormationClient(motoClientOptions(moto)) }));

const bootstrapped = async (w: WireWorkspace) => {
  const result = await w.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
};

wire('D-12 / D-1: bootstrap creates the artifact bucket stack from the inline template; a second run changes nothing', async ({ moto, s3 }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  const first = await w.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(first.code, 0, first.stderr);
  assert.match(first.stdout, /✓ tap-dev-bootstrap CREATE_COMPLETE/);
  await s3.send(new HeadBucketCommand({ Bucket: BUCKET }));
  const second = await w.run(['bootstrap', '--env', 'dev', '--yes']);
  assert.is(second.code, 0, second.stderr);
  assert.match(second.stdout, /No changes/, second.stdout);
  assert.is(second.calls.get('cfn.createChangeSet'), undefined, second.stdout);
});

wire('D-12 / D-3 / D-4: deploy uploads to content-addressed keys, creates and executes the change set, and reads nested outputs', async ({ moto, s3 }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  const result = await w.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /4 uploaded, 0 already in s3:\/\/tap-artifacts-123456789012-eu-west-1/);
  assert.match(result.stdout, /✓ tap-dev CREATE_COMPLETE/);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  const keys = (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
  assert.is(keys.filter((k) => /^templates\/[0-9a-f]{64}\.json$/.test(k)).length, 3);
  assert.is(keys.filter((k) => /^assets\/rotate-api-key-[0-9a-f]{16}\.zip$/.test(k)).length, 1);
  const outputs = JSON.parse(fs.readFileSync(`${w.root}/.tap/dev/outputs.json`, 'utf8'));
  assert.is(outputs.stacks['Logs'].LogGroupName.value, '/tap/dev/app');
  assert.is(outputs.stacks['Messaging'].AlertTopicName.value, 'tap-alerts-dev');
});

wire('D-12 / D-3: a second deploy with nothing changed uploads nothing and creates no change set (API calls counted)', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  assert.is((await w.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
  const noop = await w.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(noop.code, 0, noop.stderr);
  assert.match(noop.stdout, /No changes: the deployed templates \(all 3 stacks\), parameters and tags are identical/);
  for (const op of ['s3.putObject', 's3.headObject', 'cfn.createChangeSet', 'cfn.executeChangeSet']) assert.is(noop.calls.get(op), undefined, op);
  // 3 calls decide (GetCallerIdentity, DescribeStacks, GetTemplate); the rest refresh outputs.json.
  assert.is(noop.calls.get('sts.callerIdentity'), 1);
  assert.is(noop.calls.get('cfn.getTemplate'), 1);
  assert.is(total(noop.calls), 8, JSON.stringify([...noop.calls]));
  assert.match(noop.stdout, /8 AWS API calls\./);
});

wire('D-12 / D-4: --force on an unchanged stack: CloudFormation reports no changes, exit 0, the empty change set is deleted', async ({ moto, cfn }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  assert.is((await w.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
  const forced = await w.run(['deploy', '--env', 'dev', '--yes', '--force']);
  assert.is(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /No changes: CloudFormation found nothing to do \(.*didn't contain changes/);
  assert.is(forced.calls.get('s3.headObject'), 4, 'every object checked and found');
  assert.is(forced.calls.get('s3.putObject'), undefined);
  assert.is(forced.calls.get('cfn.deleteChangeSet'), 1);
  assert.is(forced.calls.get('cfn.executeChangeSet'), undefined);
  const left = await cfn.send(new ListChangeSetsCommand({ StackName: 'tap-dev' }));
  assert.is((left.Summaries ?? []).filter((c) => c.ExecutionStatus === 'AVAILABLE').length, 0);
});

wire('D-12 / D-6: an update left for review (exit 5) is executed later, by ARN, with deploy --review', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  assert.is((await w.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
  w.templates = motoTemplates(90);
  const left = await w.run(['deploy', '--env', 'dev']);
  assert.is(left.code, 5, left.stderr);
  assert.match(left.stdout, /~ Logs\s+AWS::CloudFormation::Stack/);
  // A deploy saves its review per change set (review.json is the latest diff's: D-13).
  const review = /make deploy ENV=dev REVIEW=(\.tap\/dev\/reviews\/tap-dev-\S+\.json)/.exec(left.stdout)?.[1] ?? '';
  assert.ok(review, left.stdout);
  const executed = await w.run(['deploy', '--env', 'dev', '--review', review]);
  assert.is(executed.code, 0, executed.stderr);
  assert.is(executed.calls.get('cfn.executeChangeSet'), 1);
  assert.is(executed.calls.get('cfn.createChangeSet'), undefined);
  assert.match(executed.stdout, /✓ tap-dev UPDATE_COMPLETE/);
  // Executing again is refused: the change set is spent.
  const again = await w.run(['deploy', '--env', 'dev', '--review', review]);
  assert.is(again.code, 9);
});

wire('D-12 / D-9 / D-10: outputs, then destroy (typed confirmation via --confirm) deletes the tree', async ({ moto, cfn }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  assert.is((await w.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
  const outputs = await w.run(['outputs', '--env', 'dev', '--json']);
  assert.is(outputs.code, 0);
  assert.is(JSON.parse(outputs.stdout.slice(outputs.stdout.indexOf('{'))).stacks['Logs'].LogGroupName.value, '/tap/dev/app');
  const destroyed = await w.run(['destroy', '--env', 'dev', '--confirm', 'tap-dev']);
  assert.is(destroyed.code, 0, destroyed.stderr);
  assert.match(destroyed.stdout, /✓ tap-dev DELETE_COMPLETE/);
  const gone = await cfn.send(new DescribeStacksCommand({ StackName: 'tap-dev' })).then(() => 'exists', (error: Error) => error.message);
  assert.match(gone, /does not exist/);
  const nothing = await w.run(['destroy', '--env', 'dev', '--confirm', 'tap-dev']);
  assert.is(nothing.code, 0);
  assert.match(nothing.stdout, /tap-dev does not exist; nothing to destroy\./);
});

wire('D-12 / D-11: drift on an endpoint without drift detection (moto answers 500) is a clear stop, not a crash', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  assert.is((await w.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
  const drift = await w.run(['drift', '--env', 'dev']);
  assert.is(drift.code, 4);
  assert.match(drift.stderr, /this endpoint does not implement drift detection/);
  assert.is(drift.calls.get('cfn.detectStackDrift'), 1, 'an unimplemented operation is not retried');
});

wire('D-12 / faults: the artifact bucket missing, and an endpoint that refuses connections, end with clear messages', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  const noBucket = await w.run(['deploy', '--env', 'dev', '--yes']);
  assert.is(noBucket.code, 4);
  assert.match(noBucket.stderr, /the artifact bucket tap-artifacts-123456789012-eu-west-1 does not exist in account 123456789012/);
  const closed = await w.run(['deploy', '--env', 'dev', '--yes'], { endpoint: 'http://localhost:9' });
  assert.is(closed.code, 4);
  assert.match(closed.stderr, /could not confirm the caller's account with STS GetCallerIdentity: ECONNREFUSED/);
  assert.is(closed.calls.get('sts.callerIdentity'), 4, 'a refused connection is retried, then reported');
});

wire('D-12 / faults over HTTP: throttling, 5xx, dropped connections and a lost ExecuteChangeSet answer mid-deploy; the deploy completes once and nothing is lost', async ({ moto, cfn, s3 }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  await bootstrapped(w);
  const proxy = await startFaultProxy(moto.endpoint);
  try {
    const faults = [
      { kind: 'throttle', action: 'GetCallerIdentity', times: 1 },
      { kind: 'reset', action: 'HEAD object', times: 1 },
      { kind: 'throttle', action: 'PUT object', times: 2 },
      { kind: 'server-error', action: 'PUT object', times: 1, after: 1 },
      { kind: 'throttle', action: 'CreateChangeSet', times: 1 },
      { kind: 'server-error', action: 'DescribeChangeSet', times: 1 },
      { kind: 'lose-response', action: 'ExecuteChangeSet', times: 1 },
      { kind: 'reset', action: 'DescribeStackEvents', times: 2, after: 1 },
      { kind: 'throttle', action: 'DescribeStacks', times: 1, after: 3 },
    ] as const;
    for (const fault of faults) proxy.inject(fault);
    const result = await w.run(['deploy', '--env', 'dev', '--yes'], { endpoint: proxy.endpoint });
    assert.is(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.is(proxy.injected.length, faults.reduce((sum, fault) => sum + fault.times, 0), 'every fault was injected');
    // Each fault is reported as it is retried; the lost answer is recognised, not repeated.
    for (const notice of [
      /throttled on sts\.callerIdentity; retry 1/,
      /on s3\.headObject; retry 1/,
      /throttled on s3\.putObject; retry 1/,
      /InternalError on s3\.putObject; retry \d/,
      /throttled on cfn\.createChangeSet; retry 1/,
      /InternalFailure on cfn\.describeChangeSet; retry 1/,
      /ExecuteChangeSet's answer was lost \(\w+\), but the change set is \w+: it was accepted; following it\./,
      /on cfn\.describeStackEvents; retry \d/,
      /throttled on cfn\.describeStack; retry 1/,
      /✓ tap-dev CREATE_COMPLETE/,
    ]) assert.match(result.stdout, notice);
    assert.is(proxy.seen.filter((r) => r.action === 'ExecuteChangeSet').length, 1, 'ExecuteChangeSet sent once');
    // Nothing lost: the stack tree exists once, every object is in the bucket, outputs were written.
    const stacks = await cfn.send(new DescribeStacksCommand({ StackName: 'tap-dev' }));
    assert.is(stacks.Stacks?.[0]?.StackStatus, 'CREATE_COMPLETE');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    assert.is((listed.Contents ?? []).length, 4);
    assert.ok(fs.existsSync(`${w.root}/.tap/dev/outputs.json`));
    // And a re-run (same endpoint, so the same TemplateURLs) finds the stack up to date.
    const again = await w.run(['deploy', '--env', 'dev', '--yes'], { endpoint: proxy.endpoint });
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes: the deployed templates \(all 3 stacks\), parameters and tags are identical/);
  } finally {
    await proxy.stop();
  }
});

wire.run();
