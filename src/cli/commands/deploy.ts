/**
 * `tap deploy --env X` (D-2 … D-9): package, change set, review, approval, execution, progress,
 * outputs. `--review <file>` executes exactly a change set reviewed earlier by `tap diff`.
 */
import path from 'node:path';
import type { Command, CommandContext } from '../command';
import { envOption } from '../command';
import { valueOf } from '../args';
import { runDeploy } from '../../operations/deploy';
import type { PackagedPlatform } from '../../operations/package/package';
import { allowReplaceProblems } from '../../operations/protection';
import { readArtifact } from '../../operations/review/artifact';
import { InputError, type Problem } from '../../core/problems';
import { realRuntime, withAwsCommand, yesOption, type RuntimeFactory } from './aws-command';

/** What can be wrong with deploy's own arguments, found before any AWS call. */
function deployArgumentProblems(context: CommandContext, packaged: PackagedPlatform): Problem[] {
  const problems = allowReplaceProblems(context.args.values.get('allow-replace') ?? [], packaged.stacks);
  const reviewFile = valueOf(context.args, 'review');
  if (reviewFile !== undefined) {
    try {
      readArtifact(path.resolve(context.root, reviewFile), reviewFile);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  return problems;
}

export function createDeployCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: {
      summary: 'Deploy the platform: package, create a nested change set, review it, approve, execute, report',
      options: {
        env: envOption,
        yes: yesOption,
        review: { kind: 'value', description: 'execute exactly the change set of this review file (from `tap diff`), if nothing changed since' },
        force: { kind: 'flag', description: 'create a change set even when the deployed templates, parameters and tags are identical' },
        'allow-replace': { kind: 'value', repeatable: true, description: 'Path/LogicalId of a stateful resource this deploy may replace or delete (prod guardrail)' },
        'replace-failed-stack': { kind: 'flag', description: 'delete a stack left in ROLLBACK_COMPLETE by a failed first create, then create it' },
      },
      conflicts: [['review', 'force'], ['review', 'replace-failed-stack']],
    },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: true, checkArguments: ({ packaged }) => deployArgumentProblems(context, packaged) }, (command) =>
        runDeploy(command, {
          mode: 'deploy',
          yes: context.args.flags.has('yes'),
          force: context.args.flags.has('force'),
          ...(valueOf(context.args, 'review') ? { reviewFile: valueOf(context.args, 'review') } : {}),
          allowReplace: context.args.values.get('allow-replace') ?? [],
          replaceFailedStack: context.args.flags.has('replace-failed-stack'),
        })),
  };
}
