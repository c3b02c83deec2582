/**
 * P-TRUTH: the list of modelled AWS behaviours (behaviours.ts) is the folder's index: each
 * behaviour has exactly one test here titled after it, each names sources that are AWS
 * documentation or GitHub issues, and the fake's module that models it cites its first source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BEHAVIOURS, titleOf, type AwsBehaviour } from './behaviours';

const FOLDER = 'test/aws-behaviour';
const SOURCE = /^https:\/\/(docs\.aws\.amazon\.com\/\S+|github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+)$/;

const testSources = fs.readdirSync(FOLDER).filter((f) => f.endsWith('.test.ts')).map((f) => fs.readFileSync(path.join(FOLDER, f), 'utf8'));
const entries = Object.entries(BEHAVIOURS) as [string, AwsBehaviour][];

test('P-TRUTH: every modelled AWS behaviour has exactly one test in test/aws-behaviour, titled after it', () => {
  assert.ok(entries.length >= 7, `${entries.length} behaviours`);
  // Titles are written out, not computed: docs/requirements.md lists P-TRUTH's tests by their literal titles.
  const titles = testSources.flatMap((source) => [...source.matchAll(/\btest\(`([^`]*)`/g)].map((m) => m[1]));
  for (const [key, behaviour] of entries) {
    assert.is(titles.filter((title) => title === titleOf(behaviour)).length, 1, `${key}: no test titled "${titleOf(behaviour)}"`);
  }
  assert.is(titles.filter((title) => title.startsWith('P-TRUTH: AWS behaviour: ')).length, entries.length, 'no behaviour test missing from behaviours.ts');
});

test('P-TRUTH: every modelled AWS behaviour names its sources, and the fake\'s module cites the first', () => {
  for (const [key, behaviour] of entries) {
    assert.ok(behaviour.sources.length > 0, key);
    for (const source of behaviour.sources) assert.match(source, SOURCE, `${key}: ${source}`);
    const modules = behaviour.modelledIn.split(', ').map((file) => fs.readFileSync(file, 'utf8'));
    assert.ok(modules.some((text) => text.includes(behaviour.sources[0])), `${key}: ${behaviour.modelledIn} does not cite ${behaviour.sources[0]}`);
  }
});

test.run();
