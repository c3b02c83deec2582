/**
 * T-6 / issue 15: a parent's cached cfn-lint result is reused while what cfn-lint reads of its
 * nested templates (their parameters and output names, see nestedTemplateView in
 * src/checks/result-cache.ts) is unchanged. That holds only as long as nothing else in cfn-lint,
 * or in a project rule, opens a nested template. This test lists every place in the installed
 * cfn-lint (and in src/checks/cfn-lint-rules, when it exists) that decodes a template or names
 * TemplateURL, and fails on any place not listed here: after a cfn-lint upgrade or a new project
 * rule, read the new place, extend nestedTemplateView if it reads more of a nested template, then
 * list it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { TREE_RULES } from '../../src/checks/cfn-lint';
import { PROJECT_RULES_DIR } from '../../src/checks/project-rules';

/** cfn-lint 1.58 modules that decode templates or name TemplateURL, and why each is accounted for. */
const KNOWN_READERS: Readonly<Record<string, string>> = {
  'cfnlint/decode/decode.py': 'the decoder itself',
  'cfnlint/decode/cfn_json.py': 'the decoder itself',
  'cfnlint/runner/template/runner.py': 'decodes the template being linted',
  'cfnlint/runner/deployment_file/runner.py': 'deployment files (--deployment-files): the gate passes none',
  'cfnlint/runner/parameter_file/runner.py': 'parameter files (--parameter-files): the gate passes none',
  'cfnlint/config.py': 'the configuration file (--config-file)',
  'cfnlint/helpers.py': 'names TemplateURL among the properties `package` rewrites (W3002); reads no file',
  'cfnlint/rules/resources/cloudformation/NestedStackParameters.py': 'E3043: the nested template\'s Parameters (in nestedTemplateView)',
  'cfnlint/context/context.py': 'Fn::GetAtt Outputs.X: the nested template\'s output names (in nestedTemplateView)',
};

/** A call of cfn-lint's decode functions (not bytes.decode), or the nested-stack property. */
const READS_TEMPLATES = /(^|[^\w.])decode\(|cfn_json\.load|cfn_yaml\.load|TemplateURL/m;

function pythonFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.py')).map((f) => path.join(dir, f));
}

function sitePackages(): string {
  const lib = path.resolve('.venv', 'lib');
  const python = fs.readdirSync(lib).find((entry) => entry.startsWith('python'));
  if (!python) throw new Error(`no python directory in ${lib}: run \`make install\``);
  return path.join(lib, python, 'site-packages');
}

test('T-6: cfn-lint reads nested templates only where the result cache accounts for it', () => {
  const site = sitePackages();
  const readers = pythonFiles(path.join(site, 'cfnlint'))
    .filter((file) => READS_TEMPLATES.test(fs.readFileSync(file, 'utf8')))
    .map((file) => path.relative(site, file).split(path.sep).join('/'))
    .sort();
  assert.equal(readers, Object.keys(KNOWN_READERS).sort(), 'a cfn-lint module reads templates in a place the cache does not know: see this file\'s header');
});

/**
 * Names in the project rules' helper modules (files without a rule id, e.g. _tap.py) that read
 * templates: cfn-lint's `decode`, and every helper function whose body uses a reader (to a fixed
 * point, so `template_tree` counts through `nested_templates`).
 */
function projectReaderNames(sources: readonly string[]): Set<string> {
  const readers = new Set(['decode', 'cfn_json', 'cfn_yaml']);
  const functions = sources.flatMap((source) => [...source.matchAll(/^def (\w+)\(([\s\S]*?)(?=^def |^class |(?![\s\S]))/gm)].map((m) => ({ name: m[1], body: m[2] })));
  for (let grew = true; grew;) {
    grew = false;
    for (const fn of functions) {
      if (!readers.has(fn.name) && [...readers].some((name) => new RegExp(`\\b${name}\\b`).test(fn.body))) {
        readers.add(fn.name);
        grew = true;
      }
    }
  }
  return readers;
}

test('T-6: every project rule that reads templates below the one it lints is a tree rule (TREE_RULES), cached by everything below', () => {
  const files = pythonFiles(PROJECT_RULES_DIR).map((file) => ({ file, source: fs.readFileSync(file, 'utf8') }));
  const ruleId = (source: string) => /^\s+id = "(\w+)"/m.exec(source)?.[1];
  const readers = projectReaderNames(files.filter((f) => !ruleId(f.source)).map((f) => f.source));
  const treeReading = files
    .filter((f) => ruleId(f.source) && [...readers].some((name) => new RegExp(`\\b${name}\\b`).test(f.source)))
    .map((f) => ruleId(f.source))
    .sort();
  assert.equal(treeReading, [...TREE_RULES].sort(), 'project rules reading nested templates, against TREE_RULES in src/checks/cfn-lint.ts');
});

test.run();
