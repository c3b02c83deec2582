/**
 * `tap bootstrap --env X` (D-1): creates or updates `<stackName>-bootstrap`, the stack of the
 * artifact bucket named in params/<env>.json, through the same reviewed change-set flow as deploy
 * (the template is small and goes inline: the bucket it creates cannot hold it yet).
 */
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { table } from '../terminal';
import { serializeTemplate } from '../../synth/render';
import { ARTIFACT_BUCKET_EXPORT, bootstrapStackName, buildBootstrap } from '../../stacks/bootstrap';
import { applyProtections, runDeploy, stackTags, type DeployTarget } from '../../operations/deploy';
import { sha256 } from '../../operations/package/package';
import type { BootstrapParameterName, ParameterValues, RootParameterName } from '../../aws/port';
import { realRuntime, withAwsCommand, yesOption, type RuntimeFactory } from './aws-command';

export function createBootstrapCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: {
      summary: 'Create or update the artifact bucket stack (<stackName>-bootstrap) that deploy uploads to',
      options: { env: envOption, yes: { ...yesOption, description: 'execute the bootstrap change set without asking (CI)' } },
    },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: false }, async (c) => {
        const { deployment } = c.env;
        const stackName = bootstrapStackName(deployment.stackName);
        const template = buildBootstrap().render();
        const body = serializeTemplate(template);
        const existing = await c.session.port.cfn.describeStack(stackName);
        if (!existing) {
          const bucket = await c.session.port.s3.headBucket(deployment.artifactBucket, deployment.accountId);
          if (bucket !== 'absent') {
            c.say.fail('error', bucket === 'present'
              ? `bucket ${deployment.artifactBucket} already exists in account ${deployment.accountId} but no ${stackName} stack manages it. Delete or import it, or name another bucket in ${c.env.file}.`
              : `bucket ${deployment.artifactBucket} exists in another account (bucket names are global). Name another bucket in ${c.env.file}.`);
            return EXIT.precondition;
          }
        }
        const digest = sha256(body);
        const rootParameter = (name: RootParameterName): string | undefined => (c.env.stackParameters as ParameterValues<RootParameterName>)[name];
        const target: DeployTarget = {
          command: 'bootstrap',
          stackName,
          stacks: [{ path: '', name: 'bootstrap', file: 'bootstrap.json', template, body, sha256: digest, key: '', url: '' }],
          template: 'body',
          objects: [],
          parameters: {
            Environment: rootParameter('Environment') ?? c.env.name,
            DataProtection: rootParameter('DataProtection') ?? 'delete',
            ArtifactBucketName: deployment.artifactBucket,
          } satisfies Record<BootstrapParameterName, string>,
          tags: stackTags(c),
          saveReview: false,
          autoReplaceFailedCreate: true,
          async onSuccess(command, stack) {
            await applyProtections(command, stack);
            const current = (await command.session.port.cfn.describeStack(stack.stackId)) ?? stack;
            if (current.outputs.length > 0) {
              command.say.line();
              command.say.line(table(['output', 'value'], current.outputs.map((o) => [o.key, o.value])));
            }
            command.say.ok(`Artifact bucket ${deployment.artifactBucket} is ready (stack ${stackName}; export ${ARTIFACT_BUCKET_EXPORT.replace('${AWS::StackName}', stackName)}). Next: make deploy ENV=${c.env.name}`);
            return EXIT.ok;
          },
        };
        return runDeploy(c, { mode: 'deploy', yes: context.args.flags.has('yes'), force: false, allowReplace: [], replaceFailedStack: false }, target);
      }),
  };
}
