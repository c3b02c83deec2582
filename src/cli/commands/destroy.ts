/**
 * `tap destroy --env X` (D-10): deletes the whole stack tree after the stack name is typed (or
 * given with --confirm in CI). Environments that keep their data (DataProtection=retain) are
 * refused unless --force; there, stateful resources survive (DeletionPolicy Retain).
 * Elsewhere the buckets the tree owns are emptied first (CloudFormation cannot delete a non-empty
 * bucket) and its secrets are force-deleted afterwards, so a re-create can reuse their names.
 */
import type { Command } from '../command';
import { envOption } from '../command';
import { valueOf } from '../args';
import { EXIT } from '../exit-codes';
import { InputError, quote, type Problem } from '../../core/problems';
import { commandLine } from '../../operations/context';
import { emptyBucket, forceDeleteSecrets, inventoryTree } from '../../operations/destroy';
import { followOperation } from '../../operations/progress/follow';
import { clientToken } from '../../operations/client-token';
import { latestEventId } from '../../operations/progress/watch';
import { isInProgress } from '../../operations/stack-status';
import { protectionPlan } from '../../operations/protection';
import { realRuntime, withAwsCommand, type RuntimeFactory } from './aws-command';

/** A --confirm that is not the stack name stops before any AWS call. */
function confirmProblems(confirm: string | undefined, stackName: string): Problem[] {
  return confirm === undefined || confirm === stackName
    ? []
    : [{ file: 'command line', path: '--confirm', message: `must be the stack name ${quote(stackName)}, got ${quote(confirm)}` }];
}

export function createDestroyCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: {
      summary: 'Delete the environment\'s stack tree (type the stack name to confirm); refuses DataProtection=retain without --force',
      options: {
        env: envOption,
        confirm: { kind: 'value', description: 'the stack name, to confirm without a terminal (CI)' },
        force: { kind: 'flag', description: 'allow destroying an environment with DataProtection=retain (its stateful resources are kept) or with termination protection on' },
      },
    },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: false, checkArguments: ({ env }) => confirmProblems(valueOf(context.args, 'confirm'), env.deployment.stackName) }, async (c) => {
        const { cfn, s3, secrets } = c.session.port;
        const stackName = c.env.deployment.stackName;
        const force = context.args.flags.has('force');
        const stack = await cfn.describeStack(stackName);
        if (!stack || stack.status === 'DELETE_COMPLETE') {
          c.say.ok(`${stackName} does not exist; nothing to destroy.`);
          return EXIT.ok;
        }
        if (isInProgress(stack.status)) {
          c.say.fail('error', `${stackName} is ${stack.status}; destroy it after that operation ends (${commandLine('deploy', c.env.name).make} follows it).`);
          return EXIT.precondition;
        }
        const retain = protectionPlan(c.env.stackParameters).retain || protectionPlan(stack.parameters).retain;
        if (retain && !force) {
          c.say.fail('refused', `${c.env.name} keeps its data (DataProtection=retain): destroy is refused.`);
          c.say.detail(`If the environment really must go, add --force: the stacks are deleted, and repositories, secrets, log groups, keys and buckets are kept (DeletionPolicy Retain).`);
          return EXIT.refused;
        }
        if (stack.terminationProtection && !force) {
          c.say.fail('refused', `${stackName} has termination protection on; add --force to turn it off and delete.`);
          return EXIT.refused;
        }

        const confirm = valueOf(context.args, 'confirm');
        const inventory = await inventoryTree(cfn, stack.stackId);
        c.say.line(`Destroying ${stackName} (${c.env.name}, account ${c.env.deployment.accountId}, ${c.env.deployment.region}): ${inventory.stacks.length} stacks, ${inventory.resources} resources.`);
        if (!retain) {
          for (const bucket of inventory.buckets) c.say.line(`  bucket ${bucket.physicalId} (${bucket.path ? `${bucket.path}/` : ''}${bucket.logicalId}) will be emptied`);
          for (const secret of inventory.secrets) c.say.line(`  secret ${secret.physicalId.split(':').pop()} (${secret.path ? `${secret.path}/` : ''}${secret.logicalId}) will be deleted without a recovery window`);
        } else {
          c.say.line('  stateful resources are kept (DataProtection=retain).');
        }
        if (confirm === undefined) {
          if (!c.terminal.interactive) {
            throw new InputError([{ file: 'command line', path: '--confirm', message: `is required without a terminal: --confirm ${stackName}` }]);
          }
          const answer = await c.terminal.prompt(`Type the stack name (${stackName}) to delete it and everything in it: `);
          if ((answer ?? '').trim() !== stackName) {
            c.say.line('Not confirmed; nothing was deleted.');
            return EXIT.declined;
          }
        }

        if (stack.terminationProtection) {
          await cfn.updateTerminationProtection(stack.stackId, false);
          c.say.note('Termination protection turned off (--force).');
        }
        if (!retain) {
          for (const bucket of inventory.buckets) {
            const removed = await emptyBucket(s3, bucket.physicalId, c.env.deployment.accountId);
            c.say.note(`Emptied ${bucket.physicalId}: ${removed} objects and versions removed.`);
          }
        }
        const baseline = await latestEventId(cfn, stack.stackId);
        await cfn.deleteStack(stack.stackId, clientToken('destroy', stack.stackId, (stack.lastUpdatedTime ?? stack.creationTime).toISOString()));
        const report = await followOperation(c, stack, { kind: 'after-event', eventId: baseline }, 'delete');
        if (report.code !== EXIT.ok) return report.code;
        if (!retain && inventory.secrets.length > 0) {
          const result = await forceDeleteSecrets(secrets, inventory.secrets);
          c.say.note(`Secrets deleted without recovery window: ${result.deleted.length}${result.gone.length > 0 ? ` (${result.gone.length} were already gone)` : ''}. Their names can be reused at once.`);
        }
        return EXIT.ok;
      }),
  };
}
