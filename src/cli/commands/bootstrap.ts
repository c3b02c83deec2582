/**
 * `tap bootstrap --env X` (D-1): creates or updates `<stackName>-bootstrap`, the stack of the
 * artifact bucket named in params/<env>.json, through the same reviewed change-set flow as deploy.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { bootstrap } from '../../operations/bootstrap';
import { bootstrapStackName } from '../../stacks/bootstrap';
import { runOperation, yesOption } from './aws-command';

export function createBootstrapCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: 'make bootstrap ENV=<env> [ARGS=--yes]',
      summary: 'Create or update the artifact bucket stack (<stackName>-bootstrap) that deploy uploads to',
      options: { env: envOption, yes: { ...yesOption, description: 'execute the bootstrap change set without asking (CI)' } },
    },
    run: (context) =>
      runOperation(context, hosts, {
        command: 'bootstrap',
        prepare: { requireFresh: false },
        preapproved: context.args.flags.has('yes'),
        yes: context.args.flags.has('yes'),
        stackName: (env) => bootstrapStackName(env.deployment.stackName),
        run: (c, io) => bootstrap(c, io),
      }),
  };
}
