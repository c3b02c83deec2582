/**
 * P-ALB / P-TRUTH (issue 11 #11): ALB access logs are delivered by the Elastic Load Balancing
 * account AWS documents for the region, or by the log-delivery service principal where none is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { ELB_LOG_DELIVERY_ACCOUNTS, KNOWN_REGIONS } from '../../src/config/regions';
import { listEnvironments } from '../../src/config/environment';

test('P-ALB: Asia Pacific (Jakarta) delivers ALB access logs from its documented account 589379963580', () => {
  // enable-access-logging.html lists "Asia Pacific (Jakarta) – 589379963580".
  assert.is(ELB_LOG_DELIVERY_ACCOUNTS['ap-southeast-3'], '589379963580');
  assert.ok(KNOWN_REGIONS.includes('ap-southeast-3'));
});

test('P-ALB: every known region has either a documented account or the service principal, never both', () => {
  assert.equal(new Set(KNOWN_REGIONS).size, KNOWN_REGIONS.length, 'no region listed twice');
  assert.is(ELB_LOG_DELIVERY_ACCOUNTS['us-east-1'], '127311923021');
});

test('P-TRUTH (issue 11 #12): the shipped environments deploy to us-east-1, and every region-dependent value names it', () => {
  const environments = listEnvironments('.');
  assert.equal(environments, ['dev', 'prod', 'staging']);
  for (const env of environments) {
    const file = JSON.parse(fs.readFileSync(`params/${env}.json`, 'utf8')) as { deployment: Record<string, string>; parameters: Record<string, unknown> };
    assert.is(file.deployment['region'], 'us-east-1', env);
    assert.match(file.deployment['artifactBucket'], /-us-east-1$/, `${env} artifact bucket`);
    for (const [key, value] of Object.entries(file.parameters)) {
      // ARNs and AWS endpoints (RDS hosts) name their region.
      if (typeof value === 'string' && /(^arn:aws[a-z-]*:[a-z0-9-]+:|\.rds\.amazonaws\.com$)/.test(value)) {
        assert.ok(value.includes(':us-east-1:') || value.includes('.us-east-1.'), `${env} ${key}: ${value}`);
      }
    }
  }
});

test.run();
