/**
 * `bootstrap` (D-1, D-17): creates or updates `<stackName>-bootstrap`, the stack of the artifact
 * bucket named in params/<env>.json and of the deploy's roles, through the same reviewed change-set
 * flow as deploy, with the caller's own credentials (never the deploy role: this stack creates it).
 * The template goes inline: the bucket it creates cannot hold it yet.
 *
 * Before the change set, it reads through IAM whether the account already has the ECS
 * service-linked role and (with GitHub OIDC configured) the GitHub OIDC provider: the stack creates
 * each only where it is missing, and keeps one it created before.
 */
import type { BootstrapParameterName, ParameterValues, RootParameterName } from '../aws/port';
import { ARTIFACT_BUCKET_EXPORT, bootstrapStackName, buildBootstrap } from '../stacks/bootstrap';
import { runChangeSetFlow, type DeployTarget } from './change-set-flow';
import type { Connection } from './connection';
import { applyProtections, stackTags } from './deploy';
import type { AccountResource, BootstrapOutcome, OperationIo } from './operation';
import { githubOidcProviderArn } from '../stacks/bootstrap.deploy-role';
import { sha256 } from './package/package';

/** IAM names ECS's service-linked role so (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html). */
export const ECS_SERVICE_LINKED_ROLE = 'AWSServiceRoleForECS';

/**
 * Whether the stack should create an account-wide resource: it keeps one it created before;
 * otherwise it creates it only where the account lacks it (creating one that exists fails).
 */
async function accountResource(deployedValue: string | undefined, exists: () => Promise<boolean>): Promise<AccountResource> {
  if (deployedValue === 'true') return 'managed-here';
  return (await exists()) ? 'present' : 'missing';
}

export async function bootstrap(c: Connection, io: OperationIo): Promise<BootstrapOutcome> {
  const { deployment } = c.env;
  const { cfn, s3, iam } = c.session.port;
  const stackName = bootstrapStackName(deployment.stackName);
  const template = buildBootstrap(c.packaged.stacks).render();
  // Inline bodies count against 51,200 bytes (make plan measures it); the execution role's permissions make this one large.
  const body = JSON.stringify(template);
  const existing = await cfn.describeStack(stackName);
  if (!existing) {
    const bucket = await s3.headBucket(deployment.artifactBucket, deployment.accountId);
    if (bucket === 'present') return { type: 'precondition', reason: { kind: 'bucket-unmanaged', bucket: deployment.artifactBucket, accountId: deployment.accountId, stackName, file: c.env.file } };
    if (bucket === 'foreign') return { type: 'precondition', reason: { kind: 'bucket-in-other-account', bucket: deployment.artifactBucket, file: c.env.file } };
  }
  const deployed: ParameterValues<BootstrapParameterName> = existing?.parameters ?? {};
  const github = deployment.githubOidc;
  // The toolkit's regions are the commercial partition's (src/config/regions.ts).
  const providerArn = githubOidcProviderArn('aws', deployment.accountId);
  const account = {
    ecsServiceLinkedRole: await accountResource(deployed['CreateEcsServiceLinkedRole'], () => iam.roleExists(ECS_SERVICE_LINKED_ROLE)),
    ...(github ? { githubOidcProvider: await accountResource(deployed['CreateGitHubOidcProvider'], () => iam.oidcProviderExists(providerArn)) } : {}),
  };
  io.emit({ type: 'bootstrap-account', ...account, githubOidcProviderArn: providerArn });
  const create = (state: AccountResource | undefined) => (state === 'missing' || state === 'managed-here' ? 'true' : 'false');
  const root: ParameterValues<RootParameterName> = c.env.stackParameters;
  const parameters: Record<Exclude<BootstrapParameterName, 'GitHubOidcSubjects'>, string> & ParameterValues<'GitHubOidcSubjects'> = {
    Environment: root['Environment'] ?? c.env.name,
    DataProtection: root['DataProtection'] ?? 'delete',
    ArtifactBucketName: deployment.artifactBucket,
    PlatformStackName: deployment.stackName,
    GitHubOidc: github ? 'enabled' : 'disabled',
    // Left at its Default ("") without GitHub: a list parameter's empty value is not compared reliably.
    ...(github ? { GitHubOidcSubjects: github.subjects.join(',') } : {}),
    CreateGitHubOidcProvider: create(account.githubOidcProvider ?? (deployed['CreateGitHubOidcProvider'] === 'true' ? 'managed-here' : undefined)),
    CreateEcsServiceLinkedRole: create(account.ecsServiceLinkedRole),
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
