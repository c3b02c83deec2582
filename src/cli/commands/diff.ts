/**
 * `tap diff --env X` (D-5): create the change set, review it and save the review; never execute.
 * The change set stays for `tap deploy --review .tap/<env>/review.json`.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { diff } from '../../operations/deploy';
import { runOperation } from './aws-command';

export function createDiffCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: 'make diff ENV=<env> [ARGS=--force]',
      summary: 'Create and review a change set (saved to .tap/<env>/review.json); never executes',
      options: {
        env: envOption,
        force: { kind: 'flag', description: 'create a change set even when the deployed templates, parameters and tags are identical' },
      },
    },
    run: (context) =>
      runOperation(context, hosts, {
        command: 'diff',
        prepare: { requireFresh: true, assumeDeployRole: true },
        preapproved: false,
        run: (c, io) => diff(c, io, { force: context.args.flags.has('force') }),
      }),
  };
}
