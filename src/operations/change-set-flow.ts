/**
 * The reviewed change-set flow behind deploy, diff and bootstrap (D-3 … D-6): from the stack's
 * state to executing exactly the change set that was reviewed.
 *
 *   state ─ attach to a running operation / replace a failed create / stop on a stuck stack
 *   skip  ─ identical root template, parameters and tags: no CloudFormation call at all
 *   upload ─ content-addressed, HeadObject first
 *   change set ─ CREATE or UPDATE, nested; "no changes" is success
 *   review ─ tree + findings (and the artifact for `deploy --review`)          (diff stops here)
 *   guardrails ─ prod data-loss refusal unless --allow-replace; ECS-managed listener rules unless --allow-update
 *   approval ─ a question to the io: prompt / --yes / left for review
 *   execute ─ policies relaxed for released resources only, progress, restore
 *
 * It ends in `applied` (the caller finishes: protections, outputs) or in one of the deploy
 * outcomes (operation.ts).
 */
import { AwsError, type StackDescription } from '../aws/port';
import { CAPABILITIES, changeSetIdentity, createChangeSet, discardChangeSet } from './changeset';
import { clientToken } from './client-token';
import type { Connection } from './connection';
import { errorInfo, type DeployOutcome, type ErrorInfo, type ExecuteFailure, type OperationIo, type ReviewGateRefusal } from './operation';
import { approvalRequirement, type RequireApproval } from './approval';
import { checkOtherChangeSets, executeConflict } from './in-progress';
import { sha256, uploadObjects, type ArtifactObject, type PackagedStack } from './package/package';
import { followOperation, readLastOperation } from './progress/follow';
import { latestEventId } from './progress/watch';
import { isRefused, judgeGuardrails, protectionPlan, relaxPolicies, releasedAddresses, scopesFrom } from './protection';
import { assembleReview } from './review/assemble';
import { buildArtifact, parametersHash, staleness, tagsHash, type PromotionRecord, type ReviewArtifact } from './review/artifact';
import { collectReview } from './review/collect';
import type { Review } from './review/model';
import { decideSkip } from './skip';
import { decideStackAction } from './stack-status';

/** A template as the flow needs it; an uploaded one also has its key and URL (PackagedStack). */
export type TargetStack = Pick<PackagedStack, 'path' | 'name' | 'file' | 'template' | 'body' | 'sha256'>;

/**
 * What is deployed: the platform (nested templates uploaded, the root passed by URL, a review
 * artifact for `deploy --review`) or the bootstrap stack (one template passed inline, no upload).
 */
export type DeployTarget = {
  readonly stackName: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Delete a stack left by a failed first create without being asked (the bootstrap stack is empty). */
  readonly autoReplaceFailedCreate: boolean;
  /** The CloudFormation execution role every change set names (RoleARN, D-17); the bootstrap stack has none. */
  readonly roleArn?: string;
} & (
  | {
      readonly template: 'url';
      readonly stacks: readonly PackagedStack[];
      readonly objects: readonly ArtifactObject[];
      /** A promotion (D-18): where the artifacts come from, recorded in the review. */
      readonly promotion?: PromotionRecord;
    }
  | { readonly template: 'body'; readonly stacks: readonly [TargetStack] }
);

export interface FlowOptions {
  /** diff stops after the review. */
  readonly mode: 'deploy' | 'diff';
  /** Create a change set even when nothing seems to have changed. */
  readonly force: boolean;
  /** Execute exactly this reviewed change set (`deploy --review`), if nothing moved since. */
  readonly review?: ReviewArtifact;
  /** `Path/LogicalId` of stateful resources this deploy may replace or delete (prod guardrail). */
  readonly allowReplace: readonly string[];
  /** `Path/LogicalId` of ECS-managed listener rules this deploy may update or remove (every environment). */
  readonly allowUpdate?: readonly string[];
  /** Delete a stack left in ROLLBACK_COMPLETE by a failed first create, then create it. */
  readonly replaceFailedStack: boolean;
  /**
   * Holds a new change set's review to a promise before anyone is asked to approve it (release:
   * only one service's stack changes). A refusal deletes the change set.
   */
  readonly reviewGate?: (review: Review) => ReviewGateRefusal | undefined;
  /** Which fresh change sets --yes may not approve (approval.ts); default `never`. */
  readonly requireApproval?: RequireApproval;
  /**
   * What must hold before anything is uploaded or created, given the stack as it is (undefined:
   * not created yet): deploy and diff check the images they would start (images.ts). Runs after
   * the identical-stack skip, so a no-op deploy pays nothing for it.
   */
  readonly preflight?: (current: StackDescription | undefined) => Promise<Extract<FlowEnd, { readonly type: 'precondition' }> | undefined>;
}

export type FlowEnd =
  /** The stack is as the templates say: executed, or nothing to do (`changed: false`). */
  | { readonly type: 'applied'; readonly stack: StackDescription | undefined; readonly changed: boolean }
  /** Nothing to do, and nothing to finish (diff, or an empty CREATE). */
  | { readonly type: 'no-changes' }
  | Exclude<DeployOutcome, { readonly type: 'deployed' | 'no-changes' }>;

/** Without `mode: 'diff'` the flow never stops at the review. */
export async function runChangeSetFlow(c: Connection, io: OperationIo, target: DeployTarget, options: FlowOptions & { readonly mode: 'deploy' }): Promise<Exclude<FlowEnd, { readonly type: 'reviewed' }>>;
export async function runChangeSetFlow(c: Connection, io: OperationIo, target: DeployTarget, options: FlowOptions): Promise<FlowEnd>;
export async function runChangeSetFlow(c: Connection, io: OperationIo, target: DeployTarget, options: FlowOptions): Promise<FlowEnd> {
  if (options.review) return executeReviewed(c, io, target, options.review, options);
  const { cfn } = c.session.port;
  const { stackName } = target;

  let stack = await cfn.describeStack(stackName);
  for (let round = 0; round < 3; round += 1) {
    const action = decideStackAction(stack);
    if (action.type === 'attach') {
      if (options.mode === 'diff') return { type: 'precondition', reason: { kind: 'stack-busy', stackName, status: action.stack.status } };
      io.emit({ type: 'attaching', stackName, status: action.stack.status });
      const end = await followOperation(c, io, action.stack, { kind: 'running-operation' }, 'attach');
      if (end.type !== 'succeeded') return end;
      io.emit({ type: 'attached-finished' });
      stack = await cfn.describeStack(stackName);
      continue;
    }
    if (action.type === 'replace-failed-create') {
      if (!(options.replaceFailedStack || target.autoReplaceFailedCreate) || options.mode === 'diff') {
        return { type: 'precondition', reason: { kind: 'failed-create', stack: stackRef(action.stack), last: await readLastOperation(c, action.stack) } };
      }
      io.emit({ type: 'replacing-failed-stack', stackName, status: action.stack.status, requested: !target.autoReplaceFailedCreate });
      const baseline = await latestEventId(cfn, action.stack.stackId);
      await cfn.deleteStack(action.stack.stackId, clientToken('replace', action.stack.stackId));
      const end = await followOperation(c, io, action.stack, { kind: 'after-event', eventId: baseline }, 'delete');
      if (end.type !== 'succeeded') return end;
      stack = undefined;
      continue;
    }
    if (action.type === 'continue-rollback') {
      return { type: 'precondition', reason: { kind: 'rollback-unfinished', stack: stackRef(action.stack), last: await readLastOperation(c, action.stack) } };
    }
    if (action.type === 'stuck') return { type: 'precondition', reason: { kind: 'stuck', stack: stackRef(action.stack) } };
    break;
  }
  const action = decideStackAction(stack);
  if (action.type !== 'create' && action.type !== 'update') return { type: 'precondition', reason: { kind: 'stuck', stack: stackRef(action.stack) } };

  const root = target.stacks[0];
  const { parameters, tags } = target;

  if (action.type === 'update' && !options.force) {
    const decision = decideSkip(action.stack, await cfn.getTemplate(action.stack.stackId), { template: root.template, parameters, tags });
    if (decision.skip) {
      io.emit({ type: 'unchanged', stacks: target.stacks.length });
      return options.mode === 'deploy' ? { type: 'applied', stack: action.stack, changed: false } : { type: 'no-changes' };
    }
    io.emit({ type: 'compared', reason: decision.reason });
  }

  // Another run creating a change set on this stack (D-13); a brand-new stack has none.
  if (action.type === 'update' || action.existing) {
    const busy = await checkOtherChangeSets(cfn, io, stackName, c.env.name);
    if (busy) return busy;
  }

  const unmet = await options.preflight?.(action.type === 'update' ? action.stack : undefined);
  if (unmet) return unmet;

  // Upload.
  const { deployment } = c.env;
  if (target.template === 'url') {
    const upload = await uploadObjects(c.session.port.s3, target.objects, deployment.artifactBucket, deployment.accountId);
    if (upload.type === 'no-bucket') return { type: 'precondition', reason: { kind: 'bucket-missing', bucket: upload.bucket, accountId: deployment.accountId } };
    if (upload.type === 'foreign-bucket') return { type: 'precondition', reason: { kind: 'bucket-not-owned', bucket: upload.bucket, accountId: deployment.accountId, file: c.env.file } };
    io.emit({
      type: 'uploaded',
      templates: target.stacks.length,
      assets: target.objects.length - target.stacks.length,
      uploaded: upload.uploaded.length,
      present: upload.present.length,
      bucket: deployment.artifactBucket,
      ...(target.promotion ? { copiedFrom: { environment: target.promotion.from.environment, bucket: target.promotion.from.bucket } } : {}),
    });
  }

  // Change set.
  const identity = changeSetIdentity(c.env.name, sha256(root.sha256 + parametersHash(parameters, root.template) + tagsHash(tags)), c.runtime.clock.now());
  const changeSetType = action.type === 'create' ? 'CREATE' : 'UPDATE';
  io.emit({ type: 'change-set-creating', name: identity.name, changeSetType, nested: target.stacks.length > 1, ...(target.roleArn ? { roleArn: target.roleArn } : {}) });
  const result = await createChangeSet(cfn, {
    stackName,
    changeSetName: identity.name,
    changeSetType,
    template: target.template === 'url' ? { url: target.stacks[0].url } : { body: root.body },
    parameters,
    tags,
    capabilities: CAPABILITIES,
    includeNestedStacks: true,
    clientToken: identity.clientToken,
    description: `tap ${c.runtime.toolkitVersion}: ${c.env.name}, root template ${root.sha256.slice(0, 12)}`,
    ...(target.roleArn ? { roleArn: target.roleArn } : {}),
  }, { clock: c.runtime.clock });

  const cleanupToken = clientToken('discard', identity.name);
  const createdStack = action.type === 'create' ? stackName : undefined;
  switch (result.type) {
    case 'rejected': {
      if (createdStack) await discardChangeSet(cfn, '', createdStack, cleanupToken);
      return { type: 'change-set-failed', failure: { kind: 'rejected', error: { code: result.code, message: result.reason } } };
    }
    case 'failed': {
      const discarded = await discardChangeSet(cfn, result.id, createdStack, cleanupToken);
      return { type: 'change-set-failed', failure: { kind: 'failed', reason: result.reason, causes: result.causes, emptyStackDeleted: discarded.emptyStackDeleted } };
    }
    case 'disappeared': {
      const discarded = await discardChangeSet(cfn, result.id, createdStack, cleanupToken);
      return { type: 'change-set-failed', failure: { kind: 'disappeared', emptyStackDeleted: discarded.emptyStackDeleted } };
    }
    case 'no-changes': {
      await discardChangeSet(cfn, result.id, undefined, cleanupToken);
      io.emit({ type: 'change-set-empty', reason: result.reason.trim() });
      return options.mode === 'deploy' && action.type === 'update' ? { type: 'applied', stack: action.stack, changed: false } : { type: 'no-changes' };
    }
    case 'ready':
      break;
  }

  // Review.
  const review = await reviewChangeSet(c, target, result.id, result.changeSetType, action.type === 'update' ? action.stack : undefined);
  io.emit({ type: 'review-ready', review, from: 'new' });
  if (target.template === 'url') {
    const reviewed = await cfn.describeStack(result.stackId || stackName);
    if (reviewed) io.emit({ type: 'review-artifact', artifact: artifactOf(c, target, review, reviewed) });
  }
  if (options.mode === 'diff') return { type: 'reviewed', changeSetName: review.changeSetName };
  const refusal = options.reviewGate?.(review);
  if (refusal) {
    const discarded = await discardChangeSet(cfn, result.id, createdStack, cleanupToken);
    return { type: 'refused', reason: { ...refusal, changeSetDeleted: discarded.changeSetDeleted } };
  }
  return approveAndExecute(c, io, target, review, { id: result.id, stackId: result.stackId, createdStack: action.type === 'create', fromReviewFile: false, cleanupToken }, options);
}

const stackRef = (stack: StackDescription) => ({ stackName: stack.stackName, status: stack.status, ...(stack.statusReason ? { statusReason: stack.statusReason } : {}) });

/* ---------------------------------------------------------------------------------------------- */
/* Review                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

async function reviewChangeSet(c: Connection, target: DeployTarget, changeSetId: string, changeSetType: 'CREATE' | 'UPDATE', existing: StackDescription | undefined): Promise<Review> {
  const collected = await collectReview({
    cfn: c.session.port.cfn,
    changeSetId,
    rootStack: existing?.stackId ?? target.stackName,
    rootExisted: existing !== undefined,
    masker: c.masker,
  });
  return assembleReview({
    collected,
    next: new Map(target.stacks.map((s) => [s.path, s.template])),
    environment: c.env.name,
    stackName: target.stackName,
    changeSetType,
    ...(existing ? { parametersBefore: existing.parameters } : {}),
    parametersAfter: target.parameters,
    masker: c.masker,
  });
}

function artifactOf(c: Connection, target: Extract<DeployTarget, { template: 'url' }>, review: Review, stack: StackDescription): ReviewArtifact {
  return buildArtifact({
    review,
    toolkitVersion: c.runtime.toolkitVersion,
    createdAt: new Date(c.runtime.clock.now()),
    accountId: c.env.deployment.accountId,
    region: c.env.deployment.region,
    stack,
    packaged: target.stacks,
    parameters: target.parameters,
    tags: target.tags,
    ...(target.promotion ? { promotion: target.promotion } : {}),
  });
}

/* ---------------------------------------------------------------------------------------------- */
/* deploy --review <file>                                                                          */
/* ---------------------------------------------------------------------------------------------- */

async function executeReviewed(c: Connection, io: OperationIo, target: DeployTarget, artifact: ReviewArtifact, options: FlowOptions): Promise<FlowEnd> {
  const { cfn } = c.session.port;
  // By name: the stack that would be executed on now. (By the reviewed ARN, a stack deleted and
  // created again answers as the deleted one, and the review would call it gone.)
  const stack = await cfn.describeStack(target.stackName);
  const changeSet = await cfn.describeChangeSet(artifact.changeSet.id, { includePropertyValues: false });
  const root = target.stacks[0];
  const reasons = staleness(artifact, {
    environment: c.env.name,
    accountId: c.env.deployment.accountId,
    region: c.env.deployment.region,
    stackName: target.stackName,
    packaged: target.stacks,
    parametersSha256: parametersHash(target.parameters, root.template),
    tagsSha256: tagsHash(target.tags),
    stack: stack && stack.status !== 'DELETE_COMPLETE' ? stack : undefined,
    changeSet: changeSet ? { status: changeSet.status, executionStatus: changeSet.executionStatus } : undefined,
  });
  if (reasons.length > 0) return { type: 'stale-review', reasons };
  io.emit({ type: 'reviewed-change-set', name: artifact.changeSet.name, createdAt: artifact.createdAt });
  // Guardrails are re-derived from the change set itself, not from the file.
  const review = await reviewChangeSet(c, target, artifact.changeSet.id, artifact.changeSet.type, artifact.changeSet.type === 'UPDATE' ? stack : undefined);
  io.emit({ type: 'review-ready', review, from: 'review-file' });
  return approveAndExecute(c, io, target, review, {
    id: artifact.changeSet.id,
    stackId: artifact.stackId,
    createdStack: artifact.changeSet.type === 'CREATE',
    fromReviewFile: true,
    cleanupToken: clientToken('discard', artifact.changeSet.id),
  }, options);
}

/* ---------------------------------------------------------------------------------------------- */
/* Guardrails, approval, execution                                                                 */
/* ---------------------------------------------------------------------------------------------- */

interface ChangeSetRef {
  readonly id: string;
  readonly stackId: string;
  readonly createdStack: boolean;
  readonly fromReviewFile: boolean;
  readonly cleanupToken: string;
}

async function approveAndExecute(c: Connection, io: OperationIo, target: DeployTarget, review: Review, changeSet: ChangeSetRef, options: FlowOptions): Promise<FlowEnd> {
  const { cfn } = c.session.port;
  const plan = protectionPlan(c.env.stackParameters);
  const verdict = judgeGuardrails(review.findings, { allowReplace: options.allowReplace, allowUpdate: options.allowUpdate ?? [] }, plan);
  for (const unused of verdict.unused) io.emit({ type: 'release-unused', ...unused });
  const discard = () => discardChangeSet(cfn, changeSet.id, changeSet.createdStack ? target.stackName : undefined, changeSet.cleanupToken);
  if (isRefused(verdict)) {
    // A reviewed change set stays for its reviewer to execute naming each one; a fresh one goes.
    const changeSetDeleted = changeSet.fromReviewFile ? false : (await discard()).changeSetDeleted;
    const { dataLoss, listenerRules } = verdict.refused;
    return { type: 'refused', reason: { kind: 'guarded-changes', environment: c.env.name, dataLoss, listenerRules, changeSetDeleted } };
  }

  // A reviewed file is itself the approval; a fresh change set may need a person (--require-approval).
  const approvalRequired = changeSet.fromReviewFile ? undefined : approvalRequirement(options.requireApproval ?? 'never', review);
  const answer = await io.ask({
    kind: 'execute-change-set',
    changeSetName: review.changeSetName,
    stackName: target.stackName,
    environment: c.env.name,
    dataLoss: review.findings.dataLoss.length,
    whenUnattended: changeSet.fromReviewFile ? 'yes' : 'unanswered',
    ...(approvalRequired ? { approvalRequired } : {}),
  });
  if (answer === 'unanswered') return { type: 'left-for-review', changeSetName: review.changeSetName, reviewSaved: target.template === 'url', ...(approvalRequired ? { approvalRequired } : {}) };
  if (answer === 'no') {
    const discarded = await discard();
    return { type: 'declined', what: { kind: 'change-set', changeSetDeleted: discarded.changeSetDeleted, emptyStackDeleted: discarded.emptyStackDeleted } };
  }

  // Execute.
  const released = releasedAddresses(verdict);
  const relax = released.length > 0 && !changeSet.createdStack ? await relaxPolicies(cfn, changeSet.stackId, released, scopesFrom(plan, target.stacks)) : undefined;
  if (relax && relax.relaxed.length > 0) io.emit({ type: 'policy-relaxed', addresses: released, stacks: relax.relaxed });
  try {
    const baseline = await latestEventId(cfn, changeSet.stackId);
    const started = await executeOnce(c, io, changeSet.id);
    if (started.type === 'conflict') return { type: 'precondition', reason: await executeConflict(cfn, { stackName: target.stackName, stackId: changeSet.stackId, changeSetId: changeSet.id }, started.error) };
    if (started.type === 'failed') return { type: 'execute-failed', failure: started.failure };
    io.emit({ type: 'executing', changeSetName: review.changeSetName });
    const end = await followOperation(c, io, { stackId: changeSet.stackId, stackName: target.stackName }, { kind: 'after-event', eventId: baseline }, 'deploy');
    if (end.type !== 'succeeded') return end;
  } finally {
    if (relax && relax.relaxed.length > 0) {
      await relax.restore();
      io.emit({ type: 'policy-restored' });
    }
  }
  return { type: 'applied', stack: await cfn.describeStack(changeSet.stackId), changed: true };
}

type ExecuteStart =
  | { readonly type: 'started' }
  /** Refused as the stack is now: another operation probably started meanwhile. */
  | { readonly type: 'conflict'; readonly error: ErrorInfo }
  | { readonly type: 'failed'; readonly failure: ExecuteFailure };

/**
 * ExecuteChangeSet exactly once. After an ambiguous failure (network, 5xx) the change set is read
 * back: executing or executed means it was accepted; still AVAILABLE means it was not, and it is
 * sent once more with the same client token.
 */
async function executeOnce(c: Connection, io: OperationIo, id: string): Promise<ExecuteStart> {
  const { cfn } = c.session.port;
  const token = clientToken('execute', id);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await cfn.executeChangeSet(id, token);
      return { type: 'started' };
    } catch (error) {
      if (error instanceof AwsError && (error.kind === 'conflict' || error.kind === 'validation')) return { type: 'conflict', error: errorInfo(error) };
      if (!(error instanceof AwsError) || (error.kind !== 'transient' && error.kind !== 'unsupported')) throw error;
      const page = await cfn.describeChangeSet(id, { includePropertyValues: false });
      if (page && page.executionStatus !== 'AVAILABLE') {
        io.emit({ type: 'execute-answer-lost', code: error.code, executionStatus: page.executionStatus });
        return { type: 'started' };
      }
      if (!page) return { type: 'failed', failure: { kind: 'change-set-gone', error: errorInfo(error) } };
      io.emit({ type: 'execute-retry', code: error.code });
    }
  }
  return { type: 'failed', failure: { kind: 'failed-twice' } };
}
