/**
 * P-ECR: one private repository per catalog service.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { templateNamed } from '../helpers/platform';
import { found, properties, resource, resourcesOfType } from '../helpers/template';
import type { TemplateJson } from '../../src/core/template-json';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { JsonObject } from '../../src/core/template-json';

const registry = () => templateNamed('registry');
/** The repositories, one per catalog service: a check over none would pass. */
const repositories = (t: TemplateJson) => found(resourcesOfType(t, 'AWS::ECR::Repository'), 'repositories', SERVICE_CATALOG.length);

test('P-ECR: one repository per catalog service, named ecr-<service>-<env>', () => {
  const repos = resourcesOfType(registry(), 'AWS::ECR::Repository');
  assert.equal(
    repos.map(([, r]) => r.Properties?.['RepositoryName']),
    SERVICE_CATALOG.map((s) => ({ 'Fn::Sub': `ecr-${s.name}-\${Environment}` })),
  );
});

test('P-ECR: every repository scans on push and has immutable tags', () => {
  for (const [id, repo] of repositories(registry())) {
    assert.equal(repo.Properties?.['ImageScanningConfiguration'], { ScanOnPush: true }, id);
    assert.is(repo.Properties?.['ImageTagMutability'], 'IMMUTABLE', id);
  }
});

test('P-ECR: the lifecycle policy keeps the last 10 images', () => {
  for (const [id, repo] of repositories(registry())) {
    const text = (repo.Properties?.['LifecyclePolicy'] as { LifecyclePolicyText: string }).LifecyclePolicyText;
    const { rules } = JSON.parse(text);
    assert.is(rules.length, 1, id);
    assert.equal(rules[0].selection, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 });
    assert.equal(rules[0].action, { type: 'expire' });
  }
});

test('P-ECR: repositories are encrypted with the registry\'s customer-managed KMS key', () => {
  const t = registry();
  assert.is(properties(t, 'RegistryKey')['EnableKeyRotation'], true);
  for (const [id, repo] of repositories(t)) {
    assert.equal(repo.Properties?.['EncryptionConfiguration'], { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': ['RegistryKey', 'Arn'] } }, id);
  }
});

test('P-ECR / P-DATA: repositories and their key survive stack deletion and replacement, with no transform', () => {
  const t = registry();
  assert.is(t.Transform, undefined);
  for (const [id, repo] of resourcesOfType(t, 'AWS::ECR::Repository')) {
    assert.is(repo.DeletionPolicy, 'RetainExceptOnCreate', id);
    assert.is(repo.UpdateReplacePolicy, 'Retain', id);
    // Only a repository CloudFormation deletes itself (a rolled-back create) may hold images then.
    assert.equal(repo.Properties?.['EmptyOnDelete'], { 'Fn::If': ['RetainStatefulResources', false, true] }, id);
  }
  assert.is(resource(t, 'RegistryKey').DeletionPolicy, 'RetainExceptOnCreate');
});

test('P-TRUTH (issue 11 #2): services build each repository URI from its name; no Fn::Select over the registry\'s list', () => {
  const services = templateNamed('services');
  assert.is(services.Parameters?.['RepositoryUris'], undefined);
  for (const service of SERVICE_CATALOG) {
    const image = ((properties(templateNamed(`services/${service.name}`), 'TaskDefinition')['ContainerDefinitions'] as JsonObject[])[0])['Image'];
    assert.equal(image, { 'Fn::Sub': `\${AWS::AccountId}.dkr.ecr.\${AWS::Region}.\${AWS::URLSuffix}/ecr-${service.name}-\${Environment}:\${ImageTag}` }, service.name);
  }
  // ecr-<service>-<env>: the name the registry gives the repository (first test).
  // Registry before services, although no value flows between them.
  assert.equal(resource(templateNamed('root'), 'Services').DependsOn, ['Registry']);
});

test('P-ECR: the RepositoryUris output lists every repository in catalog order', () => {
  const output = registry().Outputs?.['RepositoryUris'];
  assert.equal(output?.Value, {
    'Fn::Join': [',', SERVICE_CATALOG.map((s) => ({ 'Fn::GetAtt': [`${s.name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('')}Repository`, 'RepositoryUri'] }))],
  });
});

test.run();
