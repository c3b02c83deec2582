/**
 * Bad-input suite for operator safety (issue 13): environments that reuse another's identity,
 * values that are not environment names, params and review files that are not what they claim
 * (syntax, BOM, empty, keys given twice, directories, FIFOs, devices, huge files), values AWS
 * would refuse or misread, and catalog entries a builder cannot use. Each row runs through the
 * real entry point (`main`) with the AWS commands connected to a FakeAws: it must stop with its
 * own message and exit code, and the fake must record zero calls.
 *
 * Controls: valid input through the same harness reaches the fake AWS, and a broken *other*
 * params file never stops a valid one.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT } from '../../src/cli/exit-codes';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceCatalog, ServiceDefinition } from '../../src/catalog/types';
import { syntheticService } from '../helpers/synthetic-catalog';
import { attemptAgainstFakeAws, workspaceWith, type WorkspaceChanges } from '../helpers/bad-input-harness';
import type { JsonEdit } from '../helpers/cli';
import { repoRoot } from '../../src/core/paths';

interface BadInput {
  /** The requirement the refusal serves. */
  readonly id: string;
  /** What is wrong, in the words of the person who made the mistake. */
  readonly mistake: string;
  readonly argv: readonly string[];
  readonly changes?: WorkspaceChanges;
  readonly catalog?: ServiceCatalog;
  /** Substrings stderr must contain: file, path, expectation. */
  readonly expect: readonly string[];
  /** Substrings stderr must not contain (e.g. a regular expression). */
  readonly reject?: readonly string[];
}

const DEPLOY_DEV = ['deploy', '--env', 'dev', '--yes'];
const DEPLOY_QA = ['deploy', '--env', 'qa', '--yes'];
const set = (key: string, value: unknown): JsonEdit => (d) => { d.parameters[key] = value; };

/** A qa environment copied from dev with its name and network fixed, then `more` applied. */
const qaFromDev = (more: JsonEdit = () => {}): JsonEdit => (d) => {
  d.parameters['Environment'] = 'qa';
  d.parameters['VpcCidr'] = '10.40.0.0/16';
  d.parameters['DatabaseCidr'] = '10.40.240.0/24';
  more(d);
};
/** ...and given an identity of its own. */
const ownQa = (more: JsonEdit = () => {}): JsonEdit => qaFromDev((d) => {
  d.deployment['stackName'] = 'tap-qa';
  d.deployment['artifactBucket'] = 'tap-artifacts-qa-111122223333-us-east-1';
  more(d);
});

const writeDev = (bytes: string | Buffer) => (root: string) => fs.writeFileSync(path.join(root, 'params', 'dev.json'), bytes);
const rewriteDev = (change: (text: string) => string) => (root: string) => {
  const file = path.join(root, 'params', 'dev.json');
  fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
};
const replaceDev = (make: (root: string, file: string) => void) => (root: string) => {
  const file = path.join(root, 'params', 'dev.json');
  fs.rmSync(file);
  make(root, file);
};

/** A catalog with one more service built from a synthetic one; `untyped` values slip past tsc as a hand edit in JavaScript would. */
const withService = (service: ServiceDefinition): ServiceCatalog => [...SERVICE_CATALOG, service];
const worker = (changes: Record<string, unknown>): ServiceDefinition => ({ ...syntheticService(4, 'data-ingestion'), name: 'risk-engine', ...changes }) as unknown as ServiceDefinition;

const BAD_INPUTS: readonly BadInput[] = [
  // ── environment identity ─────────────────────────────────────────────────────────────────────
  { id: 'D-14', mistake: 'a new environment copied from dev keeps dev\'s stack name and bucket', argv: DEPLOY_QA,
    changes: { addEnvironment: { qa: qaFromDev() } },
    expect: [
      'params/qa.json: /deployment/stackName: "tap-dev" is already the stack of params/dev.json (account 111122223333, us-east-1); deploying would update the dev environment',
      'params/qa.json: /deployment/artifactBucket: "tap-artifacts-111122223333-us-east-1" is already the artifact bucket of params/dev.json',
    ] },
  { id: 'D-14', mistake: 'a new environment with its own stack name but dev\'s artifact bucket', argv: ['bootstrap', '--env', 'qa', '--yes'],
    changes: { addEnvironment: { qa: qaFromDev((d) => { d.deployment['stackName'] = 'tap-qa'; }) } },
    expect: ['params/qa.json: /deployment/artifactBucket: "tap-artifacts-111122223333-us-east-1" is already the artifact bucket of params/dev.json; each environment needs its own'] },
  { id: 'D-14', mistake: 'a new environment pointed at staging\'s account, region and stack name', argv: DEPLOY_QA,
    changes: { addEnvironment: { qa: ownQa((d) => {
      d.deployment['accountId'] = '444455556666';
      d.deployment['stackName'] = 'tap-staging';
      d.parameters['DatabaseAdminSecretArn'] = 'arn:aws:secretsmanager:us-east-1:444455556666:secret:tap-qa-postgres-admin-Zz99Yy';
    }) } },
    expect: ['params/qa.json: /deployment/stackName: "tap-staging" is already the stack of params/staging.json (account 444455556666, us-east-1); deploying would update the staging environment'] },
  { id: 'D-14', mistake: 'a stack name that is another environment\'s bootstrap stack', argv: DEPLOY_QA,
    changes: { addEnvironment: { qa: ownQa((d) => { d.deployment['stackName'] = 'tap-dev-bootstrap'; }) } },
    expect: ['params/qa.json: /deployment/stackName: "tap-dev-bootstrap" is already the bootstrap stack of params/dev.json'] },
  { id: 'T-5', mistake: 'the VPC of the environment being deployed overlaps another valid environment\'s', argv: DEPLOY_QA,
    changes: { addEnvironment: { qa: ownQa(set('VpcCidr', '10.20.0.0/16')) } },
    expect: ['params/qa.json: /parameters/VpcCidr: "10.20.0.0/16" overlaps "10.20.0.0/16", the VPC of params/staging.json; environments need disjoint ranges'] },

  // ── environment names ────────────────────────────────────────────────────────────────────────
  { id: 'T-7', mistake: 'a shell command in ENV', argv: ['deploy', '--env', 'dev;echo INJECTED', '--yes'],
    expect: ['command line: ENV: "dev;echo INJECTED" is not an environment name: 2-16 lower-case letters or digits, starting with a letter (the name of a file in params/: dev, prod, staging)'] },
  { id: 'T-7', mistake: 'options hidden in ENV', argv: ['deploy', '--env=dev --yes --review x'],
    expect: ['command line: ENV: "dev --yes --review x" is not an environment name'] },
  { id: 'T-7', mistake: 'a path in ENV', argv: ['diff', '--env', '../params/dev'],
    expect: ['command line: ENV: "../params/dev" is not an environment name'] },
  { id: 'T-7', mistake: 'an empty ENV', argv: ['diff', '--env='],
    expect: ['command line: ENV: "" is not an environment name'] },

  // ── params files: what the file is ───────────────────────────────────────────────────────────
  { id: 'T-5', mistake: 'trailing comma: the syntax error says line and column', argv: DEPLOY_DEV,
    changes: { prepare: writeDev('{\n  "deployment": {},\n  "tags": { "owner": "platform-engineering", }\n}\n') },
    expect: ['params/dev.json: /: is not valid JSON: line 3, column 44: a comma before "}" (JSON allows no trailing comma)'] },
  { id: 'T-5', mistake: 'a comment in the params file', argv: DEPLOY_DEV,
    changes: { prepare: rewriteDev((text) => text.replace('"parameters": {', '"parameters": { // per environment')) },
    expect: ['params/dev.json: /: is not valid JSON: line 9, column 19: expected a property name in double quotes, found comment (JSON has no comments)'] },
  { id: 'T-5', mistake: 'saved with a UTF-8 byte order mark', argv: DEPLOY_DEV,
    changes: { prepare: rewriteDev((text) => `\uFEFF${text}`) },
    expect: ['params/dev.json: /: starts with a UTF-8 byte order mark (BOM), an invisible character JSON does not allow; save the file as UTF-8 without BOM'] },
  { id: 'T-5', mistake: 'an empty params file', argv: DEPLOY_DEV, changes: { prepare: writeDev('\n') },
    expect: ['params/dev.json: /: is empty; expected a JSON object'] },
  { id: 'T-5', mistake: 'a key given twice (the last one would win silently)', argv: DEPLOY_DEV,
    changes: { prepare: rewriteDev((text) => text.replace('"VpcCidr": "10.10.0.0/16",', '"VpcCidr": "10.10.0.0/16",\n    "VpcCidr": "10.30.0.0/16",')) },
    expect: ['params/dev.json: /parameters/VpcCidr: is given twice (line 12 and line 13); JSON keeps only the last one, so remove one of them'] },
  { id: 'T-5', mistake: 'the params path is a directory', argv: DEPLOY_DEV,
    changes: { prepare: replaceDev((_root, file) => fs.mkdirSync(file)) },
    expect: ['params/dev.json: /: is a directory; expected a params file, a regular JSON file'] },
  { id: 'T-5', mistake: 'the params path is a named pipe (reading it would wait forever)', argv: DEPLOY_DEV,
    changes: { prepare: replaceDev((_root, file) => execFileSync('mkfifo', [file])) },
    expect: ['params/dev.json: /: is a named pipe (FIFO); expected a params file, a regular JSON file'] },
  { id: 'T-5', mistake: 'the params path links to a device that never ends (/dev/zero)', argv: DEPLOY_DEV,
    changes: { prepare: replaceDev((_root, file) => fs.symlinkSync('/dev/zero', file)) },
    expect: ['params/dev.json: /: is a device; expected a params file, a regular JSON file'] },
  { id: 'T-5', mistake: 'a params file of 2 MiB', argv: DEPLOY_DEV,
    changes: { prepare: rewriteDev((text) => text + ' '.repeat(2 * 1024 * 1024)) },
    expect: ['params/dev.json: /: is 2.0 MiB; a params file is at most 1 MiB'] },
  { id: 'T-5', mistake: 'the whole params file is null', argv: DEPLOY_DEV, changes: { prepare: writeDev('null') },
    expect: ['params/dev.json: /: must be an object (got null)'], reject: ['a object'] },
  { id: 'T-5', mistake: 'the parameters section is an empty array', argv: DEPLOY_DEV, changes: { edit: { dev: (d) => { d.parameters = [] as unknown as Record<string, unknown>; } } },
    expect: ['params/dev.json: /parameters: must be an object (got an array)'], reject: ['a object'] },

  // ── params files: values in plain words ──────────────────────────────────────────────────────
  { id: 'T-5', mistake: 'a VPC CIDR that is not an address: no regular expression in the message', argv: DEPLOY_DEV, changes: { edit: { dev: set('VpcCidr', '10.10.0/16') } },
    expect: ['params/dev.json: /parameters/VpcCidr: must be an IPv4 CIDR block with a prefix length from /16 to /24 (got "10.10.0/16")'], reject: ['^', '25[0-5]'] },
  { id: 'T-5', mistake: 'an account id of 13 digits: no regular expression in the message', argv: DEPLOY_DEV, changes: { edit: { dev: (d) => { d.deployment['accountId'] = '1111222233334'; } } },
    expect: ['params/dev.json: /deployment/accountId: must be an AWS account id: 12 digits (got "1111222233334")'], reject: ['^[0-9]'] },
  { id: 'T-5', mistake: 'a stack name with an underscore', argv: DEPLOY_DEV, changes: { edit: { dev: (d) => { d.deployment['stackName'] = 'tap_dev'; } } },
    expect: ['params/dev.json: /deployment/stackName: must be a stack name: a letter, then letters, digits or hyphens (at most 128) (got "tap_dev")'], reject: ['[-a-zA-Z0-9]'] },
  { id: 'P-SVC', mistake: 'a fractional task count', argv: DEPLOY_DEV, changes: { edit: { dev: set('DesiredCount', 1.5) } },
    expect: ['params/dev.json: /parameters/DesiredCount: must be a whole number (got 1.5)'] },
  { id: 'P-NET', mistake: 'a /24 VPC: the computed public subnets (/28) are too small for the ALB', argv: DEPLOY_DEV,
    changes: { edit: { dev: (d) => { d.parameters['VpcCidr'] = '10.10.0.0/24'; d.parameters['DatabaseCidr'] = '10.10.0.0/26'; } } },
    expect: ['params/dev.json: /parameters/VpcCidr: "10.10.0.0/24" is too small: its computed public subnets would be /28, and an Application Load Balancer needs subnets of at least /27; use a /23 or larger VPC, or list PublicSubnetCidrs'] },
  { id: 'P-NET', mistake: 'an explicit /28 public subnet', argv: DEPLOY_DEV,
    changes: { edit: { dev: set('PublicSubnetCidrs', ['10.10.192.0/20', '10.10.208.0/20', '10.10.224.0/28']) } },
    expect: ['params/dev.json: /parameters/PublicSubnetCidrs/2: "10.10.224.0/28" is smaller than /27, the smallest subnet an Application Load Balancer can use'] },

  // ── review files (REVIEW=) ───────────────────────────────────────────────────────────────────
  { id: 'D-6', mistake: 'REVIEW=/dev/zero', argv: ['deploy', '--env', 'dev', '--review', '/dev/zero'],
    expect: ['/dev/zero: /: is a device; expected a review file, a regular JSON file'] },
  { id: 'D-6', mistake: 'REVIEW is a directory', argv: ['deploy', '--env', 'dev', '--review', 'params'],
    expect: ['params: /: is a directory; expected a review file, a regular JSON file'] },
  { id: 'D-6', mistake: 'REVIEW is a named pipe', argv: ['deploy', '--env', 'dev', '--review', 'review.fifo'],
    changes: { prepare: (root) => execFileSync('mkfifo', [path.join(root, 'review.fifo')]) },
    expect: ['review.fifo: /: is a named pipe (FIFO); expected a review file, a regular JSON file'] },
  { id: 'D-6', mistake: 'REVIEW is not JSON', argv: ['deploy', '--env', 'dev', '--review', 'review.json'],
    changes: { prepare: (root) => fs.writeFileSync(path.join(root, 'review.json'), '{\n  "schema": tap-review\n}\n') },
    expect: ['review.json: /: is not valid JSON: line 2, column 13: expected a value (object, array, string, number, true, false or null), found "tap-review"'] },

  // ── deploy safety options (D-13, issue 13 #7) ────────────────────────────────────────────────
  { id: 'D-6', mistake: 'a --require-approval level that does not exist', argv: ['deploy', '--env', 'dev', '--yes', '--require-approval', 'sometimes'],
    expect: ['command line: --require-approval: must be one of: never, broadening, any-change (got "sometimes")'] },
  { id: 'D-6', mistake: '--require-approval with a reviewed file (naming the file is itself the approval)', argv: ['deploy', '--env', 'dev', '--review', '.tap/dev/review.json', '--require-approval', 'broadening'],
    expect: ['command line: --review --require-approval: cannot be used together'] },
  { id: 'D-6', mistake: '--require-approval given twice', argv: ['deploy', '--env', 'dev', '--yes', '--require-approval', 'never', '--require-approval', 'broadening'],
    expect: ['command line: --require-approval: given twice ("never" and "broadening")'] },

  // ── catalog entries a builder cannot use ─────────────────────────────────────────────────────
  { id: 'P-SVC', mistake: 'an exposure kind that does not exist (would silently become internal)', argv: DEPLOY_DEV, catalog: withService(worker({ exposure: { kind: 'private' } })),
    expect: ['src/catalog/services.ts: service "risk-engine": exposure.kind must be one of: "public", "internal" (got "private")'] },
  { id: 'P-SVC', mistake: 'a CPU value Fargate does not offer (a raw TypeError before)', argv: DEPLOY_DEV,
    catalog: withService(worker({ sizes: { small: { cpu: 300, memory: 512 }, medium: { cpu: 512, memory: 1024 }, large: { cpu: 1024, memory: 2048 } } })),
    expect: ['src/catalog/services.ts: service "risk-engine": sizes.small.cpu must be one of: 256, 512, 1024, 2048, 4096 (Fargate CPU units; got 300)'], reject: ['TypeError'] },
  { id: 'P-SVC', mistake: 'a memory size that does not pair with the CPU', argv: DEPLOY_DEV,
    catalog: withService(worker({ sizes: { small: { cpu: 256, memory: 4096 }, medium: { cpu: 512, memory: 1024 }, large: { cpu: 1024, memory: 2048 } } })),
    expect: ['src/catalog/services.ts: service "risk-engine": sizes.small.memory 4096 MiB does not pair with 256 CPU units on Fargate; expected one of: 512, 1024, 2048'] },
  { id: 'P-SVC', mistake: 'a secret kind that does not exist (a raw TypeError before)', argv: DEPLOY_DEV,
    catalog: withService(worker({ secrets: [{ name: 'signing-key', kind: 'password', description: 'Signs tokens', env: { SIGNING_KEY: 'apiKey' } }] })),
    expect: ['src/catalog/services.ts: service "risk-engine": secrets[0].kind must be one of: "database", "api-key" (got "password")'], reject: ['TypeError'] },
  { id: 'P-SEC', mistake: 'a callee listed twice (a duplicate egress rule that fails at deploy)', argv: DEPLOY_DEV, catalog: withService(worker({ calls: ['data-ingestion', 'data-ingestion'] })),
    expect: ['src/catalog/services.ts: service "risk-engine": calls[1] "data-ingestion" is listed twice; each callee opens one security-group path'] },
  { id: 'P-SVC', mistake: 'a size profile left out', argv: DEPLOY_DEV, catalog: withService(worker({ sizes: { small: { cpu: 256, memory: 512 }, medium: { cpu: 512, memory: 1024 } } })),
    expect: ['src/catalog/services.ts: service "risk-engine": sizes.large is required: Fargate CPU and memory for the "large" TaskSizeProfile'], reject: ['TypeError'] },
  { id: 'P-SVC', mistake: 'a misspelt optional field (would be ignored)', argv: DEPLOY_DEV, catalog: withService(worker({ imagePendng: true })),
    expect: ['src/catalog/services.ts: service "risk-engine": imagePendng unknown field; expected one of: name, description'] },
  { id: 'P-SVC', mistake: 'a scaling statistic CloudWatch does not have', argv: DEPLOY_DEV,
    catalog: withService(worker({ scalingMetric: { metricName: 'QueueDepthPerTask', statistic: 'Median', targetValue: 50, unit: 'Count' } })),
    expect: ['src/catalog/services.ts: service "risk-engine": scalingMetric.statistic must be one of: "Average", "Maximum", "Minimum", "Sum", "SampleCount" (got "Median")'] },
  { id: 'P-SVC', mistake: 'a health check given as a path string', argv: DEPLOY_DEV, catalog: withService(worker({ healthCheck: '/healthz' })),
    expect: ['src/catalog/services.ts: service "risk-engine": healthCheck must be an object (got the string "/healthz")'], reject: ['TypeError'] },
];

for (const row of BAD_INPUTS) {
  test(`${row.id}: bad input: ${row.mistake} → exit 2, its own message, zero AWS calls`, async () => {
    const result = await attemptAgainstFakeAws(row.argv, workspaceWith(row.changes ?? {}), row.catalog);
    assert.is(result.code, EXIT.invalidInput, `exit code; stderr:\n${result.stderr}`);
    for (const expected of row.expect) assert.ok(result.stderr.includes(expected), `expected ${JSON.stringify(expected)} in:\n${result.stderr}`);
    for (const unwanted of row.reject ?? []) assert.not.ok(result.stderr.includes(unwanted), `did not expect ${JSON.stringify(unwanted)} in:\n${result.stderr}`);
    assert.ok(result.stderr.includes('Nothing was changed in AWS.'), result.stderr);
    assert.equal(result.calls, [], 'calls recorded by the fake AWS');
  });
}

test('T-5: each row is a different mistake', () => {
  assert.is(new Set(BAD_INPUTS.map((row) => row.mistake)).size, BAD_INPUTS.length);
});

test('D-2: control: valid input through the same harness does reach the fake AWS (the zero-call check can fail)', async () => {
  const result = await attemptAgainstFakeAws(['diff', '--env', 'dev'], workspaceWith({}));
  assert.ok(result.calls.length > 0, `no calls; stderr:\n${result.stderr}`);
  assert.equal(result.calls.slice(0, 2), ['sts.configuredRegion', 'sts.callerIdentity']);
});

test('D-14 / T-5: a broken other params file never blocks a valid one: dev reaches AWS beside a half-copied qa', async () => {
  // qa.json as it is half-way through copying: still says Environment "dev", overlaps dev's VPC
  // and keeps dev's stack; next to it a file that is not JSON at all.
  const root = workspaceWith({
    addEnvironment: { qa: () => {} },
    prepare: (workspace) => fs.writeFileSync(path.join(workspace, 'params', 'scratch.json'), '{ "deployment": '),
  });
  const result = await attemptAgainstFakeAws(['diff', '--env', 'dev'], root);
  assert.ok(result.calls.length > 0, `dev was blocked:\n${result.stderr}`);
  assert.not.match(result.stderr, /params\/(qa|scratch)\.json/);
});

test('D-2: the broken file itself is refused for what is wrong with it, naming the file it copies', async () => {
  const root = workspaceWith({ addEnvironment: { qa: () => {} } });
  const result = await attemptAgainstFakeAws(DEPLOY_QA, root);
  assert.is(result.code, EXIT.invalidInput, result.stderr);
  assert.match(result.stderr, 'params/qa.json: /parameters/Environment: must be "qa", the name of this file (got "dev")');
  assert.equal(result.calls, []);
});

// ── make variables reach tap as data ───────────────────────────────────────────────────────────
// make runs with TAP replaced by a script that prints the arguments tap would get, and with the
// install and bundle steps taken as done (-o), so only the variable passing is under test.

const PRINT_ARGV = 'node test/fixtures/make-variables/print-argv.cjs';

function runMake(target: string, variables: Readonly<Record<string, string>>, options: { tap?: string; env?: NodeJS.ProcessEnv } = {}) {
  const assignments = Object.entries({ TAP: options.tap ?? PRINT_ARGV, ...variables }).map(([name, value]) => `${name}=${value}`);
  const result = spawnSync('make', ['-s', '--no-print-directory', '-o', 'install', '-o', '.build/tap.js', target, ...assignments], {
    cwd: repoRoot(),
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    timeout: 60_000,
  });
  const argv = (result.stdout.trim().split('\n').at(-1) ?? '');
  return { ...result, argv: argv.startsWith('[') ? (JSON.parse(argv) as string[]) : undefined };
}

function markerPath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tap-make-')), 'INJECTED');
}

interface Hostile {
  readonly mistake: string;
  readonly target: string;
  readonly variables: (marker: string) => Record<string, string>;
  /** The arguments tap must receive: each variable as one value bound to its option. */
  readonly argv: (marker: string) => readonly string[];
}

const HOSTILE: readonly Hostile[] = [
  { mistake: 'ENV with a command after ;', target: 'plan', variables: (m) => ({ ENV: `dev;touch ${m}` }), argv: (m) => ['plan', `--env=dev;touch ${m}`] },
  { mistake: 'ENV with $(command)', target: 'diff', variables: (m) => ({ ENV: `dev$(touch ${m})` }), argv: (m) => ['diff', `--env=dev$(touch ${m})`] },
  { mistake: 'ENV with `command`', target: 'outputs', variables: (m) => ({ ENV: `dev\`touch ${m}\`` }), argv: (m) => ['outputs', `--env=dev\`touch ${m}\``] },
  { mistake: 'ENV with a make function', target: 'drift', variables: (m) => ({ ENV: `$(shell touch ${m})` }), argv: (m) => ['drift', `--env=$(shell touch ${m})`] },
  { mistake: 'ENV with options after it', target: 'deploy', variables: () => ({ ENV: 'dev --yes --review x' }), argv: () => ['deploy', '--env=dev --yes --review x'] },
  { mistake: 'REVIEW with an option and a command', target: 'deploy', variables: (m) => ({ REVIEW: `x --force; touch ${m}` }), argv: (m) => ['deploy', '--env=dev', `--review=x --force; touch ${m}`] },
  { mistake: 'REVIEW that looks like an option', target: 'deploy', variables: () => ({ REVIEW: '--yes' }), argv: () => ['deploy', '--env=dev', '--review=--yes'] },
  { mistake: 'CONFIRM with --force after the stack name', target: 'destroy', variables: () => ({ ENV: 'prod', CONFIRM: 'tap-prod --force' }), argv: () => ['destroy', '--env=prod', '--confirm=tap-prod --force'] },
  { mistake: 'SERVICE with a command after ;', target: 'release', variables: (m) => ({ SERVICE: `api-gateway; touch ${m}`, TAG: '1.0' }), argv: (m) => ['release', '--env=dev', `--service=api-gateway; touch ${m}`, '--tag=1.0'] },
  { mistake: 'TAG with $(command) and an option', target: 'release', variables: (m) => ({ SERVICE: 'frontend', TAG: `1.0 --yes $(touch ${m})` }), argv: (m) => ['release', '--env=dev', '--service=frontend', `--tag=1.0 --yes $(touch ${m})`] },
  { mistake: 'TAG with a make function', target: 'release', variables: (m) => ({ SERVICE: 'frontend', TAG: `$(shell touch ${m})` }), argv: (m) => ['release', '--env=dev', '--service=frontend', `--tag=$(shell touch ${m})`] },
  { mistake: 'FROM with a command after ;', target: 'promote', variables: (m) => ({ FROM: `staging; touch ${m}`, TO: 'prod' }), argv: (m) => ['promote', `--from=staging; touch ${m}`, '--to=prod'] },
  { mistake: 'TO with $(command) and an option', target: 'promote', variables: (m) => ({ FROM: 'staging', TO: `prod --allow-mismatch $(touch ${m})` }), argv: (m) => ['promote', '--from=staging', `--to=prod --allow-mismatch $(touch ${m})`] },
  { mistake: 'FROM with a make function', target: 'promote', variables: (m) => ({ FROM: `$(shell touch ${m})`, TO: 'prod' }), argv: (m) => ['promote', `--from=$(shell touch ${m})`, '--to=prod'] },
  { mistake: 'ARGS with a command after ;', target: 'bootstrap', variables: (m) => ({ ARGS: `--yes; touch ${m}` }), argv: (m) => ['bootstrap', '--env=dev', '--yes;', 'touch', m] },
  { mistake: 'ARGS with a glob and a make function', target: 'continue-rollback', variables: (m) => ({ ARGS: `--skip * $(shell touch ${m})` }), argv: (m) => ['continue-rollback', '--env=dev', '--skip', '*', '$(shell', 'touch', `${m})`] },
];

for (const hostile of HOSTILE) {
  test(`T-7: make ${hostile.target} with ${hostile.mistake}: the value reaches tap as data; nothing runs, no extra option`, () => {
    const marker = markerPath();
    const result = runMake(hostile.target, hostile.variables(marker));
    assert.is(result.status, 0, result.stderr);
    assert.equal(result.argv, hostile.argv(marker), `arguments tap received; stdout:\n${result.stdout}`);
    assert.not.ok(fs.existsSync(marker), `${marker} was created: the value ran as a command`);
  });
}

test('T-7: the same hostile values from the environment instead of the command line reach tap as data', () => {
  const marker = markerPath();
  const result = runMake('plan', {}, { env: { ENV: `dev;touch ${marker}` } });
  assert.equal(result.argv, ['plan', `--env=dev;touch ${marker}`], result.stderr);
  assert.not.ok(fs.existsSync(marker));
});

test('T-7: ordinary values still work: ENV defaults to dev; ARGS is split into options; REVIEW and CONFIRM are optional', () => {
  assert.equal(runMake('plan', {}).argv, ['plan', '--env=dev']);
  assert.equal(runMake('deploy', { ENV: 'prod', REVIEW: '.tap/prod/review.json', ARGS: '--allow-replace Registry/FrontendRepository  --yes' }).argv,
    ['deploy', '--env=prod', '--review=.tap/prod/review.json', '--allow-replace', 'Registry/FrontendRepository', '--yes']);
  assert.equal(runMake('destroy', { ENV: 'staging', CONFIRM: 'tap-staging' }).argv, ['destroy', '--env=staging', '--confirm=tap-staging']);
  assert.equal(runMake('destroy', { ENV: 'staging' }).argv, ['destroy', '--env=staging']);
  assert.equal(runMake('release', { ENV: 'prod', SERVICE: 'api-gateway', TAG: '2026.11.4', ARGS: '--yes' }).argv, ['release', '--env=prod', '--service=api-gateway', '--tag=2026.11.4', '--yes']);
});

test('T-7 / D-18: make promote passes FROM, TO and REVIEW as data, and ARGS as options; ENV plays no part', () => {
  assert.equal(runMake('promote', { FROM: 'staging', TO: 'prod', ARGS: '--diff --from-profile tap-staging' }).argv, ['promote', '--from=staging', '--to=prod', '--diff', '--from-profile', 'tap-staging']);
  assert.equal(runMake('promote', { ENV: 'dev', FROM: 'staging', TO: 'prod', REVIEW: '.tap/prod/review.json' }).argv, ['promote', '--from=staging', '--to=prod', '--review=.tap/prod/review.json']);
  assert.equal(runMake('promote', {}).argv, ['promote'], 'without FROM and TO, tap says they are required');
});

test('T-7: through make and the real CLI, ENV carrying options is refused as an environment name before AWS', () => {
  const marker = markerPath();
  const result = runMake('deploy', { ENV: `dev --yes --review x;touch ${marker}` }, {
    tap: 'node --import tsx scripts/tap.ts',
    // Should anything reach for AWS, it finds nothing: no credentials, a closed local port.
    env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' },
  });
  assert.is.not(result.status, 0);
  assert.match(result.stderr, `command line: ENV: "dev --yes --review x;touch ${marker}" is not an environment name`);
  assert.match(result.stderr, 'Nothing was changed in AWS.');
  assert.not.ok(fs.existsSync(marker));
});

test.run();
