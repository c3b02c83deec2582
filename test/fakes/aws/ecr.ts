/**
 * The fake ECR: repositories (a stack's, or one a test pushed to), the images pushed to them, and
 * the `AWS::ECR::Repository` resource.
 *
 * Documented behaviour it follows
 * - DescribeImages of a tag answers ImageNotFoundException when the repository lacks it and
 *   RepositoryNotFoundException when there is no repository (D-16)
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html).
 * - DeleteRepository with `force` deletes its images too; a repository that does not exist is
 *   RepositoryNotFoundException (the port answers false)
 *   (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html).
 * - `Ref` of a repository is its name; `RepositoryUri` is `<registry>.dkr.ecr.<region>.amazonaws.com/<name>`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html).
 */
import type { EcrPort, ImageLookup } from '../../../src/aws/port';
import type { ResourceProvider } from './cloudformation/resources';
import type { Call, FakeCore } from './core';

export class FakeEcr {
  /** Repository names (created by stacks). */
  readonly repositories = new Set<string>();
  /** Images by repository name, then tag. */
  readonly images = new Map<string, Map<string, { readonly digest: string; readonly pushedAt: Date }>>();

  constructor(private readonly core: FakeCore) {}

  /** A pushed image: the repository need not be a stack's (a test may push before deploying). */
  pushImage(repository: string, tag: string): string {
    const digest = `sha256:${String(this.core.tick()).padStart(64, 'f')}`;
    const tags = this.images.get(repository) ?? new Map<string, { digest: string; pushedAt: Date }>();
    tags.set(tag, { digest, pushedAt: new Date(this.core.clock.now()) });
    this.images.set(repository, tags);
    return digest;
  }

  /** A repository a stack created (kept while retained, until deleted) or one a test pushed to. */
  private repositoryExists(name: string): boolean {
    return this.repositories.has(name) || this.images.has(name);
  }

  private describeImage(repository: string, tag: string): ImageLookup {
    if (!this.repositoryExists(repository)) return { kind: 'repository-missing' };
    const image = this.images.get(repository)?.get(tag);
    return image ? { kind: 'found', digest: image.digest, pushedAt: image.pushedAt } : { kind: 'image-missing' };
  }

  readonly providers: Readonly<Record<string, ResourceProvider>> = {
    'AWS::ECR::Repository': {
      physicalId: ({ logicalId, suffix, properties }) => (typeof properties?.['RepositoryName'] === 'string' ? properties['RepositoryName'] : `${logicalId.toLowerCase()}-${suffix}`),
      attribute: (resource, attribute) => (attribute === 'RepositoryUri' ? `${this.core.account}.dkr.ecr.${this.core.region}.amazonaws.com/${resource.physicalId}` : undefined),
      apply: (physicalId) => {
        this.repositories.add(physicalId);
      },
      delete: (physicalId) => {
        this.repositories.delete(physicalId);
      },
    },
  };

  port(call: Call): EcrPort {
    return {
      repositoryExists: (name) => call('ecr.repositoryExists', [name], () => this.repositories.has(name)),
      deleteRepository: (name) =>
        call('ecr.deleteRepository', [name], () => {
          const existed = this.repositoryExists(name);
          this.images.delete(name);
          this.repositories.delete(name);
          return existed;
        }),
      describeImage: (request) => call('ecr.describeImage', [request], () => this.describeImage(request.repository, request.tag)),
    };
  }
}
