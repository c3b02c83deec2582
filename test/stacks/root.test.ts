/**
 * P-OUT, and environment differences only through parameters (T-4, issue 3): each root parameter
 * is evaluated through the nested stacks to what it changes, rather than reading the params files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, templateNamed } from '../helpers/platform';
import { outputConsumer } from '../helpers/template';
import { StackTree } from '../helpers/stack-tree';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { AZ_COUNT } from '../../src/catalog/platform';
import { TASK_SIZE_PROFILES } from '../../src/catalog/types';
import type { Json, JsonObject, ResourceJson } from '../../src/core/template-json';
import { imageTagParameter } from '../../src/stacks/releases';

const root = () => templateNamed('root');

/** Every catalog service's tag parameter set to `tag`. */
const allReleased = (tag: string): Record<string, string> => Object.fromEntries(SERVICE_CATALOG.map((s) => [imageTagParameter(s), tag]));

test('P-OUT: the root outputs the ALB URL, cluster name, service ARNs, repository URIs and namespace', () => {
  const outputs = root().Outputs ?? {};
  for (const name of ['AlbUrl', 'ClusterName', 'ServiceArns', 'RepositoryUris', 'NamespaceName', 'NamespaceArn']) {
    assert.ok(outputs[name], name);
  }
  assert.equal(outputs['AlbUrl'].Value, { 'Fn::GetAtt': ['Cluster', 'Outputs.AlbUrl'] });
  assert.equal(outputs['ServiceArns'].Value, { 'Fn::If': ['HasRelease', { 'Fn::GetAtt': ['Services', 'Outputs.ServiceArns'] }, ''] });
});

test('P-OUT: each root output says who consumes it, and the P-OUT outputs name theirs', () => {
  const outputs = root().Outputs ?? {};
  for (const [name, output] of Object.entries(outputs)) assert.ok(outputConsumer(output.Description), `${name}: ${JSON.stringify(output.Description)}`);
  const expected: Record<string, string> = {
    AlbUrl: 'DNS', ClusterName: 'operators', ServiceArns: '`make outputs`', RepositoryUris: 'CI', NamespaceName: 'services', NamespaceArn: 'services',
  };
  for (const [name, consumer] of Object.entries(expected)) assert.is(outputConsumer(outputs[name]?.Description), consumer, name);
});

/**
 * What the platform looks like for some root parameters (the rest as a dev-like environment):
 * resources that exist under their conditions, and evaluated values.
 */
const deployedParameters: Record<string, string> = { Environment: 'dev', DataProtection: 'delete' };

function deployedWith(overrides: Record<string, string>) {
  const tree = new StackTree(platformTemplates());
  const parameters: Record<string, string> = {
    Environment: 'dev', DataProtection: 'delete', NatGatewayMode: 'single', InterfaceEndpoints: 'disabled', CertificateArn: '',
    ServiceConnectTls: 'disabled', TaskSizeProfile: 'small', AlarmEmail: 'team@example.com', ...allReleased('2026.1.0'), ...overrides,
  };
  const existing = (type: string, where: (r: ResourceJson) => boolean = () => true) => tree.stacks.filter((s) => s.name !== 'bootstrap').flatMap((stack) =>
    Object.entries(stack.template.Resources)
      .filter(([, r]) => r.Type === type && where(r) && tree.exists(stack, r.Condition, parameters) === true)
      .map(([id, r]) => ({ stack, id, r })));
  const value = (stackName: string, json: Json | undefined) => tree.evaluate(tree.stack(stackName), json, parameters);
  return { tree, existing, value };
}

test('T-4: environments differ only through root parameters, and each one changes what the same templates deploy', () => {
  const parameters = root().Parameters ?? {};
  for (const name of ['NatGatewayMode', 'InterfaceEndpoints', 'TaskSizeProfile', 'DesiredCount', 'MinCapacity', 'MaxCapacity', 'CertificateArn', 'ServiceConnectTls', 'AlarmEmail', 'DataProtection']) {
    assert.ok(parameters[name], `${name} is a root parameter`);
  }
  // NatGatewayMode: one NAT gateway, or one per AZ.
  assert.is(deployedWith({ NatGatewayMode: 'single' }).existing('AWS::EC2::NatGateway').length, 1);
  assert.is(deployedWith({ NatGatewayMode: 'per-az' }).existing('AWS::EC2::NatGateway').length, AZ_COUNT);
  // InterfaceEndpoints: the ECR, Logs, Secrets Manager and ECS endpoints, or none.
  const interfaces = (r: ResourceJson) => r.Properties?.['VpcEndpointType'] === 'Interface';
  assert.ok(deployedWith({ InterfaceEndpoints: 'enabled' }).existing('AWS::EC2::VPCEndpoint', interfaces).length >= 4);
  assert.is(deployedWith({ InterfaceEndpoints: 'disabled' }).existing('AWS::EC2::VPCEndpoint', interfaces).length, 0);
  // CertificateArn: an HTTPS listener only with a certificate.
  const https = (r: ResourceJson) => r.Properties?.['Protocol'] === 'HTTPS';
  assert.is(deployedWith({ CertificateArn: '' }).existing('AWS::ElasticLoadBalancingV2::Listener', https).length, 0);
  assert.is(deployedWith({ CertificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/x' }).existing('AWS::ElasticLoadBalancingV2::Listener', https).length, 1);
  // ServiceConnectTls: the short-lived private CA only when enabled.
  assert.is(deployedWith({ ServiceConnectTls: 'enabled' }).existing('AWS::ACMPCA::CertificateAuthority').length, 1);
  assert.is(deployedWith({ ServiceConnectTls: 'disabled' }).existing('AWS::ACMPCA::CertificateAuthority').length, 0);
  // DataProtection: ALB deletion protection (stateful resources: data-protection.test.ts).
  for (const [protection, expected] of [['retain', 'true'], ['delete', 'false']]) {
    const attributes = templateNamed('cluster').Resources['Alb'].Properties?.['LoadBalancerAttributes'] as JsonObject[];
    const deletion = attributes.find((a) => a['Key'] === 'deletion_protection.enabled');
    assert.is(deployedWith({ DataProtection: protection }).value('cluster', deletion?.['Value']), expected, protection);
  }
  // AlarmEmail reaches the alarm topic's subscription.
  const email = deployedWith({ AlarmEmail: 'on-call@example.com' });
  assert.equal(email.existing('AWS::SNS::Subscription').map(({ stack, r }) => email.tree.evaluate(stack, r.Properties?.['Endpoint'], { AlarmEmail: 'on-call@example.com' })), ['on-call@example.com']);
  // TaskSizeProfile and the counts reach every service stack.
  for (const service of SERVICE_CATALOG) {
    const stackName = `services/${service.name}`;
    const stack = templateNamed(stackName);
    for (const profile of TASK_SIZE_PROFILES) {
      const chosen = deployedWith({ TaskSizeProfile: profile }).value(stackName, { Ref: 'TaskSizeProfile' });
      assert.equal(stack.Mappings?.['TaskSizes']?.[String(chosen)], { Cpu: String(service.sizes[profile].cpu), Memory: String(service.sizes[profile].memory) }, `${service.name} ${profile}`);
    }
    const counts = deployedWith({ DesiredCount: '7', MinCapacity: '3', MaxCapacity: '9' });
    assert.is(counts.value(stackName, stack.Resources['Service'].Properties?.['DesiredCount']), '7', service.name);
    assert.is(counts.value(stackName, stack.Resources['ScalableTarget'].Properties?.['MinCapacity']), '3', service.name);
    assert.is(counts.value(stackName, stack.Resources['ScalableTarget'].Properties?.['MaxCapacity']), '9', service.name);
  }
});

test('D-16: one image tag per service; the services stack exists once any tag is set, and a service stack once its own and its callees\' are', () => {
  const t = root();
  for (const service of SERVICE_CATALOG) assert.ok(t.Parameters?.[imageTagParameter(service)], `${imageTagParameter(service)} is a root parameter`);
  assert.not.ok(t.Parameters?.['ImageTag'], 'no single tag for every service');
  assert.is(t.Resources['Services'].Condition, 'HasRelease');
  assert.is(t.Resources['Registry'].Condition, undefined);
  const unreleased = Object.fromEntries(SERVICE_CATALOG.map((s) => [imageTagParameter(s), '']));
  const stacksWith = (tags: Record<string, string>) => {
    const { tree } = deployedWith({ ...unreleased, ...tags });
    return tree.stacks.filter((stack) => stack.name.startsWith('services') && tree.exists(stack, undefined, { ...deployedParameters, ...unreleased, ...tags }) === true).map((s) => s.name).sort();
  };
  // No tag: no services stack at all (the first deploy creates the repositories the images go to).
  assert.equal(stacksWith({}), []);
  // A service that calls nothing exists on its own tag; the services stack comes with it.
  assert.equal(stacksWith({ DataIngestionImageTag: '1.0' }), ['services', 'services/data-ingestion']);
  // A caller needs its callees: api-gateway calls analytics-engine and data-ingestion.
  assert.equal(stacksWith({ ApiGatewayImageTag: '1.0', DataIngestionImageTag: '1.0' }), ['services', 'services/data-ingestion']);
  assert.equal(stacksWith({ ApiGatewayImageTag: '1.0', DataIngestionImageTag: '1.0', AnalyticsEngineImageTag: '1.0' }), ['services', 'services/analytics-engine', 'services/api-gateway', 'services/data-ingestion']);
});

test('D-16: a release changes one service stack\'s parameters; every other stack\'s evaluated parameters stay the same', () => {
  const tree = new StackTree(platformTemplates());
  const parameters = (tags: Record<string, string>) => ({ ...deployedParameters, ...allReleased('2026.1.0'), ...tags });
  const passed = (stackName: string, tags: Record<string, string>) => {
    const stack = tree.stack(stackName);
    const declared = Object.keys(stack.template.Parameters ?? {});
    return Object.fromEntries(declared.map((name) => [name, tree.evaluate(stack, { Ref: name }, parameters(tags))]));
  };
  const before = {};
  const after = { ApiGatewayImageTag: '2026.1.1' };
  const changed = tree.stacks.filter((s) => s.name !== 'bootstrap' && JSON.stringify(passed(s.name, before)) !== JSON.stringify(passed(s.name, after))).map((s) => s.name);
  assert.equal(changed, ['root', 'services', 'services/api-gateway']);
  assert.is(passed('services/api-gateway', after)['ImageTag'], '2026.1.1');
  assert.is(passed('services/frontend', after)['ImageTag'], '2026.1.0');
});

test.run();
