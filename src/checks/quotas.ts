/**
 * CloudFormation per-template quotas, and how much of each a rendered template uses.
 * Templates are deployed from S3 (TemplateURL), so the size quota is 1 MB; a template sent inline
 * as TemplateBody would be limited to 51,200 bytes, which the plan also reports.
 */
import type { RenderedTemplate } from '../synth/render';

export const CLOUDFORMATION_LIMITS = {
  resources: 500,
  bytes: 1_000_000,
  parameters: 200,
  outputs: 200,
  mappings: 200,
} as const;

export const INLINE_TEMPLATE_BODY_BYTES = 51_200;

/** The scale target: no stack above this share of any quota. */
export const LIMIT_HEADROOM = 0.6;

export type LimitName = keyof typeof CLOUDFORMATION_LIMITS;

export interface StackUsage {
  readonly stack: string;
  readonly file: string;
  readonly used: Readonly<Record<LimitName, number>>;
  /** Highest used/limit ratio across the quotas. */
  readonly peak: { readonly limit: LimitName; readonly ratio: number };
}

export function measureTemplate(rendered: RenderedTemplate): StackUsage {
  const { template } = rendered;
  const used: Record<LimitName, number> = {
    resources: Object.keys(template.Resources).length,
    bytes: Buffer.byteLength(rendered.content),
    parameters: Object.keys(template.Parameters ?? {}).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    mappings: Object.keys(template.Mappings ?? {}).length,
  };
  let peak: StackUsage['peak'] = { limit: 'resources', ratio: 0 };
  for (const limit of Object.keys(CLOUDFORMATION_LIMITS) as LimitName[]) {
    const ratio = used[limit] / CLOUDFORMATION_LIMITS[limit];
    if (ratio > peak.ratio) peak = { limit, ratio };
  }
  return { stack: rendered.name, file: rendered.file, used, peak };
}
