/**
 * `tap deploy` and `tap diff`: one flow, from the stack's state to executing exactly the change
 * set that was reviewed.
 *
 *   state ─ attach to a running operation / replace a failed create / stop on a stuck stack
 *   skip  ─ identical root template, parameters and tags: no CloudFormation call at all
 *   upload ─ content-addressed, HeadObject first
 *   change set ─ CREATE or UPDATE, nested; "no changes" is success
 *   review ─ tree + findings, saved as .tap/<env>/review.json (+ review.md)     (diff stops here)
 *   guardrails ─ prod data-loss refusal unless --allow-replace
 *   approval ─ prompt / --yes / left for review
 *   execute ─ policies relaxed for allowed resources only, progress, restore, protections, outputs
 */
import path from 'node:path';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { table } from '../cli/terminal';
import { PROJECT } from '../catalog/platform';
import { AwsError, type StackDescription } from '../aws/port';
import { CAPABILITIES, changeSetIdentity, createChangeSet, discardChangeSet } from './changeset';
import { clientToken } from './client-token';
import { commandLine, type AwsCommand } from './context';
import { collectOutputs, type OutputsDocument } from './outputs';
import { explainLastOperation, followOperation } from './progress/follow';
import { sha256, uploadObjects, type PackagedObject, type PackagedStack } from './package/package';
import { latestEventId } from './progress/watch';
import { ensureProtections, judgeDataLoss, protectionPlan, relaxPolicies } from './protection';
import { assembleReview } from './review/assemble';
import { artifactMarkdown, buildArtifact, parametersHash, readArtifact, staleness, tagsHash } from './review/artifact';
import { collectReview } from './review/collect';
import type { Review } from './review/model';
import { renderReview, summaryLine } from './review/render';
import { decideSkip } from './skip';
import { decideStackAction } from './stack-status';
import { displayPath, writeStateFile } from './state-dir';

/** What is deployed: the platform (nested, uploaded) or the bootstrap stack (one inline template). */
export interface DeployTarget {
  /** The make target, for messages (`deploy`, `bootstrap`). */
  readonly command: 'deploy' | 'bootstrap';
  readonly stackName: string;
  /** Root first. */
  readonly stacks: readonly PackagedStack[];
  /** `url`: upload `objects` and pass the root's URL; `body`: pass the root template inline. */
  readonly template: 'url' | 'body';
  readonly objects: readonly PackagedObject[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Save the review artifact (the platform's); the bootstrap stack has no --review flow. */
  readonly saveReview: boolean;
  /** Delete a stack left by a failed first create without being asked (the bootstrap stack is empty). */
  readonly autoReplaceFailedCreate: boolean;
  /** After a successful (or skipped) deploy: protections, outputs. */
  onSuccess(c: AwsCommand, stack: StackDescription): Promise<ExitCode>;
}

export function platformTarget(c: AwsCommand): DeployTarget {
  return {
    command: 'deploy',
    stackName: c.env.deployment.stackName,
    stacks: c.packaged.stacks,
    template: 'url',
    objects: c.packaged.objects,
    parameters: c.env.stackParameters,
    tags: stackTags(c),
    saveReview: true,
    autoReplaceFailedCreate: false,
    onSuccess: finishSuccess,
  };
}

export interface DeployOptions {
  readonly mode: 'deploy' | 'diff';
  readonly yes: boolean;
  readonly force: boolean;
  readonly reviewFile?: string;
  readonly allowReplace: readonly string[];
  readonly replaceFailedStack: boolean;
}

export const REVIEW_FILE = 'review.json';
export const REVIEW_MARKDOWN = 'review.md';
export const OUTPUTS_FILE = 'outputs.json';

/** The stack-level tags: the params file's, plus project and environment. */
export function stackTags(c: Pick<AwsCommand, 'env'>): Record<string, string> {
  return { ...c.env.tags, project: PROJECT, environment: c.env.name };
}

/* ---------------------------------------------------------------------------------------------- */
/* Entry                                                                                           */
/* ---------------------------------------------------------------------------------------------- */

export async function runDeploy(c: AwsCommand, options: DeployOptions, target: DeployTarget = platformTarget(c)): Promise<ExitCode> {
  if (options.reviewFile) return executeReviewed(c, options, options.reviewFile, target);
  const { cfn } = c.session.port;
  const { stackName } = target;

  let stack = await cfn.describeStack(stackName);
  for (let round = 0; round < 3; round += 1) {
    const action = decideStackAction(stack);
    if (action.type === 'attach') {
      if (options.mode === 'diff') {
        c.say.fail('error', `${stackName} is ${action.stack.status}: another operation is running. Diff after it finishes (${commandLine('deploy', c.env.name).make} follows it).`);
        return EXIT.precondition;
      }
      c.say.line(`${stackName} is ${action.stack.status}: another deployment is running. Following it instead of starting a second one.`);
      const report = await followOperation(c, action.stack, { kind: 'running-operation' }, 'attach');
      if (report.code !== EXIT.ok) return report.code;
      c.say.line('That deployment has finished; checking whether these templates still need deploying.');
      stack = await cfn.describeStack(stackName);
      continue;
    }
    if (action.type === 'replace-failed-create') {
      if (!(options.replaceFailedStack || target.autoReplaceFailedCreate) || options.mode === 'diff') return stuckFailedCreate(c, action.stack);
      c.say.line(`${stackName} is ${action.stack.status} after a failed first create: deleting it before creating it again${target.autoReplaceFailedCreate ? '' : ' (--replace-failed-stack)'}.`);
      const baseline = await latestEventId(cfn, action.stack.stackId);
      await cfn.deleteStack(action.stack.stackId, clientToken('replace', action.stack.stackId));
      const report = await followOperation(c, action.stack, { kind: 'after-event', eventId: baseline }, 'delete');
      if (report.code !== EXIT.ok) return report.code;
      stack = undefined;
      continue;
    }
    if (action.type === 'continue-rollback' || action.type === 'stuck') return stuckStack(c, action.stack, action.type);
    break;
  }
  const action = decideStackAction(stack);
  if (action.type !== 'create' && action.type !== 'update') return stuckStack(c, action.stack, 'stuck');

  const root = target.stacks[0];
  const { parameters, tags } = target;

  if (action.type === 'update' && !options.force) {
    const decision = decideSkip(action.stack, await cfn.getTemplate(action.stack.stackId), { template: root.template, parameters, tags });
    if (decision.skip) {
      c.say.ok(`No changes: the deployed templates (all ${target.stacks.length} stack${target.stacks.length === 1 ? '' : 's'}), parameters and tags are identical to these; no change set needed (--force creates one anyway).`);
      if (options.mode === 'deploy') return target.onSuccess(c, action.stack);
      return EXIT.ok;
    }
    c.say.note(`Compared with the deployed stack: ${decision.reason}.`);
  }

  // Upload.
  if (target.template === 'url') {
    const upload = await uploadObjects(c.session.port.s3, target.objects, c.env.deployment.artifactBucket, c.env.deployment.accountId);
    if (upload.type === 'no-bucket') {
      c.say.fail('error', `the artifact bucket ${upload.bucket} does not exist in account ${c.env.deployment.accountId}.`);
      c.say.detail(`Create it once per environment: ${commandLine('bootstrap', c.env.name).make}`);
      return EXIT.precondition;
    }
    if (upload.type === 'foreign-bucket') {
      c.say.fail('error', `the artifact bucket ${upload.bucket} is not owned by account ${c.env.deployment.accountId} (or this role may not read it). Check deployment.artifactBucket in ${c.env.file}.`);
      return EXIT.precondition;
    }
    c.say.line(`Packaged ${target.stacks.length} templates and ${target.objects.length - target.stacks.length} assets: ${upload.uploaded.length} uploaded, ${upload.present.length} already in s3://${c.env.deployment.artifactBucket}`);
  }

  // Change set.
  const identity = changeSetIdentity(c.env.name, sha256(root.sha256 + parametersHash(parameters, root.template) + tagsHash(tags)), c.runtime.clock.now());
  c.say.line(`Creating change set ${identity.name} (${action.type === 'create' ? 'CREATE' : 'UPDATE'}${target.stacks.length > 1 ? ', nested stacks included' : ''})…`);
  const result = await createChangeSet(cfn, {
    stackName,
    changeSetName: identity.name,
    changeSetType: action.type === 'create' ? 'CREATE' : 'UPDATE',
    template: target.template === 'url' ? { url: root.url } : { body: root.body },
    parameters,
    tags,
    capabilities: CAPABILITIES,
    includeNestedStacks: true,
    clientToken: identity.clientToken,
    description: `tap ${c.runtime.toolkitVersion}: ${c.env.name}, root template ${root.sha256.slice(0, 12)}`,
  }, { clock: c.runtime.clock });

  const cleanupToken = clientToken('discard', identity.name);
  switch (result.type) {
    case 'rejected': {
      c.say.fail('error', `CloudFormation rejected the change set: ${result.reason}`);
      if (action.type === 'create') await discardChangeSet(cfn, '', stackName, cleanupToken);
      return EXIT.checkFailed;
    }
    case 'failed': {
      c.say.fail('error', `CloudFormation could not create the change set: ${result.reason}`);
      for (const cause of result.causes) c.say.detail(`caused by ${cause}`);
      const discarded = await discardChangeSet(cfn, result.id, action.type === 'create' ? stackName : undefined, cleanupToken);
      c.say.detail(`The failed change set was deleted${discarded.emptyStackDeleted ? ', and so was the empty stack it had created' : ''}. Nothing else was changed.`);
      return EXIT.checkFailed;
    }
    case 'no-changes': {
      await discardChangeSet(cfn, result.id, undefined, cleanupToken);
      c.say.ok(`No changes: CloudFormation found nothing to do (${result.reason.trim()}). The empty change set was deleted.`);
      if (options.mode === 'deploy' && action.type === 'update') return target.onSuccess(c, action.stack);
      return EXIT.ok;
    }
    case 'ready':
      break;
  }

  // Review.
  const review = await reviewChangeSet(c, target, result.id, result.changeSetType, action.type === 'update' ? action.stack : undefined);
  c.say.line();
  c.say.line(renderReview(review, c.style));
  if (target.saveReview) {
    const reviewed = await cfn.describeStack(result.stackId || stackName);
    if (reviewed) saveReview(c, target, review, reviewed);
    c.say.line();
    c.say.note(`Review saved to ${displayPath(c.env.name, REVIEW_FILE)} and ${displayPath(c.env.name, REVIEW_MARKDOWN)}.`);
  }

  if (options.mode === 'diff') {
    const later = commandLine('deploy', c.env.name);
    c.say.line(`The change set is left for review. To execute exactly this change set: make deploy ENV=${c.env.name} REVIEW=${displayPath(c.env.name, REVIEW_FILE)}`);
    c.say.note(`(${later.tap} --review ${displayPath(c.env.name, REVIEW_FILE)}; it refuses if anything changed since this review)`);
    return EXIT.ok;
  }
  return approveAndExecute(c, target, review, { id: result.id, stackId: result.stackId, createdStack: action.type === 'create', fromReviewFile: false, cleanupToken }, options);
}

/* ---------------------------------------------------------------------------------------------- */
/* Review                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

async function reviewChangeSet(c: AwsCommand, target: DeployTarget, changeSetId: string, changeSetType: 'CREATE' | 'UPDATE', existing: StackDescription | undefined): Promise<Review> {
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

function saveReview(c: AwsCommand, target: DeployTarget, review: Review, stack: StackDescription): void {
  const artifact = buildArtifact({
    review,
    toolkitVersion: c.runtime.toolkitVersion,
    createdAt: new Date(c.runtime.clock.now()),
    accountId: c.env.deployment.accountId,
    region: c.env.deployment.region,
    stack,
    packaged: target.stacks,
    parameters: target.parameters,
    tags: target.tags,
  });
  writeStateFile(c.root, c.env.name, REVIEW_FILE, `${c.masker.text(JSON.stringify(artifact, null, 2))}\n`);
  writeStateFile(c.root, c.env.name, REVIEW_MARKDOWN, c.masker.text(artifactMarkdown(artifact)));
}

/* ---------------------------------------------------------------------------------------------- */
/* deploy --review <file>                                                                          */
/* ---------------------------------------------------------------------------------------------- */

async function executeReviewed(c: AwsCommand, options: DeployOptions, file: string, target: DeployTarget): Promise<ExitCode> {
  const { cfn } = c.session.port;
  const artifact = readArtifact(path.resolve(c.root, file), file);
  const stack = await cfn.describeStack(artifact.stackId || target.stackName);
  const changeSet = await cfn.describeChangeSet(artifact.changeSet.id, { includePropertyValues: false });
  const root = target.stacks[0];
  const reasons = [
    ...(artifact.accountId !== c.env.deployment.accountId || artifact.region !== c.env.deployment.region
      ? [`the review is for account ${artifact.accountId} in ${artifact.region}, not ${c.env.deployment.accountId} in ${c.env.deployment.region}`]
      : []),
    ...staleness(artifact, {
      environment: c.env.name,
      stackName: target.stackName,
      packaged: target.stacks,
      parametersSha256: parametersHash(target.parameters, root.template),
      tagsSha256: tagsHash(target.tags),
      stack: stack && stack.status !== 'DELETE_COMPLETE' ? stack : undefined,
      changeSet: changeSet ? { status: changeSet.status, executionStatus: changeSet.executionStatus } : undefined,
    }),
  ];
  if (reasons.length > 0) {
    c.say.fail('stale review', `${file} no longer describes what would be executed; nothing was executed:`);
    for (const reason of reasons) c.say.detail(`- ${reason}`);
    c.say.detail(`Create and review a new change set: ${commandLine('diff', c.env.name).make}`);
    return EXIT.staleReview;
  }
  c.say.line(`Executing the change set reviewed at ${artifact.createdAt}: ${artifact.changeSet.name}.`);
  // Guardrails are re-derived from the change set itself, not from the file.
  const review = await reviewChangeSet(c, target, artifact.changeSet.id, artifact.changeSet.type, artifact.changeSet.type === 'UPDATE' ? stack : undefined);
  c.say.line(`  ${summaryLine(review)}`);
  if (review.findings.dataLoss.length > 0 || options.yes === false) {
    c.say.line();
    c.say.line(renderReview(review, c.style));
  }
  return approveAndExecute(c, target, review, {
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

export type ApprovalMode = 'approved' | 'prompt' | 'leave';

/** Pure: --yes approves; a terminal asks; naming a reviewed file is itself the approval; else leave. */
export function approvalMode(input: { yes: boolean; interactive: boolean; fromReviewFile: boolean }): ApprovalMode {
  if (input.yes) return 'approved';
  if (input.interactive) return 'prompt';
  if (input.fromReviewFile) return 'approved';
  return 'leave';
}

interface ChangeSetRef {
  readonly id: string;
  readonly stackId: string;
  readonly createdStack: boolean;
  readonly fromReviewFile: boolean;
  readonly cleanupToken: string;
}

async function approveAndExecute(c: AwsCommand, target: DeployTarget, review: Review, changeSet: ChangeSetRef, options: DeployOptions): Promise<ExitCode> {
  const { cfn } = c.session.port;
  const plan = protectionPlan(c.env.stackParameters);
  const verdict = judgeDataLoss(review.findings.dataLoss, options.allowReplace, plan);
  for (const unused of verdict.unused) c.say.warn(`--allow-replace ${unused} matches no data-loss finding of this change set; ignored.`);
  if (verdict.refused.length > 0) {
    c.say.fail('refused', `${c.env.name} keeps its data (DataProtection=retain): this change set would delete or replace ${verdict.refused.length} stateful resource${verdict.refused.length === 1 ? '' : 's'}:`);
    for (const f of verdict.refused) c.say.detail(`${f.address}  ${f.resourceType} ${f.what} (${f.why})`);
    const allow = verdict.refused.map((f) => `--allow-replace ${f.address}`).join(' ');
    if (changeSet.fromReviewFile) {
      c.say.detail(`If that is intended, execute it naming each one: tap deploy --env ${c.env.name} --review ${options.reviewFile ?? displayPath(c.env.name, REVIEW_FILE)} ${allow}`);
    } else {
      await discardChangeSet(cfn, changeSet.id, changeSet.createdStack ? target.stackName : undefined, changeSet.cleanupToken);
      c.say.detail('The change set was deleted; nothing was executed.');
      c.say.detail(`If that is intended, deploy naming each one: ${commandLine(target.command, c.env.name, allow).make}`);
    }
    return EXIT.refused;
  }

  const mode = approvalMode({ yes: options.yes, interactive: c.terminal.interactive, fromReviewFile: changeSet.fromReviewFile });
  if (mode === 'leave' && !target.saveReview) {
    c.say.line();
    c.say.line(c.style('yellow', `Left for review: change set ${review.changeSetName} was NOT executed (no terminal to ask, and no --yes).`));
    c.say.line(`  After reviewing it above, run: ${commandLine(target.command, c.env.name, '--yes').make}`);
    return EXIT.leftForReview;
  }
  if (mode === 'leave') {
    const reviewPath = displayPath(c.env.name, REVIEW_FILE);
    c.say.line();
    c.say.line(c.style('yellow', `Left for review: change set ${review.changeSetName} was NOT executed (no terminal to ask, and no --yes).`));
    c.say.line(`  Review it in ${displayPath(c.env.name, REVIEW_MARKDOWN)} or the CloudFormation console, then execute exactly this change set:`);
    c.say.line(`    make deploy ENV=${c.env.name} REVIEW=${reviewPath}`);
    c.say.line(`    tap deploy --env ${c.env.name} --review ${reviewPath}`);
    c.say.line('  It is refused if the templates, parameters, tags or the stack change in the meantime.');
    return EXIT.leftForReview;
  }
  if (mode === 'prompt') {
    const risky = review.findings.dataLoss.length > 0 ? c.style('red', ` It deletes or replaces ${review.findings.dataLoss.length} stateful resource(s).`) : '';
    const answer = await c.terminal.prompt(`Execute change set ${review.changeSetName} on ${target.stackName} (${c.env.name})?${risky} Type "yes" to execute: `);
    if ((answer ?? '').trim().toLowerCase() !== 'yes') {
      const discarded = await discardChangeSet(cfn, changeSet.id, changeSet.createdStack ? target.stackName : undefined, changeSet.cleanupToken);
      c.say.line(`Declined: the change set was deleted${discarded.emptyStackDeleted ? ', and so was the empty stack it had created' : ''}. Nothing was executed.`);
      return EXIT.declined;
    }
  }

  // Execute.
  const relax = verdict.allowed.length > 0 && !changeSet.createdStack ? await relaxPolicies(cfn, changeSet.stackId, verdict.allowed) : undefined;
  if (relax && relax.relaxed.length > 0) c.say.note(`Stack policy relaxed for ${verdict.allowed.map((f) => f.address).join(', ')} (--allow-replace) in: ${relax.relaxed.map((p) => p || 'root').join(', ')}`);
  try {
    const baseline = await latestEventId(cfn, changeSet.stackId);
    const started = await executeOnce(c, changeSet.id);
    if (started !== 'started') {
      c.say.fail('error', `the change set could not be executed: ${started.reason}`);
      if (started.conflict) c.say.detail(`Another operation may have started on ${target.stackName} meanwhile; ${commandLine('deploy', c.env.name).make} follows it.`);
      return started.conflict ? EXIT.precondition : EXIT.internal;
    }
    c.say.line(`Executing ${review.changeSetName}…`);
    const report = await followOperation(c, { stackId: changeSet.stackId, stackName: target.stackName }, { kind: 'after-event', eventId: baseline }, 'deploy');
    if (report.code !== EXIT.ok) return report.code;
  } finally {
    if (relax && relax.relaxed.length > 0) {
      await relax.restore();
      c.say.note('Stack policy restored.');
    }
  }
  const deployed = await cfn.describeStack(changeSet.stackId);
  return deployed ? target.onSuccess(c, deployed) : EXIT.ok;
}

/**
 * ExecuteChangeSet exactly once. After an ambiguous failure (network, 5xx) the change set is read
 * back: executing or executed means it was accepted; still AVAILABLE means it was not, and it is
 * sent once more with the same client token.
 */
async function executeOnce(c: AwsCommand, id: string): Promise<'started' | { reason: string; conflict?: boolean }> {
  const { cfn } = c.session.port;
  const token = clientToken('execute', id);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await cfn.executeChangeSet(id, token);
      return 'started';
    } catch (error) {
      if (error instanceof AwsError && (error.kind === 'conflict' || error.kind === 'validation')) return { reason: `${error.code}: ${error.message}`, conflict: true };
      if (!(error instanceof AwsError) || (error.kind !== 'transient' && error.kind !== 'unsupported')) throw error;
      const page = await cfn.describeChangeSet(id, { includePropertyValues: false });
      if (page && page.executionStatus !== 'AVAILABLE') {
        c.say.note(`ExecuteChangeSet's answer was lost (${error.code}), but the change set is ${page.executionStatus}: it was accepted; following it.`);
        return 'started';
      }
      if (!page) return { reason: `${error.code}: ${error.message} (and the change set is gone)` };
      c.say.note(`ExecuteChangeSet failed (${error.code}); the change set is still AVAILABLE, so it was not executed: trying once more.`);
    }
  }
  return { reason: 'ExecuteChangeSet failed twice; the change set is still AVAILABLE and nothing was executed' };
}

/* ---------------------------------------------------------------------------------------------- */
/* After success                                                                                   */
/* ---------------------------------------------------------------------------------------------- */

/** prod: termination protection on the root and the stack policy on every stack of the tree. */
export async function applyProtections(c: AwsCommand, stack: StackDescription): Promise<void> {
  if (!protectionPlan(c.env.stackParameters).retain) return;
  const report = await ensureProtections(c.session.port.cfn, stack.stackId, stack.terminationProtection);
  const changed = [
    report.terminationProtectionEnabled ? 'termination protection enabled on the root' : 'termination protection on',
    report.policiesSet.length > 0 ? `stack policy set on ${report.policiesSet.map((p) => p || 'root').join(', ')}` : `stack policies in place on all ${report.stacks} stacks`,
  ];
  c.say.note(`Data protection (DataProtection=retain): ${changed.join('; ')}.`);
}

async function finishSuccess(c: AwsCommand, stack: StackDescription): Promise<ExitCode> {
  const { cfn } = c.session.port;
  await applyProtections(c, stack);
  const outputs = await collectOutputs(cfn, stack, c.env.name, c.runtime.serviceNames, c.masker, new Date(c.runtime.clock.now()));
  printOutputs(c, outputs);
  writeStateFile(c.root, c.env.name, OUTPUTS_FILE, `${JSON.stringify(outputs, null, 2)}\n`);
  c.say.note(`Outputs written to ${displayPath(c.env.name, OUTPUTS_FILE)}. ${callSummary(c)}`);
  return EXIT.ok;
}

export function callSummary(c: AwsCommand): string {
  let total = 0;
  for (const count of c.session.apiCalls().values()) total += count;
  return `${total} AWS API calls.`;
}

export function printOutputs(c: AwsCommand, outputs: OutputsDocument): void {
  const rows = Object.entries(outputs.root).map(([key, o]) => [key, o.value]);
  c.say.line();
  if (rows.length > 0) {
    c.say.line(c.style('bold', `Outputs of ${outputs.stackName}`));
    c.say.line(table(['output', 'value'], rows));
  } else {
    c.say.line(c.style('bold', `${outputs.stackName} has no root outputs`));
  }
  const services = Object.entries(outputs.services);
  if (services.length > 0) {
    const keys = [...new Set(services.flatMap(([, values]) => Object.keys(values)))].sort();
    c.say.line();
    c.say.line(c.style('bold', 'Per service'));
    c.say.line(table(['service', ...keys], services.map(([name, values]) => [name, ...keys.map((k) => values[k] ?? '')])));
  }
  const nested = Object.entries(outputs.stacks).filter(([, values]) => Object.keys(values).length > 0);
  if (nested.length > 0) c.say.note(`Nested stacks' outputs (${nested.map(([p]) => p).join(', ')}) are in ${displayPath(outputs.environment, OUTPUTS_FILE)}.`);
}

/* ---------------------------------------------------------------------------------------------- */
/* Stuck stacks                                                                                    */
/* ---------------------------------------------------------------------------------------------- */

async function stuckFailedCreate(c: AwsCommand, stack: StackDescription): Promise<ExitCode> {
  const replace = commandLine('deploy', c.env.name, '--replace-failed-stack');
  c.say.fail('error', `${stack.stackName} is ${stack.status}: its first create failed${stack.statusReason ? ` (${stack.statusReason})` : ''}, and CloudFormation cannot update a stack that was never created.`);
  await explainLastOperation(c, stack);
  c.say.detail('It must be deleted before the next create. Either:');
  c.say.detail(`  ${replace.make}   (deletes it, then creates; ${replace.tap})`);
  c.say.detail(`  ${commandLine('destroy', c.env.name).make}, then ${commandLine('deploy', c.env.name).make}`);
  return EXIT.precondition;
}

async function stuckStack(c: AwsCommand, stack: StackDescription, type: 'continue-rollback' | 'stuck'): Promise<ExitCode> {
  c.say.fail('error', `${stack.stackName} is ${stack.status}${stack.statusReason ? ` (${stack.statusReason})` : ''}; it takes no change set in this state.`);
  if (type === 'continue-rollback') {
    await explainLastOperation(c, stack);
    const cont = commandLine('continue-rollback', c.env.name);
    c.say.detail(`Finish the rollback first: ${cont.make} (${cont.tap}); it names the resources that failed to roll back and how to skip them.`);
  } else {
    c.say.detail('Resolve it in the CloudFormation console, then deploy again.');
  }
  return EXIT.precondition;
}

