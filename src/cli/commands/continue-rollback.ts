/**
 * `tap continue-rollback --env X [--skip Resource]...` (D-8): brings a stack out of
 * UPDATE_ROLLBACK_FAILED. Without --skip it only names what failed to roll back and retries;
 * `--skip` passes ResourcesToSkip (`LogicalId` in the root, `NestedStack.LogicalId` in nested ones).
 */
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { commandLine } from '../../operations/context';
import { explainLastOperation, followOperation } from '../../operations/progress/follow';
import { clientToken } from '../../operations/client-token';
import { latestEventId } from '../../operations/progress/watch';
import { approvalMode } from '../../operations/deploy';
import { realRuntime, withAwsCommand, yesOption, type RuntimeFactory } from './aws-command';

export function createContinueRollbackCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: {
      summary: 'Finish a failed rollback (UPDATE_ROLLBACK_FAILED), optionally skipping resources that cannot roll back',
      options: {
        env: envOption,
        skip: { kind: 'value', repeatable: true, description: 'a resource to skip: LogicalId in the root, NestedStack.LogicalId in a nested stack' },
        yes: { ...yesOption, description: 'continue the rollback without asking (CI)' },
      },
    },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: false }, async (c) => {
        const { cfn } = c.session.port;
        const stackName = c.env.deployment.stackName;
        const stack = await cfn.describeStack(stackName);
        if (!stack || stack.status !== 'UPDATE_ROLLBACK_FAILED') {
          c.say.fail('error', `${stackName} is ${stack?.status ?? 'not deployed'}; there is no failed rollback to continue.`);
          return EXIT.precondition;
        }
        c.say.line(`${stackName} is UPDATE_ROLLBACK_FAILED.`);
        const candidates = await explainLastOperation(c, stack);
        const skip = context.args.values.get('skip') ?? [];
        for (const s of skip.filter((s) => !candidates.includes(s))) {
          c.say.warn(`--skip ${s} is not among the resources that failed to roll back (${candidates.join(', ') || 'none found'}); CloudFormation will decide.`);
        }
        const mode = approvalMode({ yes: context.args.flags.has('yes'), interactive: c.terminal.interactive, fromReviewFile: false });
        const what = skip.length > 0 ? `continue the rollback of ${stackName}, skipping ${skip.join(', ')}` : `retry the rollback of ${stackName}`;
        if (mode === 'leave') {
          c.say.line(`Not started (no terminal to ask, and no --yes). To ${what}: ${commandLine('continue-rollback', c.env.name, [...skip.map((s) => `--skip ${s}`), '--yes'].join(' ')).make}`);
          return EXIT.leftForReview;
        }
        if (mode === 'prompt') {
          const answer = await c.terminal.prompt(`${what[0].toUpperCase()}${what.slice(1)}? Type "yes": `);
          if ((answer ?? '').trim().toLowerCase() !== 'yes') {
            c.say.line('Declined; nothing was started.');
            return EXIT.declined;
          }
        }
        const baseline = await latestEventId(cfn, stack.stackId);
        await cfn.continueUpdateRollback(stack.stackId, skip, clientToken('continue', stack.stackId, stack.lastUpdatedTime?.toISOString() ?? '', ...skip));
        return (await followOperation(c, stack, { kind: 'after-event', eventId: baseline }, 'rollback')).code;
      }),
  };
}
