/**
 * Secrets hygiene, the masker: structured values derived from a NoEcho parameter or a secret
 * reference, and known secret values in free text. (That nothing the CLI prints or writes carries
 * one: test/cli/secrets.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMasker, derivesFromSecret, MASK } from '../../src/operations/mask';
import { SECRET_REFERENCE, baseTemplates } from '../fakes/platform-fixture';

test('D-5 (secrets): the masker hides structured values derived from secrets and free-text occurrences', () => {
  const templates = baseTemplates();
  const masker = createMasker([{ path: 'Services/Frontend', templates: [templates['services/frontend.json']] }], ['hunter2-long']);
  assert.is(masker.property('Services/Frontend', 'ApiTokenSecret', 'SecretString', 'anything'), MASK);
  assert.is(masker.property('Services/Frontend', 'FeedKeyCopy', 'Value', SECRET_REFERENCE), SECRET_REFERENCE);
  assert.is(masker.property('Services/Frontend', 'FeedKeyCopy', 'Value', 'resolved!'), MASK);
  assert.is(masker.property('Services/Frontend', 'LogGroup', 'RetentionInDays', '30'), '30');
  assert.is(masker.text('error: hunter2-long rejected'), `error: ${MASK} rejected`);
  assert.is(masker.output('Services/Frontend', 'ApiTokenEcho', 'x'), MASK);
  const context = JSON.parse(masker.context('Services/Frontend', 'ApiTokenSecret', JSON.stringify({ Properties: { Name: 'n', SecretString: 'plain' } })));
  assert.equal(context, { Properties: { Name: 'n', SecretString: MASK } });
  assert.ok(derivesFromSecret({ 'Fn::Sub': 'Bearer ${ApiToken}' }, new Set(['ApiToken'])));
  assert.not.ok(derivesFromSecret({ 'Fn::Sub': 'Bearer ${Other}' }, new Set(['ApiToken'])));
});

test.run();
