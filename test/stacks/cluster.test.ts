/**
 * P-ECS: the cluster. P-ALB: the internet-facing load balancer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { templateNamed } from '../helpers/platform';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { properties, resource, resourcesOfType } from '../helpers/template';
import type { JsonObject } from '../../src/core/template-json';

const cluster = () => templateNamed('cluster');

test('P-ECS: FARGATE and FARGATE_SPOT capacity providers, with a base kept on on-demand Fargate', () => {
  const c = properties(cluster(), 'Cluster');
  assert.equal(c['CapacityProviders'], ['FARGATE', 'FARGATE_SPOT']);
  const strategy = c['DefaultCapacityProviderStrategy'] as JsonObject[];
  const onDemand = strategy.find((s) => s['CapacityProvider'] === 'FARGATE');
  assert.ok(onDemand && Number(onDemand['Base']) >= 1, 'a base on FARGATE');
  assert.ok(strategy.some((s) => s['CapacityProvider'] === 'FARGATE_SPOT' && Number(s['Weight']) > 0));
  assert.not.ok(strategy.some((s) => s['CapacityProvider'] === 'FARGATE_SPOT' && s['Base'] !== undefined));
});

test('P-ECS: Container Insights is on', () => {
  assert.equal(properties(cluster(), 'Cluster')['ClusterSettings'], [{ Name: 'containerInsights', Value: 'enhanced' }]);
});

test('P-ECS: ECS Exec sessions are encrypted with a KMS key and logged to an encrypted log group', () => {
  const t = cluster();
  const exec = (properties(t, 'Cluster')['Configuration'] as JsonObject)['ExecuteCommandConfiguration'] as JsonObject;
  assert.equal(exec['KmsKeyId'], { 'Fn::GetAtt': ['ExecKey', 'Arn'] });
  assert.is(exec['Logging'], 'OVERRIDE');
  assert.equal(exec['LogConfiguration'], { CloudWatchLogGroupName: { Ref: 'ExecLogGroup' }, CloudWatchEncryptionEnabled: true });
  assert.equal(properties(t, 'ExecLogGroup')['KmsKeyId'], { 'Fn::GetAtt': ['ExecKey', 'Arn'] });
});

test('P-MESH: the cluster\'s Service Connect default is the mesh namespace, by ARN', () => {
  assert.equal(properties(cluster(), 'Cluster')['ServiceConnectDefaults'], { Namespace: { Ref: 'NamespaceArn' } });
});

test('P-ALB: one internet-facing application load balancer in the public subnets', () => {
  const t = cluster();
  assert.is(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer').length, 1);
  const alb = properties(t, 'Alb');
  assert.is(alb['Scheme'], 'internet-facing');
  assert.is(alb['Type'], 'application');
  assert.equal(alb['Subnets'], { Ref: 'PublicSubnetIds' });
});

function attribute(key: string): unknown {
  const attributes = properties(cluster(), 'Alb')['LoadBalancerAttributes'] as JsonObject[];
  return attributes.find((a) => a['Key'] === key)?.['Value'];
}

test('P-ALB: invalid header fields are dropped; access logs go to the log bucket', () => {
  assert.is(attribute('routing.http.drop_invalid_header_fields.enabled'), 'true');
  assert.is(attribute('access_logs.s3.enabled'), 'true');
  assert.equal(attribute('access_logs.s3.bucket'), { Ref: 'AlbLogBucket' });
  const t = cluster();
  assert.equal(resource(t, 'Alb').DependsOn, 'AlbLogBucketPolicy', 'the bucket policy exists before the ALB checks it');
  // ELB log delivery supports SSE-S3 only.
  const sse = (((properties(t, 'AlbLogBucket')['BucketEncryption'] as JsonObject)['ServerSideEncryptionConfiguration'] as JsonObject[])[0]['ServerSideEncryptionByDefault']) as JsonObject;
  assert.is(sse['SSEAlgorithm'], 'AES256');
});

test('P-ALB / P-TRUTH (issue 11 #11): the ALB idle timeout outlasts the longest request any service allows (analytics-engine, 120 s)', () => {
  // Default 60 s (edit-load-balancer-attributes.html#connection-idle-timeout) would cut it off.
  const longest = Math.max(...SERVICE_CATALOG.map((s) => s.requestTimeoutSeconds));
  assert.is(longest, 120);
  assert.ok(Number(attribute('idle_timeout.timeout_seconds')) > longest, String(attribute('idle_timeout.timeout_seconds')));
});

test('P-ALB / P-DATA: deletion protection is on exactly when data is retained (prod)', () => {
  assert.equal(attribute('deletion_protection.enabled'), { 'Fn::If': ['RetainStatefulResources', 'true', 'false'] });
});

test('P-ALB: with a certificate, HTTPS uses a TLS 1.3 policy and HTTP redirects to it', () => {
  const t = cluster();
  assert.equal(t.Conditions?.['HasCertificate'], { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CertificateArn' }, ''] }] });
  const https = resource(t, 'HttpsListener');
  assert.is(https.Condition, 'HasCertificate');
  assert.is(https.Properties?.['SslPolicy'], 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
  assert.equal(https.Properties?.['Certificates'], [{ CertificateArn: { Ref: 'CertificateArn' } }]);
  const [httpDefault] = properties(t, 'HttpListener')['DefaultActions'] as JsonObject[];
  const [, redirect] = (httpDefault['Fn::If'] as JsonObject[]);
  assert.equal((redirect as JsonObject)['Type'], 'redirect');
  assert.equal(((redirect as JsonObject)['RedirectConfig'] as JsonObject)['Protocol'], 'HTTPS');
  assert.equal(((redirect as JsonObject)['RedirectConfig'] as JsonObject)['StatusCode'], 'HTTP_301');
  assert.equal(cluster().Outputs?.['ProductionListenerArn']?.Value, { 'Fn::If': ['HasCertificate', { Ref: 'HttpsListener' }, { Ref: 'HttpListener' }] });
});

test('P-ALB / P-SEC: the ALB accepts 80/443 from anywhere and the test listener only from the VPC', () => {
  const ingress = JSON.stringify(properties(cluster(), 'AlbSecurityGroup')['SecurityGroupIngress']);
  assert.match(ingress, '"FromPort":80');
  assert.match(ingress, '"FromPort":443');
  const rules = properties(cluster(), 'AlbSecurityGroup')['SecurityGroupIngress'] as JsonObject[];
  const test = rules.find((r) => JSON.stringify(r['FromPort'] ?? null).includes('8443'));
  assert.equal(test?.['CidrIp'], { Ref: 'VpcCidr' });
});

test.run();
