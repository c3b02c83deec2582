/**
 * `tap promote --from A --to B` (D-18): deploy into B exactly the templates and code A runs, by
 * content hash, through the reviewed change-set flow. Before any AWS call: FROM and TO are two
 * environments, B's params file says it is promoted from A (`deployment.promotedFrom`), both params
 * files are valid, the arguments are a deploy's. Then A is opened with its own credentials
 * (`--from-profile`, its deploy role) and B with B's (`--to-profile`, B's deploy role).
 */
import type { Command, Hosts } from '../command';
import { valueOf } from '../args';
import { prepareConnection, type PreparedEnvironment } from '../../operations/connection';
import { promote } from '../../operations/promote';
import type { ReviewArtifact } from '../../operations/review/artifact';
import { promotionPathProblems, requirePromotionArguments } from '../../config/promotion';
import { runOperation, yesOption } from './aws-command';
import { checkDeployArguments, createDeployCommand, requireApprovalOf } from './deploy';

const profileOption = (side: string) => ({
  kind: 'value',
  placeholder: 'profile',
  description: `read the credentials for ${side} from this profile of the shared AWS config (~/.aws/config, ~/.aws/credentials) instead of the standard chain; its deploy role (deployment.deployRoleArn) is then assumed as usual`,
}) as const;

export function createPromoteCommand(hosts: Hosts): Command {
  // The change-set options mean what they mean for deploy.
  const deployOptions = createDeployCommand(hosts).spec.options;
  return {
    spec: {
      make: "make promote FROM=<env> TO=<env> [REVIEW=<file>] [ARGS='<options>']",
      summary: 'Promote what one environment runs into another: its templates and code by content hash (not a rebuild), copied into the target\'s bucket, through a reviewed change set with the target\'s parameters',
      options: {
        from: { kind: 'value', placeholder: 'env', description: 'the environment whose deployed templates and code are promoted (FROM=)' },
        to: { kind: 'value', placeholder: 'env', description: 'the environment they are promoted into; its params file must name FROM as deployment.promotedFrom (TO=)' },
        yes: yesOption,
        diff: { kind: 'flag', description: 'create and review the change set only (saved as .tap/<TO>/review.json and review.md, as `diff` does); never execute' },
        review: { kind: 'value', placeholder: 'file', description: 'execute exactly the promotion of this review file (from `tap promote --diff`): its templates are read from the target\'s bucket by their hashes, and FROM is not read again' },
        'allow-mismatch': { kind: 'flag', description: 'promote what FROM runs even where templates/ differs from it (the differences are listed and the review says so)' },
        'from-profile': profileOption('FROM'),
        'to-profile': profileOption('TO'),
        'allow-replace': deployOptions['allow-replace'],
        'allow-update': deployOptions['allow-update'],
        'require-approval': deployOptions['require-approval'],
      },
      conflicts: [['review', 'diff'], ['review', 'allow-mismatch'], ['review', 'from-profile'], ['review', 'require-approval'], ['diff', 'yes']],
    },
    run: (context) => {
      const { args } = context;
      const pair = requirePromotionArguments(context.root, valueOf(args, 'from'), valueOf(args, 'to'));
      const fromProfile = valueOf(args, 'from-profile');
      const toProfile = valueOf(args, 'to-profile');
      const reviewFile = valueOf(args, 'review');
      let source: PreparedEnvironment | undefined;
      let review: ReviewArtifact | undefined;
      return runOperation(context, hosts, {
        command: 'promote',
        environment: pair.to,
        promotionFrom: pair.from,
        latestReview: args.flags.has('diff'),
        prepare: {
          requireFresh: true,
          assumeDeployRole: true,
          ...(toProfile ? { profile: toProfile } : {}),
          checkArguments: (opening) => {
            // FROM's params file is checked too, and the workspace packaged for FROM's bucket: the comparison.
            source = prepareConnection(hosts.runtime(context.root), context.root, pair.from, context.env, { requireFresh: false, assumeDeployRole: true, ...(fromProfile ? { profile: fromProfile } : {}) });
            return [
              ...promotionPathProblems(context.root, source.env, opening.env),
              ...checkDeployArguments(context, opening.packaged, (artifact) => { review = artifact; }, pair),
            ];
          },
        },
        preapproved: args.flags.has('yes'),
        yes: args.flags.has('yes'),
        ...(reviewFile ? { reviewFile } : {}),
        run: (c, io) => {
          if (!source) throw new Error('promote: the source environment was not prepared');
          return promote(c, io, {
            source,
            variables: context.env,
            mode: args.flags.has('diff') ? 'diff' : 'deploy',
            allowMismatch: args.flags.has('allow-mismatch'),
            ...(review ? { review } : {}),
            allowReplace: args.values.get('allow-replace') ?? [],
            allowUpdate: args.values.get('allow-update') ?? [],
            requireApproval: requireApprovalOf(valueOf(args, 'require-approval')),
          });
        },
      });
    },
  };
}
