/**
 * `tap deploy --env X` (D-2 … D-9): package, change set, review, approval, execution, progress,
 * outputs. `--review <file>` executes exactly a change set reviewed earlier by `tap diff`.
 */
import path from 'node:path';
import type { Command, CommandContext, Hosts } from '../command';
import { envOption } from '../command';
import { valueOf } from '../args';
import { readReviewFile } from '../review-file';
import { deploy } from '../../operations/deploy';
import type { PackagedPlatform } from '../../operations/package/package';
import { releaseProblems } from '../../operations/protection';
import type { ReviewArtifact } from '../../operations/review/artifact';
import { InputError, quote, type Problem } from '../../core/problems';
import { isRequireApproval, REQUIRE_APPROVAL_LEVELS, type RequireApproval } from '../../operations/approval';
import { runOperation, yesOption } from './aws-command';
import { promoteLine } from '../hints';

/**
 * What can be wrong with deploy's own arguments, found before any AWS call; the review file read.
 * A promotion's review (D-18) is executed by `promote`, which reads its templates from the target's
 * bucket: `deploy` refuses one, and `promote` (`promotion`) takes only its own.
 */
export function checkDeployArguments(context: CommandContext, packaged: PackagedPlatform, read: (artifact: ReviewArtifact) => void, promotion?: { readonly from: string; readonly to: string }): Problem[] {
  const problems = [
    ...releaseProblems('allow-replace', context.args.values.get('allow-replace') ?? [], packaged.stacks),
    ...releaseProblems('allow-update', context.args.values.get('allow-update') ?? [], packaged.stacks),
  ];
  const level = valueOf(context.args, 'require-approval');
  if (level !== undefined && !isRequireApproval(level)) {
    problems.push({ file: 'command line', path: '--require-approval', message: `must be one of: ${REQUIRE_APPROVAL_LEVELS.join(', ')} (got ${quote(level)})` });
  }
  const reviewFile = valueOf(context.args, 'review');
  if (reviewFile !== undefined) {
    try {
      const artifact = readReviewFile(path.resolve(context.root, reviewFile), reviewFile);
      const problem = reviewKindProblem(artifact, promotion);
      if (problem) problems.push({ file: reviewFile, path: '/promotion', message: problem });
      else read(artifact);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  return problems;
}

/** Whether a review file fits the command: a deploy's for deploy, a promotion from FROM into TO for promote. */
function reviewKindProblem(artifact: ReviewArtifact, promotion: { readonly from: string; readonly to: string } | undefined): string | undefined {
  const from = artifact.promotion?.from.environment;
  if (!promotion) {
    return from === undefined ? undefined : `is the review of a promotion from ${from} into ${artifact.environment}; execute it with ${promoteLine(from, artifact.environment, '', '<this file>').make}, which reads the promoted templates from ${artifact.environment}'s bucket`;
  }
  if (from === undefined) return `is not the review of a promotion (it is a deploy's of ${artifact.environment}); execute it with make deploy ENV=${artifact.environment} REVIEW=<this file>`;
  if (from !== promotion.from || artifact.environment !== promotion.to) return `is the review of a promotion from ${from} into ${artifact.environment}, not from ${promotion.from} into ${promotion.to}`;
  return undefined;
}

/** Checked before connecting (checkDeployArguments); absent is `never`. */
export const requireApprovalOf = (value: string | undefined): RequireApproval => (value !== undefined && isRequireApproval(value) ? value : 'never');

export function createDeployCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: "make deploy ENV=<env> [REVIEW=<file>] [ARGS='<options>']",
      summary: 'Deploy the platform: package, create a nested change set, review it, approve, execute, report',
      options: {
        env: envOption,
        yes: yesOption,
        review: { kind: 'value', placeholder: 'file', description: 'execute exactly the change set of this review file (from `tap diff`), if nothing changed since' },
        force: { kind: 'flag', description: 'create a change set even when the deployed templates, parameters and tags are identical' },
        'allow-replace': { kind: 'value', placeholder: 'Path/LogicalId', repeatable: true, description: 'Path/LogicalId of a stateful resource this deploy may replace or delete (prod guardrail)' },
        'allow-update': { kind: 'value', placeholder: 'Path/LogicalId', repeatable: true, description: 'Path/LogicalId of an ECS-managed listener rule this deploy may update or remove, resetting its blue/green weights (every environment)' },
        'replace-failed-stack': { kind: 'flag', description: 'delete a stack left in ROLLBACK_COMPLETE by a failed first create, then create it' },
        'require-approval': {
          kind: 'value',
          placeholder: 'level',
          description: 'which change sets --yes may not approve (a person must): never (default), broadening (security broadened, or not known), any-change',
        },
      },
      conflicts: [['review', 'force'], ['review', 'replace-failed-stack'], ['review', 'require-approval']],
    },
    run: (context) => {
      const { args } = context;
      let review: ReviewArtifact | undefined;
      const reviewFile = valueOf(args, 'review');
      return runOperation(context, hosts, {
        command: 'deploy',
        prepare: { requireFresh: true, assumeDeployRole: true, checkArguments: ({ packaged }) => checkDeployArguments(context, packaged, (artifact) => { review = artifact; }) },
        preapproved: args.flags.has('yes'),
        yes: args.flags.has('yes'),
        ...(reviewFile ? { reviewFile } : {}),
        run: (c, io) => deploy(c, io, {
          force: args.flags.has('force'),
          ...(review ? { review } : {}),
          allowReplace: args.values.get('allow-replace') ?? [],
          allowUpdate: args.values.get('allow-update') ?? [],
          replaceFailedStack: args.flags.has('replace-failed-stack'),
          requireApproval: requireApprovalOf(valueOf(args, 'require-approval')),
        }),
      });
    },
  };
}
