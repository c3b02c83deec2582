/**
 * P-ALB / P-TRUTH (issue 11 #11): ALB access logs are delivered by the Elastic Load Balancing
 * account AWS documents for the region, or by the log-delivery service principal where none is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ELB_LOG_DELIVERY_ACCOUNTS, KNOWN_REGIONS } from '../../src/config/regions';

test('P-ALB: Asia Pacific (Jakarta) delivers ALB access logs from its documented account 589379963580', () => {
  // enable-access-logging.html lists "Asia Pacific (Jakarta) – 589379963580".
  assert.is(ELB_LOG_DELIVERY_ACCOUNTS['ap-southeast-3'], '589379963580');
  assert.ok(KNOWN_REGIONS.includes('ap-southeast-3'));
});

test('P-ALB: every known region has either a documented account or the service principal, never both', () => {
  assert.equal(new Set(KNOWN_REGIONS).size, KNOWN_REGIONS.length, 'no region listed twice');
  assert.is(ELB_LOG_DELIVERY_ACCOUNTS['us-east-1'], '127311923021');
});

test.run();
