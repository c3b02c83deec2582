/**
 * T-12: `tap` is a real command: `npx tap` runs it from the checkout (package.json `bin`), `tap
 * --help` and `tap <command> --help` come from the command specs, and the CLI reference
 * docs/cli.md is generated from the same specs and the exit-code table, checked like templates/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXIT_MEANINGS, OUTCOME_EXIT_CODES } from '../../src/cli/exit-codes';
import { CLI_REFERENCE_FILE, cliReference, commandHelp } from '../../src/cli/help';
import { loadAllCommands } from '../../src/cli/registry';
import { processTerminal } from '../../src/cli/terminal';
import { repoRoot } from '../../src/core/paths';
import { defaultRuntime } from '../../src/operations/runtime';
import { runCli } from '../helpers/cli';

const commands = () => loadAllCommands({ runtime: defaultRuntime, terminal: processTerminal });

test('T-12: tap --help lists every command with its summary; a command\'s --help lists every option (exit 0)', async () => {
  const all = await commands();
  const help = await runCli(['--help']);
  assert.is(help.code, 0);
  for (const { name, command } of all) assert.match(help.stdout, new RegExp(`^  ${name}\\s+${command.spec.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  for (const { name, command } of all) {
    const own = await runCli([name, '--help']);
    assert.is(own.code, 0, name);
    assert.is(own.stdout, `${commandHelp(name, command.spec)}\n`);
    for (const option of Object.keys(command.spec.options)) assert.match(own.stdout, `--${option}`);
  }
  const deploy = await runCli(['deploy', '-h']);
  assert.match(deploy.stdout, /^Usage: npx tap deploy \[options\]\n   or: make deploy ENV=<env> \[REVIEW=<file>\] \[ARGS='<options>'\]/);
  assert.match(deploy.stdout, /--allow-replace <Path\/LogicalId> \(repeatable\)\s+Path\/LogicalId of a stateful resource/);
  assert.match(deploy.stdout, /Not together: --review and --force; --review and --replace-failed-stack/);
  // No command is still a usage error; so is an unknown one.
  assert.is((await runCli([])).code, 2);
  assert.match((await runCli(['deplyo'])).stderr, /usage: tap <command> \[options\]; commands: synth, .*\(tap --help describes them\)/);
});

test('T-12: docs/cli.md is the reference generated from the specs; a stale one fails `tap docs --check` (exit 3) with the command to fix it', async () => {
  const reference = cliReference(await commands());
  assert.is(fs.readFileSync(path.join(repoRoot(), CLI_REFERENCE_FILE), 'utf8'), reference, 'docs/cli.md is stale: run `make docs`');
  for (const { name } of await commands()) assert.match(reference, `### ${name}\n`);
  for (const [code, meaning] of Object.entries(EXIT_MEANINGS)) assert.match(reference, `| ${code} | ${meaning} |`);
  for (const outcome of Object.keys(OUTCOME_EXIT_CODES)) assert.match(reference, `\`${outcome}\``);
  assert.match(reference, /\*\*Exit codes pass through `npx tap` only\.\*\* `make` reports any failing command with its own exit\nstatus 2/);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-docs-'));
  fs.mkdirSync(path.join(root, 'docs'));
  fs.writeFileSync(path.join(root, CLI_REFERENCE_FILE), reference.replace('## Exit codes', '## Exit code'));
  const stale = await runCli(['docs', '--check'], { root });
  assert.is(stale.code, 3);
  assert.match(stale.stderr, 'check failed docs/cli.md does not match the command specs; run `make docs` and commit it');
  assert.is((await runCli(['docs'], { root })).code, 0);
  assert.is(fs.readFileSync(path.join(root, CLI_REFERENCE_FILE), 'utf8'), reference);
  assert.is((await runCli(['docs', '--check'], { root })).code, 0);
});

test('T-12: each command\'s make line names a Makefile target that passes those variables to that command', async () => {
  const makefile = fs.readFileSync(path.join(repoRoot(), 'Makefile'), 'utf8');
  for (const { name, command } of await commands()) {
    const { make } = command.spec;
    if (!make) continue;
    const target = /^make ([a-z-]+)/.exec(make)?.[1];
    assert.is(target, name, `${name}: its make target is named after it`);
    const recipe = new RegExp(`^${target}:[^\\n]*\\n((?:\\t[^\\n]*\\n)+)`, 'm').exec(makefile)?.[1] ?? '';
    // Recipes run tap through $(call tap,…), which binds ENV; other variables go through tap-option or $$TAP_<NAME>.
    assert.ok(recipe.includes(`$(TAP) ${name}`) || recipe.includes(`$(call tap,${name}`), `make ${target} runs tap ${name}`);
    for (const [, variable] of make.matchAll(/\b([A-Z]+)=/g)) {
      const passed = (variable === 'ENV' && recipe.includes('$(call tap,')) || recipe.includes(`$$TAP_${variable}`) || new RegExp(`tap-option,[a-z-]+,${variable}\\)`).test(recipe);
      assert.ok(passed, `make ${target} passes ${variable}`);
    }
  }
});

test('T-12: the documented exit codes are the table\'s, and the operators\' page says make cannot pass them through', () => {
  const reference = fs.readFileSync(path.join(repoRoot(), CLI_REFERENCE_FILE), 'utf8');
  for (const [code, meaning] of Object.entries(EXIT_MEANINGS)) assert.match(reference, `| ${code} | ${meaning} |`);
  const operations = fs.readFileSync(path.join(repoRoot(), 'docs/operations.md'), 'utf8');
  assert.match(operations, /`make` exits 2\s+whenever\s+the\s+command\s+it\s+runs\s+fails/);
  assert.match(operations, '[cli.md](cli.md#exit-codes)');
  assert.match(fs.readFileSync(path.join(repoRoot(), 'README.md'), 'utf8'), /\[docs\/cli\.md\]\(docs\/cli\.md\)[^\n]*`make` exits 2 on any failure/);
});

test('T-12: the reference says which option each make variable becomes, for every variable the Makefile passes to tap', async () => {
  const makefile = fs.readFileSync(path.join(repoRoot(), 'Makefile'), 'utf8');
  const variables = /^TAP_VARIABLES := (.+)$/m.exec(makefile)?.[1]?.split(/\s+/) ?? [];
  assert.ok(variables.includes('ENV') && variables.includes('TO'), `TAP_VARIABLES read from the Makefile: ${variables.join(' ')}`);
  const reference = cliReference(await commands());
  // IDS selects mutations for make mutation, a script rather than a tap command.
  for (const name of variables.filter((v) => v !== 'IDS')) {
    // Each variable becomes the option of its own name (the Makefile's tap-option calls).
    const expected = name === 'ARGS' ? '`ARGS=` is' : `\`${name}=\` is \`--${name.toLowerCase()}\``;
    assert.ok(reference.includes(expected), `docs/cli.md should say ${expected}`);
  }
});

test('T-12: package.json\'s bin runs the CLI from the checkout, rebuilding the bundle when a source is newer', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  const launcher = path.join(repoRoot(), manifest.bin?.['tap'] ?? '(no bin)');
  assert.ok(fs.existsSync(launcher), launcher);
  assert.ok((fs.statSync(launcher).mode & 0o111) !== 0, 'executable');
  assert.match(fs.readFileSync(launcher, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const run = spawnSync(process.execPath, [launcher, 'drift', '--help'], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 60_000 });
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /^Usage: npx tap drift \[options\]/);
  const refused = spawnSync(process.execPath, [launcher, 'drift', '--bogus'], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 60_000 });
  assert.is(refused.status, 2, 'exit codes pass through');
});

test.run();
