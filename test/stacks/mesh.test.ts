/**
 * P-MESH: what the platform asked of App Mesh, on ECS Service Connect.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { templateNamed, platformTemplates } from '../helpers/platform';
import { properties, resource, resourcesOfType } from '../helpers/template';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { JsonObject } from '../../src/core/template-json';

const serviceConnect = (name: string) => properties(templateNamed(`services/${name}`), 'Service')['ServiceConnectConfiguration'] as JsonObject;

test('P-MESH: no App Mesh resource anywhere (discontinued 2026-09-30)', () => {
  for (const t of platformTemplates()) {
    assert.not.ok(Object.values(t.template.Resources).some((r) => r.Type.startsWith('AWS::AppMesh::')), t.file);
  }
});

test('P-MESH: a Cloud Map HTTP namespace, without hyphens (cluster-default constraint)', () => {
  const [[, ns]] = resourcesOfType(templateNamed('mesh'), 'AWS::ServiceDiscovery::HttpNamespace');
  assert.equal(ns.Properties?.['Name'], { 'Fn::Sub': 'tap.${Environment}' });
});

test('P-MESH: every service joins the namespace with a discovery name and a client alias', () => {
  for (const service of SERVICE_CATALOG) {
    const sc = serviceConnect(service.name);
    assert.is(sc['Enabled'], true);
    assert.equal(sc['Namespace'], { Ref: 'NamespaceArn' });
    const [entry] = sc['Services'] as JsonObject[];
    assert.equal(entry['DiscoveryName'], { 'Fn::Sub': `${service.name}-\${Environment}` });
    assert.equal(entry['ClientAliases'], [{ DnsName: service.name, Port: service.containerPort }]);
    // The named port mapping the proxy binds to, with an application protocol (L7 metrics, timeouts).
    const container = (properties(templateNamed(`services/${service.name}`), 'TaskDefinition')['ContainerDefinitions'] as JsonObject[])[0];
    const [mapping] = container['PortMappings'] as JsonObject[];
    assert.is(mapping['Name'], entry['PortName']);
    assert.is(mapping['AppProtocol'], service.appProtocol);
  }
});

test('P-MESH: per-request timeouts come from the catalog', () => {
  for (const service of SERVICE_CATALOG) {
    const [entry] = serviceConnect(service.name)['Services'] as JsonObject[];
    assert.equal(entry['Timeout'], { PerRequestTimeoutSeconds: service.requestTimeoutSeconds, IdleTimeoutSeconds: 300 });
  }
  assert.is(SERVICE_CATALOG.find((s) => s.name === 'analytics-engine')?.requestTimeoutSeconds, 120);
});

test('P-MESH: TLS via a short-lived AWS Private CA, tagged for ECS, optional per environment', () => {
  const t = templateNamed('mesh');
  assert.equal(t.Conditions?.['TlsEnabled'], { 'Fn::Equals': [{ Ref: 'ServiceConnectTls' }, 'enabled'] });
  const ca = resource(t, 'CertificateAuthority');
  assert.is(ca.Condition, 'TlsEnabled');
  assert.is(ca.Properties?.['UsageMode'], 'SHORT_LIVED_CERTIFICATE');
  assert.ok((ca.Properties?.['Tags'] as JsonObject[]).some((tag) => tag['Key'] === 'AmazonECSManaged' && tag['Value'] === 'true'));
  assert.is(resource(t, 'CertificateAuthorityActivation').Properties?.['Status'], 'ACTIVE');
  const role = JSON.stringify(properties(t, 'TlsInfrastructureRole'));
  assert.match(role, 'policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity');
  for (const service of SERVICE_CATALOG) {
    const [entry] = serviceConnect(service.name)['Services'] as JsonObject[];
    const [condition, tls, otherwise] = (entry['Tls'] as JsonObject)['Fn::If'] as [string, JsonObject, JsonObject];
    assert.is(condition, 'TlsEnabled');
    assert.equal(tls['IssuerCertificateAuthority'], { AwsPcaAuthorityArn: { Ref: 'TlsCertificateAuthorityArn' } });
    assert.equal(tls['RoleArn'], { Ref: 'TlsRoleArn' });
    assert.equal(otherwise, { Ref: 'AWS::NoValue' });
  }
});

test('P-MESH: Service Connect proxy logs and access logs go to the service log group', () => {
  for (const service of SERVICE_CATALOG) {
    const sc = serviceConnect(service.name);
    assert.equal((sc['LogConfiguration'] as JsonObject)['LogDriver'], 'awslogs');
    assert.equal(((sc['LogConfiguration'] as JsonObject)['Options'] as JsonObject)['awslogs-group'], { Ref: 'LogGroup' });
    assert.equal(sc['AccessLogConfiguration'], { Format: 'JSON', IncludeQueryParameters: 'DISABLED' });
  }
});

test('P-MESH: servers deploy before their clients (callers read their callees\' outputs)', () => {
  const services = templateNamed('services');
  for (const service of SERVICE_CATALOG) {
    const id = service.name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
    const parameters = JSON.stringify(services.Resources[id].Properties?.['Parameters']);
    for (const callee of service.calls) {
      const calleeId = callee.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
      assert.match(parameters, `{"Fn::GetAtt":["${calleeId}","Outputs.SecurityGroupId"]}`, `${service.name} waits for ${callee}`);
    }
  }
});

test.run();
