/**
 * P-SVC: adding a service is one catalog entry. Scale: at 50 entries no stack uses more than 60%
 * of any CloudFormation quota.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { platformTemplates, renderCatalog } from '../helpers/platform';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import { syntheticCatalog, syntheticService } from '../helpers/synthetic-catalog';
import { catalogProblems } from '../../src/catalog/validate';
import { LIMIT_HEADROOM, measureTemplate } from '../../src/checks/quotas';
import type { RenderedTemplate } from '../../src/synth/render';

const counts = (templates: readonly RenderedTemplate[]) =>
  Object.fromEntries(templates.map((t) => [t.name, { resources: Object.keys(t.template.Resources).length, outputs: Object.keys(t.template.Outputs ?? {}).length, sha256: t.sha256 }]));

test('P-SVC: a fifth catalog entry grows registry, services and the new service stack, and nothing else', () => {
  const fifth = { ...syntheticService(5, 'analytics-engine'), name: 'risk-reports' };
  const before = counts(platformTemplates());
  const after = counts(renderCatalog([...SERVICE_CATALOG, fifth]));

  assert.ok(after['services/risk-reports'], 'its own stack');
  assert.is(after['registry'].resources, before['registry'].resources + 1, 'one more repository');
  assert.is(after['registry'].outputs, before['registry'].outputs + 1, 'one more repository URI');
  assert.is(after['services'].resources, before['services'].resources + 1, 'one more nested stack');
  assert.is(after['services'].outputs, before['services'].outputs + 1, 'one more service ARN');
  // Even its callee (analytics-engine) is untouched: the caller's own stack opens the path.
  for (const unchanged of ['network', 'mesh', 'cluster', ...SERVICE_CATALOG.map((s) => `services/${s.name}`)]) {
    assert.equal(after[unchanged], before[unchanged], `${unchanged} unchanged, byte for byte`);
  }
  // The root gains the new service's image tag (D-16) and nothing else.
  const root = (templates: readonly RenderedTemplate[]) => templates.find((t) => t.name === 'root')?.template;
  const [rootBefore, rootAfter] = [root(platformTemplates()), root(renderCatalog([...SERVICE_CATALOG, fifth]))];
  assert.equal(Object.keys(rootAfter?.Parameters ?? {}).filter((p) => !(p in (rootBefore?.Parameters ?? {}))), ['RiskReportsImageTag']);
  const { Services: servicesAfter, ...othersAfter } = rootAfter?.Resources ?? {};
  const { Services: servicesBefore, ...othersBefore } = rootBefore?.Resources ?? {};
  assert.equal(othersAfter, othersBefore, 'the same nested stacks, wired the same way');
  const passed = (resource: typeof servicesAfter) => Object.keys((resource?.Properties?.['Parameters'] ?? {}) as object);
  assert.equal(passed(servicesAfter).filter((p) => !passed(servicesBefore).includes(p)), ['RiskReportsImageTag'], 'and passes its tag to the services stack');
  assert.ok(after['services/risk-reports'].resources > 20);
});

test('P-SVC: a public fifth entry also grows the ALB egress, and the dashboard lists it', () => {
  const fifth = { ...syntheticService(5, undefined), name: 'market-portal', containerPort: 9090 };
  assert.is(fifth.exposure.kind, 'public');
  const templates = renderCatalog([...SERVICE_CATALOG, fifth]);
  const cluster = templates.find((t) => t.name === 'cluster')?.content ?? '';
  assert.match(cluster, '"FromPort": 9090');
  const services = templates.find((t) => t.name === 'services')?.content ?? '';
  assert.match(services, 'svc-market-portal-${Environment}');
});

test('P-SVC: an entry whose image is still pending gets a repository but no service stack', () => {
  const pending = { ...syntheticService(6, undefined), name: 'pending-svc', imagePending: true };
  const templates = renderCatalog([...SERVICE_CATALOG, pending]);
  assert.ok(templates.find((t) => t.name === 'registry')?.content.includes('ecr-pending-svc-${Environment}'));
  assert.not.ok(templates.some((t) => t.name === 'services/pending-svc'));
  assert.equal(catalogProblems([...SERVICE_CATALOG, { ...syntheticService(7, 'pending-svc'), name: 'needs-pending' }, pending]), [
    'service "needs-pending": calls "pending-svc", whose image is still pending; launch the callee first',
  ]);
});

test('scale: at 50 catalog entries no stack exceeds 60% of any CloudFormation quota', () => {
  const catalog = syntheticCatalog(50);
  assert.is(catalog.length, 50);
  assert.equal(catalogProblems(catalog), []);
  const templates = renderCatalog(catalog);
  assert.is(templates.length, 7 + 50, 'root, network, registry, mesh, cluster, services, bootstrap and 50 service stacks');
  for (const template of templates) {
    const usage = measureTemplate(template);
    assert.ok(usage.peak.ratio <= LIMIT_HEADROOM, `${template.name}: ${usage.peak.limit} at ${Math.round(usage.peak.ratio * 100)}%`);
  }
});

test.run();
