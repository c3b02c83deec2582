/**
 * Per-service releases (D-16): every launched catalog service has its own image tag, a root
 * parameter `<Service>ImageTag` (`ApiGatewayImageTag`) that the root passes to the services stack
 * and the services stack to that service's stack alone, where it is the `ImageTag` parameter. A
 * release changes one value: the root's and the services stack's templates stay byte-for-byte the
 * same, and so does every other stack's template and parameters.
 *
 * An empty tag means "not released yet": the service's stack is not created (its image must be in
 * the repository the same deploy creates). A caller exists only once every service it calls
 * exists (it reads their security groups), so its condition includes theirs; the params rules
 * refuse a caller with a tag whose callee has none, rather than leave it silently undeployed.
 */
import type { ParameterSpec } from '../cfn/stack';
import { pascal } from '../cfn/names';
import type { ServiceDefinition } from '../catalog/types';

/** Root and services-stack parameter names of the per-service image tags. */
export type ImageTagParameterName = `${string}ImageTag`;

/**
 * A tag ECS can pull and ECR stores: ECR takes 1-300 characters (ImageIdentifier,
 * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html), and an
 * image reference allows a tag of at most 128 letters, digits, `_`, `.` and `-`, not starting with
 * `.` or `-` (the OCI distribution grammar; docker/docker#24339), so the stricter rule applies.
 */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';
export const IMAGE_TAG_DESCRIPTION = 'an image tag: letters, digits, _ . - (at most 128, not starting with . or -)';

/** The root's and the services stack's tag of a service: empty until its first release. */
export const imageTagParameterSpec = (service: string): ParameterSpec => ({
  Type: 'String',
  Description: `Image tag ${service} runs (immutable in ECR); empty: ${service} is not released yet`,
  AllowedPattern: `^$|${IMAGE_TAG_PATTERN}`,
  ConstraintDescription: `empty, or ${IMAGE_TAG_DESCRIPTION}`,
});

/** A service stack's own `ImageTag`: the stack exists only once the tag is set. */
export const releasedImageTagSpec = (service: string): ParameterSpec => ({
  Type: 'String',
  Description: `Image tag ${service} runs (immutable in ECR)`,
  AllowedPattern: IMAGE_TAG_PATTERN,
  ConstraintDescription: IMAGE_TAG_DESCRIPTION,
});

/** `api-gateway` → `ApiGatewayImageTag`. */
export const imageTagParameter = (service: Pick<ServiceDefinition, 'name'>): ImageTagParameterName => `${pascal(service.name)}ImageTag`;

/** The services stack's condition that a service's stack exists: `ApiGatewayReleased`. */
export const releasedCondition = (service: Pick<ServiceDefinition, 'name'>): string => `${pascal(service.name)}Released`;

/** One tag parameter per service, in catalog order. */
export function imageTagParameters(services: readonly ServiceDefinition[]): Record<ImageTagParameterName, ParameterSpec> {
  return Object.fromEntries(services.map((service) => [imageTagParameter(service), imageTagParameterSpec(service.name)]));
}

export const isImageTagParameter = (name: string): name is ImageTagParameterName => /^[A-Z][A-Za-z0-9]*ImageTag$/.test(name);
