/**
 * P-DATA (issue 10 #2), end to end through `tap deploy` and the fake: for each stateful type of
 * src/cfn/stateful.ts, a prod change set that replaces a resource of that type is refused with
 * exit 10 and nothing executed, and the stack policy on the stack that holds it denies replacing
 * (and deleting) that type. Dropping a type from the list fails its row; a type added to the list
 * without a row fails the coverage test.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STATEFUL_RESOURCE_TYPES } from '../../src/cfn/stateful';
import { ops, Scenario } from '../helpers/deploy-harness';
import { fixturePlatform, props, type Templates } from '../fakes/platform-fixture';

interface Row {
  readonly type: string;
  readonly stack: string;
  readonly logicalId: string;
  /** A change of a create-only property: CloudFormation replaces the resource. */
  readonly replace: (t: Templates) => void;
}

const ROWS: readonly Row[] = [
  { type: 'AWS::ECR::Repository', stack: 'Registry', logicalId: 'FrontendRepository', replace: (t) => { props(t, 'registry.json', 'FrontendRepository')['RepositoryName'] = { 'Fn::Sub': 'ecr-web-${Environment}' }; } },
  { type: 'AWS::SecretsManager::Secret', stack: 'Services/Frontend', logicalId: 'ApiTokenSecret', replace: (t) => { props(t, 'services/frontend.json', 'ApiTokenSecret')['Name'] = { 'Fn::Sub': 'tap-${Environment}-web-api-token' }; } },
  { type: 'AWS::Logs::LogGroup', stack: 'Network', logicalId: 'FlowLogGroup', replace: (t) => { props(t, 'network.json', 'FlowLogGroup')['LogGroupName'] = { 'Fn::Sub': '/tap/${Environment}/flow' }; } },
  { type: 'AWS::KMS::Key', stack: 'Registry', logicalId: 'RegistryKey', replace: (t) => { props(t, 'registry.json', 'RegistryKey')['KeySpec'] = 'SYMMETRIC_DEFAULT'; } },
  { type: 'AWS::S3::Bucket', stack: 'Network', logicalId: 'AccessLogBucket', replace: (t) => { props(t, 'network.json', 'AccessLogBucket')['BucketName'] = { 'Fn::Sub': 'tap-logs-${Environment}' }; } },
];

test('P-DATA: every stateful type has a row', () => {
  assert.equal(ROWS.map((r) => r.type).sort(), Object.keys(STATEFUL_RESOURCE_TYPES).sort());
});

for (const row of ROWS) {
  test(`P-DATA: prod refuses replacing a ${row.type} (exit 10, nothing executed), and its stack's policy denies it`, async () => {
    const s = new Scenario('prod');
    const first = await s.run(['deploy', '--env', 'prod', '--yes']);
    assert.is(first.code, 0, first.stderr);
    const policy = JSON.parse(s.aws.stack(row.stack)?.policy ?? s.aws.rootStack(row.stack)?.policy ?? '{}') as { Statement: { Effect: string; Action: string | string[]; Condition?: { StringEquals?: { ResourceType?: string[] } } }[] };
    const keeps = policy.Statement.find((st) => st.Effect === 'Deny' && [st.Action].flat().includes('Update:Replace'));
    assert.ok(keeps?.Condition?.StringEquals?.ResourceType?.includes(row.type), `${row.stack}'s policy lists ${row.type}`);
    assert.ok([keeps?.Action].flat().includes('Update:Delete'));

    s.platform = fixturePlatform(row.replace);
    const refused = await s.run(['deploy', '--env', 'prod', '--yes']);
    assert.is(refused.code, 10, `${refused.stdout}\n${refused.stderr}`);
    assert.match(refused.stderr, new RegExp(`${row.stack}/${row.logicalId}  ${row.type} replaced`));
    assert.not.ok(ops(refused.calls).includes('cfn.executeChangeSet'));
    assert.is(s.aws.pendingChangeSets().length, 0, 'the refused change set is deleted');
  });
}

test.run();
