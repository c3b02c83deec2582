/**
 * `deploy` and `diff` of the platform (D-2 … D-9): the reviewed change-set flow
 * (change-set-flow.ts) over the packaged root and its nested stacks, then, after success, the prod
 * protections (protection.ts) and the outputs of every stack.
 */
import { PROJECT } from '../catalog/platform';
import type { StackDescription } from '../aws/port';
import { runChangeSetFlow, type DeployTarget, type FlowOptions } from './change-set-flow';
import type { Connection } from './connection';
import type { DeployOutcome, OperationIo } from './operation';
import { collectOutputs } from './outputs';
import { ensureProtections, protectionPlan, scopesFrom } from './protection';
import type { TemplateJson } from '../core/template-json';
import type { ReviewArtifact } from './review/artifact';
import { executionRoleArn } from './identity';
import type { RequireApproval } from './approval';
import { imagesPreflight } from './images';

export interface DeployOptions {
  /** Create a change set even when nothing seems to have changed. */
  readonly force: boolean;
  /** Execute exactly this reviewed change set (`deploy --review`), if nothing moved since. */
  readonly review?: ReviewArtifact;
  readonly allowReplace: readonly string[];
  /** ECS-managed listener rules this deploy may update (absent: none). */
  readonly allowUpdate?: readonly string[];
  readonly replaceFailedStack: boolean;
  /** Which fresh change sets --yes may not approve (approval.ts). */
  readonly requireApproval?: RequireApproval;
}

export interface DiffOptions {
  readonly force: boolean;
}

/** The stack-level tags: the params file's, plus project and environment. */
export function stackTags(env: Connection['env']): Record<string, string> {
  return { ...env.tags, project: PROJECT, environment: env.name };
}

export function platformTarget(c: Connection): Extract<DeployTarget, { readonly template: 'url' }> {
  return {
    stackName: c.env.deployment.stackName,
    stacks: c.packaged.stacks,
    template: 'url',
    objects: c.packaged.objects,
    parameters: c.env.stackParameters,
    tags: stackTags(c.env),
    autoReplaceFailedCreate: false,
    // D-17: CloudFormation acts as the bootstrap stack's execution role, for the nested stacks too.
    roleArn: executionRoleArn(c.env),
  };
}

export async function deploy(c: Connection, io: OperationIo, options: DeployOptions): Promise<DeployOutcome> {
  const flow: FlowOptions & { mode: 'deploy' } = { mode: 'deploy', ...options, preflight: imagesPreflight(c) };
  const end = await runChangeSetFlow(c, io, platformTarget(c), flow);
  if (end.type !== 'applied') return end;
  if (!end.stack) return { type: 'deployed', stackName: c.env.deployment.stackName };
  await applyProtections(c, io, end.stack, c.packaged.stacks, end.changed);
  const outputs = await collectOutputs(c.session.port.cfn, end.stack, c.env.name, c.runtime.serviceNames, c.masker, new Date(c.runtime.clock.now()));
  return end.changed ? { type: 'deployed', stackName: end.stack.stackName, outputs } : { type: 'no-changes', outputs };
}

/** Creates and reviews the change set, and leaves it for `deploy --review`: never executes. */
export async function diff(c: Connection, io: OperationIo, options: DiffOptions): Promise<DeployOutcome> {
  const end = await runChangeSetFlow(c, io, platformTarget(c), { mode: 'diff', force: options.force, allowReplace: [], replaceFailedStack: false, preflight: imagesPreflight(c) });
  // A diff executes nothing, so it never ends applied; should it, nothing was changed by it.
  return end.type === 'applied' ? { type: 'no-changes' } : end;
}

/**
 * The stack policies of the tree (ECS-managed listener rules everywhere; stateful resources and
 * termination protection in prod), from the templates just deployed. After a deploy that changed
 * nothing they are checked again only in prod: elsewhere the execution that deployed these
 * templates set them, and the no-op deploy stays a handful of reads.
 */
export async function applyProtections(c: Connection, io: OperationIo, stack: StackDescription, templates: readonly { readonly path: string; readonly template: TemplateJson }[], changed: boolean): Promise<void> {
  const plan = protectionPlan(c.env.stackParameters);
  if (!plan.retain && !changed) return;
  const report = await ensureProtections(c.session.port.cfn, stack.stackId, { plan, alreadyProtected: stack.terminationProtection, scopeOf: scopesFrom(plan, templates) });
  if (report.retain || report.policiesSet.length > 0 || report.frozenRules.length > 0) io.emit({ type: 'protections', report });
}
