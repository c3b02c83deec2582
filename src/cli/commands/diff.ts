/**
 * `tap diff --env X` (D-5): create the change set, review it and save the review; never execute.
 * The change set stays for `tap deploy --review .tap/<env>/review.json`.
 */
import type { Command } from '../command';
import { envOption } from '../command';
import { runDeploy } from '../../operations/deploy';
import { realRuntime, withAwsCommand, type RuntimeFactory } from './aws-command';

export function createDiffCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: {
      summary: 'Create and review a change set (saved to .tap/<env>/review.json); never executes',
      options: {
        env: envOption,
        force: { kind: 'flag', description: 'create a change set even when the deployed templates, parameters and tags are identical' },
      },
    },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: true }, (command) =>
        runDeploy(command, { mode: 'diff', yes: false, force: context.args.flags.has('force'), allowReplace: [], replaceFailedStack: false })),
  };
}
