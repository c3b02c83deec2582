/**
 * An operation's events in words, as they happen: narrative lines, notes, the progress view of a
 * followed stack operation (live on a terminal, one line per event in CI), and the review. The
 * review files are written here too, when the review is ready.
 */
import path from 'node:path';
import { formatDuration } from '../../core/clock';
import type { OperationEvent } from '../../operations/operation';
import { KMS_MINIMUM_PENDING_DAYS, type CleanupResult, type RetainedKind, type RetainedResource } from '../../operations/retained';
import type { ProtectionReport } from '../../operations/protection';
import type { SkipReason } from '../../operations/skip';
import type { PromotionDifference } from '../../operations/promote-artifacts';
import { saveReview } from '../review-file';
import type { Output, Styler } from '../terminal';
import type { Say } from '../ui';
import type { SecretMasker } from '../../operations/mask';
import { renderLastOperation } from './failure';
import { lineView, liveView, type ProgressView } from './progress';
import { renderReview, summaryLine } from './review';

export interface EventContext {
  readonly say: Say;
  readonly style: Styler;
  readonly output: Output;
  readonly masker: SecretMasker;
  /** Repository root: review files go to `.tap/<env>/` below it. */
  readonly root: string;
  /** --yes: a reviewed change set executed from a file shows its summary only (unless it loses data). */
  readonly yes: boolean;
  /** `diff`: its review is also saved as the latest (`review.json`, `review.md`). */
  readonly latestReview?: boolean;
}

function skipReasonText(reason: SkipReason): string {
  switch (reason.kind) {
    case 'status':
      return `the stack is ${reason.status}`;
    case 'templates':
      return 'templates changed';
    case 'no-echo':
      return `NoEcho parameters (${reason.parameters.join(', ')}) cannot be compared with the deployed stack`;
    case 'parameters':
      return 'parameters changed';
    case 'tags':
      return 'tags changed';
  }
}

function protectionText(report: ProtectionReport): string {
  const policies = report.policiesSet.length > 0 ? `stack policy set on ${report.policiesSet.map((p) => p || 'root').join(', ')}` : 'stack policies in place';
  const rules = report.frozenRules.length > 0 ? `; ECS-managed listener rules frozen: ${report.frozenRules.join(', ')}` : '';
  if (!report.retain) return `Stack protections: ${policies}${rules}.`;
  const termination = report.terminationProtectionEnabled ? 'termination protection enabled on the root' : 'termination protection on';
  const stateful = report.policiesSet.length > 0 ? policies : `stack policies in place on all ${report.stacks} stacks`;
  return `Data protection (DataProtection=retain): ${termination}; ${stateful}${rules}.`;
}

const owner = (resource: { path: string; logicalId: string }) => `${resource.path ? `${resource.path}/` : ''}${resource.logicalId}`;

const KIND_WORDS: Readonly<Record<RetainedKind, { name: string; how: string }>> = {
  secret: { name: 'secret', how: 'without a recovery window' },
  repository: { name: 'repository', how: 'with its images' },
  'log-group': { name: 'log group', how: 'with its events' },
  bucket: { name: 'bucket', how: 'emptied first (every version)' },
  key: { name: 'KMS key', how: `scheduled for deletion in ${KMS_MINIMUM_PENDING_DAYS} days, the minimum` },
};

/** A secret by its name (the ARN's last part), anything else by its physical id. */
const shownName = (resource: RetainedResource): string => (resource.kind === 'secret' ? resource.physicalId.split(':').pop() ?? resource.physicalId : resource.physicalId);

function renderDestroyPlan(say: Say, event: Extract<OperationEvent, { type: 'destroy-plan' }>): void {
  if (event.stacksDeletedAt) {
    say.line(`${event.stackName} (${event.environment}, account ${event.accountId}, ${event.region}) was deleted at ${event.stacksDeletedAt.toISOString()}; ${event.retained.length} resource${event.retained.length === 1 ? '' : 's'} it retained still exist${event.retained.length === 1 ? 's' : ''} and will be deleted:`);
  } else {
    say.line(`Destroying ${event.stackName} (${event.environment}, account ${event.accountId}, ${event.region}): ${event.stacks} stacks, ${event.resources} resources.`);
    for (const arn of event.protectedLoadBalancers) say.line(`  load balancer ${arn} has deletion protection on: it is turned off first (--force)`);
    if (event.retain) return say.line(`  the ${event.retained.length} stateful resources are kept (DataProtection=retain): repositories, secrets, log groups, keys and buckets.`);
    if (event.retained.length === 0) return;
    say.line('  after the stacks, the resources they retain are deleted:');
  }
  for (const resource of event.retained) {
    const words = KIND_WORDS[resource.kind];
    say.line(`  ${words.name} ${shownName(resource)} (${owner(resource)}), ${words.how}`);
  }
}

function retainedResultText(resource: RetainedResource, outcome: CleanupResult): string {
  const what = `${KIND_WORDS[resource.kind].name} ${shownName(resource)}`;
  switch (outcome.result) {
    case 'deleted':
      return `Deleted ${what}${outcome.removedObjects !== undefined ? ` (${outcome.removedObjects} objects and versions removed first)` : ''}.`;
    case 'gone':
      return `${what} was already gone.`;
    case 'key-scheduled':
      return `Scheduled ${what} for deletion${outcome.deletionDate ? ` on ${outcome.deletionDate.toISOString()}` : ''} (${outcome.pendingDays} days, the minimum KMS allows).`;
    case 'key-already-scheduled':
      return `${what} was already pending deletion.`;
  }
}

/** `Services/Frontend: template changed` */
export function promotionDifferenceText(difference: PromotionDifference, from: string): string {
  const where = { changed: 'differs', 'only-in-workspace': `is in templates/, not in what ${from} runs`, 'only-deployed': `is in what ${from} runs, not in templates/` } as const;
  return difference.kind === 'template' ? `template ${difference.path || 'root'} ${where[difference.change]}` : `code ${difference.key} ${where[difference.change]}`;
}

function renderPromotionSource(say: Say, event: Extract<OperationEvent, { type: 'promotion-source' }>): void {
  const { from } = event;
  say.line(`Promoting what ${from.environment} runs: ${from.stackName} (account ${from.accountId}, ${from.region}, ${from.status} at ${from.lastChanged}), root template ${event.rootSha256.slice(0, 12)}…, ${event.templates} templates and ${event.assets} code assets by content hash from s3://${from.bucket}.`);
  if (event.differences.length > 0 && event.mismatchAllowed) {
    say.warn(`templates/ is not what ${from.environment} runs (${event.differences.map((d) => promotionDifferenceText(d, from.environment)).join('; ')}); promoting what ${from.environment} runs, as --allow-mismatch asks.`);
  } else if (event.differences.length === 0) {
    say.note(`templates/ is what ${from.environment} runs.`);
  }
  if (event.parametersNotPassed.length > 0) say.note(`Not passed (the templates ${from.environment} runs do not declare them): ${event.parametersNotPassed.join(', ')}.`);
  if (event.imageTags.length > 0) {
    say.note(`Image tags are each environment's own (its params file): ${event.imageTags.map((t) => `${t.service} ${t.target || '(not released)'} (${from.environment} runs ${t.source || 'none'})`).join(', ')}.`);
  }
}

/** A renderer for one run: it keeps the progress view of the operation being followed. */
export function eventRenderer(ctx: EventContext): (event: OperationEvent) => void {
  const { say, style, output, masker } = ctx;
  let view: ProgressView | undefined;

  return (event) => {
    switch (event.type) {
      case 'connected':
        return say.note(`${event.environment}: stack ${event.stackName} in account ${event.accountId}, ${event.region} (as ${event.caller}${event.deployRole ? ', the deploy role of deployment.deployRoleArn' : ''})`);
      case 'retry':
        return say.note(`${event.errorKind === 'throttled' ? 'throttled' : event.code} on ${event.operation}; retry ${event.attempt} in ${formatDuration(event.delayMs)}`);
      case 'watch-started': {
        const options = { out: output.out, style, masker, rootName: event.stackName, startedAt: event.startedAt };
        view = output.out.isTTY ? liveView({ ...options, ...(output.out.columns ? { columns: output.out.columns } : {}) }) : lineView(options);
        return;
      }
      case 'stack-event':
        return view?.event(event.event, event.state);
      case 'progress':
        return view?.tick(event.state, event.now);
      case 'watch-warning':
        return view?.warning(event.error);
      case 'watch-ended':
        view?.finish();
        view = undefined;
        return;
      case 'operation-succeeded':
        say.line();
        return say.ok(`${event.stackName} ${event.status} in ${formatDuration(event.elapsedMs)}`);
      case 'attaching':
        return say.line(`${event.stackName} is ${event.status}: another deployment is running. Following it instead of starting a second one.`);
      case 'attached-finished':
        return say.line('That deployment has finished; checking whether these templates still need deploying.');
      case 'replacing-failed-stack':
        return say.line(`${event.stackName} is ${event.status} after a failed first create: deleting it before creating it again${event.requested ? ' (--replace-failed-stack)' : ''}.`);
      case 'unchanged':
        return say.ok(`No changes: the deployed templates (all ${event.stacks} stack${event.stacks === 1 ? '' : 's'}), parameters and tags are identical to these; no change set needed (--force creates one anyway).`);
      case 'compared':
        return say.note(`Compared with the deployed stack: ${skipReasonText(event.reason)}.`);
      case 'uploaded':
        if (event.copiedFrom) {
          return say.line(`Promoting ${event.templates} templates and ${event.assets} code assets of ${event.copiedFrom.environment}: ${event.uploaded} copied from s3://${event.copiedFrom.bucket} to s3://${event.bucket}, ${event.present} already there`);
        }
        return say.line(`Packaged ${event.templates} templates and ${event.assets} assets: ${event.uploaded} uploaded, ${event.present} already in s3://${event.bucket}`);
      case 'change-set-creating':
        return say.line(`Creating change set ${event.name} (${event.changeSetType}${event.nested ? ', nested stacks included' : ''}${event.roleArn ? `; CloudFormation acts as ${event.roleArn}` : ''})…`);
      case 'change-set-empty':
        return say.ok(`No changes: CloudFormation found nothing to do (${event.reason}). The empty change set was deleted.`);
      case 'reviewed-change-set':
        return say.line(`Executing the change set reviewed at ${event.createdAt}: ${event.name}.`);
      case 'review-ready':
        if (event.from === 'review-file') {
          say.line(`  ${summaryLine(event.review)}`);
          if (event.review.findings.dataLoss.length === 0 && ctx.yes) return;
        }
        say.line();
        return say.line(renderReview(event.review, style));
      case 'review-artifact': {
        const saved = saveReview(ctx.root, event.artifact, masker, { latest: ctx.latestReview ?? false });
        say.line();
        return say.note(`Review saved to ${saved.json} and ${saved.markdown}${saved.latest ? ` (and, as the latest diff, ${saved.latest.json} and ${saved.latest.markdown})` : ''}.`);
      }
      case 'release-unused':
        return say.warn(`--${event.option} ${event.address} matches no ${event.option === 'allow-replace' ? 'data-loss finding' : 'ECS-managed listener rule change'} of this change set; ignored.`);
      case 'policy-relaxed':
        return say.note(`Stack policy relaxed for ${event.addresses.join(', ')} (named with --allow-replace / --allow-update) in: ${event.stacks.map((p) => p || 'root').join(', ')}`);
      case 'policy-restored':
        return say.note('Stack policy restored.');
      case 'execute-answer-lost':
        return say.note(`ExecuteChangeSet's answer was lost (${event.code}), but the change set is ${event.executionStatus}: it was accepted; following it.`);
      case 'execute-retry':
        return say.note(`ExecuteChangeSet failed (${event.code}); the change set is still AVAILABLE, so it was not executed: trying once more.`);
      case 'executing':
        return say.line(`Executing ${event.changeSetName}…`);
      case 'protections':
        return say.note(protectionText(event.report));
      case 'destroy-plan':
        return renderDestroyPlan(say, event);
      case 'termination-protection-off':
        return say.note('Termination protection turned off (--force).');
      case 'deletion-protection-off':
        return say.note(`Deletion protection of load balancer ${event.loadBalancer} turned off (--force), so that CloudFormation can delete it.`);
      case 'retained-deleted':
        return say.note(retainedResultText(event.resource, event.outcome));
      case 'rollback-failed-found':
        say.line(`${event.stackName} is UPDATE_ROLLBACK_FAILED.`);
        return renderLastOperation(say, event.last, event.stackName);
      case 'skip-unknown':
        return say.warn(`--skip ${event.address} is not among the resources that failed to roll back (${event.candidates.join(', ') || 'none found'}); CloudFormation will decide.`);
      case 'stale-lock-removed': {
        const { holder } = event;
        return say.note(`Took over ${path.relative(ctx.root, event.file)} from \`${holder.command}\` (pid ${holder.pid}, since ${holder.startedAt}), which has ended without releasing it.`);
      }
      case 'other-change-sets': {
        const names = event.changeSets.map((c) => `${c.name} (${c.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})`).join(', ');
        const n = event.changeSets.length;
        return say.note(`${n === 1 ? 'Another change set waits' : `${n} other change sets wait`} on ${event.stackName}, not executed: ${names}. Executing a change set makes CloudFormation delete the stack's others.`);
      }
      case 'drift-detecting':
        return say.line(`Detecting drift on ${event.stackName} and its nested stacks…`);
      case 'verify-started':
        return say.line(`Verifying ${event.stackName} and its nested stacks, read-only: stacks, services, target groups, public paths, Cloud Map, secret rotation, alarms, logs…`);
      case 'bootstrap-account': {
        const state = (what: string, resource: 'present' | 'missing' | 'managed-here') =>
          resource === 'present' ? `The account has the ${what}: not creating it` : resource === 'missing' ? `The account has no ${what} yet: this stack creates it` : `The ${what} was created by this stack before: kept`;
        say.note(`${state('ECS service-linked role', event.ecsServiceLinkedRole)}.`);
        if (event.githubOidcProvider) say.note(`${state(`GitHub OIDC provider (${event.githubOidcProviderArn})`, event.githubOidcProvider)}.`);
        return;
      }
      case 'promotion-source':
        return renderPromotionSource(say, event);
      case 'image-found':
        return say.line(`Image ${event.repository}:${event.tag} is in ECR (${event.digest.slice(0, 19)}…${event.pushedAt ? `, pushed ${event.pushedAt.toISOString()}` : ''}).`);
      case 'release-scope': {
        say.line();
        const resources = `${event.changed.length} resource${event.changed.length === 1 ? '' : 's'}`;
        say.line(`Release of ${event.service}: only ${event.stackPath} changes (${resources}).`);
        if (event.noise.length > 0) say.note(`${event.noise.join(', ')} ${event.noise.length === 1 ? 'is' : 'are'} listed because ${event.noise.length === 1 ? 'it reads' : 'they read'} ${event.service}'s outputs, known only after apply: probably no change.`);
        return;
      }
      default: {
        const unhandled: never = event;
        return unhandled;
      }
    }
  };
}
