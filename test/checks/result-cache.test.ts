/**
 * T-6 / issues 7 and 15: cached lint and scan results. A template is re-checked when it, what
 * cfn-lint reads of a template it nests (parameters, output names), a tool pin or a project rule
 * changes; a cached clean result never hides a new finding.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempWorkspace } from '../helpers/cli';
import { lintKeys, nestedTemplateView, optionsDigest } from '../../src/checks/result-cache';
import { runCfnLint, type LintJob } from '../../src/checks/cfn-lint';
import { CheckPool } from '../../src/checks/worker-pool';
import { plainCfnLint, templateFiles } from '../helpers/plain-checks';

type Edit = (template: { Parameters: Record<string, unknown>; Outputs: Record<string, unknown>; Description?: string }) => void;

function editTemplate(ws: string, file: string, edit: Edit): void {
  const full = path.join(ws, file);
  const template = JSON.parse(fs.readFileSync(full, 'utf8'));
  edit(template);
  fs.writeFileSync(full, `${JSON.stringify(template, null, 2)}\n`);
}

const checked = (pool: CheckPool, from: number): string[] =>
  pool.records.slice(from).map((r) => `${r.files.join(' ')}${r.rules ? ` ${JSON.stringify(r.rules)}` : ''}`).sort();

const FILES = ['templates/root.json', 'templates/services.json', 'templates/services/frontend.json', 'templates/network.json'];

test('T-6: editing a nested template\'s resources changes only its own local key; the tree key of every template above it; its parameters or output names its parent\'s local key', () => {
  const ws = tempWorkspace();
  const keys = () => lintKeys(ws, FILES);
  const before = keys();
  const local = (k: ReturnType<typeof keys>, file: string) => k.get(file)?.local;
  const tree = (k: ReturnType<typeof keys>, file: string) => k.get(file)?.tree;

  editTemplate(ws, 'templates/services/frontend.json', (t) => { t.Description = 'Web UI, edited'; });
  const described = keys();
  assert.is.not(local(described, 'templates/services/frontend.json'), local(before, 'templates/services/frontend.json'));
  assert.is(local(described, 'templates/services.json'), local(before, 'templates/services.json'), 'parent: cfn-lint reads only parameters and output names of a child');
  assert.is(local(described, 'templates/root.json'), local(before, 'templates/root.json'), 'grandparent');
  assert.is.not(tree(described, 'templates/services.json'), tree(before, 'templates/services.json'), 'parent: the tree rules read everything below');
  assert.is.not(tree(described, 'templates/root.json'), tree(before, 'templates/root.json'), 'grandparent: the tree rules read everything below');
  assert.equal(described.get('templates/network.json'), before.get('templates/network.json'), 'unrelated');
  assert.is(described.get('templates/services/frontend.json')?.nests, false);
  assert.is(described.get('templates/services.json')?.nests, true);

  editTemplate(ws, 'templates/services/frontend.json', (t) => { t.Parameters['Extra'] = { Type: 'String' }; });
  const parameter = keys();
  assert.is.not(local(parameter, 'templates/services.json'), local(described, 'templates/services.json'), 'parent: a new child parameter (E3043)');
  assert.is(local(parameter, 'templates/root.json'), local(described, 'templates/root.json'), 'grandparent: cfn-lint reads one level down');

  editTemplate(ws, 'templates/services/frontend.json', (t) => {
    t.Outputs['ServiceArnRenamed'] = t.Outputs['ServiceArn'];
    delete t.Outputs['ServiceArn'];
  });
  assert.is.not(local(keys(), 'templates/services.json'), local(parameter, 'templates/services.json'), 'parent: an output renamed (Fn::GetAtt Outputs.X)');
});

test('T-6: a nested template not written the way synth writes it is represented by its whole content', () => {
  const canonical = `${JSON.stringify({ Parameters: { A: { Type: 'String' } }, Resources: { R: { Type: 'AWS::SNS::Topic' } } }, null, 2)}\n`;
  const otherResources = canonical.replace('AWS::SNS::Topic', 'AWS::SQS::Queue');
  assert.is(nestedTemplateView(otherResources), nestedTemplateView(canonical));
  // A duplicate key (cfn-lint's decoder rejects it, then skips E3043) or any other hand edit.
  const duplicate = canonical.replace('"Resources": {', '"Resources": {\n    "R": {},');
  assert.is.not(nestedTemplateView(duplicate), nestedTemplateView(canonical));
  assert.match(nestedTemplateView(duplicate), /^content /);
  assert.match(nestedTemplateView('{ not json'), /^content /);
});

test('T-6: a project rule named in the cfn-lint options is part of the key: editing it invalidates cached results', () => {
  const ws = tempWorkspace();
  fs.mkdirSync(path.join(ws, 'rules'));
  fs.writeFileSync(path.join(ws, 'rules', 'rule.py'), '# version 1\n');
  const options = ['--format', 'json', '--append-rules', 'rules'];
  const before = optionsDigest(ws, options);
  assert.is(optionsDigest(ws, options), before);
  fs.writeFileSync(path.join(ws, 'rules', 'rule.py'), '# version 2\n');
  assert.is.not(optionsDigest(ws, options), before);
});

test('T-6: after a clean, cached lint, an edited template is linted again and its new error reported', async () => {
  const ws = tempWorkspace();
  const files = templateFiles(ws);
  const job: LintJob = { label: 'all templates', files, regions: ['eu-west-1'] };
  const pool = new CheckPool(ws);
  try {
    const [first] = await runCfnLint([job], ws, { pool });
    assert.equal([first.findings.length, first.cached], [0, 0]);
    const [second] = await runCfnLint([job], ws, { pool });
    assert.equal([second.findings.length, second.cached], [0, files.length], 'nothing changed: every result from the cache');

    // An invalid value in one service's resources: it is linted again, and its parent and the root
    // with the tree rules only (its parameters and outputs, all other rules read of it, are unchanged).
    const file = path.join(ws, 'templates/services/data-ingestion.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"LogDriver": "awslogs"', '"LogDriver": "no-such-driver"'));
    const before = pool.records.length;
    const [third] = await runCfnLint([job], ws, { pool });
    assert.is(third.cached, files.length - 3);
    assert.equal(checked(pool, before), [
      'templates/root.json templates/services.json {"only":["E9101","E9106"]}',
      'templates/services/data-ingestion.json',
    ]);
    assert.ok(third.findings.some((f) => f.file === 'templates/services/data-ingestion.json' && f.level === 'Error'), JSON.stringify(third.findings));

    // And the error stays reported: it is cached as a finding, not as a clean result.
    const [fourth] = await runCfnLint([job], ws, { pool });
    assert.is(fourth.cached, files.length);
    assert.equal(fourth.findings, third.findings);
  } finally {
    await pool.close();
  }
});

test('T-6: a child\'s new required parameter re-lints its parent (E3043 reported there); the child\'s later resource edit reuses that result, as a plain run would report it', async () => {
  const ws = tempWorkspace();
  const job: LintJob = { label: 'all templates', files: templateFiles(ws), regions: ['eu-west-1'] };
  const pool = new CheckPool(ws);
  try {
    await runCfnLint([job], ws, { pool });
    editTemplate(ws, 'templates/services/frontend.json', (t) => { t.Parameters['RequiredByTest'] = { Type: 'String' }; });
    let from = pool.records.length;
    const [afterParameter] = await runCfnLint([job], ws, { pool });
    const contract = afterParameter.findings.filter((f) => f.rule === 'E3043');
    assert.is(contract.length, 1, JSON.stringify(afterParameter.findings));
    assert.is(contract[0].file, 'templates/services.json');
    assert.match(contract[0].message, 'RequiredByTest');
    assert.equal(checked(pool, from), [
      'templates/root.json {"only":["E9101","E9106"]}',
      'templates/services.json', // all rules: its child's parameters changed
      'templates/services/frontend.json',
    ]);

    editTemplate(ws, 'templates/services/frontend.json', (t) => { t.Description = 'Web UI, edited again'; });
    from = pool.records.length;
    const [afterResources] = await runCfnLint([job], ws, { pool });
    assert.equal(checked(pool, from), ['templates/root.json templates/services.json {"only":["E9101","E9106"]}', 'templates/services/frontend.json']);
    for (const parent of ['templates/services.json', 'templates/root.json']) {
      assert.equal(afterResources.findings.filter((f) => f.file === parent), plainCfnLint(ws, job, [parent]), `${parent}: cached and fresh parts together are what cfn-lint reports on it now`);
    }
  } finally {
    await pool.close();
  }
});

test('T-6: a service\'s request timeout raised above the ALB\'s idle timeout: the root is re-checked by the tree rule E9106, which reports it there, as a plain run does', async () => {
  const ws = tempWorkspace();
  const job: LintJob = { label: 'all templates', files: templateFiles(ws), regions: ['eu-west-1'] };
  const pool = new CheckPool(ws);
  try {
    await runCfnLint([job], ws, { pool });
    const file = path.join(ws, 'templates/services/frontend.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"PerRequestTimeoutSeconds": 30', '"PerRequestTimeoutSeconds": 3600'));
    const from = pool.records.length;
    const [result] = await runCfnLint([job], ws, { pool });
    assert.equal(checked(pool, from), ['templates/root.json templates/services.json {"only":["E9101","E9106"]}', 'templates/services/frontend.json']);
    const idle = result.findings.filter((f) => f.rule === 'E9106');
    assert.is(idle.length, 1, JSON.stringify(result.findings));
    assert.is(idle[0].file, 'templates/root.json');
    assert.match(idle[0].message, '3600');
    assert.equal(result.findings, plainCfnLint(ws, job));
  } finally {
    await pool.close();
  }
});

test('T-6 (speed): the install pre-builds the parse table of checkov\'s JSONPath parser, matching the installed grammar', () => {
  // Without it PLY regenerates the table for every JSONPath checkov evaluates (about 2 s per scan).
  const check = spawnSync(path.resolve('.venv/bin/python'), ['scripts/checkov_parse_table.py', '--check'], { encoding: 'utf8' });
  assert.is(check.status, 0, `${check.stdout}${check.stderr}`);
  assert.match(check.stdout, 'pre-built, matches the grammar');
});

test.run();
