/**
 * Findings over a collected review, with no I/O: data-loss risks, security-relevant changes,
 * ECS-managed listener rules and change-set noise.
 */
import { isDeepStrictEqual } from 'node:util';
import { ecsManagedListenerRules } from '../../cfn/ecs-managed';
import { STATEFUL_RESOURCE_TYPES, isStatefulType } from '../../cfn/stateful';
import type { Json, JsonObject, ResourceJson, TemplateJson } from '../../core/template-json';
import { isJsonObject } from '../../core/template-json';
import type { SecretMasker } from '../mask';
import {
  addressOf,
  allChanges,
  allStacks,
  type DataLossFinding,
  type FindingSection,
  type Findings,
  type ListenerRuleFinding,
  type NoiseFinding,
  type ReviewChange,
  type ReviewGap,
  type ReviewStack,
  type SecurityFinding,
} from './model';
import { SECURITY_RESOURCE_TYPES, templateSecurityChanges } from './security';

export const NOISE_SIBLING_OUTPUTS = 'probably no change: parameters resolved from sibling outputs';
export const NOISE_KNOWN_AFTER_APPLY = 'probably no change: the value is only known after apply (a sibling output)';

export interface TemplatesByPath {
  /** The packaged templates about to be deployed. */
  readonly next: ReadonlyMap<string, TemplateJson>;
  /** The deployed templates (GetTemplate), where the stack exists. */
  readonly deployed: ReadonlyMap<string, TemplateJson>;
}

/** Canonical comparison of two templates (key order and formatting do not matter). */
export const sameTemplate = (a: TemplateJson | undefined, b: TemplateJson | undefined): boolean => a !== undefined && b !== undefined && isDeepStrictEqual(a, b);

const resourceIn = (template: TemplateJson | undefined, logicalId: string): ResourceJson | undefined => template?.Resources[logicalId];

/* ---------------------------------------------------------------------------------------------- */
/* Noise                                                                                           */
/* ---------------------------------------------------------------------------------------------- */

/** The label for a change that is probably not real, if any. */
export function noiseLabel(change: ReviewChange, templates: TemplatesByPath): string | undefined {
  if (change.action !== 'Modify' || !change.dynamicOnly) return undefined;
  if (change.resourceType === 'AWS::CloudFormation::Stack') {
    // Content-addressed URLs: an unchanged child template keeps its URL, so only parameters differ.
    const unchanged = sameTemplate(templates.next.get(change.address), templates.deployed.get(change.address));
    const nestedReal = change.nested ? [...allChanges(change.nested)].some((c) => !c.dynamicOnly || c.action !== 'Modify') : false;
    return unchanged && !nestedReal ? NOISE_SIBLING_OUTPUTS : undefined;
  }
  const before = resourceIn(templates.deployed.get(change.stackPath), change.logicalId);
  const after = resourceIn(templates.next.get(change.stackPath), change.logicalId);
  return before && after && isDeepStrictEqual(before, after) ? NOISE_KNOWN_AFTER_APPLY : undefined;
}

/** Returns the tree with `noise` labels set. */
export function labelNoise(stack: ReviewStack, templates: TemplatesByPath): ReviewStack {
  return {
    ...stack,
    changes: stack.changes.map((change) => {
      const nested = change.nested ? labelNoise(change.nested, templates) : undefined;
      const labelled: ReviewChange = { ...change, ...(nested ? { nested } : {}) };
      const noise = noiseLabel(labelled, templates);
      return noise ? { ...labelled, noise } : labelled;
    }),
  };
}

/* ---------------------------------------------------------------------------------------------- */
/* Data loss                                                                                       */
/* ---------------------------------------------------------------------------------------------- */

function replacementCauses(change: ReviewChange): string[] {
  return change.details
    .filter((d) => d.recreation === 'Always' || d.recreation === 'Conditionally')
    .map((d) => `${d.property}${d.evaluation === 'Dynamic' ? ' (known after apply)' : ''}`);
}

export function dataLossFindings(root: ReviewStack, templates: TemplatesByPath): DataLossFinding[] {
  const findings: DataLossFinding[] = [];
  for (const change of allChanges(root)) {
    if (change.resourceType === 'AWS::CloudFormation::Stack' && change.action === 'Remove') {
      // Removing a nested stack deletes everything in it (unless its DeletionPolicy retains it).
      const deployed = templates.deployed.get(change.address);
      for (const [logicalId, resource] of Object.entries(deployed?.Resources ?? {})) {
        if (!isStatefulType(resource.Type)) continue;
        findings.push({
          address: addressOf(change.address, logicalId),
          resourceType: resource.Type,
          what: 'removed with its nested stack',
          why: STATEFUL_RESOURCE_TYPES[resource.Type],
          causes: [`${change.address} is removed`],
          likelyNoise: false,
        });
      }
      continue;
    }
    if (!isStatefulType(change.resourceType)) continue;
    const why = STATEFUL_RESOURCE_TYPES[change.resourceType];
    if (change.action === 'Remove') {
      findings.push({ address: change.address, resourceType: change.resourceType, what: 'removed', why, causes: ['removed from the template'], likelyNoise: false });
    } else if (change.action === 'Modify' && change.replacement === 'True') {
      findings.push({ address: change.address, resourceType: change.resourceType, what: 'replaced', why, causes: replacementCauses(change), likelyNoise: false });
    } else if (change.action === 'Modify' && change.replacement === 'Conditional') {
      const likelyNoise = change.noise !== undefined;
      findings.push({ address: change.address, resourceType: change.resourceType, what: 'may be replaced', why, causes: replacementCauses(change), likelyNoise });
    }
  }
  return findings;
}

/* ---------------------------------------------------------------------------------------------- */
/* ECS-managed listener rules (platform-facts §2.4)                                                */
/* ---------------------------------------------------------------------------------------------- */

const refTo = (value: Json | undefined): string | undefined => (isJsonObject(value) && typeof value['Ref'] === 'string' ? value['Ref'] : undefined);

function forwardedTargetGroups(rule: ResourceJson): Json[] {
  const actions = (rule.Properties?.['Actions'] as Json[] | undefined) ?? [];
  const groups: Json[] = [];
  for (const action of actions) {
    if (!isJsonObject(action)) continue;
    if (action['TargetGroupArn'] !== undefined) groups.push(action['TargetGroupArn']);
    const forward = action['ForwardConfig'];
    if (isJsonObject(forward) && Array.isArray(forward['TargetGroups'])) {
      for (const group of forward['TargetGroups']) if (isJsonObject(group)) groups.push(group['TargetGroupArn']);
    }
  }
  return groups;
}

/** ECS services (logical ids) in `template` that manage the weights of listener rule `ruleId`. */
export function servicesManagingRule(template: TemplateJson, ruleId: string): string[] {
  const rule = template.Resources[ruleId];
  if (!rule) return [];
  const ruleGroups = forwardedTargetGroups(rule);
  const managing: string[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::ECS::Service') continue;
    const loadBalancers = (resource.Properties?.['LoadBalancers'] as Json[] | undefined) ?? [];
    const strategy = ((resource.Properties?.['DeploymentConfiguration'] as JsonObject | undefined)?.['Strategy']) as Json | undefined;
    const uses = loadBalancers.some((lb) => {
      if (!isJsonObject(lb)) return false;
      const advanced = lb['AdvancedConfiguration'];
      if (isJsonObject(advanced)) {
        if (refTo(advanced['ProductionListenerRule']) === ruleId || refTo(advanced['TestListenerRule']) === ruleId) return true;
        const groups = [lb['TargetGroupArn'], advanced['AlternateTargetGroupArn']];
        return groups.some((g) => ruleGroups.some((r) => isDeepStrictEqual(r, g)));
      }
      return strategy !== undefined && strategy !== 'ROLLING' && ruleGroups.some((r) => isDeepStrictEqual(r, lb['TargetGroupArn']));
    });
    if (uses) managing.push(logicalId);
  }
  return managing;
}

/** The open issue that documents the weight reset (platform-facts §2.4). */
export const LISTENER_RULE_WEIGHT_RESET = 'https://github.com/aws/aws-cdk/issues/36649';

const LISTENER_RULE = 'AWS::ElasticLoadBalancingV2::ListenerRule';

/**
 * Listener rules the change set updates, replaces or removes whose weights ECS owns: marked in the
 * deployed or the new template (src/cfn/ecs-managed.ts), used by an ECS blue/green service, or
 * forwarding to two weighted target groups.
 */
export function listenerRuleFindings(root: ReviewStack, templates: TemplatesByPath): ListenerRuleFinding[] {
  const findings: ListenerRuleFinding[] = [];
  for (const change of allChanges(root)) {
    if (change.resourceType !== LISTENER_RULE || (change.action !== 'Modify' && change.action !== 'Remove')) continue;
    const deployed = templates.deployed.get(change.stackPath);
    const next = templates.next.get(change.stackPath);
    const marker = [deployed, next].flatMap((t) => (t ? ecsManagedListenerRules(t) : [])).find((r) => r.logicalId === change.logicalId)?.marker;
    const template = change.action === 'Remove' ? deployed : next ?? deployed;
    const services = template ? servicesManagingRule(template, change.logicalId) : [];
    const rule = template?.Resources[change.logicalId];
    const weighted = rule ? forwardedTargetGroups(rule).length > 1 : false;
    if (!marker && services.length === 0 && !weighted) continue;
    findings.push({
      address: change.address,
      services: services.map((s) => addressOf(change.stackPath, s)),
      change: change.action === 'Remove' ? 'removed' : change.replacement === 'True' ? 'replaced' : 'modified',
      ...(marker ? { listener: marker.listener } : {}),
      frozen: marker !== undefined,
      likelyNoise: change.noise !== undefined,
      source: marker?.source ?? LISTENER_RULE_WEIGHT_RESET,
    });
  }
  return findings;
}

/* ---------------------------------------------------------------------------------------------- */
/* Security                                                                                        */
/* ---------------------------------------------------------------------------------------------- */

export function securityFindings(root: ReviewStack, templates: TemplatesByPath, masker: SecretMasker): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  for (const stack of allStacks(root)) {
    const before = templates.deployed.get(stack.path);
    const after = templates.next.get(stack.path);
    const fromTemplates = before || after ? templateSecurityChanges(stack.path, before, after) : [];
    findings.push(...fromTemplates);
    // Resource-level entries for security types the statement/rule tables did not already explain.
    for (const change of stack.changes) {
      if (!SECURITY_RESOURCE_TYPES.has(change.resourceType)) continue;
      if (change.action === 'Modify' && change.replacement !== 'True' && fromTemplates.length > 0) continue;
      if (change.noise) continue;
      const verb = change.action === 'Add' ? 'added' : change.action === 'Remove' ? 'removed' : 'modified';
      const how = change.replacement === 'True' ? ' (replaced)' : '';
      const properties = change.details.map((d) => d.property).filter((p, i, all) => all.indexOf(p) === i);
      findings.push({
        stackPath: stack.path,
        kind: 'resource',
        change: verb,
        summary: `${change.resourceType} ${change.address} ${verb}${how}${properties.length > 0 ? `: ${properties.join(', ')}` : ''}`,
        broadening: change.action === 'Add',
      });
    }
  }
  return findings.map((f) => ({ ...f, summary: masker.text(f.summary) }));
}

/* ---------------------------------------------------------------------------------------------- */

export function noiseFindings(root: ReviewStack): NoiseFinding[] {
  return [...allChanges(root)].filter((c) => c.noise).map((c) => ({ address: c.address, label: c.noise as string }));
}

/* ---------------------------------------------------------------------------------------------- */
/* What could not be seen                                                                          */
/* ---------------------------------------------------------------------------------------------- */

/**
 * The sections each gap leaves unknown:
 * - a nested stack added without its nested change set: its security changes (nothing in a new
 *   stack can be lost, and a listener rule it creates is not one ECS has rewritten);
 * - a nested stack modified without its nested change set: data loss, security, listener rules;
 * - a deployed template not read: the security diff of that stack, and the data in it when the
 *   stack is removed.
 */
export function unknownSections(root: ReviewStack, gaps: readonly ReviewGap[]): NonNullable<Findings['unknown']> {
  const removedStacks = new Set([...allChanges(root)].filter((c) => c.resourceType === 'AWS::CloudFormation::Stack' && c.action === 'Remove').map((c) => c.address));
  const unknown: Partial<Record<FindingSection, ReviewGap[]>> = {};
  const add = (section: FindingSection, gap: ReviewGap) => (unknown[section] ??= []).push(gap);
  for (const gap of gaps) {
    if (gap.kind === 'no-nested-change-set') {
      add('security', gap);
      if (gap.action !== 'Add') {
        add('dataLoss', gap);
        add('listenerRules', gap);
      }
      continue;
    }
    add('security', gap);
    if (removedStacks.has(gap.address)) add('dataLoss', gap);
  }
  return unknown;
}

export function computeFindings(root: ReviewStack, templates: TemplatesByPath, masker: SecretMasker, gaps: readonly ReviewGap[] = []): Findings {
  return {
    dataLoss: dataLossFindings(root, templates),
    security: securityFindings(root, templates, masker),
    listenerRules: listenerRuleFindings(root, templates),
    noise: noiseFindings(root),
    unknown: unknownSections(root, gaps),
  };
}
