/**
 * `tap destroy --env X` (D-10): deletes the whole stack tree after the stack name is typed (or
 * given with --confirm in CI), then what the tree retained where the environment does not keep
 * its data. Environments that keep their data (DataProtection=retain), and stacks or load
 * balancers with termination or deletion protection on, are refused unless --force.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { valueOf } from '../args';
import { quote, type Problem } from '../../core/problems';
import { destroy } from '../../operations/destroy';
import { runOperation } from './aws-command';

/** A --confirm that is not the stack name stops before any AWS call. */
function confirmProblems(confirm: string | undefined, stackName: string): Problem[] {
  return confirm === undefined || confirm === stackName
    ? []
    : [{ file: 'command line', path: '--confirm', message: `must be the stack name ${quote(stackName)}, got ${quote(confirm)}` }];
}

export function createDestroyCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: 'make destroy ENV=<env> [CONFIRM=<stack>] [ARGS=--force]',
      summary: 'Delete the environment\'s stack tree (type the stack name to confirm); refuses DataProtection=retain without --force',
      options: {
        env: envOption,
        confirm: { kind: 'value', placeholder: 'stack', description: 'the stack name, to confirm without a terminal (CI)' },
        force: { kind: 'flag', description: 'allow destroying an environment with DataProtection=retain (its stateful resources are kept), and turn off termination protection and the load balancer\'s deletion protection first' },
      },
    },
    run: (context) => {
      const confirm = valueOf(context.args, 'confirm');
      return runOperation(context, hosts, {
        command: 'destroy',
        prepare: { requireFresh: false, checkArguments: ({ env }) => confirmProblems(confirm, env.deployment.stackName) },
        // Checked against the stack name before connecting: given, it is the typed confirmation.
        preapproved: confirm !== undefined,
        run: (c, io) => destroy(c, io, { force: context.args.flags.has('force') }),
      });
    },
  };
}
