/**
 * D-13: after Ctrl-C the run reports what it sent that may have changed something (the journal of
 * guardPort). A request the concurrency bound held back and never sent is not in it: reporting it
 * as "sent, may have been applied" would send the operator looking for a change that never happened.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestNotSent, withConcurrencyLimit } from '../../src/aws/concurrency';
import { guardPort, type SentRequest } from '../../src/operations/interrupt';
import { FakeAws } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';
import { PortMeter } from '../helpers/port-meter';

test('D-13: a change that waited for a slot when Ctrl-C came is refused unsent and left out of the journal; the one sent is in it', async () => {
  const aws = new FakeAws({ clock: new FakeClock() });
  aws.createBucket('b');
  const meter = new PortMeter(5);
  const controller = new AbortController();
  const journal: SentRequest[] = [];
  const limited = withConcurrencyLimit(meter.wrap(aws.port), { maxInFlight: 1, signal: controller.signal });
  const port = guardPort(limited.port, controller.signal, journal);
  const put = (key: string) => port.s3.putObject({ bucket: 'b', key, body: new Uint8Array([1]), contentType: 'application/json', expectedOwner: aws.account });
  const first = put('one');
  const second = put('two').then(() => undefined, (error: unknown) => error);
  controller.abort();
  await first;
  assert.instance(await second, RequestNotSent);
  assert.is(meter.counts.get('s3.putObject'), 1, 'only the first reached AWS');
  assert.equal(journal.map((r) => [r.operation, r.resource, r.failed]), [['s3.putObject', 's3://b/one', false]]);
});

test.run();
