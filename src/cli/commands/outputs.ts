/**
 * `tap outputs --env X` (D-9): the root's and every nested stack's outputs, printed (or as JSON
 * with --json) and written to .tap/<env>/outputs.json.
 */
import type { Command, Hosts } from '../command';
import { envOption } from '../command';
import { outputs } from '../../operations/outputs';
import { runOperation } from './aws-command';

export function createOutputsCommand(hosts: Hosts): Command {
  return {
    spec: {
      make: 'make outputs ENV=<env> [ARGS=--json]',
      summary: 'Print the stack outputs (root, per service, nested) and write .tap/<env>/outputs.json',
      options: { env: envOption, json: { kind: 'flag', description: 'print the outputs document as JSON instead of tables' } },
    },
    run: (context) =>
      runOperation(context, hosts, {
        command: 'outputs',
        prepare: { requireFresh: false },
        preapproved: false,
        json: context.args.flags.has('json'),
        readOnly: true,
        run: (c, io) => outputs(c, io),
      }),
  };
}
