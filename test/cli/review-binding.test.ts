/**
 * D-6 (issue 10 #2): a saved review is bound to everything it was computed from. Each bound field
 * changed alone, after `tap diff` saved the review, makes `tap deploy --review` refuse with exit 9
 * and call ExecuteChangeSet never; the same review untouched executes (the control row, so the
 * refusals cannot pass by accident).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ops, Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props } from '../fakes/platform-fixture';

const REVIEW = '.tap/dev/review.json';

const retention = (days: number) => fixturePlatform((t) => {
  props(t, 'network.json', 'FlowLogGroup')['RetentionInDays'] = days;
});

type Json = Record<string, unknown>;

function editJson(s: Scenario, file: string, edit: (document: Json) => void): void {
  const full = path.join(s.root, file);
  const document = JSON.parse(fs.readFileSync(full, 'utf8')) as Json;
  edit(document);
  fs.writeFileSync(full, `${JSON.stringify(document, null, 2)}\n`);
}

interface Row {
  readonly field: string;
  /** The one change made after the review was saved. */
  readonly change: (s: Scenario) => void;
  /** What the refusal names (stderr). */
  readonly reason: RegExp;
}

const ROWS: readonly Row[] = [
  { field: 'parameters', change: (s) => editJson(s, 'params/dev.json', (d) => { (d['parameters'] as Json)['DataProtection'] = 'retain'; }), reason: /the parameters in the params file changed since the review/ },
  { field: 'tags', change: (s) => editJson(s, 'params/dev.json', (d) => { (d['tags'] as Json)['cost-center'] = 'platform'; }), reason: /the tags in the params file changed since the review/ },
  { field: 'account', change: (s) => editJson(s, REVIEW, (d) => { d['accountId'] = '999988887777'; }), reason: /the review is for account 999988887777 in eu-west-1, not 111122223333 in eu-west-1/ },
  { field: 'region', change: (s) => editJson(s, REVIEW, (d) => { d['region'] = 'us-east-1'; }), reason: /the review is for account 111122223333 in us-east-1, not 111122223333 in eu-west-1/ },
  { field: 'stack name', change: (s) => editJson(s, REVIEW, (d) => { d['stackName'] = 'tap-staging'; }), reason: /the review is for tap-staging \(dev\), not tap-dev \(dev\)/ },
  { field: 'stack id', change: (s) => editJson(s, REVIEW, (d) => { d['stackId'] = String(d['stackId']).replace(/\/[^/]+$/, '/another-stack-id'); }), reason: /stack tap-dev was deleted and re-created since the review/ },
  { field: 'stack state', change: (s) => editJson(s, REVIEW, (d) => { d['stackState'] = { status: 'UPDATE_COMPLETE', lastUpdatedTime: '2026-01-01T00:00:00.000Z' }; }), reason: /stack tap-dev changed since the review/ },
  { field: 'change-set status', change: (s) => { s.aws.pendingChangeSets()[0].executionStatus = 'OBSOLETE'; }, reason: /cannot be executed any more \(CREATE_COMPLETE, OBSOLETE\)/ },
  { field: 'change set gone', change: (s) => { void s.aws.port.cfn.deleteChangeSet(s.aws.pendingChangeSets()[0].id); }, reason: /change set tap-dev-\S+ no longer exists/ },
  { field: 'template hashes', change: (s) => { s.platform = retention(180); }, reason: /templates\/network\.json \(Network\) changed since the review/ },
];

async function reviewed(): Promise<Scenario> {
  const s = new Scenario('dev');
  await s.deployed();
  s.platform = retention(90);
  const diff = await s.run(['diff', '--env', 'dev']);
  assert.is(diff.code, 0, diff.stderr);
  return s;
}

for (const row of ROWS) {
  test(`D-6: a review is refused (exit 9, nothing executed) when only its ${row.field} changed`, async () => {
    const s = await reviewed();
    row.change(s);
    const result = await s.run(['deploy', '--env', 'dev', '--review', REVIEW, '--yes']);
    assert.is(result.code, 9, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /^stale review \.tap\/dev\/review\.json no longer describes what would be executed; nothing was executed:/m);
    assert.match(result.stderr, row.reason);
    assert.not.ok(ops(result.calls).includes('cfn.executeChangeSet'));
    assert.is(s.aws.rootStack('tap-dev')?.status, 'CREATE_COMPLETE', 'the stack is as it was');
  });
}

test('D-6: the table covers every field the review binds (a new bound field needs a row)', () => {
  const bound = ['accountId', 'region', 'stackName', 'stackId', 'stackState', 'changeSet', 'templates', 'parametersSha256', 'tagsSha256'];
  const covered: Readonly<Record<string, string>> = {
    accountId: 'account', region: 'region', stackName: 'stack name', stackId: 'stack id', stackState: 'stack state', changeSet: 'change-set status',
    templates: 'template hashes', parametersSha256: 'parameters', tagsSha256: 'tags',
  };
  for (const field of bound) assert.ok(ROWS.some((r) => r.field === covered[field]), field);
});

test('D-6: control: the same review, untouched, executes exactly its change set', async () => {
  const s = await reviewed();
  const result = await s.run(['deploy', '--env', 'dev', '--review', REVIEW, '--yes']);
  assert.is(result.code, 0, result.stderr);
  assert.is(ops(result.calls).filter((op) => op === 'cfn.executeChangeSet').length, 1);
  assert.is(s.aws.rootStack('tap-dev')?.status, 'UPDATE_COMPLETE');
});

test.run();
