/**
 * T-9: docs/requirements.md says what each requirement ID requires and which tests prove it; the
 * "Proven by" lists are generated from test names (scripts/requirements.ts) and cannot go stale.
 */
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { citations, renderPage, REQUIREMENTS_PAGE } from '../../scripts/requirements';

const page = (body: string) => `# x\n\n${body}`;
const block = (id: string) => `<!-- proven-by ${id} -->\n<!-- /proven-by -->`;

test('T-9: docs/requirements.md is current, defines every ID the tests cite, and every requirement is proven or says why not', () => {
  const current = fs.readFileSync(REQUIREMENTS_PAGE, 'utf8');
  const { page: rendered, problems } = renderPage(current, citations());
  assert.equal(problems, []);
  assert.ok(rendered === current, `${REQUIREMENTS_PAGE} is stale: run \`make docs\` and commit it`);
});

test('T-9: the page generator lists the test files citing an ID, and flags what is missing', () => {
  const cited = new Map([['P-ECR', new Map([['test/stacks/registry.test.ts', 2]])], ['P-XYZ', new Map([['test/a.test.ts', 1]])]]);
  const { page: rendered, problems } = renderPage(page(`### P-ECR Registry\n\ntext\n\n${block('P-ECR')}\n\n### P-NET Network\n\ntext\n\n${block('P-NET')}\n`), cited);
  assert.match(rendered, '- `test/stacks/registry.test.ts` (2 tests)');
  assert.equal(problems, [
    'P-NET: no test names it, and it has no "Also proven by:" or "Not built yet:" line',
    'P-XYZ: tests cite it (test/a.test.ts) but docs/requirements.md does not define it',
  ]);
  const explained = renderPage(page(`### P-NET Network\n\nAlso proven by: the lint gate.\n\n${block('P-NET')}\n`), new Map());
  assert.equal(explained.problems, []);
});

test.run();
