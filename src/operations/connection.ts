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
import type { AwsSession, CallerIdentity } from '../aws/port';
import { endpointFor, type EnvironmentVariables } from '../aws/endpoint';
import { CheckFailedError, InputError, type Problem } from '../core/problems';
import { checkGuard } from './guard';
import { createMasker, secretParameterValues, type SecretMasker } from './mask';
import type { OperationIo, Precondition } from './operation';
import { packagePlatform, PackagingError, type PackagedPlatform } from './package/package';
import type { DeployRuntime } from './runtime';

/** An environment rendered, loaded and packaged, before any AWS client exists. */
export interface PreparedEnvironment {
  readonly runtime: DeployRuntime;
  readonly env: EnvironmentConfig;
  readonly packaged: PackagedPlatform;
  readonly masker: SecretMasker;
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
  return { runtime, env, packaged, masker };
}

export type Opened = { readonly type: 'connected'; readonly connection: Connection } | Precondition;

/** `signal`: Ctrl-C (guarded-run.ts); the session's retries stop on it. */
export async function openConnection(prepared: PreparedEnvironment, variables: EnvironmentVariables, io: OperationIo, signal?: AbortSignal): Promise<Opened> {
  const { deployment } = prepared.env;
  const session = await prepared.runtime.connect(deployment.region, variables, (notice) =>
    io.emit({ type: 'retry', operation: notice.operation, errorKind: notice.error.kind, code: notice.error.code, attempt: notice.attempt, delayMs: notice.delayMs }), signal);
  const guard = await checkGuard(session, deployment, prepared.env.file);
  if (!guard.ok) return { type: 'precondition', reason: { kind: 'guard', failure: guard.failure } };
  io.emit({
    type: 'connected',
    environment: prepared.env.name,
    stackName: deployment.stackName,
    accountId: deployment.accountId,
    region: deployment.region,
    caller: guard.identity.arn || guard.identity.account,
  });
  return { type: 'connected', connection: { ...prepared, session, identity: guard.identity } };
}
