/**
 * The rendered platform, built once per test process (rendering bundles the Lambda assets).
 */
import { buildAssets, type BuiltAssets } from '../../src/assets/code-assets';
import { renderPlatform, type RenderedPlatform, type RenderedTemplate } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceCatalog } from '../../src/catalog/types';
import type { TemplateJson } from '../../src/core/template-json';

let assets: BuiltAssets | undefined;
let platform: RenderedPlatform | undefined;

export function testAssets(): BuiltAssets {
  assets ??= buildAssets();
  return assets;
}

export function platformTemplates(): readonly RenderedTemplate[] {
  platform ??= renderPlatform(SERVICE_CATALOG, testAssets());
  return platform.templates;
}

export function renderCatalog(catalog: ServiceCatalog): readonly RenderedTemplate[] {
  return renderPlatform(catalog, testAssets()).templates;
}

export function templateNamed(name: string, templates = platformTemplates()): TemplateJson {
  const found = templates.find((t) => t.name === name);
  if (!found) throw new Error(`no rendered template named ${name}; have ${templates.map((t) => t.name).join(', ')}`);
  return found.template;
}
