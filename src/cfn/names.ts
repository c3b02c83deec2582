/**
 * P-NAME: physical names follow `{resource-type}-{owner}-{env}`, where the owner is a catalog
 * service or, for platform-wide resources, the project (`tap`). Names are rendered as
 * `Fn::Sub` over the stack's `Environment` parameter, so one template serves every environment.
 *
 * Only resources people look up by name are named. Security groups, IAM roles and S3 buckets keep
 * CloudFormation-generated names: SG and role names would block replacement updates, role names
 * are global across regions, and bucket names are global across accounts.
 */
import { sub, type IntrinsicFunction } from './fn';
import { PROJECT } from '../catalog/platform';

/** `{resourceType}-{owner}-${Environment}` as a template string (what the templates contain). */
export function nameTemplate(resourceType: string, owner: string): string {
  return `${resourceType}-${owner}-\${Environment}`;
}

export function physicalName(resourceType: string, owner: string): IntrinsicFunction {
  return sub(nameTemplate(resourceType, owner));
}

/** Names of platform-wide resources use the project as owner: `alb-tap-dev`. */
export function platformName(resourceType: string): IntrinsicFunction {
  return physicalName(resourceType, PROJECT);
}

/** KMS alias names carry the `alias/` prefix AWS requires. */
export function kmsAliasName(owner: string): IntrinsicFunction {
  return sub(`alias/${nameTemplate('key', owner)}`);
}

/** PascalCase logical-id fragment from a catalog name: `api-gateway` → `ApiGateway`. */
export function pascal(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}
