/**
 * Opening an environment for an operation, in two steps:
 *
 * 1. `prepareConnection` (no AWS): render and load (input errors stop here, exit 2), package the
 *    templates (one over CloudFormation's 1 MB limit is a failed check, exit 3), check the
 *    arguments that need the rendered tree, and build the secret masker.
 * 2. `openConnection`: the AWS session (retries reported as events), then the guard (D-2): the
 *    caller's account and region must be the params file's, or the outcome is a precondition.
 *
 * A `Connection` is what every operation takes: an environment opened against AWS. It holds no
 * output: operations report through their io (operation.ts).
 */
import type { EnvironmentConfig } from '../config/environment';
import { AwsError, type AwsSession, type CallerIdentity, type TemporaryCredentials } from '../aws/port';
import type { RetryNotice } from '../aws/retry';
import { deploySessionName } from './identity';
import { endpointFor, type EnvironmentVariables } from '../aws/endpoint';
import { CheckFailedError, InputError, type Problem } from '../core/problems';
import { checkGuard } from './guard';
import { createMasker, secretParameterValues, type SecretMasker } from './mask';
import { errorInfo, type OperationIo, type Precondition } from './operation';
import { packagePlatform, PackagingError, type PackagedPlatform } from './package/package';
import type { DeployRuntime } from './runtime';

/** An environment rendered, loaded and packaged, before any AWS client exists. */
export interface PreparedEnvironment {
  readonly runtime: DeployRuntime;
  readonly env: EnvironmentConfig;
  readonly packaged: PackagedPlatform;
  readonly masker: SecretMasker;
  /** The role to act as, once the caller is checked (D-17); absent: the caller's own credentials. */
  readonly deployRole?: string;
  /** The shared-config profile whose credentials the caller uses (promote, D-18); absent: the standard chain. */
  readonly profile?: string;
}

/** An environment opened against AWS: the guard has checked the session's account and region. */
export interface Connection extends PreparedEnvironment {
  readonly session: AwsSession;
  readonly identity: CallerIdentity;
}

/** What an operation can check about its own arguments once the workspace is known, before connecting. */
export interface Opening {
  readonly env: EnvironmentConfig;
  readonly packaged: PackagedPlatform;
}

export interface PrepareOptions {
  /** deploy and diff: templates/ on disk must equal what the builders render. */
  readonly requireFresh: boolean;
  /** Argument problems that need the workspace (e.g. --allow-replace addresses); exit 2 before any AWS call. */
  readonly checkArguments?: (opening: Opening) => readonly Problem[];
  /**
   * deploy, diff and release act as deployment.deployRoleArn when the params file names one
   * (D-17); every other command keeps the caller's own credentials (bootstrap creates the role).
   */
  readonly assumeDeployRole?: boolean;
  /** Read the caller's credentials from this profile of the shared AWS config (promote's --from-profile/--to-profile). */
  readonly profile?: string;
}

/** Throws InputError (exit 2) or CheckFailedError (exit 3); makes no AWS call. */
export function prepareConnection(runtime: DeployRuntime, root: string, environment: string, variables: EnvironmentVariables, options: PrepareOptions): PreparedEnvironment {
  const workspace = runtime.prepare(root, environment, options);
  const env = workspace.environment;
  const { deployment } = env;
  // Packaging is pure; URLs need only the bucket, region and endpoint.
  const endpoint = endpointFor(variables, 'S3');
  let packaged: PackagedPlatform;
  try {
    packaged = packagePlatform(workspace.platform, { bucket: deployment.artifactBucket, region: deployment.region, ...(endpoint ? { endpoint } : {}) });
  } catch (error) {
    if (error instanceof PackagingError) throw new CheckFailedError(error.message);
    throw error;
  }
  const argumentProblems = options.checkArguments?.({ env, packaged }) ?? [];
  if (argumentProblems.length > 0) throw new InputError(argumentProblems);
  const masker = createMasker(
    packaged.stacks.map((s) => ({ path: s.path, templates: [s.template] })),
    secretParameterValues(packaged.stacks[0].template, env.stackParameters),
  );
  const deployRole = options.assumeDeployRole ? env.deployment.deployRoleArn : undefined;
  return { runtime, env, packaged, masker, ...(deployRole ? { deployRole } : {}), ...(options.profile ? { profile: options.profile } : {}) };
}

export type Opened = { readonly type: 'connected'; readonly connection: Connection } | Precondition;

/** `signal`: Ctrl-C (guarded-run.ts); the session's retries stop on it. */
export async function openConnection(prepared: PreparedEnvironment, variables: EnvironmentVariables, io: OperationIo, signal?: AbortSignal): Promise<Opened> {
  const { deployment } = prepared.env;
  const onRetry = (notice: RetryNotice) =>
    io.emit({ type: 'retry', operation: notice.operation, errorKind: notice.error.kind, code: notice.error.code, attempt: notice.attempt, delayMs: notice.delayMs });
  const base = await prepared.runtime.connect(deployment.region, variables, onRetry, { ...(signal ? { signal } : {}), ...(prepared.profile ? { profile: prepared.profile } : {}) });
  const guard = await checkGuard(base, deployment, prepared.env.file);
  if (!guard.ok) return { type: 'precondition', reason: { kind: 'guard', failure: guard.failure } };
  const assumed = prepared.deployRole ? await assumeDeployRole(prepared, prepared.deployRole, base, guard.identity, variables, onRetry, signal) : undefined;
  if (assumed?.type === 'precondition') return assumed;
  const session = assumed?.session ?? base;
  const identity = assumed?.identity ?? guard.identity;
  io.emit({
    type: 'connected',
    environment: prepared.env.name,
    stackName: deployment.stackName,
    accountId: deployment.accountId,
    region: deployment.region,
    caller: identity.arn || identity.account,
    ...(prepared.deployRole ? { deployRole: prepared.deployRole } : {}),
  });
  return { type: 'connected', connection: { ...prepared, session, identity } };
}

/** `arn:aws:sts::<account>:assumed-role/<name>/<session>` is a session of the role `arn:aws:iam::<account>:role/<path><name>`. */
const isSessionOf = (caller: string, roleArn: string): boolean => {
  const session = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller);
  const role = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return Boolean(session && role && session[1] === role[1] && session[2] === role[2]);
};

/**
 * D-17: AssumeRole of the deploy role with the checked caller's credentials (a CI job that
 * already runs as it, through GitHub OIDC, keeps its session), then a session with the role's
 * credentials, whose identity is checked again.
 */
async function assumeDeployRole(
  prepared: PreparedEnvironment,
  roleArn: string,
  base: AwsSession,
  caller: CallerIdentity,
  variables: EnvironmentVariables,
  onRetry: (notice: RetryNotice) => void,
  signal: AbortSignal | undefined,
): Promise<{ readonly type: 'assumed'; readonly session: AwsSession; readonly identity: CallerIdentity } | Precondition> {
  if (isSessionOf(caller.arn, roleArn)) return { type: 'assumed', session: base, identity: caller };
  const { deployment } = prepared.env;
  let credentials: TemporaryCredentials;
  try {
    credentials = await base.port.sts.assumeRole(roleArn, deploySessionName(prepared.env.name, prepared.runtime.clock.now()));
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return { type: 'precondition', reason: { kind: 'assume-role-failed', roleArn, caller: caller.arn || caller.account, error: errorInfo(error), file: prepared.env.file } };
  }
  const session = await prepared.runtime.connect(deployment.region, variables, onRetry, { credentials, ...(signal ? { signal } : {}) });
  const guard = await checkGuard(session, deployment, prepared.env.file);
  if (!guard.ok) return { type: 'precondition', reason: { kind: 'guard', failure: guard.failure } };
  return { type: 'assumed', session, identity: guard.identity };
}
