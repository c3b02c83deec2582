/**
 * P-DATA on the deploy side. With `DataProtection=retain` (prod):
 * - termination protection on the root (it covers the nested stacks);
 * - a stack policy on the root and on every nested stack (a parent's policy does not govern its
 *   children's resources) that denies Update:Replace and Update:Delete for the stateful types of
 *   `STATEFUL_RESOURCE_TYPES` and allows everything else;
 * - a change set that would replace or delete a stateful resource is refused before execution
 *   unless `--allow-replace <Path/LogicalId>` names each one; then the policy of the stack that
 *   holds it is relaxed for exactly those logical ids while the change set executes, and restored.
 * dev and staging get neither protection, but the review flags the same findings.
 */
import { isDeepStrictEqual } from 'node:util';
import { isStatefulType, STATEFUL_RESOURCE_TYPES } from '../cfn/stateful';
import type { TemplateJson } from '../core/template-json';
import { quote, type Problem } from '../core/problems';
import type { CloudFormationPort, ParameterValues, RootParameterName } from '../aws/port';
import type { DataLossFinding } from './review/model';

export interface StackPolicyDocument {
  readonly Statement: readonly Record<string, unknown>[];
}

export function stackPolicy(allowLogicalIds: readonly string[] = []): StackPolicyDocument {
  const scope = allowLogicalIds.length > 0
    ? { NotResource: [...allowLogicalIds].sort().map((id) => `LogicalResourceId/${id}`) }
    : { Resource: '*' };
  return {
    Statement: [
      {
        Sid: 'KeepStatefulResources',
        Effect: 'Deny',
        Action: ['Update:Replace', 'Update:Delete'],
        Principal: '*',
        ...scope,
        Condition: { StringEquals: { ResourceType: Object.keys(STATEFUL_RESOURCE_TYPES) } },
      },
      { Sid: 'AllowEverythingElse', Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' },
    ],
  };
}

export const policyBody = (policy: StackPolicyDocument): string => JSON.stringify(policy);

export interface ProtectionPlan {
  readonly retain: boolean;
}

export const protectionPlan = (stackParameters: ParameterValues<RootParameterName>): ProtectionPlan => ({ retain: stackParameters['DataProtection'] === 'retain' });

/* ---------------------------------------------------------------------------------------------- */
/* Guardrail (pure)                                                                                */
/* ---------------------------------------------------------------------------------------------- */

export interface GuardrailVerdict {
  /** Findings that block execution. */
  readonly refused: readonly DataLossFinding[];
  /** Findings allowed by --allow-replace. */
  readonly allowed: readonly DataLossFinding[];
  /** --allow-replace values that match no finding (probably a typo). */
  readonly unused: readonly string[];
}

/**
 * In prod every data-loss finding must be named by --allow-replace, except conditional
 * replacements that are likely noise (values known after apply on an unchanged resource): those
 * are shown, and the stack policy still denies them if they turn out to be real.
 */
export function judgeDataLoss(findings: readonly DataLossFinding[], allowReplace: readonly string[], plan: ProtectionPlan): GuardrailVerdict {
  const allowedSet = new Set(allowReplace);
  const blocking = plan.retain ? findings.filter((f) => !f.likelyNoise) : [];
  return {
    refused: blocking.filter((f) => !allowedSet.has(f.address)),
    allowed: blocking.filter((f) => allowedSet.has(f.address)),
    unused: allowReplace.filter((a) => !findings.some((f) => f.address === a)),
  };
}

/** Logical ids (alphanumeric) joined by "/": nested stack path, then the resource. */
const ADDRESS_PATTERN = /^[A-Za-z0-9]+(\/[A-Za-z0-9]+)*$/;

/**
 * Checks --allow-replace values against the rendered tree before any AWS call. A value may name a
 * resource these templates no longer have (deleting it is exactly what needs allowing), so only
 * what is certainly a mistake is refused: a malformed address, a case slip (logical ids are
 * case-sensitive), or a resource the templates have that holds no data.
 */
export function allowReplaceProblems(values: readonly string[], stacks: readonly { readonly path: string; readonly template: TemplateJson }[]): Problem[] {
  const resources = new Map<string, string>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      resources.set(stack.path ? `${stack.path}/${logicalId}` : logicalId, resource.Type);
    }
  }
  const stateful = [...resources].filter(([, type]) => isStatefulType(type)).map(([address]) => address);
  const problem = (message: string): Problem => ({ file: 'command line', path: '--allow-replace', message });
  return values.flatMap((value): Problem[] => {
    if (!ADDRESS_PATTERN.test(value)) {
      return [problem(`${quote(value)} is not a Path/LogicalId address: logical ids (letters and digits) joined by "/", e.g. ${stateful[0] ?? 'Registry/Repository'}`)];
    }
    const type = resources.get(value);
    if (type === undefined) {
      const sameButCase = [...resources.keys()].find((address) => address.toLowerCase() === value.toLowerCase());
      return sameButCase ? [problem(`${quote(value)} matches no resource; did you mean ${quote(sameButCase)}? (logical ids are case-sensitive)`)] : [];
    }
    if (isStatefulType(type)) return [];
    const inside = stateful.filter((address) => address.startsWith(`${value}/`) && !address.slice(value.length + 1).includes('/'));
    const hint = inside.length > 0 ? `; the stateful resources in it are: ${inside.join(', ')}` : '';
    return [problem(`${quote(value)} is an ${type}, which holds no data: --allow-replace names a stateful resource (${Object.keys(STATEFUL_RESOURCE_TYPES).join(', ')})${hint}`)];
  });
}

/* ---------------------------------------------------------------------------------------------- */
/* The stack tree                                                                                  */
/* ---------------------------------------------------------------------------------------------- */

export interface TreeStack {
  readonly path: string;
  readonly stackId: string;
}

/** Root and nested stacks, by ListStackResources of each stack (physical id of a nested stack = its ARN). */
export async function listStackTree(cfn: CloudFormationPort, rootStackId: string): Promise<TreeStack[]> {
  const tree: TreeStack[] = [];
  const visit = async (stackId: string, path: string): Promise<void> => {
    tree.push({ path, stackId });
    let token: string | undefined;
    do {
      const page = await cfn.listStackResources(stackId, token);
      for (const resource of page.resources) {
        if (resource.resourceType !== 'AWS::CloudFormation::Stack' || !resource.physicalId) continue;
        if (resource.status.startsWith('DELETE_')) continue;
        await visit(resource.physicalId, path ? `${path}/${resource.logicalId}` : resource.logicalId);
      }
      token = page.nextToken;
    } while (token);
  };
  await visit(rootStackId, '');
  return tree;
}

export interface ProtectionReport {
  readonly terminationProtectionEnabled: boolean;
  /** Paths whose stack policy was set (missing or different before). */
  readonly policiesSet: readonly string[];
  readonly stacks: number;
}

function samePolicy(current: string | undefined, desired: StackPolicyDocument): boolean {
  if (!current) return false;
  try {
    return isDeepStrictEqual(JSON.parse(current), JSON.parse(policyBody(desired)));
  } catch {
    return false;
  }
}

/** Makes the deployed tree carry the prod protections (idempotent: reads first, writes only differences). */
export async function ensureProtections(cfn: CloudFormationPort, rootStackId: string, alreadyProtected: boolean): Promise<ProtectionReport> {
  let enabled = false;
  if (!alreadyProtected) {
    await cfn.updateTerminationProtection(rootStackId, true);
    enabled = true;
  }
  const tree = await listStackTree(cfn, rootStackId);
  const desired = stackPolicy();
  const policiesSet: string[] = [];
  for (const stack of tree) {
    if (samePolicy(await cfn.getStackPolicy(stack.stackId), desired)) continue;
    await cfn.setStackPolicy(stack.stackId, policyBody(desired));
    policiesSet.push(stack.path);
  }
  return { terminationProtectionEnabled: enabled, policiesSet, stacks: tree.length };
}

const splitAddress = (address: string): { path: string; logicalId: string } => {
  const cut = address.lastIndexOf('/');
  return cut < 0 ? { path: '', logicalId: address } : { path: address.slice(0, cut), logicalId: address.slice(cut + 1) };
};

/**
 * Relaxes the policy of each stack holding an allowed resource for exactly those logical ids.
 * Returns what to call afterwards (success or failure) to restore the standard policy.
 */
export async function relaxPolicies(cfn: CloudFormationPort, rootStackId: string, allowed: readonly DataLossFinding[]): Promise<{ relaxed: string[]; restore: () => Promise<void> }> {
  if (allowed.length === 0) return { relaxed: [], restore: async () => {} };
  const byPath = new Map<string, string[]>();
  for (const finding of allowed) {
    const { path, logicalId } = splitAddress(finding.address);
    byPath.set(path, [...(byPath.get(path) ?? []), logicalId]);
  }
  const tree = await listStackTree(cfn, rootStackId);
  const relaxed: TreeStack[] = [];
  for (const [path, ids] of byPath) {
    const stack = tree.find((s) => s.path === path);
    if (!stack) continue; // a stack that does not exist yet has no policy to relax
    await cfn.setStackPolicy(stack.stackId, policyBody(stackPolicy(ids)));
    relaxed.push(stack);
  }
  return {
    relaxed: relaxed.map((s) => s.path),
    restore: async () => {
      for (const stack of relaxed) await cfn.setStackPolicy(stack.stackId, policyBody(stackPolicy()));
    },
  };
}
