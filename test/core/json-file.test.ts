/**
 * T-5: the JSON reader behind params and review files: strict JSON with line and column, keys
 * given twice, and agreement with JSON.parse on every valid document the repository holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJsonBytes, parseJsonText } from '../../src/core/json-file';

const messages = (text: string): string[] => {
  const parsed = parseJsonText(text, 'f.json');
  return parsed.ok ? [] : parsed.problems.map((p) => `${p.path || '/'}: ${p.message}`);
};

test('T-5: every JSON file of the repository (templates, params) parses to what JSON.parse gives', () => {
  const files = [...fs.readdirSync('templates', { recursive: true }) as string[]].filter((f) => f.endsWith('.json')).map((f) => path.join('templates', f));
  files.push(...fs.readdirSync('params').map((f) => path.join('params', f)), 'package.json', 'package-lock.json');
  assert.ok(files.length > 10);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const parsed = parseJsonText(text, file);
    assert.ok(parsed.ok, file);
    if (parsed.ok) assert.equal(parsed.value, JSON.parse(text), file);
  }
});

test('T-5: syntax errors name line and column in words', () => {
  assert.equal(messages('{\n  "a": 1,\n}'), ['/: is not valid JSON: line 2, column 9: a comma before "}" (JSON allows no trailing comma)']);
  assert.equal(messages('[1, 2,]'), ['/: is not valid JSON: line 1, column 6: a comma before "]" (JSON allows no trailing comma)']);
  assert.equal(messages("{'a': 1}"), ['/: is not valid JSON: line 1, column 2: expected a property name in double quotes, found \' (JSON strings use double quotes)']);
  assert.equal(messages('{"a": 1 "b": 2}'), ['/: is not valid JSON: line 1, column 9: expected "," or "}" after the value of "a", found "\\""']);
  assert.equal(messages('{"a": 01}'), ['/: is not valid JSON: line 1, column 7: a malformed number "01" (no leading zeros, hex or trailing dot in JSON)']);
  assert.equal(messages('{"a": "x\n"}'), ['/: is not valid JSON: line 1, column 7: a string that runs past the end of the line (missing ")']);
  assert.equal(messages('{"a": 1} x'), ['/: is not valid JSON: line 1, column 10: unexpected "x" after the end of the JSON value']);
  assert.equal(messages('{"a": '), ['/: is not valid JSON: line 1, column 7: expected a value (object, array, string, number, true, false or null), found end of file']);
  assert.equal(messages('{"a": "\\x"}'), ['/: is not valid JSON: line 1, column 8: an invalid escape "\\\\x" in a string']);
});

test('T-5: a key given twice is named with both lines, at its JSON pointer, however deep', () => {
  assert.equal(messages('{\n "a": {\n  "b/c": 1,\n  "b/c": 2\n },\n "l": [{"x": 1, "x": 1}]\n}'), [
    '/a/b~1c: is given twice (line 3 and line 4); JSON keeps only the last one, so remove one of them',
    '/l/0/x: is given twice (line 6 and line 6); JSON keeps only the last one, so remove one of them',
  ]);
});

test('T-5: "__proto__" is an ordinary key, never the prototype', () => {
  const parsed = parseJsonText('{"__proto__": {"polluted": true}}', 'f.json');
  assert.ok(parsed.ok);
  if (parsed.ok) {
    assert.equal(Object.keys(parsed.value as object), ['__proto__']);
    assert.is(({} as Record<string, unknown>)['polluted'], undefined);
  }
});

test('T-5: nesting deeper than 100 levels is refused, not a stack overflow', () => {
  assert.match(messages(`${'['.repeat(5000)}${']'.repeat(5000)}`)[0], 'nested more than 100 levels deep');
});

test('T-5: bytes: BOM, UTF-16, invalid UTF-8 and empty files are named', () => {
  const say = (bytes: number[] | string) => {
    const parsed = parseJsonBytes(typeof bytes === 'string' ? Buffer.from(bytes) : Uint8Array.from(bytes), 'f.json');
    return parsed.ok ? 'ok' : parsed.problems[0].message;
  };
  assert.match(say([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 'byte order mark (BOM)');
  assert.match(say([0xff, 0xfe, 0x7b, 0x00]), 'UTF-16');
  assert.match(say([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'is not UTF-8 text');
  assert.is(say(' \n\t'), 'is empty; expected a JSON object');
  assert.is(say('{"a": "\u00e9"}'), 'ok');
});

test.run();
