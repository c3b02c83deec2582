/**
 * The images a deploy would start (D-16). A service whose image tag the deploy changes must find
 * that image in its ECR repository before any change set: otherwise ECS fails to pull it
 * (CannotPullContainerError, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html)
 * and the deployment circuit breaker rolls the stack back minutes later, after every other change
 * of the change set has been made.
 *
 * Every non-empty tag is looked up, the ones the stack already runs too: the registry's lifecycle
 * policy keeps the last images only (src/stacks/registry.ts), so an image a service runs can be
 * gone, and then no new task of it starts, in this deploy or when ECS replaces or adds tasks. The
 * look-up runs after the identical-stack skip, so a no-op deploy makes no ECR call; an empty tag
 * is a service not released yet (docs/operations.md, first deploy) and needs no image.
 */
import type { StackDescription } from '../aws/port';
import { imageTagParameter } from '../stacks/releases';
import type { FlowOptions } from './change-set-flow';
import type { Connection } from './connection';
import type { MissingImage } from './operation';
import { repositoryNameTemplate } from '../stacks/registry';

/** The registry stack's repository of a service in an environment (`ecr-<service>-<env>`). */
export const repositoryName = (service: string, environment: string): string => repositoryNameTemplate({ name: service }).replace('${Environment}', environment);

/** Each service whose tag names an image its repository lacks, in catalog order. */
export async function missingImages(c: Connection, current: StackDescription | undefined): Promise<readonly MissingImage[]> {
  const { deployment } = c.env;
  const started = Object.keys(c.env.imageTags).flatMap((service) => {
    const parameter = imageTagParameter({ name: service });
    const tag = c.env.stackParameters[parameter];
    // undefined: a service with no stack yet (imagePending), whose tag nothing uses.
    if (!tag) return [];
    return [{ service, tag, repository: repositoryName(service, c.env.name), running: current?.parameters[parameter] === tag }];
  });
  const lookups = await Promise.all(started.map(async (image) => ({
    ...image,
    found: await c.session.port.ecr.describeImage({ registryId: deployment.accountId, repository: image.repository, tag: image.tag }),
  })));
  return lookups
    .filter(({ found }) => found.kind !== 'found')
    .map(({ found, ...image }) => ({ ...image, repositoryExists: found.kind === 'image-missing' }));
}

/** Refuses, before any change set, a deploy that would start an image its repository lacks. */
export function imagesPreflight(c: Connection): NonNullable<FlowOptions['preflight']> {
  return async (current) => {
    const missing = await missingImages(c, current);
    if (missing.length === 0) return undefined;
    return { type: 'precondition', reason: { kind: 'images-missing', registryId: c.env.deployment.accountId, region: c.env.deployment.region, missing } };
  };
}
