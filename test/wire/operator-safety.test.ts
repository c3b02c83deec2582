/**
 * Issue 13 #5-#7 over real HTTP: the real SDK adapter against a moto server on a loopback port.
 *
 * - D-12: with AWS_ENDPOINT_URL=http://127.0.0.1:<port> a deploy works (path-style S3, and
 *   TemplateURLs moto can resolve). Before: CreateChangeSet failed on a TemplateURL moto reads as
 *   bucket "127" and the CLI said only "error The specified bucket does not exist" (exit 1).
 * - D-8: a CloudFormation endpoint that refuses connections exits 4, naming the request, its stack
 *   and the endpoint. Before: exit 1.
 * - D-5: moto ignores IncludeNestedStacks, so its change sets name no nested change set: the review
 *   says the security section is not known. Before: "No security-relevant changes".
 * - D-13: ListChangeSets (which moto answers for the whole region) finds the diff's change set
 *   waiting on the stack, and the deploy leaves the diff's review.json alone.
 */
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silenceSdkNodeNotice } from '../../src/aws/sdk';
import type { MotoServer } from '../helpers/moto-server';
import { onMoto, WireWorkspace } from './moto-harness';
import { motoTemplates } from './moto-fixtures';

silenceSdkNodeNotice();

interface Context { moto: MotoServer }
const wire = suite<Context>('operator safety over moto');

onMoto(wire, 'operator safety over moto', () => ({}));

wire('D-12: AWS_ENDPOINT_URL=http://127.0.0.1:<port>: bootstrap and deploy work (path-style S3, TemplateURLs on localhost)', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  const ip = `http://127.0.0.1:${moto.port}`;
  const bootstrapped = await w.run(['bootstrap', '--env', 'dev', '--yes'], { endpoint: ip });
  assert.is(bootstrapped.code, 0, bootstrapped.stderr);
  const deployed = await w.run(['deploy', '--env', 'dev', '--yes'], { endpoint: ip });
  assert.is(deployed.code, 0, `${deployed.stdout}\n${deployed.stderr}`);
  assert.match(deployed.stdout, /4 uploaded, 0 already in s3:\/\/tap-artifacts-123456789012-eu-west-1/);
  assert.match(deployed.stdout, /✓ tap-dev CREATE_COMPLETE/);
  const outputs = JSON.parse(fs.readFileSync(`${w.root}/.tap/dev/outputs.json`, 'utf8'));
  assert.is(outputs.stacks['Logs'].LogGroupName.value, '/tap/dev/app');
});

wire('D-8: a CloudFormation endpoint that refuses connections: exit 4, the request, its stack and the endpoint named', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  const refused = await w.run(['deploy', '--env', 'dev', '--yes'], { env: { AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:9' } });
  assert.is(refused.code, 4, refused.stderr);
  assert.match(refused.stderr, /^error CloudFormation DescribeStacks stack tap-dev: .*ECONNREFUSED.*$/m);
  assert.match(refused.stderr, /Nothing answered at the endpoint http:\/\/127\.0\.0\.1:9 \(AWS_ENDPOINT_URL\): is it running, and is the address right\?/);
  assert.match(fs.readFileSync(`${w.root}/.tap/dev/aws-errors.log`, 'utf8'), /CloudFormation DescribeStacks stack tap-dev \(ECONNREFUSED, endpoint http:\/\/127\.0\.0\.1:9\)/);
});

wire('D-5: moto creates no nested change sets: the review says the security section is not known, never "none"', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  assert.is((await w.run(['bootstrap', '--env', 'dev', '--yes'])).code, 0);
  const left = await w.run(['deploy', '--env', 'dev']);
  assert.is(left.code, 5, left.stderr);
  assert.match(left.stdout, /Security-relevant changes: not known — CloudFormation returned no nested change set for Logs, Messaging/);
  assert.not.match(left.stdout, /No security-relevant changes/);
  const strict = await w.run(['deploy', '--env', 'dev', '--yes', '--require-approval', 'broadening']);
  assert.is(strict.code, 5, strict.stderr);
  assert.is(strict.calls.get('cfn.executeChangeSet'), undefined, '--yes did not execute it');
});

wire('D-13: a diff\'s change set waiting on the stack is named by the next deploy (ListChangeSets), and its review.json is left alone', async ({ moto }) => {
  const w = new WireWorkspace(moto, motoTemplates());
  assert.is((await w.run(['bootstrap', '--env', 'dev', '--yes'])).code, 0);
  assert.is((await w.run(['deploy', '--env', 'dev', '--yes'])).code, 0);
  w.templates = motoTemplates(90);
  assert.is((await w.run(['diff', '--env', 'dev'])).code, 0);
  const diffReview = fs.readFileSync(`${w.root}/.tap/dev/review.json`, 'utf8');
  w.templates = motoTemplates(120);
  const left = await w.run(['deploy', '--env', 'dev']);
  assert.is(left.code, 5, left.stderr);
  assert.match(left.stdout, /Another change set waits on tap-dev, not executed: tap-dev-\d{8}-\d{6}-[0-9a-f]{8} /);
  assert.is(left.calls.get('cfn.listChangeSets'), 1);
  assert.is(fs.readFileSync(`${w.root}/.tap/dev/review.json`, 'utf8'), diffReview);
});

wire.run();
