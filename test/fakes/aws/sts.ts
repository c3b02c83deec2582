/**
 * The fake STS: who the caller is, the region the SDK's configuration names, and AssumeRole.
 *
 * Documented behaviour it follows
 * - GetCallerIdentity answers the caller's account and ARN; an assumed-role session is
 *   `arn:aws:sts::<account>:assumed-role/<role>/<session>`; it needs no permission ("No permissions
 *   are required to perform this operation":
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
 * - Without credentials every call fails with CredentialsProviderError before reaching a service
 *   (the SDK's credential chain, FakeAws `credentials`); the configured region is local
 *   configuration, read without a request.
 * - AssumeRole: iam.ts.
 */
import type { CallerIdentity, ConfiguredRegion, StsPort } from '../../../src/aws/port';
import type { Call } from './core';
import type { FakeIam, FakeSession } from './iam';

/** What the caller's own credentials say (FakeAws options and scenario settings). */
export interface CallerSettings {
  readonly account: string;
  readonly configuredRegion: ConfiguredRegion | undefined;
  /** The account the caller's credentials belong to (a test may make it another than the fake's). */
  readonly callerAccount: string;
  readonly callerArn: string;
}

export function callerIdentity(settings: CallerSettings, iam: FakeIam, session: FakeSession | undefined): CallerIdentity {
  if (session) return { account: settings.account, arn: iam.sessionArn(session) };
  return { account: settings.callerAccount, arn: settings.callerArn.replace(settings.account, settings.callerAccount) };
}

export function stsPort(settings: CallerSettings, iam: FakeIam, session: FakeSession | undefined, call: Call): StsPort {
  return {
    configuredRegion: () => call('sts.configuredRegion', [], () => settings.configuredRegion),
    callerIdentity: () => call('sts.callerIdentity', [], () => callerIdentity(settings, iam, session)),
    assumeRole: (roleArn, sessionName) => call('sts.assumeRole', [roleArn, sessionName], () => iam.assumeRole(roleArn, sessionName, callerIdentity(settings, iam, session))),
  };
}
