/**
 * What keeps a release (D-16) to one service, pure and testable:
 *
 * - before any change set, `releaseDifferences`: the deployed root must equal the packaged root
 *   (content-addressed child URLs make that the whole tree), its parameters must equal the params
 *   file's except the released service's tag, and its tags the file's. Then the change set can
 *   differ from the deployed stack only by that tag, which reaches one service stack.
 * - after the review, `outsideRelease`: every change that is not labelled noise must lie in the
 *   service's stack, or be the nested-stack entries leading to it. A caller of the service is
 *   listed by CloudFormation because it reads the service's security group from its outputs, a
 *   value known only after apply (cloudformation-coverage-roadmap#759); the review labels those
 *   (review/findings.ts) and they are reported as such, not refused.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StackDescription } from '../aws/port';
import type { TemplateJson } from '../core/template-json';
import { allChanges, type Review, type ReviewChange } from './review/model';
import { effectiveParameters, parse } from './skip';

export type ReleaseDifference =
  | { readonly kind: 'templates' }
  | { readonly kind: 'parameters'; readonly names: readonly string[] }
  | { readonly kind: 'tags'; readonly keys: readonly string[] };

const differingKeys = (a: Readonly<Record<string, string | undefined>>, b: Readonly<Record<string, string | undefined>>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => a[key] !== b[key]).sort();

/**
 * How the deployed stack differs from the workspace, apart from `tagParameter`. NoEcho parameters
 * come back from DescribeStacks as `****` and cannot be compared; the review gate still holds them.
 */
export function releaseDifferences(
  stack: StackDescription,
  deployedBody: string,
  next: { readonly template: TemplateJson; readonly parameters: Readonly<Record<string, string>>; readonly tags: Readonly<Record<string, string>> },
  tagParameter: string,
): ReleaseDifference[] {
  const differences: ReleaseDifference[] = [];
  if (!isDeepStrictEqual(parse(deployedBody), next.template)) differences.push({ kind: 'templates' });
  const noEcho = new Set(Object.entries(next.template.Parameters ?? {}).filter(([, p]) => p.NoEcho).map(([name]) => name));
  const names = differingKeys(effectiveParameters(stack.parameters, next.template), effectiveParameters(next.parameters, next.template))
    .filter((name) => name !== tagParameter && !noEcho.has(name));
  if (names.length > 0) differences.push({ kind: 'parameters', names });
  const keys = differingKeys(stack.tags, next.tags);
  if (keys.length > 0) differences.push({ kind: 'tags', keys });
  return differences;
}

const within = (address: string, path: string): boolean => address === path || address.startsWith(`${path}/`);

/** A nested-stack entry on the way from the root to `stackPath` (`Services`, `Services/ApiGateway`). */
function onThePath(change: ReviewChange, stackPath: string): boolean {
  return change.resourceType === 'AWS::CloudFormation::Stack' && (stackPath === change.address || stackPath.startsWith(`${change.address}/`));
}

export interface ReleaseScope {
  /** Real changes inside the service's stack. */
  readonly changed: readonly string[];
  /** Stacks listed only as noise (values known after apply). */
  readonly noise: readonly string[];
  /** Real changes anywhere else: the release must not execute. */
  readonly outside: readonly string[];
}

/**
 * Splits a release's review. When the services stack itself is new (the first service ever
 * released), what comes with it (rotation functions, the dashboard) is part of the release.
 */
export function releaseScope(review: Review, stackPath: string): ReleaseScope {
  const changed: string[] = [];
  const noise: string[] = [];
  const outside: string[] = [];
  const parentStack = stackPath.split('/')[0];
  const createsParent = review.root.changes.some((c) => c.address === parentStack && c.action === 'Add');
  for (const change of allChanges(review.root)) {
    if (change.noise) {
      if (change.resourceType === 'AWS::CloudFormation::Stack') noise.push(change.address);
      continue;
    }
    if (change.nested && !within(change.address, stackPath)) {
      // A stack entry is judged by what it contains; it is allowed only on the path.
      if (!onThePath(change, stackPath) && !(createsParent && within(change.address, parentStack))) outside.push(change.address);
      continue;
    }
    if (within(change.address, stackPath) || (createsParent && within(change.address, parentStack) && change.action === 'Add')) {
      if (change.resourceType !== 'AWS::CloudFormation::Stack' || !change.nested) changed.push(change.address);
      continue;
    }
    outside.push(change.address);
  }
  return { changed, noise, outside };
}
