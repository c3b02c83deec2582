/**
 * D-2: before anything that changes AWS, the caller must be in the params file's account and
 * region. The decision is pure (`judgeIdentity`); `checkGuard` only gathers the facts.
 */
import { AwsError, type AwsSession, type CallerIdentity, type ConfiguredRegion } from '../aws/port';
import type { DeploymentSettings } from '../config/environment';

export type GuardResult =
  | { readonly ok: true; readonly identity: CallerIdentity }
  | { readonly ok: false; readonly reason: 'no-credentials' | 'account-mismatch' | 'region-mismatch' | 'sts-failed'; readonly message: string };

export const CREDENTIAL_CHAIN =
  'environment variables (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), AWS_PROFILE or the default profile ' +
  'in ~/.aws/credentials and ~/.aws/config (including SSO and assumed roles), web identity (AWS_WEB_IDENTITY_TOKEN_FILE), ' +
  'and container or instance metadata';

/** Pure: compares what the SDK configuration and STS say with the params file. */
export function judgeIdentity(
  deployment: Pick<DeploymentSettings, 'accountId' | 'region'>,
  file: string,
  configured: ConfiguredRegion | undefined,
  identity: CallerIdentity | undefined,
): GuardResult {
  if (configured && configured.region !== deployment.region) {
    return {
      ok: false,
      reason: 'region-mismatch',
      message: `${file} deploys to ${deployment.region}, but ${configured.source} says ${configured.region}. ` +
        `Unset it or set it to ${deployment.region}; the toolkit never deploys to a region other than the params file's.`,
    };
  }
  if (!identity) return { ok: false, reason: 'no-credentials', message: `no AWS credentials found. Searched the standard chain: ${CREDENTIAL_CHAIN}.` };
  if (identity.account !== deployment.accountId) {
    return {
      ok: false,
      reason: 'account-mismatch',
      message: `${file} deploys to account ${deployment.accountId}, but the credentials are for account ${identity.account} (${identity.arn}). ` +
        `Switch to credentials for ${deployment.accountId} (e.g. AWS_PROFILE) and retry.`,
    };
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
      const detail = error.code === 'CredentialsProviderError' ? '' : ` (${error.code}: ${error.message})`;
      return { ok: false, reason: 'no-credentials', message: `no usable AWS credentials${detail}. Searched the standard chain: ${CREDENTIAL_CHAIN}.` };
    }
    if (error instanceof AwsError) {
      return { ok: false, reason: 'sts-failed', message: `could not confirm the caller's account with STS GetCallerIdentity: ${error.code}: ${error.message}` };
    }
    throw error;
  }
}
