/**
 * Is templates/ what the builders render? deploy, diff, lint and the diagram insist that it is.
 */
import path from 'node:path';
import { CheckFailedError } from '../core/problems';
import { compareWithDisk, isStale, renderPlatform, type RenderedPlatform, type StaleReport } from './render';

export const TEMPLATES_DIR = 'templates';

export function staleMessage(report: StaleReport): string {
  const lines = [
    ...report.changed.map((f) => `  changed: ${TEMPLATES_DIR}/${f}`),
    ...report.missing.map((f) => `  missing: ${TEMPLATES_DIR}/${f}`),
    ...report.extra.map((f) => `  no longer rendered: ${TEMPLATES_DIR}/${f}`),
  ];
  return `${TEMPLATES_DIR}/ is stale: the builders render something else than what is committed.\n${lines.join('\n')}\nRun \`make synth\` and commit the result.`;
}

/** Renders in memory and insists that templates/ on disk is identical. */
export function renderFresh(root: string): RenderedPlatform {
  const platform = renderPlatform();
  const report = compareWithDisk(path.join(root, TEMPLATES_DIR), platform.templates);
  if (isStale(report)) throw new CheckFailedError(staleMessage(report));
  return platform;
}
