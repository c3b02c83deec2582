/**
 * `release` (D-16): one service's image tag, through the same reviewed change-set flow as deploy,
 * and nothing else.
 *
 *   image ─ ECR DescribeImages of the tag in the service's repository: missing → stop (nothing
 *           created, nothing changed)
 *   scope ─ the deployed stack must run exactly the workspace's templates, parameters and tags
 *           but for this one tag (release-scope.ts): otherwise stop and say what differs
 *   flow  ─ change set, review, approval, execution (change-set-flow.ts), with the review held to
 *           the service's stack before anyone is asked to approve it
 *
 * The tag comes from params/<env>.json, which must already say it (the CLI checks that before
 * connecting): the file stays the record of what runs, so the next `make deploy` keeps the release.
 */
import type { Connection, Opening } from './connection';
import { runChangeSetFlow, type FlowOptions } from './change-set-flow';
import { applyProtections, platformTarget } from './deploy';
import type { OperationIo, ReleaseOutcome } from './operation';
import { collectOutputs } from './outputs';
import { releaseDifferences, releaseScope } from './release-scope';
import { decideStackAction } from './stack-status';
import { pascal } from '../cfn/names';
import { imageTagParameter } from '../stacks/releases';
import { repositoryName } from './images';
import { IMAGE_TAG_DESCRIPTION, IMAGE_TAG_PATTERN } from '../stacks/releases';
import { quote, type Problem } from '../core/problems';

export interface ReleaseOptions {
  /** A launched catalog service. */
  readonly service: string;
  /** The tag params/<env>.json gives it. */
  readonly tag: string;
}

/** The nested stack of a service below the root: `Services/ApiGateway`. */
export const serviceStackPath = (service: string): string => `Services/${pascal(service)}`;

/** `ecr-<service>-<env>`: the registry stack's repository of the service. */

/**
 * What can be wrong with a release's arguments, found before any AWS call: the service must be a
 * launched catalog service, the tag an image tag, and params/<env>.json must already give the
 * service this tag (otherwise the next deploy would roll the release back).
 */
export function releaseArgumentProblems(args: { readonly service: string | undefined; readonly tag: string | undefined }, { env, packaged }: Opening): Problem[] {
  const problems: Problem[] = [];
  if (args.service === undefined) problems.push({ file: 'command line', path: '--service', message: 'is required: the catalog service to release (make release ENV=<env> SERVICE=<service> TAG=<tag>)' });
  if (args.tag === undefined) problems.push({ file: 'command line', path: '--tag', message: 'is required: the image tag to release, as params/<env>.json gives it (TAG=<tag>)' });
  if (args.service === undefined || args.tag === undefined) return problems;
  const { service, tag } = args;
  const services = Object.keys(env.imageTags);
  if (!services.includes(service)) {
    return [{ file: 'command line', path: '--service', message: `${quote(service)} is not a service of the catalog; expected one of: ${services.join(', ')}` }];
  }
  if (!packaged.stacks.some((stack) => stack.path === serviceStackPath(service))) {
    return [{ file: 'command line', path: '--service', message: `${quote(service)} is imagePending in the catalog (src/catalog/services.ts): it has a repository but no service stack to release into; remove the flag and deploy first` }];
  }
  if (!new RegExp(IMAGE_TAG_PATTERN).test(tag)) problems.push({ file: 'command line', path: '--tag', message: `${quote(tag)} must be ${IMAGE_TAG_DESCRIPTION}` });
  else if (env.imageTags[service] !== tag) {
    problems.push({
      file: env.file,
      path: `/imageTags/${service}`,
      message: `is ${quote(env.imageTags[service])}, but the release is of ${quote(tag)}: set it in the file first (and commit it), so the next make deploy keeps the release instead of rolling it back`,
    });
  }
  return problems;
}

export async function release(c: Connection, io: OperationIo, { service, tag }: ReleaseOptions): Promise<ReleaseOutcome> {
  const { deployment } = c.env;
  const { cfn, ecr } = c.session.port;
  const stackName = deployment.stackName;

  // 1. The image first: a release of an image that is not there would fail in ECS, mid-deploy.
  const repository = repositoryName(service, c.env.name);
  const image = await ecr.describeImage({ registryId: deployment.accountId, repository, tag });
  if (image.kind !== 'found') {
    return { type: 'precondition', reason: { kind: 'image-missing', service, repository, tag, registryId: deployment.accountId, region: deployment.region, repositoryExists: image.kind === 'image-missing' } };
  }
  io.emit({ type: 'image-found', service, repository, tag, digest: image.digest, ...(image.pushedAt ? { pushedAt: image.pushedAt } : {}) });

  // 2. The stack runs the workspace, but for this tag.
  const stack = await cfn.describeStack(stackName);
  const action = decideStackAction(stack);
  if (!stack || action.type === 'create') return { type: 'precondition', reason: { kind: 'not-deployed', stackName, awaitingReview: stack !== undefined } };
  if (action.type === 'attach') return { type: 'precondition', reason: { kind: 'stack-busy', stackName, status: stack.status } };
  if (action.type !== 'update') return { type: 'precondition', reason: { kind: 'stuck', stack: { stackName, status: stack.status, ...(stack.statusReason ? { statusReason: stack.statusReason } : {}) } } };
  const target = platformTarget(c);
  const tagParameter = imageTagParameter({ name: service });
  const differences = releaseDifferences(stack, await cfn.getTemplate(stack.stackId), { template: target.stacks[0].template, parameters: target.parameters, tags: target.tags }, tagParameter);
  if (differences.length > 0) return { type: 'precondition', reason: { kind: 'release-drift', stackName, service, differences } };
  const previousTag = stack.parameters[tagParameter] ?? '';
  if (previousTag === tag) return { type: 'already-released', service, tag, stackName };

  // 3. The reviewed change-set flow, its review held to the service's stack.
  const stackPath = serviceStackPath(service);
  const flow: FlowOptions & { mode: 'deploy' } = {
    mode: 'deploy',
    force: false,
    allowReplace: [],
    replaceFailedStack: false,
    reviewGate: (review) => {
      const scope = releaseScope(review, stackPath);
      io.emit({ type: 'release-scope', service, stackPath, changed: scope.changed, noise: scope.noise });
      return scope.outside.length > 0 ? { kind: 'release-scope', service, stackPath, outside: scope.outside } : undefined;
    },
  };
  const end = await runChangeSetFlow(c, io, target, flow);
  if (end.type === 'no-changes' || (end.type === 'applied' && !end.changed)) return { type: 'already-released', service, tag, stackName };
  if (end.type !== 'applied') return end;
  if (!end.stack) return { type: 'released', service, tag, previousTag, stackName };
  await applyProtections(c, io, end.stack, target.stacks, end.changed);
  const outputs = await collectOutputs(cfn, end.stack, c.env.name, c.runtime.serviceNames, c.masker, new Date(c.runtime.clock.now()));
  return { type: 'released', service, tag, previousTag, stackName, outputs };
}
