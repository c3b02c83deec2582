/**
 * Renders the root stack and every descendant into files: deterministic JSON (insertion-ordered
 * keys, two-space indent, trailing newline, no timestamps), one file per stack.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AnyStackTemplate } from '../cfn/stack';
import type { TemplateJson } from '../core/template-json';
import { buildAssets, type BuiltAssets } from '../assets/code-assets';
import { SERVICE_CATALOG } from '../catalog/services';
import type { ServiceCatalog } from '../catalog/types';
import { validateCatalog } from '../catalog/validate';
import { buildBootstrap } from '../stacks/bootstrap';
import { buildRoot } from '../stacks/root';

export interface RenderedTemplate {
  /** Stack name, e.g. `network` or `services/frontend`. */
  readonly name: string;
  /** Path relative to `templates/`. */
  readonly file: string;
  readonly template: TemplateJson;
  readonly content: string;
  readonly sha256: string;
}

export interface RenderedPlatform {
  /** Root first, then depth-first in nesting order, then the bootstrap stack. */
  readonly templates: readonly RenderedTemplate[];
  readonly assets: BuiltAssets;
}

export function serializeTemplate(template: TemplateJson): string {
  return `${JSON.stringify(template, null, 2)}\n`;
}

function renderTree(root: AnyStackTemplate): RenderedTemplate[] {
  const rendered: RenderedTemplate[] = [];
  const seen = new Set<string>();
  const visit = (stack: AnyStackTemplate): void => {
    if (seen.has(stack.file)) throw new Error(`two stacks render to ${stack.file}`);
    seen.add(stack.file);
    const template = stack.render();
    const content = serializeTemplate(template);
    rendered.push({
      name: stack.name,
      file: stack.file,
      template,
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    stack.children.forEach(visit);
  };
  visit(root);
  return rendered;
}

/**
 * The platform tree (root first, then its nested stacks) followed by the bootstrap stack, which is
 * deployed on its own before the platform but rendered, linted and committed with it.
 */
export function renderPlatform(catalog: ServiceCatalog = SERVICE_CATALOG, assets: BuiltAssets = buildAssets()): RenderedPlatform {
  validateCatalog(catalog);
  const tree = renderTree(buildRoot({ catalog, assets }));
  // The bootstrap stack's execution role is derived from the platform it deploys.
  return { templates: [...tree, ...renderTree(buildBootstrap(tree))], assets };
}

export interface StaleReport {
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

function existingTemplateFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((entry) => entry.split(path.sep).join('/'))
    .filter((entry) => entry.endsWith('.json'))
    .sort();
}

/** Compares rendered templates with what is committed in `dir`. */
export function compareWithDisk(dir: string, templates: readonly RenderedTemplate[]): StaleReport {
  const changed: string[] = [];
  const missing: string[] = [];
  const expected = new Set(templates.map((t) => t.file));
  for (const { file, content } of templates) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target)) missing.push(file);
    else if (fs.readFileSync(target, 'utf8') !== content) changed.push(file);
  }
  const extra = existingTemplateFiles(dir).filter((file) => !expected.has(file));
  return { changed, missing, extra };
}

export function isStale(report: StaleReport): boolean {
  return report.changed.length + report.missing.length + report.extra.length > 0;
}

/** Writes changed templates and removes ones no stack renders any more; returns what changed. */
export function writeTemplates(dir: string, templates: readonly RenderedTemplate[]): StaleReport {
  const report = compareWithDisk(dir, templates);
  for (const file of [...report.changed, ...report.missing]) {
    const template = templates.find((t) => t.file === file);
    if (!template) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), template.content);
  }
  for (const file of report.extra) fs.rmSync(path.join(dir, file));
  return report;
}
