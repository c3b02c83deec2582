/**
 * `--require-approval <level>` (CI strictness, after CDK's `--require-approval`:
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.cloud_assembly_schema.RequireApproval.html):
 * which fresh change sets `--yes` may not approve, so a person must.
 *
 * - `never` (the default): `--yes` approves any change set.
 * - `broadening`: a change set that broadens security (an IAM statement or a security-group rule
 *   added, a deny removed, a managed policy attached, a security resource added), or whose security
 *   section is not known (review/findings.ts), needs a person. Not known counts as broadening.
 * - `any-change`: every change set needs a person.
 *
 * A person at a terminal is asked as without `--yes`; without a terminal the change set is left
 * for review (exit 5) with the reason. A reviewed file (`deploy --review`) is itself the approval.
 */
import type { Review } from './review/model';

export const REQUIRE_APPROVAL_LEVELS = ['never', 'broadening', 'any-change'] as const;
export type RequireApproval = (typeof REQUIRE_APPROVAL_LEVELS)[number];

export const isRequireApproval = (value: string): value is RequireApproval => (REQUIRE_APPROVAL_LEVELS as readonly string[]).includes(value);

/** Why a person must approve. */
export type ApprovalRequirement =
  | { readonly level: 'broadening'; readonly broadening: number; readonly securityUnknown: boolean }
  | { readonly level: 'any-change' };

/** Pure: whether `review` needs a person under `level` (undefined: --yes may approve it). */
export function approvalRequirement(level: RequireApproval, review: Review): ApprovalRequirement | undefined {
  if (level === 'never') return undefined;
  if (level === 'any-change') return { level };
  const broadening = review.findings.security.filter((f) => f.broadening).length;
  const securityUnknown = (review.findings.unknown?.security?.length ?? 0) > 0;
  return broadening > 0 || securityUnknown ? { level, broadening, securityUnknown } : undefined;
}
