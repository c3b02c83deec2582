/**
 * How an operation ended, in words, with the next step to copy (`make …` and `tap …`), and the
 * state files that go with it (outputs.json, drift.json). The exit code is not decided here: it
 * comes from the one table in src/cli/exit-codes.ts.
 */
import path from 'node:path';
import { formatDuration } from '../../core/clock';
import type { GuardFailure } from '../../operations/guard';
import type { SecretMasker } from '../../operations/mask';
import type { Outcome, PreconditionReason } from '../../operations/operation';
import type { OutputsDocument } from '../../operations/outputs';
import type { DriftReport } from '../../operations/drift';
import type { StaleReason } from '../../operations/review/artifact';
import type { ReleaseDifference } from '../../operations/release-scope';
import { commandLine, executeReviewLine, promoteLine, rerunLine } from '../hints';
import { displayPath, DRIFT_FILE, OUTPUTS_FILE, REVIEW_FILE, reviewFileOf, writeStateFile } from '../state-dir';
import type { ApprovalRequirement } from '../../operations/approval';
import { isInProgress } from '../../operations/stack-status';
import { awsText } from './aws-errors';
import { renderRunFailure } from './run-failures';
import { table, writeLine, type Output, type Styler } from '../terminal';
import { continueRollbackWhat, printInputProblems, type Say } from '../ui';
import { renderFailure, renderLastOperation } from './failure';
import { printOutputs } from './outputs';
import { shorten } from './review';
import { renderVerifyReport } from './verify';
import { promotionDifferenceText } from './events';
import type { ArtifactProblem } from '../../operations/promote-artifacts';

/** The commands that run operations (their names are the make targets). */
export type OperationCommand = 'deploy' | 'diff' | 'release' | 'promote' | 'bootstrap' | 'destroy' | 'drift' | 'outputs' | 'continue-rollback' | 'verify';

/** The push that puts a missing image where ECS will pull it from. */
const pushLine = (registryId: string, region: string, repository: string, tag: string): string =>
  `Push it first: docker push ${registryId}.dkr.ecr.${region}.amazonaws.com/${repository}:${tag}`;

export interface OutcomeContext {
  readonly command: OperationCommand;
  readonly environment: string;
  readonly say: Say;
  readonly style: Styler;
  readonly output: Output;
  readonly root: string;
  readonly masker: SecretMasker;
  /** AWS requests sent so far (retries count). */
  readonly apiCalls: () => number;
  /** `deploy --review <file>` as typed. */
  readonly reviewFile?: string;
  /** `outputs --json`. */
  readonly json: boolean;
  /** promote (D-18): the environment promoted from (`environment` is the one promoted into). */
  readonly promotionFrom?: string;
}

/** Where the SDK looks for credentials (its standard chain), named when none are found. */
const CREDENTIAL_CHAIN =
  'environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), AWS_PROFILE or the default profile ' +
  'in ~/.aws/credentials and ~/.aws/config (including SSO and assumed roles), web identity (AWS_WEB_IDENTITY_TOKEN_FILE), ' +
  'and container or instance metadata';

const logContext = (ctx: OutcomeContext) => ({ root: ctx.root, environment: ctx.environment, masker: ctx.masker, command: ctx.command });

/** Why --yes did not approve a change set (--require-approval). */
export function approvalReason(requirement: ApprovalRequirement): string {
  if (requirement.level === 'any-change') return '--require-approval any-change wants a person for every change set, and there is no terminal to ask';
  const what = requirement.securityUnknown
    ? `its security-relevant changes are not known${requirement.broadening > 0 ? `, and ${requirement.broadening} it shows broaden access` : ''}`
    : `${requirement.broadening} security change${requirement.broadening === 1 ? '' : 's'} broaden${requirement.broadening === 1 ? 's' : ''} access`;
  return `--require-approval broadening wants a person: ${what}; there is no terminal to ask`;
}

export function guardMessage(failure: GuardFailure): string {
  switch (failure.reason) {
    case 'region-mismatch':
      return `${failure.file} deploys to ${failure.expected}, but ${failure.configured.source} says ${failure.configured.region}. ` +
        `Unset it or set it to ${failure.expected}; the toolkit never deploys to a region other than the params file's.`;
    case 'no-credentials': {
      const found = failure.unusable ? `no usable AWS credentials${failure.error ? ` (${failure.error.code}: ${failure.error.message})` : ''}` : 'no AWS credentials found';
      return `${found}. Searched the standard chain: ${CREDENTIAL_CHAIN}.`;
    }
    case 'account-mismatch':
      return `${failure.file} deploys to account ${failure.expected}, but the credentials are for account ${failure.identity.account} (${failure.identity.arn}). ` +
        `Switch to credentials for ${failure.expected} (e.g. AWS_PROFILE) and retry.`;
    case 'sts-failed':
      return `could not confirm the caller's account with STS GetCallerIdentity: ${failure.error.code}: ${failure.error.message}`;
  }
}

export function staleReasonText(reason: StaleReason): string {
  switch (reason.kind) {
    case 'other-account':
      return `the review is for account ${reason.reviewed.accountId} in ${reason.reviewed.region}, not ${reason.now.accountId} in ${reason.now.region}`;
    case 'other-stack':
      return `the review is for ${reason.reviewed.stackName} (${reason.reviewed.environment}), not ${reason.now.stackName} (${reason.now.environment})`;
    case 'template': {
      const what = { new: 'is new since the review', changed: 'changed since the review', removed: 'is no longer rendered' }[reason.change];
      return `templates/${reason.file} (${reason.path || 'root'}) ${what}`;
    }
    case 'parameters':
      return 'the parameters in the params file changed since the review';
    case 'tags':
      return 'the tags in the params file changed since the review';
    case 'stack-gone':
      return `stack ${reason.stackName} no longer exists`;
    case 'stack-recreated':
      return `stack ${reason.stackName} was deleted and re-created since the review`;
    case 'stack-changed':
      return `stack ${reason.stackName} changed since the review (${reason.reviewed.status} at ${reason.reviewed.lastUpdatedTime ?? 'creation'} → ${reason.now.status} at ${reason.now.lastUpdatedTime ?? 'creation'})`;
    case 'change-set-gone':
      return `change set ${reason.name} no longer exists`;
    case 'change-set-spent':
      return `change set ${reason.name} cannot be executed any more (${reason.status}, ${reason.executionStatus})`;
  }
}

function renderPrecondition(reason: PreconditionReason, ctx: OutcomeContext): void {
  const { say, environment, command } = ctx;
  const deploy = commandLine('deploy', environment);
  const stuckLine = (stack: { stackName: string; status: string; statusReason?: string }) => `${stack.stackName} is ${stack.status}${stack.statusReason ? ` (${stack.statusReason})` : ''}`;
  switch (reason.kind) {
    case 'guard':
      say.fail('error', guardMessage(reason.failure));
      return say.detail('Nothing was changed in AWS.');
    case 'assume-role-failed':
      say.fail('error', `could not assume the deploy role ${reason.roleArn} (deployment.deployRoleArn in ${reason.file}) as ${reason.caller}: ${reason.error.code}: ${reason.error.message}`);
      say.detail(`The role is created by ${commandLine('bootstrap', environment).make}; the caller's own policy must allow sts:AssumeRole on it (its trust policy admits the account's principals and the GitHub workflows the params file names).`);
      return say.detail('Nothing was changed in AWS.');
    case 'stack-busy':
      if (command === 'destroy') return say.fail('error', `${reason.stackName} is ${reason.status}; destroy it after that operation ends (${deploy.make} follows it).`);
      return say.fail('error', `${reason.stackName} is ${reason.status}: another operation is running. ${command === 'release' ? 'Release' : 'Diff'} after it finishes (${deploy.make} follows it).`);
    case 'failed-create': {
      const { stack } = reason;
      const replace = commandLine('deploy', environment, '--replace-failed-stack');
      say.fail('error', `${stack.stackName} is ${stack.status}: its first create failed${stack.statusReason ? ` (${stack.statusReason})` : ''}, and CloudFormation cannot update a stack that was never created.`);
      renderLastOperation(say, reason.last, stack.stackName);
      say.detail('It must be deleted before the next create. Either:');
      say.detail(`  ${replace.make}   (deletes it, then creates; ${replace.tap})`);
      return say.detail(`  ${commandLine('destroy', environment).make}, then ${deploy.make}`);
    }
    case 'rollback-unfinished': {
      const cont = commandLine('continue-rollback', environment);
      say.fail('error', `${stuckLine(reason.stack)}; it takes no change set in this state.`);
      renderLastOperation(say, reason.last, reason.stack.stackName);
      return say.detail(`Finish the rollback first: ${cont.make} (${cont.tap}); it names the resources that failed to roll back and how to skip them.`);
    }
    case 'stuck':
      say.fail('error', `${stuckLine(reason.stack)}; it takes no change set in this state.`);
      return say.detail('Resolve it in the CloudFormation console, then deploy again.');
    case 'bucket-missing':
      say.fail('error', `the artifact bucket ${reason.bucket} does not exist in account ${reason.accountId}.`);
      return say.detail(`Create it once per environment: ${commandLine('bootstrap', environment).make}`);
    case 'bucket-not-owned':
      return say.fail('error', `the artifact bucket ${reason.bucket} is not owned by account ${reason.accountId} (or this role may not read it). Check deployment.artifactBucket in ${reason.file}.`);
    case 'bucket-unmanaged':
      return say.fail('error', `bucket ${reason.bucket} already exists in account ${reason.accountId} but no ${reason.stackName} stack manages it. Delete or import it, or name another bucket in ${reason.file}.`);
    case 'bucket-in-other-account':
      return say.fail('error', `bucket ${reason.bucket} exists in another account (bucket names are global). Name another bucket in ${reason.file}.`);
    case 'execute-conflict': {
      say.fail('error', `CloudFormation ExecuteChangeSet refused the change set: ${reason.error.code}: ${awsText(logContext(ctx), 'CloudFormation ExecuteChangeSet', reason.error.message)}`);
      // Only what was read back right after the refusal is said.
      if (reason.stackNow && isInProgress(reason.stackNow)) return say.detail(`Another operation is running on ${reason.stackName} (${reason.stackNow}); nothing of this change set was executed. ${deploy.make} follows it.`);
      if (reason.changeSetNow === 'gone') return say.detail(`The change set no longer exists (deleted, or removed by CloudFormation when another change set was executed); nothing was executed. Create a new one: ${deploy.make}`);
      if (reason.changeSetNow && reason.changeSetNow.executionStatus !== 'AVAILABLE') {
        return say.detail(`The change set is ${reason.changeSetNow.status}, ${reason.changeSetNow.executionStatus}: it cannot be executed; nothing was executed. Create a new one: ${deploy.make}`);
      }
      return say.detail(reason.changeSetNow ? 'Nothing was executed; the change set is still AVAILABLE.' : 'Nothing was executed.');
    }
    case 'locked': {
      const { holder } = reason;
      if (!holder) return say.fail('error', `${path.relative(ctx.root, reason.file)} exists but is not a lock tap can read. If no tap command is running on ${environment}, remove it and run this again.`);
      const who = `\`${holder.command}\` (pid ${holder.pid} on ${holder.host}${holder.user ? `, user ${holder.user}` : ''}, since ${holder.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`;
      say.fail('error', `another tap command holds ${environment}: ${who}.`);
      if (reason.sameHost) return say.detail(`It is still running on this machine: wait for it to finish (or stop it: kill -INT ${holder.pid}), then run this again.`);
      return say.detail(`It runs on ${holder.host}, so whether it still runs cannot be checked from here: wait for it, or, if it is not running, remove ${path.relative(ctx.root, reason.file)} and run this again.`);
    }
    case 'change-set-in-progress': {
      const { changeSet } = reason;
      say.fail('error', `CloudFormation is computing change set ${changeSet.name} on ${reason.stackName} (created ${changeSet.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}${changeSet.description ? `: ${changeSet.description}` : ''}): another deploy or diff of ${environment} is running, on this machine or another.`);
      return say.detail(`Nothing was changed. Wait for that run (it reviews its change set, and may execute it), then run this again.`);
    }
    case 'not-deployed':
      if (command === 'drift' || command === 'verify') return say.fail('error', `${reason.stackName} is not deployed; nothing to check. Deploy it: ${deploy.make}`);
      if (command === 'release') return say.fail('error', `${reason.stackName} is not deployed; a release changes a deployed environment. Deploy it first: ${deploy.make}`);
      return say.fail('error', `${reason.stackName} is not deployed${reason.awaitingReview ? ' (only a change set awaits review)' : ''}; nothing to show. Deploy it: ${deploy.make}`);
    case 'no-failed-rollback':
      return say.fail('error', `${reason.stackName} is ${reason.status ?? 'not deployed'}; there is no failed rollback to continue.`);
    case 'drift-unsupported':
      return say.fail('error', `this endpoint does not implement drift detection (${reason.error.code}: ${reason.error.message})`);
    case 'image-missing': {
      const where = `account ${reason.registryId}, ${reason.region}`;
      if (!reason.repositoryExists) {
        say.fail('error', `there is no repository ${reason.repository} in ${where}: the registry stack creates it. Deploy the environment first: ${deploy.make}`);
        return say.detail('Nothing was changed in AWS.');
      }
      say.fail('error', `${reason.repository} (${where}) has no image tagged ${reason.tag}; ${reason.service} cannot be released with it.`);
      say.detail(pushLine(reason.registryId, reason.region, reason.repository, reason.tag));
      return say.detail('Nothing was changed in AWS: no change set was created.');
    }
    case 'images-missing': {
      const where = `account ${reason.registryId}, ${reason.region}`;
      for (const image of reason.missing) {
        say.fail('error', image.running
          ? `${image.repository} (${where}) no longer holds ${image.tag}, the image ${image.service} runs (the repository keeps its last images only): no new task of it can start, in this deploy or when ECS replaces or adds tasks. Push it again, or release another tag.`
          : image.repositoryExists
          ? `${image.repository} (${where}) has no image tagged ${image.tag}: ${image.service} would fail to start with it (imageTags.${image.service} in params/${environment}.json).`
          : `there is no repository ${image.repository} in ${where} yet: deploy with imageTags.${image.service} "" first (the registry stack creates it), then push and release ${image.service}.`);
      }
      const pushes = reason.missing.filter((image) => image.repositoryExists);
      for (const image of pushes) say.detail(pushLine(reason.registryId, reason.region, image.repository, image.tag));
      return say.detail('Nothing was changed in AWS: no change set was created.');
    }
    case 'promotion-artifacts':
      return renderArtifactProblem(reason.environment, reason.problem, ctx);
    case 'promotion-parameters':
      say.fail('error', `${reason.file}: /parameters: lacks ${reason.missing.join(', ')}, which the templates ${reason.from} runs declare without a default; add ${reason.missing.length === 1 ? 'it' : 'them'}, then promote again.`);
      return say.detail('Nothing was changed in AWS: no change set was created.');
    case 'release-drift': {
      say.fail('error', `${reason.stackName} does not run what templates/ and the params file say, apart from ${reason.service}'s image tag:`);
      for (const difference of reason.differences) say.detail(`- ${releaseDifferenceText(difference)}`);
      say.detail(`A release changes one image tag and nothing else. Deploy the rest first (${deploy.make}), or release from the commit that was deployed.`);
      return say.detail('Nothing was changed in AWS: no change set was created.');
    }
  }
}

/** D-18: why an environment's deployed artifacts (or a reviewed promotion's) cannot be promoted as they are. */
function renderArtifactProblem(environment: string, problem: ArtifactProblem, ctx: OutcomeContext): void {
  const { say } = ctx;
  const source = environment !== ctx.environment;
  const object = (p: { bucket: string; key: string; path: string }) => `s3://${p.bucket}/${p.key} (${p.path || 'root'})`;
  const redeploy = source ? `Deploy ${environment} again so that its bucket holds everything it runs (${commandLine('deploy', environment, '--force').make} uploads what is missing), then promote.` : `Promote again: ${rerunLine(ctx, '--diff').make}`;
  switch (problem.kind) {
    case 'not-deployed':
      say.fail('error', `${environment}'s stack ${problem.stackName} is not deployed: there is nothing to promote. Deploy it first: ${commandLine('deploy', environment).make}`);
      break;
    case 'not-settled':
      say.fail('error', `${problem.stackName} is ${problem.status}: promotion takes what ${environment} runs after a change that succeeded (CREATE_COMPLETE or UPDATE_COMPLETE), and this is not one. Promote after ${commandLine('deploy', environment).make} succeeds.`);
      break;
    case 'artifact-missing':
      say.fail('error', `the ${problem.what === 'code' ? 'code' : 'template'} ${object(problem)} is not in ${environment}'s artifact bucket, so it cannot be promoted.`);
      say.detail(redeploy);
      break;
    case 'artifact-altered':
      say.fail('error', `${object(problem)} does not hash to its key (its bytes hash to ${problem.sha256}): it was changed after tap wrote it, so it is not what was reviewed and deployed. Find out who wrote it; nothing is promoted from it.`);
      break;
    case 'not-packaged-by-tap':
      say.fail('error', `${object(problem)} is not a template as tap packages it: ${problem.reason}. Promotion takes only what tap deployed.`);
      say.detail(redeploy);
      break;
  }
  say.detail('Nothing was changed in AWS.');
}

function releaseDifferenceText(difference: ReleaseDifference): string {
  switch (difference.kind) {
    case 'templates':
      return 'the templates differ from the deployed ones';
    case 'parameters':
      return `parameters differ: ${difference.names.join(', ')}`;
    case 'tags':
      return `stack tags differ: ${difference.keys.join(', ')}`;
  }
}

function writeOutputs(ctx: OutcomeContext, outputs: OutputsDocument): string {
  writeStateFile(ctx.root, ctx.environment, OUTPUTS_FILE, `${JSON.stringify(outputs, null, 2)}\n`);
  return displayPath(ctx.environment, OUTPUTS_FILE);
}

/** After a deploy (or one that found nothing to do): the outputs, saved, and the request count. */
function finishedWithOutputs(ctx: OutcomeContext, outputs: OutputsDocument | undefined): void {
  if (!outputs) return;
  printOutputs(ctx.say, ctx.style, outputs);
  const file = writeOutputs(ctx, outputs);
  ctx.say.note(`Outputs written to ${file}. ${ctx.apiCalls()} AWS API calls.`);
}

function renderDrift(ctx: OutcomeContext, report: DriftReport, stackName: string): void {
  const { say, style } = ctx;
  const masked = (text: string) => ctx.masker.text(text);
  writeStateFile(ctx.root, ctx.environment, DRIFT_FILE, `${masked(JSON.stringify(report, null, 2))}\n`);
  say.line(table(['stack', 'drift', 'detection'], report.stacks.map((s) => [s.path || stackName, s.status, s.detection === 'complete' ? 'complete' : `failed: ${s.reason ?? ''}`])));
  if (report.drifted.length > 0) {
    say.line();
    say.line(style('bold', `Drifted resources (${report.drifted.length})`));
    say.line(table(['stack', 'resource', 'type', 'status', 'differences'], report.drifted.map((d) => [
      d.path || stackName,
      d.drift.logicalId,
      d.drift.resourceType,
      d.expected ? style('dim', `${d.drift.status} (expected)`) : style('red', d.drift.status),
      shorten(d.drift.differences.map((p) => `${p.path}: ${masked(p.expected ?? '∅')} → ${masked(p.actual ?? '∅')}`).join('; ') || '(resource deleted)', 120),
    ])));
    for (const d of report.drifted.filter((x) => x.expected)) say.note(`${d.path}/${d.drift.logicalId}: ${d.expected}`);
  }
  say.note(`Report written to ${displayPath(ctx.environment, DRIFT_FILE)}.`);
}

export function renderOutcome(outcome: Outcome, ctx: OutcomeContext): void {
  const { say, style, environment } = ctx;
  switch (outcome.type) {
    case 'deployed':
      return finishedWithOutputs(ctx, outcome.outputs);
    case 'no-changes':
      return finishedWithOutputs(ctx, outcome.outputs);
    case 'reviewed': {
      const review = displayPath(environment, REVIEW_FILE);
      const execute = executeReviewLine(ctx, review);
      say.line(`The change set is left for review. To execute exactly this change set: ${execute.make}`);
      return say.note(`(${execute.tap}; it refuses if anything changed since this review)`);
    }
    case 'left-for-review': {
      say.line();
      const why = outcome.approvalRequired ? approvalReason(outcome.approvalRequired) : 'no terminal to ask, and no --yes';
      say.line(style('yellow', `Left for review: change set ${outcome.changeSetName} was NOT executed (${why}).`));
      if (!outcome.reviewSaved) return say.line(`  After reviewing it above, run: ${rerunLine(ctx, '--yes').make}`);
      const review = displayPath(environment, reviewFileOf(outcome.changeSetName));
      const execute = executeReviewLine(ctx, review);
      say.line(`  Review it in ${displayPath(environment, reviewFileOf(outcome.changeSetName, 'md'))} or the CloudFormation console, then execute exactly this change set:`);
      say.line(`    ${execute.make}`);
      say.line(`    ${execute.tap}`);
      return say.line('  It is refused if the templates, parameters, tags or the stack change in the meantime.');
    }
    case 'declined':
      switch (outcome.what.kind) {
        case 'change-set':
          if (!outcome.what.changeSetDeleted) return say.line('Declined. Nothing was executed, but the change set could not be deleted: it stays on the stack until you delete it (console, or aws cloudformation delete-change-set).');
          return say.line(`Declined: the change set was deleted${outcome.what.emptyStackDeleted ? ', and so was the empty stack it had created' : ''}. Nothing was executed.`);
        case 'continue-rollback':
          return say.line('Declined; nothing was started.');
        case 'destroy':
          return say.line('Not confirmed; nothing was deleted.');
      }
      return;
    case 'refused': {
      const { reason } = outcome;
      if (reason.kind === 'retain') {
        say.fail('refused', `${reason.environment} keeps its data (DataProtection=retain): destroy is refused.`);
        return say.detail('If the environment really must go, add --force: termination protection and the load balancer\'s deletion protection are turned off, the stacks are deleted, and repositories, secrets, log groups, keys and buckets are kept (DeletionPolicy RetainExceptOnCreate).');
      }
      if (reason.kind === 'termination-protection') return say.fail('refused', `${reason.stackName} has termination protection on; add --force to turn it off and delete.`);
      if (reason.kind === 'release-scope') {
        say.fail('refused', `the change set changes more than ${reason.stackPath}, so it is not a release of ${reason.service} alone:`);
        for (const address of reason.outside) say.detail(address);
        say.detail(`The change set was ${reason.changeSetDeleted ? 'deleted' : 'kept'}; nothing was executed. Review and deploy such changes with ${commandLine('diff', environment).make} and ${commandLine('deploy', environment).make}.`);
        return;
      }
      if (reason.kind === 'promotion-mismatch') {
        say.fail('refused', `templates/ is not what ${reason.from} runs, so the promotion would deploy other templates than the workspace shows:`);
        for (const difference of reason.differences) say.detail(`- ${promotionDifferenceText(difference, reason.from)}`);
        say.detail(`To deploy these templates, deploy them to ${reason.from} first (${commandLine('deploy', reason.from).make}), then promote. To promote what ${reason.from} runs anyway: ${rerunLine(ctx, '--allow-mismatch').make}`);
        return say.detail('Nothing was changed in AWS.');
      }
      if (reason.kind === 'deletion-protection') {
        say.fail('refused', `deletion protection is on for ${reason.loadBalancers.join(', ')}; CloudFormation cannot delete a load balancer while it is on.`);
        return say.detail(`Nothing was deleted. To turn it off and delete: ${commandLine('destroy', environment, '--force').make}`);
      }
      const { dataLoss, listenerRules } = reason;
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      const headings = [
        ...(dataLoss.length > 0 ? [`${reason.environment} keeps its data (DataProtection=retain): this change set would delete or replace ${plural(dataLoss.length, 'stateful resource')}:`] : []),
        ...(listenerRules.length > 0 ? [`this change set would update ${plural(listenerRules.length, 'ECS-managed listener rule')}, which resets the blue/green weights ECS owns (${listenerRules[0].source}):`] : []),
      ];
      say.fail('refused', headings[0]);
      for (const f of dataLoss) say.detail(`${f.address}  ${f.resourceType} ${f.what} (${f.why})`);
      if (headings.length > 1) say.detail(headings[1]);
      for (const f of listenerRules) say.detail(`${f.address}  ${f.listener ? `${f.listener} listener rule` : 'listener rule'} ${f.change}${f.services.length > 0 ? ` (weights managed by ${f.services.join(', ')})` : ''}`);
      const allow = [...dataLoss.map((f) => `--allow-replace ${f.address}`), ...listenerRules.map((f) => `--allow-update ${f.address}`)].join(' ');
      if (listenerRules.length > 0) say.detail('Update those rules between deployments (no ECS deployment in progress), and check the live weights after.');
      if (!reason.changeSetDeleted) {
        return say.detail(`If that is intended, execute it naming each one: ${executeReviewLine(ctx, ctx.reviewFile ?? displayPath(environment, REVIEW_FILE)).tap} ${allow}`);
      }
      say.detail('The change set was deleted; nothing was executed.');
      return say.detail(`If that is intended, deploy naming each one: ${rerunLine(ctx, allow).make}`);
    }
    case 'stale-review':
      say.fail('stale review', `${ctx.reviewFile ?? displayPath(environment, REVIEW_FILE)} no longer describes what would be executed; nothing was executed:`);
      for (const reason of outcome.reasons) say.detail(`- ${staleReasonText(reason)}`);
      return say.detail(`Create and review a new change set: ${ctx.promotionFrom ? promoteLine(ctx.promotionFrom, environment, '--diff').make : commandLine('diff', environment).make}`);
    case 'change-set-failed': {
      const { failure } = outcome;
      const log = logContext(ctx);
      if (failure.kind === 'rejected') return say.fail('error', `CloudFormation CreateChangeSet rejected the change set: ${awsText(log, `CloudFormation CreateChangeSet (${failure.error.code})`, failure.error.message)}`);
      say.fail('error', `CloudFormation could not create the change set: ${failure.kind === 'failed' ? awsText(log, 'CloudFormation change set FAILED', failure.reason) : 'the change set disappeared while CloudFormation was computing it'}`);
      if (failure.kind === 'failed') for (const cause of failure.causes) say.detail(`caused by ${cause.stackName}: ${awsText(log, `nested change set of ${cause.stackName} FAILED`, cause.reason)}`);
      return say.detail(`The failed change set was deleted${failure.emptyStackDeleted ? ', and so was the empty stack it had created' : ''}. Nothing else was changed.`);
    }
    case 'execute-failed': {
      const { failure } = outcome;
      const reason = failure.kind === 'change-set-gone'
        ? `${failure.error.code}: ${failure.error.message} (and the change set is gone)`
        : 'ExecuteChangeSet failed twice; the change set is still AVAILABLE and nothing was executed';
      return say.fail('error', `the change set could not be executed: ${reason}`);
    }
    case 'precondition':
      return renderPrecondition(outcome.reason, ctx);
    case 'interrupted': {
      const again = commandLine(outcome.operation === 'delete' ? 'destroy' : 'deploy', environment);
      say.line();
      say.fail('interrupted', `stopped watching after ${formatDuration(outcome.elapsedMs)}; nothing was cancelled.`);
      if (outcome.status !== 'UNKNOWN' && !isInProgress(outcome.status)) {
        return say.detail(`${outcome.stackName} is ${outcome.status}: the operation had ended. ${again.make} reports where it stands.`);
      }
      say.detail(`CloudFormation carries on: ${outcome.stackName} is ${outcome.status === 'UNKNOWN' ? 'changing (its status could not be read)' : outcome.status}.`);
      return say.detail(`Re-attach with ${again.make} (a deploy started while one is running follows it and reports its result).`);
    }
    case 'lost-contact': {
      say.line();
      say.fail('error', `lost contact with CloudFormation after ${formatDuration(outcome.elapsedMs)} (${outcome.error.code}: ${awsText(logContext(ctx), 'CloudFormation DescribeStackEvents', outcome.error.message)}).`);
      const deployAgain = commandLine('deploy', environment).make;
      if (!outcome.statusNow) return say.detail(`The operation may still be running: ${outcome.stackName} was ${outcome.lastStatus} when contact was lost. Once AWS answers again, ${deployAgain} re-attaches to it.`);
      if (isInProgress(outcome.statusNow)) return say.detail(`The operation continues in AWS (${outcome.stackName} is ${outcome.statusNow}). Re-attach with ${deployAgain}.`);
      return say.detail(`The operation has ended since: ${outcome.stackName} is ${outcome.statusNow}. ${deployAgain} reports where it stands.`);
    }
    case 'rolled-back':
    case 'rollback-failed':
    case 'delete-failed':
      return renderFailure(say, outcome.failure, outcome.operation === 'delete' ? 'destroy failed' : 'deployment failed', environment);
    case 'promoted':
      finishedWithOutputs(ctx, outcome.outputs);
      return say.ok(`Promoted what ${outcome.from} runs to ${outcome.stackName}: the same templates and code, by content hash.`);
    case 'released':
      if (outcome.outputs) finishedWithOutputs(ctx, outcome.outputs);
      say.ok(`Released ${outcome.service} ${outcome.tag} to ${outcome.stackName} (it ran ${outcome.previousTag === '' ? 'nothing: its first release' : outcome.previousTag}).`);
      return say.line(`  The params file records it (imageTags.${outcome.service}), so the next deploy keeps it: commit the file if you have not.`);
    case 'already-released':
      return say.ok(`${outcome.service} already runs ${outcome.tag} in ${outcome.stackName}; nothing to release.`);
    case 'bootstrapped':
      if (outcome.outputs.length > 0) {
        say.line();
        say.line(table(['output', 'value'], outcome.outputs.map((o) => [o.key, o.value])));
      }
      return say.ok(`Artifact bucket ${outcome.bucket} is ready (stack ${outcome.stackName}; export ${outcome.exportName}). Next: ${commandLine('deploy', environment).make}`);
    case 'destroyed': {
      const { deleted, gone, kept } = outcome.retained;
      if (kept > 0) return say.note(`${kept} stateful resources are kept (DataProtection=retain); the templates' DeletionPolicy left them.`);
      if (deleted + gone === 0) return;
      return say.ok(`${outcome.stackName} is fully destroyed: ${deleted} retained resource${deleted === 1 ? '' : 's'} deleted${gone > 0 ? `, ${gone} already gone` : ''}.`);
    }
    case 'nothing-to-destroy':
      return say.ok(`${outcome.stackName} does not exist; nothing to destroy.`);
    case 'unconfirmed':
      return printInputProblems(ctx.output, style, [{ file: 'command line', path: '--confirm', message: `is required without a terminal: --confirm ${outcome.stackName}` }]);
    case 'in-sync':
      renderDrift(ctx, outcome.report, outcome.stackName);
      return say.ok(`No unexpected drift in ${outcome.report.stacks.length} stacks.`);
    case 'drifted': {
      renderDrift(ctx, outcome.report, outcome.stackName);
      const n = outcome.report.drifted.filter((d) => !d.expected).length;
      return say.fail('drifted', `${n === 1 ? '1 resource differs' : `${n} resources differ`} from the templates. A deploy does not revert drift on properties it does not change; fix them in the console, or change the templates to match.`);
    }
    case 'drift-incomplete': {
      renderDrift(ctx, outcome.report, outcome.stackName);
      const failed = outcome.report.stacks.filter((s) => s.detection === 'failed');
      return say.fail('not known', `drift detection failed on ${failed.map((s) => s.path || outcome.stackName).join(', ')}, and found no drift elsewhere; the result is incomplete. The reason per stack is above; run make drift again, or look at that stack's drift in the console.`);
    }
    case 'outputs-read': {
      const file = writeOutputs(ctx, outcome.outputs);
      if (ctx.json) return writeLine(ctx.output.out, JSON.stringify(outcome.outputs, null, 2));
      printOutputs(say, style, outcome.outputs);
      return say.note(`Written to ${file} (${outcome.stack.status}, last changed ${outcome.stack.lastChanged.toISOString()}).`);
    }
    case 'rollback-continued':
      return;
    case 'verified':
    case 'verify-failed':
    case 'verify-incomplete': {
      renderVerifyReport({ say, style, environment, root: ctx.root, mask: (text) => ctx.masker.text(text) }, outcome.report);
      const rows = outcome.report.rows;
      const count = (status: string) => rows.filter((r) => r.status === status).length;
      if (outcome.type === 'verified') return say.ok(`All ${rows.length} checks of ${outcome.stackName} passed. ${ctx.apiCalls()} read-only requests.`);
      const unknown = count('unknown');
      if (outcome.type === 'verify-failed') {
        return say.fail('failed', `${count('fail')} of ${rows.length} checks of ${outcome.stackName}${unknown > 0 ? ` (and ${unknown} not known)` : ''}; the next steps are above.`);
      }
      return say.fail('not verified', `${unknown} of ${rows.length} checks of ${outcome.stackName} are not known (none failed); the next steps above say how to make them known.`);
    }
    case 'stopped':
    case 'aws-unavailable':
    case 'aws-request-failed':
      return renderRunFailure(outcome, ctx);
    case 'not-started': {
      const args = [...outcome.skip.map((s) => `--skip ${s}`), '--yes'].join(' ');
      return say.line(`Not started (no terminal to ask, and no --yes). To ${continueRollbackWhat(outcome.stackName, outcome.skip)}: ${commandLine('continue-rollback', environment, args).make}`);
    }
    default: {
      const unhandled: never = outcome;
      return unhandled;
    }
  }
}
