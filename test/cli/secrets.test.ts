/**
 * Secrets hygiene: NoEcho parameter values and anything resolved from a secret reference never
 * reach the terminal, the review artifact, progress lines, failure reports or the outputs file,
 * even when the API echoes them back (the fake does, as a worst case). Everything the CLI prints
 * and writes is searched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MASK } from '../../src/operations/mask';
import { Scenario } from '../helpers/deploy-harness';
import { CANARY_NOECHO, CANARY_RESOLVED, SECRET_REFERENCE, fixturePlatform, props } from '../fakes/platform-fixture';

function everything(s: Scenario, outputs: readonly { stdout: string; stderr: string }[]): string {
  const dir = path.join(s.root, '.tap', s.environment);
  // Every file below .tap/<env>/: the per-change-set reviews, the outputs, the AWS error log.
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f, 'utf8'))
    : [];
  assert.ok(files.length >= 3, 'the reviews and outputs were searched');
  return [...outputs.flatMap((o) => [o.stdout, o.stderr]), ...files].join('\n');
}

test('D-5 / D-7 / D-9 (secrets): canary values never appear in output, review files, progress or outputs (create, update, failure)', async () => {
  const s = new Scenario('dev');
  s.aws.resolvedSecrets.set(SECRET_REFERENCE, CANARY_RESOLVED);
  const runs = [];
  runs.push(await s.run(['deploy', '--env', 'dev', '--yes']));
  // An update that changes the secret-bearing properties: the API answers with resolved values.
  s.platform = fixturePlatform((t) => {
    props(t, 'services/frontend.json', 'FeedKeyCopy')['Description'] = 'copy';
    props(t, 'services/frontend.json', 'FeedKeyCopy')['Value'] = `${SECRET_REFERENCE}-v2`;
    props(t, 'services/frontend.json', 'ApiTokenSecret')['Description'] = `token`;
  });
  s.aws.failResource({ path: 'Services/Frontend', logicalId: 'FeedKeyCopy', reason: `Parameter value ${CANARY_RESOLVED} is invalid for token ${CANARY_NOECHO}`, phase: 'forward' });
  runs.push(await s.run(['deploy', '--env', 'dev', '--yes']));
  runs.push(await s.run(['outputs', '--env', 'dev']));
  runs.push(await s.run(['outputs', '--env', 'dev', '--json']));
  assert.is(runs[0].code, 0);
  assert.is(runs[1].code, 7);
  const all = everything(s, runs);
  assert.not.ok(all.includes(CANARY_NOECHO), 'the NoEcho value leaked');
  assert.not.ok(all.includes(CANARY_RESOLVED), 'a resolved secret leaked');
  // What is shown instead.
  assert.match(runs[0].stdout, /ApiToken\s+\(none\) → \*\*\*\*/);
  assert.match(all, /Parameter value \*\*\*\* is invalid for token \*\*\*\*/);
  const outputs = JSON.parse(s.stateFile('outputs.json'));
  assert.is(outputs.stacks['Services/Frontend'].ApiTokenEcho.value, MASK);
  // The echoed values of the secret-bearing property are masked in the review.
  assert.match(runs[1].stdout, /Properties\.Value  \*\*\*\* → \*\*\*\*/);
});

test.run();
