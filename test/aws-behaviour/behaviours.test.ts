/**
 * P-TRUTH: the list of modelled AWS behaviours (behaviours.ts) is the folder's index: each
 * behaviour has exactly one test here titled after it, each names sources that are AWS
 * documentation or GitHub issues, and the fake's module that models it cites its first source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BEHAVIOURS, type AwsBehaviour } from './behaviours';

const FOLDER = 'test/aws-behaviour';
const SOURCE = /^https:\/\/(docs\.aws\.amazon\.com\/\S+|github\.com\/[\w.-]+\/[\w.-]+\/issues\/\d+)$/;

const testSources = fs.readdirSync(FOLDER).filter((f) => f.endsWith('.test.ts')).map((f) => fs.readFileSync(path.join(FOLDER, f), 'utf8'));
const entries = Object.entries(BEHAVIOURS) as [string, AwsBehaviour][];

test('P-TRUTH: every modelled AWS behaviour has exactly one test in test/aws-behaviour, titled after it', () => {
  assert.ok(entries.length >= 7, `${entries.length} behaviours`);
  for (const [key] of entries) {
    const uses = testSources.flatMap((source) => source.match(new RegExp(`test\\(titleOf\\(BEHAVIOURS\\.${key}\\)`, 'g')) ?? []);
    assert.is(uses.length, 1, `${key}: ${uses.length} tests`);
  }
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
