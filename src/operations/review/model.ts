/**
 * The review: one tree of the root change set and every nested change set, plus findings. Values
 * in it are already masked (see mask.ts), so it can be printed and saved as it is.
 */
import type { ChangeAction, ChangeSetStatus, Evaluation, Replacement, RequiresRecreation } from '../../aws/port';

export interface ReviewDetail {
  /** `Properties.Tags`, `Metadata`, `Tags`... */
  readonly property: string;
  readonly recreation?: RequiresRecreation;
  readonly evaluation?: Evaluation;
  /** DirectModification | ParameterReference | ResourceReference | ResourceAttribute | Automatic */
  readonly source?: string;
  readonly causingEntity?: string;
  readonly before?: string;
  readonly after?: string;
}

export interface ReviewChange {
  /** Stack path the resource lives in (`` for the root). */
  readonly stackPath: string;
  readonly logicalId: string;
  /** `Services/Frontend/Service`; root resources are just `Network`. */
  readonly address: string;
  readonly resourceType: string;
  readonly action: ChangeAction;
  readonly replacement?: Replacement;
  readonly physicalId?: string;
  readonly details: readonly ReviewDetail[];
  /** Set when every detail is Dynamic or only known after apply. */
  readonly dynamicOnly: boolean;
  readonly nested?: ReviewStack;
  /** A label when the change is probably not real (see findings.ts). */
  readonly noise?: string;
}

export interface ReviewStack {
  readonly path: string;
  readonly stackName: string;
  readonly changeSetId: string;
  readonly status: ChangeSetStatus;
  readonly changes: readonly ReviewChange[];
}

export interface ParameterChange {
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
}

export interface DataLossFinding {
  readonly address: string;
  readonly resourceType: string;
  readonly what: 'removed' | 'replaced' | 'may be replaced' | 'removed with its nested stack';
  /** Why this type matters (from STATEFUL_RESOURCE_TYPES). */
  readonly why: string;
  /** Properties or entities that cause it. */
  readonly causes: readonly string[];
  /**
   * A conditional replacement caused only by values CloudFormation knows after apply (sibling
   * outputs) on a resource whose template did not change. Shown, not refused: the prod stack
   * policy still denies the replacement if it really happens.
   */
  readonly likelyNoise: boolean;
}

export type SecurityChangeKind = 'iam-statement' | 'managed-policy' | 'security-group-rule' | 'resource';

export interface SecurityFinding {
  readonly stackPath: string;
  readonly kind: SecurityChangeKind;
  readonly change: 'added' | 'removed' | 'modified';
  readonly summary: string;
  /** Grants more than before (statement or rule added, deny removed, managed policy attached). */
  readonly broadening: boolean;
}

/**
 * A listener rule whose forward weights ECS owns during blue/green, changed by the change set:
 * updating it resets the weights to the template's and can send production traffic to a target
 * group with no tasks (`source`).
 */
export interface ListenerRuleFinding {
  readonly address: string;
  /** ECS services (addresses) that manage its weights. */
  readonly services: readonly string[];
  readonly change: 'modified' | 'replaced' | 'removed';
  /** Which listener's rule, when the rule carries the marker (src/cfn/ecs-managed.ts). */
  readonly listener?: 'production' | 'test';
  /**
   * Marked in the deployed or the new template: the stack policy freezes it (every environment),
   * and a deploy must name it with --allow-update.
   */
  readonly frozen: boolean;
  /** Only values known after apply changed on an unchanged rule: shown, not refused; the stack policy still denies a real update. */
  readonly likelyNoise: boolean;
  /** Where the hazard is documented. */
  readonly source: string;
}

export interface NoiseFinding {
  readonly address: string;
  readonly label: string;
}

/**
 * Why part of the review could not be computed. The review then says "not known" and why, never
 * "none" (issue 13 #7): seeing nothing is not the same as there being nothing.
 */
export type ReviewGap =
  /**
   * A nested stack is added or modified, but the change set names no nested change set for it
   * (an endpoint that ignores IncludeNestedStacks, as moto does): what changes inside it is not known.
   */
  | { readonly kind: 'no-nested-change-set'; readonly address: string; readonly action: ChangeAction }
  /** The deployed template of a stack could not be read (GetTemplate failed): what it holds now is not known. */
  | { readonly kind: 'deployed-template-unread'; readonly address: string; readonly error: string };

/** The sections whose findings can be unknown. */
export type FindingSection = 'dataLoss' | 'security' | 'listenerRules';

export interface Findings {
  readonly dataLoss: readonly DataLossFinding[];
  readonly security: readonly SecurityFinding[];
  readonly listenerRules: readonly ListenerRuleFinding[];
  readonly noise: readonly NoiseFinding[];
  /** Sections that could not be computed (fully), and why; a section absent here is known. */
  readonly unknown?: Readonly<Partial<Record<FindingSection, readonly ReviewGap[]>>>;
}

export interface ChangeCounts {
  readonly add: number;
  readonly modify: number;
  readonly remove: number;
  readonly replace: number;
  readonly conditional: number;
  readonly stacks: number;
}

export interface Review {
  readonly environment: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly changeSetId: string;
  readonly changeSetName: string;
  readonly changeSetType: 'CREATE' | 'UPDATE';
  readonly root: ReviewStack;
  readonly parameters: readonly ParameterChange[];
  readonly findings: Findings;
  readonly counts: ChangeCounts;
}

export function* allChanges(stack: ReviewStack): Generator<ReviewChange> {
  for (const change of stack.changes) {
    yield change;
    if (change.nested) yield* allChanges(change.nested);
  }
}

export function* allStacks(stack: ReviewStack): Generator<ReviewStack> {
  yield stack;
  for (const change of stack.changes) if (change.nested) yield* allStacks(change.nested);
}

export const addressOf = (stackPath: string, logicalId: string): string => (stackPath ? `${stackPath}/${logicalId}` : logicalId);

export function countChanges(root: ReviewStack): ChangeCounts {
  let add = 0, modify = 0, remove = 0, replace = 0, conditional = 0, stacks = 0;
  for (const stack of allStacks(root)) {
    stacks += 1;
    for (const change of stack.changes) {
      if (change.resourceType === 'AWS::CloudFormation::Stack' && change.nested) continue;
      if (change.action === 'Add') add += 1;
      else if (change.action === 'Remove') remove += 1;
      else modify += 1;
      if (change.replacement === 'True') replace += 1;
      if (change.replacement === 'Conditional') conditional += 1;
    }
  }
  return { add, modify, remove, replace, conditional, stacks };
}
