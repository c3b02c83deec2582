/**
 * D-19: the GitHub Actions workflows (.github/) against what they call, so they cannot go stale:
 * every `make` target they run exists, every variable they pass is one the Makefile passes to tap
 * as data (TAP_VARIABLES), and reaches the script as data too (an `env:` value, never a `${{ }}`
 * expression inside a script); every environment they name is a params file with a deploy role;
 * the promotion they run is one the params files allow; every action is pinned by commit; AWS
 * is reached only through the environments' deploy roles by OIDC (no keys, no secrets); and the
 * main branch goes test → dev → staging → prod, each deploy executing the review it published.
 * (actionlint, in `make test`, checks the files against GitHub's own rules.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listEnvironments, type EnvironmentFile } from '../src/config/environment';
import { promotionPathProblems } from '../src/config/promotion';

type Yaml = string | Yaml[] | { [key: string]: Yaml };
interface Step { readonly uses?: string; readonly run?: string; readonly with?: Record<string, string>; readonly env?: Record<string, string>; readonly name?: string; readonly if?: string; readonly id?: string }
interface Job { readonly needs?: string | string[]; readonly environment?: string; readonly permissions?: Record<string, string>; readonly steps: Step[]; readonly if?: string; readonly strategy?: { matrix?: Record<string, string> } }
interface Workflow { readonly on: Record<string, Yaml>; readonly jobs: Record<string, Job>; readonly permissions?: Record<string, string> }

const WORKFLOWS = '.github/workflows';
const ACTIONS = '.github/actions';

/** Every YAML file of .github, parsed by the pinned PyYAML (all scalars as strings: `on` stays "on"). */
function loadYaml(files: readonly string[]): Record<string, Yaml> {
  const script = 'import json, sys, yaml\nprint(json.dumps({f: yaml.load(open(f), Loader=yaml.BaseLoader) for f in sys.argv[1:]}))';
  const run = spawnSync('.venv/bin/python', ['-c', script, ...files], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Record<string, Yaml>;
}

const workflowFiles = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(WORKFLOWS, f));
const actionFiles = fs.readdirSync(ACTIONS).map((d) => path.join(ACTIONS, d, 'action.yml'));
const parsed = loadYaml([...workflowFiles, ...actionFiles]);
const workflows = Object.fromEntries(workflowFiles.map((f) => [path.basename(f), parsed[f] as unknown as Workflow]));
const actions = Object.fromEntries(actionFiles.map((f) => [path.basename(path.dirname(f)), parsed[f] as unknown as { runs: { steps: Step[] }; inputs: Record<string, unknown> }]));
const allSteps: { readonly where: string; readonly step: Step; readonly job?: Job }[] = [
  ...Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.jobs).flatMap(([id, job]) => job.steps.map((step) => ({ where: `${file} ${id}`, step, job })))),
  ...Object.entries(actions).flatMap(([name, a]) => a.runs.steps.map((step) => ({ where: `action ${name}`, step }))),
];

const makefile = fs.readFileSync('Makefile', 'utf8');
const TARGETS = new Set([...makefile.matchAll(/^([a-z-]+):.*## /gm)].map((m) => m[1]));
const TAP_VARIABLES = new Set((/^TAP_VARIABLES := (.+)$/m.exec(makefile)?.[1] ?? '').split(/\s+/));
const ENVIRONMENTS = listEnvironments('.');
const paramsOf = (name: string): EnvironmentFile => JSON.parse(fs.readFileSync(`params/${name}.json`, 'utf8')) as EnvironmentFile;

/** Every `make <target> NAME=value…` in a script, with its assignments (quotes kept). */
function makeCalls(script: string): { readonly target: string; readonly assignments: readonly [string, string][] }[] {
  return [...script.matchAll(/\bmake\s+([a-z-]+)((?:\s+[A-Za-z_]+=(?:'[^']*'|"[^"]*"|[^\s;]+))*)/g)].map((m) => ({
    target: m[1],
    assignments: [...m[2].matchAll(/([A-Za-z_]+)=('[^']*'|"[^"]*"|[^\s;]+)/g)].map((a) => [a[1], a[2]] as [string, string]),
  }));
}

const calls = allSteps.flatMap(({ where, step }) => (step.run ? makeCalls(step.run).map((call) => ({ where, step, call })) : []));

test('D-19: the workflows exist, run on pull requests and on the main branch, and read nothing but contents by default', () => {
  assert.ok(workflows['pull-request.yml']?.on['pull_request'], 'a pull-request workflow');
  assert.equal((workflows['deploy.yml']?.on['push'] as { branches: string[] }).branches, ['main']);
  for (const [file, workflow] of Object.entries(workflows)) assert.equal(workflow.permissions, { contents: 'read' }, file);
});

test('D-19: every make target a workflow runs exists, and every variable it passes is one the Makefile passes to tap as data', () => {
  assert.ok(calls.length >= 8, `${calls.length} make calls`);
  for (const { where, call } of calls) {
    assert.ok(TARGETS.has(call.target), `${where}: make ${call.target} is not a target of the Makefile`);
    for (const [name, value] of call.assignments) {
      assert.ok(TAP_VARIABLES.has(name), `${where}: make ${call.target} ${name}=…: ${name} is not in the Makefile's TAP_VARIABLES`);
      // A value is a literal or one shell variable in double quotes: data, never a command.
      assert.match(value, /^(?:[A-Za-z0-9_./-]+|"\$[A-Z_]+"|'[^'$`]*')$/, `${where}: ${name}=${value}`);
    }
  }
});

test('D-19: no script interpolates an expression: values reach scripts through env:, so a branch name or title cannot become code', () => {
  for (const { where, step } of allSteps) if (step.run) assert.not.match(step.run, '${{', `${where}: ${step.run}`);
  for (const { where, step, call } of calls) {
    for (const [, value] of call.assignments) {
      const variable = /^"\$([A-Z_]+)"$/.exec(value)?.[1];
      if (variable) assert.ok(step.env?.[variable] !== undefined, `${where}: $${variable} is not set in the step's env`);
    }
  }
});

test('D-19: every environment a workflow names is a params file with a deploy role; the PR matrix is the params files; the promotion is one the params files allow', () => {
  const named = new Set<string>();
  for (const { where, step, job } of allSteps) {
    if (step.uses === './.github/actions/aws-session') {
      const environment = step.with?.['environment'] ?? '';
      if (environment.startsWith('${{')) assert.is(environment, '${{ matrix.environment }}', where);
      else named.add(environment);
      assert.is(job?.permissions?.['id-token'], 'write', `${where}: OIDC needs id-token: write`);
    }
    if (job?.environment) named.add(job.environment);
  }
  for (const { call } of calls) for (const [name, value] of call.assignments) if (['ENV', 'FROM', 'TO'].includes(name) && !value.startsWith('"')) named.add(value);
  assert.equal([...named].filter((name) => !ENVIRONMENTS.includes(name)), [], 'named environments are params files');
  for (const name of ENVIRONMENTS) assert.match(paramsOf(name).deployment.deployRoleArn ?? '', new RegExp(`^arn:aws:iam::${paramsOf(name).deployment.accountId}:role/role-deploy-tap-${name}$`), `params/${name}.json names its deploy role`);
  const list = workflows['pull-request.yml'].jobs['environments'].steps.find((s) => s.id === 'list')?.run ?? '';
  assert.match(list, 'params/*.json');
  for (const id of ['plan', 'diff']) assert.is(workflows['pull-request.yml'].jobs[id].strategy?.matrix?.['environment'], '${{ fromJSON(needs.environments.outputs.names) }}', id);
  for (const { where, call } of calls.filter((c) => c.call.target === 'promote')) {
    const get = (name: string) => call.assignments.find(([n]) => n === name)?.[1] ?? '';
    const [from, to] = [get('FROM'), get('TO')];
    const file = (name: string) => ({ name, file: `params/${name}.json`, deployment: paramsOf(name).deployment });
    assert.equal(promotionPathProblems('.', file(from), file(to)), [], `${where}: make promote FROM=${from} TO=${to}`);
  }
});

test('D-19: every action is pinned by a full commit SHA (with its version beside it); AWS only through configure-aws-credentials with a role, no keys or secrets', () => {
  for (const file of [...workflowFiles, ...actionFiles]) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, uses] of text.matchAll(/uses:\s*(\S+.*)$/gm)) {
      if (uses.startsWith('./')) continue;
      assert.match(uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${file}: ${uses}`);
    }
    assert.not.match(text, /secrets\.|aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/, `${file} holds no keys and reads no secrets`);
  }
  const configure = allSteps.filter(({ step }) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
  assert.equal(configure.map((c) => c.where), ['action aws-session'], 'one place reaches AWS');
  assert.equal(Object.keys(configure[0].step.with ?? {}).sort(), ['allowed-account-ids', 'aws-profile', 'aws-region', 'role-session-name', 'role-to-assume']);
});

test('D-19: the main branch goes test → dev → staging → prod; each deploy executes the review its job published; prod waits for the prod environment', () => {
  const { jobs } = workflows['deploy.yml'];
  const needs = (id: string) => [jobs[id].needs ?? []].flat();
  assert.equal([needs('dev'), needs('staging'), needs('prod-review'), needs('prod')], [['test'], ['dev'], ['staging'], ['prod-review']]);
  assert.equal([jobs['dev'].environment, jobs['staging'].environment, jobs['prod-review'].environment, jobs['prod'].environment], ['dev', 'staging', 'prod', 'prod']);
  const scripts = (id: string) => jobs[id].steps.map((s) => s.run ?? '').join('\n');
  for (const environment of ['dev', 'staging']) {
    const script = scripts(environment);
    assert.ok(script.indexOf(`make diff ENV=${environment}`) < script.indexOf(`make deploy ENV=${environment} REVIEW=.tap/${environment}/review.json`), environment);
    assert.match(script, `cat .tap/${environment}/review.md >> "$GITHUB_STEP_SUMMARY"`);
  }
  assert.match(scripts('prod-review'), "make promote FROM=staging TO=prod ARGS='--diff");
  assert.match(scripts('prod-review'), 'cat .tap/prod/review.md >> "$GITHUB_STEP_SUMMARY"');
  assert.match(scripts('prod'), 'make promote FROM=staging TO=prod REVIEW=.tap/prod/review.json');
  assert.not.match(scripts('prod'), '--yes');
});

test.run();
