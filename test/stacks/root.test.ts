/**
 * P-OUT, and environment differences only through parameters (T-4, issue 3).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { templateNamed } from '../helpers/platform';

const root = () => templateNamed('root');
const env = (name: string) => JSON.parse(fs.readFileSync(`params/${name}.json`, 'utf8')).parameters as Record<string, unknown>;

test('P-OUT: the root outputs the ALB URL, cluster name, service ARNs, repository URIs and namespace', () => {
  const outputs = root().Outputs ?? {};
  for (const name of ['AlbUrl', 'ClusterName', 'ServiceArns', 'RepositoryUris', 'NamespaceName', 'NamespaceArn']) {
    assert.ok(outputs[name], name);
  }
  assert.equal(outputs['AlbUrl'].Value, { 'Fn::GetAtt': ['Cluster', 'Outputs.AlbUrl'] });
  assert.equal(outputs['ServiceArns'].Value, { 'Fn::If': ['HasRelease', { 'Fn::GetAtt': ['Services', 'Outputs.ServiceArns'] }, ''] });
});

test('P-OUT: each output says who consumes it', () => {
  for (const [name, output] of Object.entries(root().Outputs ?? {})) {
    assert.match(String(output.Description), /;|CI|operators|DNS|services|tooling|subscribe|peering/i, name);
  }
});

test('environments differ only through parameters: NAT count, sizes, counts, certificate, TLS, alarm e-mail, retention', () => {
  const parameters = root().Parameters ?? {};
  for (const name of ['NatGatewayMode', 'TaskSizeProfile', 'DesiredCount', 'MinCapacity', 'MaxCapacity', 'CertificateArn', 'ServiceConnectTls', 'AlarmEmail', 'DataProtection']) {
    assert.ok(parameters[name], `${name} is a root parameter`);
  }
  const [dev, staging, prod] = ['dev', 'staging', 'prod'].map(env);
  assert.equal([dev.NatGatewayMode, prod.NatGatewayMode], ['single', 'per-az']);
  assert.equal([dev.TaskSizeProfile, staging.TaskSizeProfile, prod.TaskSizeProfile], ['small', 'medium', 'large']);
  assert.equal([prod.DesiredCount, prod.MinCapacity, prod.MaxCapacity], [2, 2, 10], 'prod runs the P-SVC counts');
  assert.ok(Number(dev.MaxCapacity) < Number(prod.MaxCapacity));
  assert.is(dev.CertificateArn, '');
  assert.match(String(prod.CertificateArn), /^arn:aws:acm:/);
  assert.equal([dev.ServiceConnectTls, prod.ServiceConnectTls], ['disabled', 'enabled']);
  assert.equal([dev.DataProtection, staging.DataProtection, prod.DataProtection], ['delete', 'delete', 'retain']);
  assert.ok(dev.AlarmEmail !== prod.AlarmEmail);
});

test('an empty ImageTag deploys the platform without services (their images must exist first)', () => {
  const t = root();
  assert.equal(t.Conditions?.['HasRelease'], { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ImageTag' }, ''] }] });
  assert.is(t.Resources['Services'].Condition, 'HasRelease');
  assert.is(t.Resources['Registry'].Condition, undefined);
});

test.run();
