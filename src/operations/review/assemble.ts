/**
 * Turns a collected change-set tree into the Review: noise labels, findings, root-parameter
 * changes and counts. Pure.
 */
import type { TemplateJson } from '../../core/template-json';
import type { SecretMasker } from '../mask';
import type { CollectedReview } from './collect';
import { computeFindings, labelNoise, type TemplatesByPath } from './findings';
import { countChanges, type ParameterChange, type Review } from './model';

export interface AssembleInput {
  readonly collected: CollectedReview;
  readonly next: ReadonlyMap<string, TemplateJson>;
  readonly environment: string;
  readonly stackName: string;
  readonly changeSetType: 'CREATE' | 'UPDATE';
  /** Root parameters now deployed (absent for a new stack) and about to be. */
  readonly parametersBefore?: Readonly<Record<string, string>>;
  readonly parametersAfter: Readonly<Record<string, string>>;
  readonly masker: SecretMasker;
}

export function parameterChanges(before: Readonly<Record<string, string>> | undefined, after: Readonly<Record<string, string>>, masker: SecretMasker): ParameterChange[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])];
  const changes: ParameterChange[] = [];
  for (const key of keys) {
    const old = before?.[key];
    const now = after[key];
    if (old === now) continue;
    // DescribeStacks answers NoEcho parameters as ****; a masked value cannot be compared.
    const oldShown = old === undefined ? undefined : masker.parameter('', key, old);
    const nowShown = now === undefined ? undefined : masker.parameter('', key, now);
    if (oldShown === nowShown && oldShown === '****') continue;
    changes.push({ key, ...(oldShown !== undefined ? { before: oldShown } : {}), ...(nowShown !== undefined ? { after: nowShown } : {}) });
  }
  return changes;
}

export function assembleReview(input: AssembleInput): Review {
  const templates: TemplatesByPath = { next: input.next, deployed: input.collected.deployed };
  const root = labelNoise(input.collected.root, templates);
  const page = input.collected.rootPage;
  return {
    environment: input.environment,
    stackName: input.stackName,
    stackId: page.stackId,
    changeSetId: page.id,
    changeSetName: page.name,
    changeSetType: input.changeSetType,
    root,
    parameters: parameterChanges(input.parametersBefore, input.parametersAfter, input.masker),
    findings: computeFindings(root, templates, input.masker, input.collected.gaps),
    counts: countChanges(root),
  };
}
