/**
 * `tap outputs --env X` (D-9): the root's and every nested stack's outputs, printed (or as JSON
 * with --json) and written to .tap/<env>/outputs.json.
 */
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { writeLine } from '../terminal';
import { OUTPUTS_FILE, printOutputs } from '../../operations/deploy';
import { collectOutputs } from '../../operations/outputs';
import { displayPath, writeStateFile } from '../../operations/state-dir';
import { commandLine } from '../../operations/context';
import { realRuntime, withAwsCommand, type RuntimeFactory } from './aws-command';

export function createOutputsCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: {
      summary: 'Print the stack outputs (root, per service, nested) and write .tap/<env>/outputs.json',
      options: { env: envOption, json: { kind: 'flag', description: 'print the outputs document as JSON instead of tables' } },
    },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: false }, async (c) => {
        const stack = await c.session.port.cfn.describeStack(c.env.deployment.stackName);
        if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
          c.say.fail('error', `${c.env.deployment.stackName} is not deployed${stack ? ' (only a change set awaits review)' : ''}; nothing to show. Deploy it: ${commandLine('deploy', c.env.name).make}`);
          return EXIT.precondition;
        }
        const outputs = await collectOutputs(c.session.port.cfn, stack, c.env.name, c.runtime.serviceNames, c.masker, new Date(c.runtime.clock.now()));
        writeStateFile(c.root, c.env.name, OUTPUTS_FILE, `${JSON.stringify(outputs, null, 2)}\n`);
        if (context.args.flags.has('json')) {
          writeLine(c.output.out, JSON.stringify(outputs, null, 2));
          return EXIT.ok;
        }
        printOutputs(c, outputs);
        c.say.note(`Written to ${displayPath(c.env.name, OUTPUTS_FILE)} (${stack.status}, last changed ${(stack.lastUpdatedTime ?? stack.creationTime).toISOString()}).`);
        return EXIT.ok;
      }),
  };
}
