/**
 * P-TRUTH, issue 11 item 11: an ALB created with access logs on needs its bucket's policy to let
 * the Region's log-delivery principal write (the fake's model: test/fakes/aws/elbv2.ts and the
 * bucket policies of s3.ts; behaviours.ts lists the sources). The platform passes the Region's
 * account as ElbLogDeliveryAccount (src/config/regions.ts) and makes the ALB wait for the policy.
 *
 * (a) The fixture's ALB with access logs on: refused without a policy, refused with a policy naming
 * another Region's account, created with this Region's. (b) The real platform (eu-west-1) creates
 * its ALB with access logs on, its log bucket's policy in place.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../src/core/template-json';
import { deploying, expectOutcome, Scenario } from '../helpers/deploy-harness';
import { renderedPlatform } from '../helpers/platform';
import { fixturePlatform, props, type Templates } from '../fakes/platform-fixture';

/** eu-west-1's and us-east-1's log-delivery accounts, as enable-access-logging.html lists them. */
const EU_WEST_1 = '156460612806';
const US_EAST_1 = '127311923021';

/** The fixture's ALB with access logs on, into its access-log bucket, and that bucket's policy granting `account` (none when undefined). */
function withAccessLogs(account: string | undefined) {
  return fixturePlatform((t: Templates) => {
    const alb = t['network.json'].Resources['Alb'];
    const attributes = props(t, 'network.json', 'Alb')['LoadBalancerAttributes'] as JsonObject[];
    attributes.push({ Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.prefix', Value: 'alb' });
    if (account === undefined) return;
    t['network.json'].Resources['AccessLogBucketPolicy'] = {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'AccessLogBucket' },
        PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 's3:PutObject', Resource: { 'Fn::Sub': 'arn:aws:s3:::${AccessLogBucket}/alb/AWSLogs/${AWS::AccountId}/*' } }] },
      },
    };
    alb.DependsOn = 'AccessLogBucketPolicy';
  });
}

async function firstDeploy(platform: ReturnType<typeof fixturePlatform>) {
  const s = new Scenario('dev', { platform });
  const { outcome } = await s.operate(deploying(), { answers: ['yes'] });
  return { s, outcome };
}

test(`P-TRUTH: AWS behaviour: ELB refuses to create an ALB with access logs on until its bucket policy lets the Region's log-delivery principal write`, async () => {
  for (const account of [undefined, US_EAST_1]) {
    const { outcome } = await firstDeploy(withAccessLogs(account));
    const cause = expectOutcome(outcome, 'rolled-back').failure.rootCause;
    assert.equal([cause?.path, cause?.logicalId], ['Network', 'Alb'], `policy for ${account ?? 'nobody'}`);
    assert.is(cause?.reason, 'Resource handler returned message: "Access Denied for bucket: tap-alb-logs-dev. Please check S3bucket permission (Service: ElasticLoadBalancingV2, Status Code: 400, Error Code: InvalidConfigurationRequest)"');
  }
  expectOutcome((await firstDeploy(withAccessLogs(EU_WEST_1))).outcome, 'deployed');

  const { s, outcome } = await firstDeploy(renderedPlatform());
  expectOutcome(outcome, 'deployed');
  const cluster = s.aws.stack('Cluster');
  const alb = cluster?.resources.get('Alb');
  const attributes = ((alb?.definition?.['Properties'] as JsonObject | undefined)?.['LoadBalancerAttributes'] ?? []) as JsonObject[];
  assert.ok(attributes.some((a) => a['Key'] === 'access_logs.s3.enabled' && a['Value'] === 'true'), 'the real ALB writes access logs');
  const bucket = cluster?.resources.get('AlbLogBucket')?.physicalId ?? '';
  assert.match(JSON.stringify(s.aws.buckets.get(bucket)?.policy), `arn:aws:iam::${EU_WEST_1}:root`);
});

test.run();
