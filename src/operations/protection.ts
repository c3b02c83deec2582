/**
 * P-DATA and the ECS-managed listener rules on the deploy side.
 *
 * Stack policies ("a JSON document that defines the update actions that can be performed on
 * designated resources"; "after you set a stack policy, all of the resources in the stack are
 * protected by default", so each policy ends with an explicit Allow;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html).
 * One per stack, on the root and on every nested stack (a parent's policy does not govern its
 * children's resources), built from that stack's template:
 * - every environment: Deny `Update:*` on the stack's ECS-managed listener rules (the Metadata
 *   marker of src/cfn/ecs-managed.ts): updating one resets the blue/green weights ECS owns
 *   (https://github.com/aws/aws-cdk/issues/36649, open);
 * - DataProtection=retain (prod): Deny `Update:Replace` and `Update:Delete` for the stateful
 *   types of `STATEFUL_RESOURCE_TYPES`, and termination protection on the root.
 *
 * Before execution the same changes are refused from the review (exit 10), unless each is named:
 * `--allow-replace Path/LogicalId` for a stateful resource (prod), `--allow-update Path/LogicalId`
 * for an ECS-managed listener rule (every environment). The policy of the stack holding a named
 * resource is then relaxed for exactly those logical ids while the change set executes, and
 * restored after it (ExecuteChangeSet takes no temporary policy, unlike UpdateStack's
 * StackPolicyDuringUpdateBody). The policy stays the fail-safe for what the review could not
 * foresee and for updates made outside this toolkit.
 */
import { isDeepStrictEqual } from 'node:util';
import { ecsManagedListenerRules } from '../cfn/ecs-managed';
import { isStatefulType, STATEFUL_RESOURCE_TYPES } from '../cfn/stateful';
import type { TemplateJson } from '../core/template-json';
import { quote, type Problem } from '../core/problems';
import type { CloudFormationPort, ParameterValues, RootParameterName } from '../aws/port';
import type { DataLossFinding, ListenerRuleFinding } from './review/model';

export interface StackPolicyDocument {
  readonly Statement: readonly Record<string, unknown>[];
}

/** What one stack's policy protects. */
export interface PolicyScope {
  /** DataProtection=retain: Deny Update:Replace and Update:Delete for the stateful types. */
  readonly keepStateful: boolean;
  /** Logical ids of the stack's ECS-managed listener rules: Deny Update:*. */
  readonly frozenRules: readonly string[];
  /** Logical ids let through for one execution (--allow-replace, --allow-update). */
  readonly released?: readonly string[];
}

const ALLOW_EVERYTHING_ELSE = { Sid: 'AllowEverythingElse', Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' } as const;
const logicalIdResource = (id: string): string => `LogicalResourceId/${id}`;

export function policyFor(scope: PolicyScope): StackPolicyDocument {
  const released = new Set(scope.released ?? []);
  const frozen = [...new Set(scope.frozenRules)].filter((id) => !released.has(id)).sort();
  const statefulReleased = [...released].filter((id) => !scope.frozenRules.includes(id)).sort();
  const statements: Record<string, unknown>[] = [];
  if (scope.keepStateful) {
    statements.push({
      Sid: 'KeepStatefulResources',
      Effect: 'Deny',
      Action: ['Update:Replace', 'Update:Delete'],
      Principal: '*',
      ...(statefulReleased.length > 0 ? { NotResource: statefulReleased.map(logicalIdResource) } : { Resource: '*' }),
      Condition: { StringEquals: { ResourceType: Object.keys(STATEFUL_RESOURCE_TYPES) } },
    });
  }
  if (frozen.length > 0) {
    statements.push({ Sid: 'FreezeEcsManagedListenerRules', Effect: 'Deny', Action: 'Update:*', Principal: '*', Resource: frozen.map(logicalIdResource) });
  }
  return { Statement: [...statements, { ...ALLOW_EVERYTHING_ELSE }] };
}

/** The prod policy of a stack without listener rules, with `allowLogicalIds` released. */
export const stackPolicy = (allowLogicalIds: readonly string[] = []): StackPolicyDocument => policyFor({ keepStateful: true, frozenRules: [], released: allowLogicalIds });

/** Whether a policy denies anything (a stack with nothing to protect needs none). */
export const deniesAnything = (policy: StackPolicyDocument): boolean => policy.Statement.some((s) => s['Effect'] === 'Deny');

export const policyBody = (policy: StackPolicyDocument): string => JSON.stringify(policy);

/** The ECS-managed listener rules of a stack's template (logical ids). */
export const frozenRulesOf = (template: TemplateJson | undefined): string[] => (template ? ecsManagedListenerRules(template).map((r) => r.logicalId) : []);

export interface ProtectionPlan {
  readonly retain: boolean;
}

export const protectionPlan = (stackParameters: ParameterValues<RootParameterName>): ProtectionPlan => ({ retain: stackParameters['DataProtection'] === 'retain' });

/** The standard scope of each stack path, from the templates being deployed. */
export type ScopeOf = (stackPath: string) => Omit<PolicyScope, 'released'>;

export function scopesFrom(plan: ProtectionPlan, templates: readonly { readonly path: string; readonly template: TemplateJson }[]): ScopeOf {
  const byPath = new Map(templates.map((t) => [t.path, t.template]));
  return (stackPath) => ({ keepStateful: plan.retain, frozenRules: frozenRulesOf(byPath.get(stackPath)) });
}

/* ---------------------------------------------------------------------------------------------- */
/* Guardrails (pure)                                                                               */
/* ---------------------------------------------------------------------------------------------- */

/** The options that release a guarded change for one deploy, each for its own kind. */
export type ReleaseOption = 'allow-replace' | 'allow-update';

export interface Releases {
  /** `Path/LogicalId` of stateful resources this deploy may replace or delete (prod). */
  readonly allowReplace: readonly string[];
  /** `Path/LogicalId` of ECS-managed listener rules this deploy may update or remove (every environment). */
  readonly allowUpdate: readonly string[];
}

export interface GuardedFindings {
  readonly dataLoss: readonly DataLossFinding[];
  readonly listenerRules: readonly ListenerRuleFinding[];
}

export interface GuardrailVerdict {
  /** Findings that block execution. */
  readonly refused: GuardedFindings;
  /** Findings released by name. */
  readonly allowed: GuardedFindings;
  /** Names that match no finding (probably a typo). */
  readonly unused: readonly { readonly option: ReleaseOption; readonly address: string }[];
}

interface Split<F> {
  readonly refused: F[];
  readonly allowed: F[];
  readonly unused: string[];
}

/** Blocking findings split by whether they are named; names that match no finding at all. */
function splitNamed<F extends { readonly address: string }>(all: readonly F[], blocking: readonly F[], named: readonly string[]): Split<F> {
  const names = new Set(named);
  return {
    refused: blocking.filter((f) => !names.has(f.address)),
    allowed: blocking.filter((f) => names.has(f.address)),
    unused: named.filter((a) => !all.some((f) => f.address === a)),
  };
}

/**
 * In prod every data-loss finding must be named by --allow-replace, except conditional
 * replacements that are likely noise (values known after apply on an unchanged resource): those
 * are shown, and the stack policy still denies them if they turn out to be real.
 */
export function judgeDataLoss(findings: readonly DataLossFinding[], allowReplace: readonly string[], plan: ProtectionPlan): Split<DataLossFinding> {
  return splitNamed(findings, plan.retain ? findings.filter((f) => !f.likelyNoise) : [], allowReplace);
}

/**
 * In every environment an update or removal of a frozen (ECS-managed) listener rule must be named
 * by --allow-update, except a change that is likely noise, which the stack policy still catches.
 */
export function judgeListenerRules(findings: readonly ListenerRuleFinding[], allowUpdate: readonly string[]): Split<ListenerRuleFinding> {
  return splitNamed(findings, findings.filter((f) => f.frozen && !f.likelyNoise), allowUpdate);
}

export function judgeGuardrails(findings: GuardedFindings, releases: Releases, plan: ProtectionPlan): GuardrailVerdict {
  const dataLoss = judgeDataLoss(findings.dataLoss, releases.allowReplace, plan);
  const listenerRules = judgeListenerRules(findings.listenerRules, releases.allowUpdate);
  return {
    refused: { dataLoss: dataLoss.refused, listenerRules: listenerRules.refused },
    allowed: { dataLoss: dataLoss.allowed, listenerRules: listenerRules.allowed },
    unused: [
      ...dataLoss.unused.map((address) => ({ option: 'allow-replace' as const, address })),
      ...listenerRules.unused.map((address) => ({ option: 'allow-update' as const, address })),
    ],
  };
}

export const isRefused = (verdict: GuardrailVerdict): boolean => verdict.refused.dataLoss.length + verdict.refused.listenerRules.length > 0;
export const releasedAddresses = (verdict: GuardrailVerdict): string[] => [...verdict.allowed.dataLoss, ...verdict.allowed.listenerRules].map((f) => f.address);

/* ---------------------------------------------------------------------------------------------- */
/* Checking --allow-replace / --allow-update before any AWS call (pure)                             */
/* ---------------------------------------------------------------------------------------------- */

/** Logical ids (alphanumeric) joined by "/": nested stack path, then the resource. */
const ADDRESS_PATTERN = /^[A-Za-z0-9]+(\/[A-Za-z0-9]+)*$/;

interface RenderedStack {
  readonly path: string;
  readonly template: TemplateJson;
}

/** What each option may name, and how to say what else it cannot. */
interface ReleaseTarget {
  readonly option: ReleaseOption;
  /** Whether the resource at this address is what the option releases. */
  readonly fits: (stackTemplate: TemplateJson, logicalId: string, type: string) => boolean;
  readonly expected: string;
  /** What any other resource is, for this option. */
  readonly other: string;
}

const RELEASE_TARGETS: Readonly<Record<ReleaseOption, ReleaseTarget>> = {
  'allow-replace': {
    option: 'allow-replace',
    fits: (_template, _id, type) => isStatefulType(type),
    expected: `a stateful resource (${Object.keys(STATEFUL_RESOURCE_TYPES).join(', ')})`,
    other: 'which holds no data',
  },
  'allow-update': {
    option: 'allow-update',
    fits: (template, id) => frozenRulesOf(template).includes(id),
    expected: 'an ECS-managed listener rule (an AWS::ElasticLoadBalancingV2::ListenerRule with the tap:ecs-managed-listener-rule marker)',
    other: 'which is no ECS-managed listener rule',
  },
};

/**
 * Checks the values of --allow-replace or --allow-update against the rendered tree before any AWS
 * call. A value may name a resource these templates no longer have (deleting it is exactly what
 * needs releasing), so only what is certainly a mistake is refused: a malformed address, a case
 * slip (logical ids are case-sensitive), or a resource the templates have that the option does
 * not release.
 */
export function releaseProblems(option: ReleaseOption, values: readonly string[], stacks: readonly RenderedStack[]): Problem[] {
  const target = RELEASE_TARGETS[option];
  const resources = new Map<string, { type: string; fits: boolean }>();
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      resources.set(stack.path ? `${stack.path}/${logicalId}` : logicalId, { type: resource.Type, fits: target.fits(stack.template, logicalId, resource.Type) });
    }
  }
  const fitting = [...resources].filter(([, r]) => r.fits).map(([address]) => address);
  const problem = (message: string): Problem => ({ file: 'command line', path: `--${option}`, message });
  return values.flatMap((value): Problem[] => {
    if (!ADDRESS_PATTERN.test(value)) {
      return [problem(`${quote(value)} is not a Path/LogicalId address: logical ids (letters and digits) joined by "/", e.g. ${fitting[0] ?? 'Registry/Repository'}`)];
    }
    const resource = resources.get(value);
    if (resource === undefined) {
      const sameButCase = [...resources.keys()].find((address) => address.toLowerCase() === value.toLowerCase());
      return sameButCase ? [problem(`${quote(value)} matches no resource; did you mean ${quote(sameButCase)}? (logical ids are case-sensitive)`)] : [];
    }
    if (resource.fits) return [];
    const inside = fitting.filter((address) => address.startsWith(`${value}/`) && !address.slice(value.length + 1).includes('/'));
    const hint = inside.length > 0 ? `; the ones in it are: ${inside.join(', ')}` : '';
    return [problem(`${quote(value)} is an ${resource.type}, ${target.other}: --${option} names ${target.expected}${hint}`)];
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
  // Children are listed at once (the session bounds the requests in flight); the tree comes back
  // in the same order as a one-at-a-time walk: each stack, then its children in listing order.
  const visit = async (stackId: string, path: string): Promise<TreeStack[]> => {
    const children: { stackId: string; path: string }[] = [];
    let token: string | undefined;
    do {
      const page = await cfn.listStackResources(stackId, token);
      for (const resource of page.resources) {
        if (resource.resourceType !== 'AWS::CloudFormation::Stack' || !resource.physicalId) continue;
        if (resource.status.startsWith('DELETE_')) continue;
        children.push({ stackId: resource.physicalId, path: path ? `${path}/${resource.logicalId}` : resource.logicalId });
      }
      token = page.nextToken;
    } while (token);
    const below = await Promise.all(children.map((child) => visit(child.stackId, child.path)));
    return [{ path, stackId }, ...below.flat()];
  };
  return visit(rootStackId, '');
}

export interface ProtectionReport {
  readonly retain: boolean;
  readonly terminationProtectionEnabled: boolean;
  /** Paths whose stack policy was set (missing or different before). */
  readonly policiesSet: readonly string[];
  /** Addresses of the ECS-managed listener rules the policies freeze. */
  readonly frozenRules: readonly string[];
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

export interface EnsureOptions {
  readonly plan: ProtectionPlan;
  /** The root already has termination protection on. */
  readonly alreadyProtected: boolean;
  readonly scopeOf: ScopeOf;
}

/**
 * Makes the deployed tree carry its protections (idempotent: reads first, writes only
 * differences; a stack with nothing to protect and no policy gets none).
 */
export async function ensureProtections(cfn: CloudFormationPort, rootStackId: string, options: EnsureOptions): Promise<ProtectionReport> {
  let enabled = false;
  if (options.plan.retain && !options.alreadyProtected) {
    await cfn.updateTerminationProtection(rootStackId, true);
    enabled = true;
  }
  const tree = await listStackTree(cfn, rootStackId);
  const policiesSet: string[] = [];
  const frozenRules: string[] = [];
  // Every stack's policy is read at once (the session bounds the requests in flight); writes,
  // only where a policy differs, follow in tree order.
  const currentPolicies = await Promise.all(tree.map((stack) => cfn.getStackPolicy(stack.stackId)));
  for (const [index, stack] of tree.entries()) {
    const scope = options.scopeOf(stack.path);
    frozenRules.push(...scope.frozenRules.map((id) => (stack.path ? `${stack.path}/${id}` : id)));
    const desired = policyFor(scope);
    const current = currentPolicies[index];
    if (samePolicy(current, desired) || (current === undefined && !deniesAnything(desired))) continue;
    await cfn.setStackPolicy(stack.stackId, policyBody(desired));
    policiesSet.push(stack.path);
  }
  return { retain: options.plan.retain, terminationProtectionEnabled: enabled, policiesSet, frozenRules, stacks: tree.length };
}

const splitAddress = (address: string): { path: string; logicalId: string } => {
  const cut = address.lastIndexOf('/');
  return cut < 0 ? { path: '', logicalId: address } : { path: address.slice(0, cut), logicalId: address.slice(cut + 1) };
};

/**
 * Relaxes the policy of each stack holding a released resource for exactly those logical ids.
 * Returns what to call afterwards (success or failure) to restore each stack's standard policy.
 */
export async function relaxPolicies(cfn: CloudFormationPort, rootStackId: string, released: readonly string[], scopeOf: ScopeOf): Promise<{ relaxed: string[]; restore: () => Promise<void> }> {
  if (released.length === 0) return { relaxed: [], restore: async () => {} };
  const byPath = new Map<string, string[]>();
  for (const address of released) {
    const { path, logicalId } = splitAddress(address);
    byPath.set(path, [...(byPath.get(path) ?? []), logicalId]);
  }
  const tree = await listStackTree(cfn, rootStackId);
  const relaxed: TreeStack[] = [];
  for (const [path, ids] of byPath) {
    const stack = tree.find((s) => s.path === path);
    if (!stack) continue; // a stack that does not exist yet has no policy to relax
    await cfn.setStackPolicy(stack.stackId, policyBody(policyFor({ ...scopeOf(path), released: ids })));
    relaxed.push(stack);
  }
  return {
    relaxed: relaxed.map((s) => s.path),
    restore: async () => {
      for (const stack of relaxed) await cfn.setStackPolicy(stack.stackId, policyBody(policyFor(scopeOf(stack.path))));
    },
  };
}
