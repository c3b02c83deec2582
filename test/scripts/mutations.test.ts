/**
 * T-11: the catalogue `make mutation` scores (scripts/mutations.ts) stays applicable and broad. The
 * scoring run itself is too slow for `make test` (it runs the gates once per mutation); its latest
 * table is in docs/mutation.md. This file keeps the catalogue from rotting between runs.
 */
import fs from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MUTATIONS, familyOf } from '../../scripts/mutations';

const requirementIds = new Set([...fs.readFileSync('docs/requirements.md', 'utf8').matchAll(/^### ([A-Z]+-[\w]+)/gm)].map((m) => m[1]));

test('T-11: every mutation applies: its text occurs exactly once in its file (a moved line must update the catalogue)', () => {
  for (const mutation of MUTATIONS) {
    const text = fs.readFileSync(mutation.file, 'utf8');
    assert.is(text.split(mutation.find).length - 1, 1, `${mutation.id}: its find text must occur exactly once in ${mutation.file}`);
    assert.is.not(mutation.replace, mutation.find, `${mutation.id}: the replacement changes nothing`);
  }
});

test('T-11: the catalogue holds at least 40 mutations with distinct ids, each attacking a defined requirement, with hint files that exist', () => {
  assert.ok(MUTATIONS.length >= 40, `${MUTATIONS.length} mutations; T-11 asks for at least 40`);
  assert.is(new Set(MUTATIONS.map((m) => m.id)).size, MUTATIONS.length, 'mutation ids are distinct');
  for (const mutation of MUTATIONS) {
    assert.ok(requirementIds.has(mutation.requirement), `${mutation.id}: ${mutation.requirement} is not a requirement of docs/requirements.md`);
    assert.ok(mutation.likelyCaughtBy.length > 0, `${mutation.id}: names no test file to try first`);
    for (const file of mutation.likelyCaughtBy) assert.ok(fs.existsSync(file), `${mutation.id}: hint ${file} does not exist`);
  }
});

test('T-11: the catalogue covers every requirement family (P-*, D-*, T-*, rotation) and the survivor areas of the first audit', () => {
  const families = new Set(MUTATIONS.map(familyOf));
  for (const family of ['P-*', 'D-*', 'T-*', 'rotation']) assert.ok(families.has(family), `no mutation in family ${family}`);
  // The areas where the audit of issue 10 found bugs no test caught.
  const areas: Record<string, (file: string) => boolean> = {
    'review binding': (file) => file === 'src/operations/review/artifact.ts',
    'stateful types': (file) => file === 'src/cfn/stateful.ts',
    'least privilege': (file) => file === 'src/stacks/services/iam.ts',
    'security-group graph': (file) => file === 'src/stacks/services/network.ts',
    'rotation protocol': (file) => file === 'src/lambdas/rotation/protocol.ts',
    'secret leaks': (file) => file === 'src/lambdas/rotation/redact.ts',
    'boundaries': (file) => file === 'src/config/rules.ts',
    'rare paths': (file) => file === 'src/operations/continue-rollback.ts',
  };
  for (const [area, inArea] of Object.entries(areas)) assert.ok(MUTATIONS.some((m) => inArea(m.file)), `no mutation in the ${area} area`);
});

test.run();
