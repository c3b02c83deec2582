/**
 * `tap continue-rollback --env X [--skip Resource]...` (D-8): brings a stack out of
 * UPDATE_ROLLBACK_FAILED. Without --skip it only names what failed to roll back and retries;
 * `--skip` passes ResourcesToSkip (`LogicalId` in the root, `NestedStack.LogicalId` in nested ones).
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { continueRollback } from '../../operations/continue-rollback';
import { runOperation, yesOption } from './aws-command';

export function createContinueRollbackCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: "make continue-rollback ENV=<env> [ARGS='--skip <Stack.Resource> --yes']",
      summary: 'Finish a failed rollback (UPDATE_ROLLBACK_FAILED), optionally skipping resources that cannot roll back',
      options: {
        env: envOption,
        skip: { kind: 'value', placeholder: 'Stack.Resource', repeatable: true, description: 'a resource to skip: LogicalId in the root, NestedStack.LogicalId in a nested stack' },
        yes: { ...yesOption, description: 'continue the rollback without asking (CI)' },
      },
    },
    run: (context) =>
      runOperation(context, hosts, {
        command: 'continue-rollback',
        prepare: { requireFresh: false },
        preapproved: context.args.flags.has('yes'),
        run: (c, io) => continueRollback(c, io, { skip: context.args.values.get('skip') ?? [] }),
      }),
  };
}
