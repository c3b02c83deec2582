/**
 * D-4 / D-6: one recipe for every client request token, so a retried request is recognised as the
 * same request and different requests never share a token.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clientToken } from '../../src/operations/client-token';

test('D-6: tokens are stable per request, distinct per purpose and identity, and fit the API (<= 128, [a-zA-Z0-9][-a-zA-Z0-9]*)', () => {
  const execute = clientToken('execute', 'arn:aws:cloudformation:eu-west-1:1:changeSet/tap-dev-x/1');
  assert.is(execute, clientToken('execute', 'arn:aws:cloudformation:eu-west-1:1:changeSet/tap-dev-x/1'));
  assert.is.not(execute, clientToken('discard', 'arn:aws:cloudformation:eu-west-1:1:changeSet/tap-dev-x/1'));
  assert.is.not(clientToken('continue', 'stack', 'A'), clientToken('continue', 'stack', 'B'));
  // Parts are joined unambiguously: ("ab", "c") is not ("a", "bc").
  assert.is.not(clientToken('destroy', 'ab', 'c'), clientToken('destroy', 'a', 'bc'));
  for (const purpose of ['create', 'execute', 'discard', 'replace', 'continue', 'destroy'] as const) {
    const token = clientToken(purpose, 'x');
    assert.ok(token.length <= 128, token);
    assert.match(token, /^[a-zA-Z0-9][-a-zA-Z0-9]*$/);
  }
});

test.run();
