/**
 * P-NET / T-5: the CIDR arithmetic the params rules rely on (src/config/cidr.ts), at its edges:
 * blocks that share a single address overlap, blocks that merely touch do not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contains, mustParseCidr, overlaps } from '../../src/config/cidr';

const both = (a: string, b: string): [boolean, boolean] => [overlaps(mustParseCidr(a), mustParseCidr(b)), overlaps(mustParseCidr(b), mustParseCidr(a))];

test('P-NET: blocks overlap when they share any address, even only the last one of a block, whichever is named first', () => {
  assert.equal(both('10.0.0.0/28', '10.0.0.15/32'), [true, true], 'a host at the last address of a /28');
  assert.equal(both('10.0.0.0/28', '10.0.0.0/32'), [true, true], 'a host at the first address of a /28');
  assert.equal(both('10.0.0.7/32', '10.0.0.7/32'), [true, true], 'the same single address');
  assert.equal(both('10.0.0.0/16', '10.0.255.240/28'), [true, true], 'the last /28 of a /16');
});

test('P-NET: adjacent blocks do not overlap', () => {
  assert.equal(both('10.0.0.0/28', '10.0.0.16/28'), [false, false]);
  assert.equal(both('10.0.0.0/28', '10.0.0.16/32'), [false, false], 'the first address after a /28');
  assert.equal(both('10.0.0.0/16', '10.1.0.0/16'), [false, false]);
});

test('P-NET: a block contains itself and its last sub-block, not the block after it', () => {
  const vpc = mustParseCidr('10.40.0.0/16');
  assert.ok(contains(vpc, vpc));
  assert.ok(contains(vpc, mustParseCidr('10.40.255.255/32')));
  assert.not.ok(contains(vpc, mustParseCidr('10.41.0.0/32')));
});

test.run();
