/**
 * P-ECR: one private repository per catalog service.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { templateNamed } from '../helpers/platform';
import { found, properties, resource, resourcesOfType } from '../helpers/template';
import type { TemplateJson } from '../../src/core/template-json';
import { SERVICE_CATALOG } from '../../src/catalog/services';

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

test('P-ECR / P-DATA: repositories are retained in prod and emptied and deleted elsewhere', () => {
  const t = registry();
  assert.is(t.Transform, 'AWS::LanguageExtensions');
  assert.equal(t.Conditions?.['RetainStatefulResources'], { 'Fn::Equals': [{ Ref: 'DataProtection' }, 'retain'] });
  for (const [id, repo] of repositories(t)) {
    const policy = { 'Fn::If': ['RetainStatefulResources', 'Retain', 'Delete'] };
    assert.equal(repo.DeletionPolicy, policy, id);
    assert.equal(repo.UpdateReplacePolicy, policy, id);
    assert.equal(repo.Properties?.['EmptyOnDelete'], { 'Fn::If': ['RetainStatefulResources', false, true] }, id);
  }
  assert.equal(resource(t, 'RegistryKey').DeletionPolicy, { 'Fn::If': ['RetainStatefulResources', 'Retain', 'Delete'] });
});

test('P-ECR: the RepositoryUris output lists every repository in catalog order', () => {
  const output = registry().Outputs?.['RepositoryUris'];
  assert.equal(output?.Value, {
    'Fn::Join': [',', SERVICE_CATALOG.map((s) => ({ 'Fn::GetAtt': [`${s.name.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('')}Repository`, 'RepositoryUri'] }))],
  });
});

test.run();
