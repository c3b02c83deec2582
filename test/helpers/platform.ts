/**
 * The rendered platform, built once per test process (rendering bundles the Lambda assets).
 */
import { createHash } from 'node:crypto';
import { buildAssets, type BuiltAssets } from '../../src/assets/code-assets';
import { renderPlatform, serializeTemplate, type RenderedPlatform, type RenderedTemplate } from '../../src/synth/render';
import { SERVICE_CATALOG } from '../../src/catalog/services';
import type { ServiceCatalog } from '../../src/catalog/types';
import type { TemplateJson } from '../../src/core/template-json';

let assets: BuiltAssets | undefined;
let platform: RenderedPlatform | undefined;

export function testAssets(): BuiltAssets {
  assets ??= buildAssets();
  return assets;
}

/** The real platform as `make synth` renders it (templates and code assets), for deploys through the fake. */
export function renderedPlatform(): RenderedPlatform {
  platform ??= renderPlatform(SERVICE_CATALOG, testAssets());
  return platform;
}

export function platformTemplates(): readonly RenderedTemplate[] {
  return renderedPlatform().templates;
}

export function renderCatalog(catalog: ServiceCatalog): readonly RenderedTemplate[] {
  return renderPlatform(catalog, testAssets()).templates;
}

export function templateNamed(name: string, templates = platformTemplates()): TemplateJson {
  const found = templates.find((t) => t.name === name);
  if (!found) throw new Error(`no rendered template named ${name}; have ${templates.map((t) => t.name).join(', ')}`);
  return found.template;
}

/**
 * `platform` with one rendered template changed by `edit` (on a copy), re-serialized and re-hashed
 * as `make synth` would write it: a change a scenario deploys over the real platform.
 */
export function editedPlatform(platform: RenderedPlatform, name: string, edit: (template: TemplateJson) => void): RenderedPlatform {
  templateNamed(name, platform.templates);
  const templates = platform.templates.map((rendered) => {
    if (rendered.name !== name) return rendered;
    const template = structuredClone(rendered.template);
    edit(template);
    const content = serializeTemplate(template);
    return { ...rendered, template, content, sha256: createHash('sha256').update(content).digest('hex') };
  });
  return { ...platform, templates };
}
