/**
 * checkov exemptions, written into the resource's own Metadata so each one sits next to the
 * resource it concerns, with its reason (checkov reads `Metadata.checkov.skip`). The gate allows
 * no failed check; `make lint` prints every skip with its reason.
 */
import type { ResourceBase } from 'cloudform-types/types/resource';

export interface ScanExemption {
  /** checkov check id, e.g. CKV_AWS_116. */
  readonly check: string;
  readonly reason: string;
}

export function exemptFromScan<R extends ResourceBase>(resource: R, exemptions: readonly ScanExemption[]): R {
  const metadata: { checkov?: { skip?: { id: string; comment: string }[] } } = resource.Metadata ?? {};
  const skip = [...(metadata.checkov?.skip ?? []), ...exemptions.map((e) => ({ id: e.check, comment: e.reason }))];
  resource.Metadata = { ...metadata, checkov: { ...metadata.checkov, skip } };
  return resource;
}

/** Exemptions shared by several functions, so the reason is written once. */
export const LAMBDA_EXEMPTIONS = {
  synchronousInvocation: {
    check: 'CKV_AWS_116',
    reason: 'Invoked synchronously (by CloudFormation or Secrets Manager), which retry and record failures; a DLQ applies only to asynchronous invocations',
  },
  noSecretsInEnvironment: {
    check: 'CKV_AWS_173',
    reason: 'Its environment holds only an endpoint URL, no secret; Lambda encrypts it at rest with an AWS-managed key',
  },
  noReservedConcurrency: {
    check: 'CKV_AWS_115',
    reason: 'Runs rarely and briefly (a custom resource, or one rotation step at a time); a reservation is refused in accounts whose unreserved concurrency would drop below 100, as in new accounts (Lambda: configuration-concurrency)',
  },
  reachesNoVpcResource: {
    check: 'CKV_AWS_117',
    reason: 'Calls only AWS APIs, never a VPC resource; a VPC attachment would add NAT or endpoint dependencies without reducing exposure',
  },
} as const satisfies Record<string, ScanExemption>;
