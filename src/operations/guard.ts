/**
 * D-2: before anything that changes AWS, the caller must be in the params file's account and
 * region. The decision is pure (`judgeIdentity`); `checkGuard` only gathers the facts. A refusal is
 * data (`GuardFailure`); the CLI words it (src/cli/render/outcomes.ts).
 */
import { AwsError, type AwsSession, type CallerIdentity, type ConfiguredRegion } from '../aws/port';
import type { DeploymentSettings } from '../config/environment';
import { errorInfo, type ErrorInfo } from './operation';

export type GuardFailure =
  /** The SDK configuration names another region than the params file. */
  | { readonly reason: 'region-mismatch'; readonly file: string; readonly expected: string; readonly configured: ConfiguredRegion }
  /** No credentials in the standard chain; `error` when some were found but refused. */
  | { readonly reason: 'no-credentials'; readonly error?: ErrorInfo; readonly unusable: boolean }
  | { readonly reason: 'account-mismatch'; readonly file: string; readonly expected: string; readonly identity: CallerIdentity }
  /** STS could not be asked (network, endpoint, permissions). */
  | { readonly reason: 'sts-failed'; readonly error: ErrorInfo };

export type GuardResult = { readonly ok: true; readonly identity: CallerIdentity } | { readonly ok: false; readonly failure: GuardFailure };

/** Pure: compares what the SDK configuration and STS say with the params file. */
export function judgeIdentity(
  deployment: Pick<DeploymentSettings, 'accountId' | 'region'>,
  file: string,
  configured: ConfiguredRegion | undefined,
  identity: CallerIdentity | undefined,
): GuardResult {
  if (configured && configured.region !== deployment.region) {
    return { ok: false, failure: { reason: 'region-mismatch', file, expected: deployment.region, configured } };
  }
  if (!identity) return { ok: false, failure: { reason: 'no-credentials', unusable: false } };
  if (identity.account !== deployment.accountId) {
    return { ok: false, failure: { reason: 'account-mismatch', file, expected: deployment.accountId, identity } };
  }
  return { ok: true, identity };
}

export async function checkGuard(session: AwsSession, deployment: DeploymentSettings, file: string): Promise<GuardResult> {
  const configured = await session.port.sts.configuredRegion();
  const early = judgeIdentity(deployment, file, configured, { account: deployment.accountId, arn: '' });
  if (!early.ok) return early;
  try {
    const identity = await session.port.sts.callerIdentity();
    return judgeIdentity(deployment, file, configured, identity);
  } catch (error) {
    if (error instanceof AwsError && error.kind === 'credentials') {
      // The SDK's "could not load credentials from any providers" says nothing the chain does not.
      return { ok: false, failure: { reason: 'no-credentials', unusable: true, ...(error.code === 'CredentialsProviderError' ? {} : { error: errorInfo(error) }) } };
    }
    if (error instanceof AwsError) return { ok: false, failure: { reason: 'sts-failed', error: errorInfo(error) } };
    throw error;
  }
}
