/**
 * T-6 / issue 11: the project's cfn-lint rules (src/checks/cfn-lint-rules/) catch the AWS traps
 * that every schema check passes. The pinned cfn-lint runs once over the fixtures
 * (test/fixtures/cfn-lint-rules/<rule>/): each `bad*.json` must make its rule fire, each
 * `good*.json` (the fixed shape) must not. The rendered templates stay at zero findings through
 * the lint gate (`make lint`), which passes the same rules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CFN_LINT, cfnLintArguments } from '../../src/checks/cfn-lint';
import { PROJECT_RULES_DIR, projectRuleArguments } from '../../src/checks/project-rules';

const FIXTURES = 'test/fixtures/cfn-lint-rules';
const ruleDirs = fs.readdirSync(FIXTURES).filter((entry) => /^[EW]9\d{3}$/.test(entry)).sort();
const fixtureFiles = ruleDirs.flatMap((rule) =>
  fs.readdirSync(path.join(FIXTURES, rule)).filter((f) => /^(bad|good).*\.json$/.test(f)).map((f) => path.posix.join(FIXTURES, rule, f)));

interface Match { Filename: string; Rule: { Id: string }; Message: string }

function lintFixtures(): Match[] {
  const result = spawnSync(CFN_LINT, ['--format', 'json', ...projectRuleArguments(), '--', ...fixtureFiles], { encoding: 'utf8' });
  assert.ok(result.stdout.trim().startsWith('['), `cfn-lint ran and reported JSON:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as Match[]).filter((m) => /^[EW]9\d{3}$/.test(m.Rule.Id));
}

const matches = lintFixtures();
const firedOn = (file: string): string[] => [...new Set(matches.filter((m) => m.Filename === file).map((m) => m.Rule.Id))].sort();

test('T-6: every project rule has a fixture folder, and every folder a rule with a docstring that names its source', () => {
  const rules = fs.readdirSync(PROJECT_RULES_DIR).filter((f) => /^[A-Za-z].*\.py$/.test(f));
  const ids = rules.map((file) => {
    const source = fs.readFileSync(path.join(PROJECT_RULES_DIR, file), 'utf8');
    assert.match(source, /^"""[EW]9\d{3}: [\s\S]*?Source: [\s\S]*?https:\/\//, `${file}: docstring starts with the rule id and cites a source`);
    return /id = "([EW]9\d{3})"/.exec(source)?.[1];
  });
  assert.equal(ids.sort(), ruleDirs, 'one fixture folder per rule, one rule per folder');
});

for (const rule of ruleDirs) {
  const files = fixtureFiles.filter((f) => f.startsWith(`${FIXTURES}/${rule}/`));
  test(`T-6: ${rule} fires on each bad fixture and on no good one`, () => {
    const bad = files.filter((f) => path.basename(f).startsWith('bad'));
    const good = files.filter((f) => path.basename(f).startsWith('good'));
    assert.ok(bad.length > 0 && good.length > 0, `${rule} has bad and good fixtures`);
    for (const file of bad) assert.equal(firedOn(file), [rule], `${file}: ${JSON.stringify(matches.filter((m) => m.Filename === file))}`);
    for (const file of good) assert.equal(firedOn(file), [], `${file}: ${JSON.stringify(matches.filter((m) => m.Filename === file))}`);
  });
}

test('T-6: E9101 follows sibling-fed values through a middle stack and names where they are misused', () => {
  const messages = matches.filter((m) => m.Filename.endsWith('E9101/bad-grandparent.json')).map((m) => m.Message);
  assert.ok(messages.some((m) => m.includes('consumer-select.json') && m.includes('Fn::Select') && m.includes('Names')), messages.join('\n'));
});

test('T-6: the lint gate passes the project rules to cfn-lint', () => {
  const args = cfnLintArguments({ label: 'all templates', files: ['templates/root.json'], regions: ['us-east-1'] }, '.');
  assert.ok(args.join(' ').includes(`--append-rules ${PROJECT_RULES_DIR}`), args.join(' '));
});

test.run();
