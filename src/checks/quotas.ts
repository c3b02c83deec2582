/**
 * CloudFormation per-template quotas, and how much of each a rendered template uses.
 * The platform's templates are deployed from S3 (TemplateURL), so their size quota is 1 MB, and
 * every rendered template is measured against that. (Only the bootstrap stack's template goes
 * inline as TemplateBody, whose quota is 51,200 bytes; it is a few KB and is not measured apart.)
 */
import type { RenderedTemplate } from '../synth/render';
import { isImageTagParameter } from '../stacks/releases';

/** A template passed inline (TemplateBody): the bootstrap stack's, sent compact by `tap bootstrap`. */
export const INLINE_TEMPLATE_MAX_BYTES = 51_200;

/** The bytes `tap bootstrap` sends as TemplateBody (compact JSON). */
export const inlineBytes = (rendered: Pick<RenderedTemplate, 'template'>): number => Buffer.byteLength(JSON.stringify(rendered.template));

export const CLOUDFORMATION_LIMITS = {
  resources: 500,
  bytes: 1_000_000,
  parameters: 200,
  outputs: 200,
  mappings: 200,
} as const;

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

/**
 * How many services the 200-parameter quota leaves room for (D-16): the root and the services
 * stack take one image-tag parameter per launched service besides their fixed parameters, so the
 * stack with the most fixed parameters decides.
 */
export interface ServiceCapacity {
  /** Launched services now (image-tag parameters of the fullest stack). */
  readonly services: number;
  /** The stack with the most fixed parameters among those taking a tag per service. */
  readonly stack: string;
  readonly fixedParameters: number;
  /** Services the parameter quota allows in all. */
  readonly allows: number;
}

export function serviceCapacity(templates: readonly RenderedTemplate[]): ServiceCapacity | undefined {
  let tightest: ServiceCapacity | undefined;
  for (const rendered of templates) {
    const names = Object.keys(rendered.template.Parameters ?? {});
    const tags = names.filter(isImageTagParameter).length;
    if (tags === 0) continue;
    const fixedParameters = names.length - tags;
    const allows = CLOUDFORMATION_LIMITS.parameters - fixedParameters;
    if (!tightest || allows < tightest.allows) tightest = { services: tags, stack: rendered.name, fixedParameters, allows };
  }
  return tightest;
}
