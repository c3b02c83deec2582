/**
 * `bootstrap` (D-1): creates or updates `<stackName>-bootstrap`, the stack of the artifact bucket
 * named in params/<env>.json, through the same reviewed change-set flow as deploy. The template is
 * small and goes inline: the bucket it creates cannot hold it yet.
 */
import type { BootstrapParameterName, ParameterValues, RootParameterName } from '../aws/port';
import { ARTIFACT_BUCKET_EXPORT, bootstrapStackName, buildBootstrap } from '../stacks/bootstrap';
import { serializeTemplate } from '../synth/render';
import { runChangeSetFlow, type DeployTarget } from './change-set-flow';
import type { Connection } from './connection';
import { applyProtections, stackTags } from './deploy';
import type { BootstrapOutcome, OperationIo } from './operation';
import { sha256 } from './package/package';

export async function bootstrap(c: Connection, io: OperationIo): Promise<BootstrapOutcome> {
  const { deployment } = c.env;
  const { cfn, s3 } = c.session.port;
  const stackName = bootstrapStackName(deployment.stackName);
  const template = buildBootstrap().render();
  const body = serializeTemplate(template);
  if (!(await cfn.describeStack(stackName))) {
    const bucket = await s3.headBucket(deployment.artifactBucket, deployment.accountId);
    if (bucket === 'present') return { type: 'precondition', reason: { kind: 'bucket-unmanaged', bucket: deployment.artifactBucket, accountId: deployment.accountId, stackName, file: c.env.file } };
    if (bucket === 'foreign') return { type: 'precondition', reason: { kind: 'bucket-in-other-account', bucket: deployment.artifactBucket, file: c.env.file } };
  }
  const root: ParameterValues<RootParameterName> = c.env.stackParameters;
  const parameters: Record<BootstrapParameterName, string> = {
    Environment: root['Environment'] ?? c.env.name,
    DataProtection: root['DataProtection'] ?? 'delete',
    ArtifactBucketName: deployment.artifactBucket,
  };
  const target: DeployTarget = {
    stackName,
    // Inline: the bucket this template creates cannot hold it yet.
    template: 'body',
    stacks: [{ path: '', name: 'bootstrap', file: 'bootstrap.json', template, body, sha256: sha256(body) }],
    parameters,
    tags: stackTags(c.env),
    autoReplaceFailedCreate: true,
  };
  const end = await runChangeSetFlow(c, io, target, { mode: 'deploy', force: false, allowReplace: [], replaceFailedStack: false });
  if (end.type !== 'applied' && end.type !== 'no-changes') return end;
  const stack = end.type === 'applied' ? end.stack : undefined;
  if (stack) await applyProtections(c, io, stack, target.stacks, end.type === 'applied' && end.changed);
  const current = stack ? ((await cfn.describeStack(stack.stackId)) ?? stack) : undefined;
  return {
    type: 'bootstrapped',
    bucket: deployment.artifactBucket,
    stackName,
    exportName: ARTIFACT_BUCKET_EXPORT.replace('${AWS::StackName}', stackName),
    outputs: current?.outputs ?? [],
  };
}
