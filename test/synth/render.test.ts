/**
 * T-4: one environment-agnostic set of templates, rendered deterministically and committed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { platformTemplates, renderCatalog } from '../helpers/platform';
import { runCli, tempWorkspace } from '../helpers/cli';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { EXIT } from '../../src/cli/exit-codes';
import { listEnvironments } from '../../src/config/environment';
import { repoRoot } from '../../src/core/paths';
import { found } from '../helpers/template';

test('T-4: rendering twice gives byte-identical templates (stable order, no timestamps)', () => {
  const first = platformTemplates().map((t) => [t.file, t.sha256]);
  const second = renderCatalog(SERVICE_CATALOG).map((t) => [t.file, t.sha256]);
  assert.equal(second, first);
  for (const t of platformTemplates()) {
    assert.not.match(t.content, /20\d\d-\d\d-\d\dT\d\d:/, `${t.file} has no timestamp`);
    assert.ok(t.content.endsWith('}\n'));
  }
});

test('T-4: the committed templates/ are exactly what the builders render', async () => {
  const result = await runCli(['synth', '--check']);
  assert.is(result.code, EXIT.ok, result.stderr);
});

test('T-4: a builder change without `make synth` fails the check and says to run it', async () => {
  const ws = tempWorkspace();
  // Simulate builder changes on whatever the templates hold: one committed template differs from
  // what the code renders, one is missing, and one is no longer rendered.
  const [changed, missing] = platformTemplates().filter((t) => t.name !== 'root').map((t) => t.file);
  const changedPath = path.join(ws, 'templates', changed);
  const committed = JSON.parse(fs.readFileSync(changedPath, 'utf8')) as { Description: string };
  fs.writeFileSync(changedPath, `${JSON.stringify({ ...committed, Description: `${committed.Description} (before the builder change)` }, null, 2)}\n`);
  fs.rmSync(path.join(ws, 'templates', missing));
  fs.writeFileSync(path.join(ws, 'templates', 'orphan.json'), '{}\n');
  const result = await runCli(['synth', '--check'], { root: ws });
  assert.is(result.code, EXIT.checkFailed);
  assert.match(result.stderr, `changed: templates/${changed}`);
  assert.match(result.stderr, `missing: templates/${missing}`);
  assert.match(result.stderr, 'no longer rendered: templates/orphan.json');
  assert.match(result.stderr, 'Run `make synth`');
});

test('T-4: templates carry no environment values: environments differ only through parameters', () => {
  const envFiles = found(listEnvironments(repoRoot()), 'environments').map((env) => JSON.parse(fs.readFileSync(path.join(repoRoot(), 'params', `${env}.json`), 'utf8')));
  for (const t of platformTemplates()) {
    for (const env of envFiles) {
      for (const value of [env.deployment.accountId, env.deployment.stackName, env.deployment.artifactBucket, env.parameters.VpcCidr]) {
        assert.not.ok(t.content.includes(value), `${t.file} contains ${value}`);
      }
    }
  }
});

test.run();
