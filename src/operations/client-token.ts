/**
 * Client request tokens: CloudFormation's idempotency keys. A request repeated with the same token
 * is recognised as the same request (CreateChangeSet, ExecuteChangeSet, DeleteStack,
 * ContinueUpdateRollback), so a token must be the same for a retry of one request and differ
 * between requests. One recipe for all of them: `tap-<purpose>-<32 hex digits of SHA-256 over
 * what identifies the request>` — 41 to 45 characters, within the API's limit of 128 and its
 * pattern `[a-zA-Z0-9][-a-zA-Z0-9]*` (ClientRequestToken in the CloudFormation API model:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html).
 */
import { createHash } from 'node:crypto';

export type TokenPurpose = 'create' | 'execute' | 'discard' | 'replace' | 'continue' | 'destroy';

export function clientToken(purpose: TokenPurpose, ...identity: readonly string[]): string {
  return `tap-${purpose}-${createHash('sha256').update(identity.join('\n')).digest('hex').slice(0, 32)}`;
}
