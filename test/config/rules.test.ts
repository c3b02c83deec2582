/**
 * T-5: every cross-field rule of src/config/rules.ts at its boundary. For each rule the value on
 * the edge is accepted and the first value past it is refused, naming the file and the JSON path
 * (e.g. DesiredCount == MaxCapacity is valid, MaxCapacity + 1 is not). An off-by-one in any rule
 * fails one of these rows.
 *
 * The workspace holds only params files these tests write (from the committed dev.json, with
 * their own names, VPCs and stacks), so a user's own params/<env>.json cannot change the outcome.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, tempWorkspace, type EditableEnvironmentFile } from '../helpers/cli';
import { platformTemplates } from '../helpers/platform';
import { NAME_RULES, resolveName } from '../../src/cfn/name-limits';
import { EXIT } from '../../src/cli/exit-codes';
import { repoRoot } from '../../src/core/paths';

type Edit = (document: EditableEnvironmentFile) => void;

const base = (): EditableEnvironmentFile => JSON.parse(fs.readFileSync(path.join(repoRoot(), 'params', 'dev.json'), 'utf8')) as EditableEnvironmentFile;

/** A workspace whose params/ holds exactly these environments, each with its own VPC (10.40+i.0.0/16) and stack. */
function workspace(environments: Readonly<Record<string, Edit>>): string {
  const root = tempWorkspace();
  const dir = path.join(root, 'params');
  for (const file of fs.readdirSync(dir)) fs.rmSync(path.join(dir, file));
  Object.entries(environments).forEach(([name, edit], index) => {
    const document = base();
    const second = 40 + index;
    document.parameters['Environment'] = name;
    document.parameters['DataProtection'] = name === 'prod' ? 'retain' : 'delete';
    document.parameters['VpcCidr'] = `10.${second}.0.0/16`;
    document.parameters['DatabaseCidr'] = `10.${second}.240.0/24`;
    document.parameters['DesiredCount'] = 2;
    document.parameters['MinCapacity'] = 2;
    document.parameters['MaxCapacity'] = 4;
    document.deployment['stackName'] = `tap-${name}`;
    document.deployment['artifactBucket'] = `tap-artifacts-${name}-rules-test`;
    edit(document);
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(document, null, 2));
  });
  return root;
}

/** Refused at `path`, for the reason `because` matches (the same path can have several problems). */
type Expect = 'valid' | { readonly path: string; readonly because?: RegExp };

interface Row {
  readonly rule: string;
  readonly boundary: string;
  /** Environments of the workspace; the first is validated. */
  readonly environments: Readonly<Record<string, Edit>>;
  readonly expect: Expect;
}

const only = (edit: Edit): Readonly<Record<string, Edit>> => ({ dev: edit });
const counts = (desired: number, min: number, max: number): Edit => (d) => Object.assign(d.parameters, { DesiredCount: desired, MinCapacity: min, MaxCapacity: max });
const subnets = (privateCidrs: string[], publicCidrs = ['10.40.192.0/20', '10.40.208.0/20', '10.40.224.0/20']): Edit => (d) =>
  Object.assign(d.parameters, { PrivateSubnetCidrs: privateCidrs, PublicSubnetCidrs: publicCidrs });
const neighbour = (vpc: string): Readonly<Record<string, Edit>> => ({
  dev: (d) => { d.parameters['VpcCidr'] = vpc; d.parameters['DatabaseCidr'] = vpc; },
  staging: () => undefined, // 10.41.0.0/16
});
const arnIn = (key: string, service: string, region: string, account: string): Edit => (d) => {
  d.parameters[key] = service === 'acm'
    ? `arn:aws:acm:${region}:${account}:certificate/2f1b6c6e-4b3a-4e0d-9a51-6c7d8e9f0a1b`
    : `arn:aws:secretsmanager:${region}:${account}:secret:tap-dev-postgres-admin-Ab12Cd`;
};
const { accountId, region } = base().deployment as { accountId: string; region: string };
const otherAccount = accountId === '999988887777' ? '999988887776' : '999988887777';
const otherRegion = region === 'eu-central-1' ? 'eu-west-1' : 'eu-central-1';

/**
 * The longest environment name every physical name still fits (AWS limits of NAME_RULES), found
 * from the rendered templates: the tightest name decides it.
 */
function longestEnvironmentName(): number {
  let longest = Infinity;
  for (const { template } of platformTemplates()) {
    for (const resource of Object.values(template.Resources)) {
      for (const rule of NAME_RULES.filter((r) => r.resourceType === resource.Type)) {
        const fixed = resolveName(resource.Properties?.[rule.property], '');
        const withEnv = resolveName(resource.Properties?.[rule.property], 'x');
        if (fixed === undefined || withEnv === undefined || withEnv === fixed) continue;
        longest = Math.min(longest, rule.maxLength - fixed.length);
      }
    }
  }
  return longest;
}
const LONGEST = longestEnvironmentName();
const nameOfLength = (length: number): string => `e${'n'.repeat(length - 1)}`;

const ROWS: readonly Row[] = [
  { rule: 'DesiredCount within MinCapacity..MaxCapacity', boundary: 'DesiredCount == MaxCapacity', environments: only(counts(4, 2, 4)), expect: 'valid' },
  { rule: 'DesiredCount within MinCapacity..MaxCapacity', boundary: 'DesiredCount == MinCapacity', environments: only(counts(2, 2, 4)), expect: 'valid' },
  { rule: 'DesiredCount within MinCapacity..MaxCapacity', boundary: 'DesiredCount == MaxCapacity + 1', environments: only(counts(5, 2, 4)), expect: { path: '/parameters/DesiredCount' } },
  { rule: 'DesiredCount within MinCapacity..MaxCapacity', boundary: 'DesiredCount == MinCapacity - 1', environments: only(counts(1, 2, 4)), expect: { path: '/parameters/DesiredCount' } },
  { rule: 'MinCapacity <= MaxCapacity', boundary: 'MinCapacity == MaxCapacity', environments: only(counts(3, 3, 3)), expect: 'valid' },
  { rule: 'MinCapacity <= MaxCapacity', boundary: 'MinCapacity == MaxCapacity + 1', environments: only(counts(3, 4, 3)), expect: { path: '/parameters/MinCapacity' } },

  { rule: 'subnets: one per AZ, /28 or larger, inside the VPC, disjoint', boundary: 'three adjacent /28s, the last at the end of the VPC', environments: only(subnets(['10.40.0.0/28', '10.40.0.16/28', '10.40.255.240/28'])), expect: 'valid' },
  { rule: 'subnets: one per AZ', boundary: 'two subnets', environments: only(subnets(['10.40.0.0/18', '10.40.64.0/18'])), expect: { path: '/parameters/PrivateSubnetCidrs', because: /one per AZ/ } },
  { rule: 'subnets: one per AZ', boundary: 'four subnets', environments: only(subnets(['10.40.0.0/18', '10.40.64.0/18', '10.40.128.0/19', '10.40.160.0/19'])), expect: { path: '/parameters/PrivateSubnetCidrs', because: /one per AZ/ } },
  { rule: 'subnets: /28 or larger', boundary: 'a /29', environments: only(subnets(['10.40.0.0/29', '10.40.0.16/28', '10.40.0.32/28'])), expect: { path: '/parameters/PrivateSubnetCidrs/0', because: /\/28/ } },
  { rule: 'subnets: inside the VPC', boundary: 'the first /28 after the VPC', environments: only(subnets(['10.40.0.0/28', '10.40.0.16/28', '10.41.0.0/28'])), expect: { path: '/parameters/PrivateSubnetCidrs/2', because: /outside/ } },
  { rule: 'subnets: disjoint', boundary: 'a /27 holding the next /28', environments: only(subnets(['10.40.0.0/28', '10.40.0.16/28', '10.40.0.0/27'])), expect: { path: '/parameters/PrivateSubnetCidrs/2', because: /overlap/ } },
  { rule: 'subnets: disjoint', boundary: 'a public subnet on a private one', environments: only(subnets(['10.40.0.0/18', '10.40.64.0/18', '10.40.128.0/18'], ['10.40.192.0/20', '10.40.208.0/20', '10.40.128.0/20'])), expect: { path: '/parameters/PrivateSubnetCidrs/2', because: /overlap/ } },

  { rule: 'VPC disjoint from other environments', boundary: 'adjacent below (10.40/16 next to 10.41/16)', environments: neighbour('10.40.0.0/16'), expect: 'valid' },
  { rule: 'VPC disjoint from other environments', boundary: 'the first /23 after the other VPC', environments: neighbour('10.42.0.0/23'), expect: 'valid' },
  { rule: 'VPC disjoint from other environments', boundary: 'the last /23 of the other VPC', environments: neighbour('10.41.254.0/23'), expect: { path: '/parameters/VpcCidr', because: /overlap/ } },
  { rule: 'VPC disjoint from other environments', boundary: 'the same VPC', environments: neighbour('10.41.0.0/16'), expect: { path: '/parameters/VpcCidr', because: /overlap/ } },

  { rule: 'VpcCidr is a network address', boundary: 'one host bit set', environments: only((d) => { d.parameters['VpcCidr'] = '10.40.0.1/16'; }), expect: { path: '/parameters/VpcCidr', because: /host bits/ } },
  { rule: 'DatabaseCidr is a network address', boundary: 'a /32 (a host is its own network)', environments: only((d) => { d.parameters['DatabaseCidr'] = '10.40.240.7/32'; }), expect: 'valid' },
  { rule: 'DatabaseCidr is a network address', boundary: 'the last host bit set', environments: only((d) => { d.parameters['DatabaseCidr'] = '10.40.240.1/31'; }), expect: { path: '/parameters/DatabaseCidr' } },

  { rule: 'Environment equals the file name', boundary: 'one character more', environments: only((d) => { d.parameters['Environment'] = 'devx'; }), expect: { path: '/parameters/Environment' } },
  { rule: 'prod retains data', boundary: 'prod with retain', environments: { prod: () => undefined }, expect: 'valid' },
  { rule: 'prod retains data', boundary: 'prod with delete', environments: { prod: (d) => { d.parameters['DataProtection'] = 'delete'; } }, expect: { path: '/parameters/DataProtection' } },
  { rule: 'prod retains data', boundary: 'another environment with retain', environments: only((d) => { d.parameters['DataProtection'] = 'retain'; }), expect: 'valid' },

  ...['project', 'environment', 'service'].map((key): Row => ({ rule: 'tags do not redefine platform tags', boundary: `tag ${key}`, environments: only((d) => { d.tags = { ...d.tags, [key]: 'x' }; }), expect: { path: `/tags/${key}` } })),
  { rule: 'tags do not redefine platform tags', boundary: 'a tag key one letter longer (projects)', environments: only((d) => { d.tags = { ...d.tags, projects: 'x' }; }), expect: 'valid' },

  { rule: 'ARNs in the deployment\'s account and region', boundary: 'certificate in the same account and region', environments: only(arnIn('CertificateArn', 'acm', region, accountId)), expect: 'valid' },
  { rule: 'ARNs in the deployment\'s account and region', boundary: 'certificate in another region', environments: only(arnIn('CertificateArn', 'acm', otherRegion, accountId)), expect: { path: '/parameters/CertificateArn' } },
  { rule: 'ARNs in the deployment\'s account and region', boundary: 'certificate in another account', environments: only(arnIn('CertificateArn', 'acm', region, otherAccount)), expect: { path: '/parameters/CertificateArn' } },
  { rule: 'ARNs in the deployment\'s account and region', boundary: 'admin secret in another region', environments: only(arnIn('DatabaseAdminSecretArn', 'secretsmanager', otherRegion, accountId)), expect: { path: '/parameters/DatabaseAdminSecretArn' } },
  { rule: 'ARNs in the deployment\'s account and region', boundary: 'admin secret in another account', environments: only(arnIn('DatabaseAdminSecretArn', 'secretsmanager', region, otherAccount)), expect: { path: '/parameters/DatabaseAdminSecretArn' } },

  { rule: 'physical names fit AWS limits', boundary: `an environment name of ${LONGEST} characters (the tightest name exactly at its limit)`, environments: { [nameOfLength(LONGEST)]: () => undefined }, expect: 'valid' },
  { rule: 'physical names fit AWS limits', boundary: `an environment name of ${LONGEST + 1} characters`, environments: { [nameOfLength(LONGEST + 1)]: () => undefined }, expect: { path: '/parameters/Environment' } },
];

test('T-5: the longest environment name is set by a physical name, within what the Environment pattern allows', () => {
  // Otherwise the name rows below would test the schema's pattern instead of the name rule.
  assert.ok(LONGEST >= 2 && LONGEST < 16, `longest environment name ${LONGEST}`);
});

for (const row of ROWS) {
  test(`T-5: ${row.rule}: ${row.boundary} is ${row.expect === 'valid' ? 'valid' : 'refused'}`, async () => {
    const [env] = Object.keys(row.environments);
    const result = await runCli(['validate', '--env', env], { root: workspace(row.environments) });
    if (row.expect === 'valid') {
      assert.is(result.code, EXIT.ok, result.stderr);
      return;
    }
    assert.is(result.code, EXIT.invalidInput, `refused; stdout: ${result.stdout}`);
    const { path: at, because } = row.expect;
    const line = result.stderr.split('\n').find((l) => l.includes(`params/${env}.json: ${at}: `) && (because?.test(l) ?? true));
    assert.ok(line, `a problem at ${at}${because ? ` matching ${because}` : ''}; stderr: ${result.stderr}`);
    assert.match(result.stderr, 'Nothing was changed in AWS');
  });
}

test.run();
