/**
 * The common opening of every AWS command: render and load (input errors stop here, before any
 * AWS client exists), connect, and pass the guard (D-2). What it returns is all a command needs.
 */
import type { CommandContext } from '../cli/command';
import { EXIT, type ExitCode } from '../cli/exit-codes';
import { styler, writeLine, type Output, type Style } from '../cli/terminal';
import type { EnvironmentConfig } from '../config/environment';
import type { AwsSession, CallerIdentity } from '../aws/port';
import { checkGuard } from './guard';
import { createMasker, secretParameterValues, type SecretMasker } from './mask';
import { packagePlatform, PackagingError, type PackagedPlatform } from './package/package';
import { CheckFailedError, InputError, type Problem } from '../core/problems';
import type { RetryNotice } from '../aws/retry';
import { endpointFor } from '../aws/endpoint';
import type { DeployRuntime, Terminal, Workspace } from './runtime';
import { formatDuration } from '../core/clock';

export type Styler = (style: Style, text: string) => string;

/** Output helpers: narrative to stdout, verdicts (error/refused) to stderr. */
export interface Say {
  line(text?: string): void;
  note(text: string): void;
  ok(text: string): void;
  warn(text: string): void;
  /** A headline on stderr, e.g. `error`, `refused`, `stale review`. */
  fail(label: string, text: string): void;
  /** Continuation lines of a verdict (stderr). */
  detail(text: string): void;
}

export function sayTo(output: Output, style: Styler, masker?: SecretMasker): Say {
  const clean = (text: string) => (masker ? masker.text(text) : text);
  return {
    line: (text = '') => writeLine(output.out, clean(text)),
    note: (text) => writeLine(output.out, style('dim', clean(text))),
    ok: (text) => writeLine(output.out, `${style('green', '✓')} ${clean(text)}`),
    warn: (text) => writeLine(output.out, `${style('yellow', 'warning')} ${clean(text)}`),
    fail: (label, text) => writeLine(output.err, `${style('red', label)} ${clean(text)}`),
    detail: (text) => writeLine(output.err, `  ${clean(text)}`),
  };
}

export interface AwsCommand {
  readonly root: string;
  readonly output: Output;
  readonly style: Styler;
  readonly say: Say;
  readonly runtime: DeployRuntime;
  readonly workspace: Workspace;
  readonly env: EnvironmentConfig;
  readonly session: AwsSession;
  readonly identity: CallerIdentity;
  readonly masker: SecretMasker;
  readonly terminal: Terminal;
  readonly packaged: PackagedPlatform;
  readonly startedAt: number;
}

export type Opened = { readonly type: 'ready'; readonly command: AwsCommand } | { readonly type: 'exit'; readonly code: ExitCode };

/** What a command can check about its own arguments once the workspace is known, before connecting. */
export interface Opening {
  readonly env: EnvironmentConfig;
  readonly packaged: PackagedPlatform;
}

export interface OpenOptions {
  /** deploy and diff: templates/ on disk must equal what the builders render. */
  readonly requireFresh: boolean;
  /** Argument problems that need the workspace (e.g. --allow-replace addresses); exit 2 before any AWS call. */
  readonly checkArguments?: (opening: Opening) => readonly Problem[];
}

export async function openAwsCommand(context: CommandContext, runtime: DeployRuntime, environment: string, options: OpenOptions): Promise<Opened> {
  const { root, output } = context;
  const style = styler(output.color);
  const startedAt = runtime.clock.now();
  const workspace = runtime.prepare(root, environment, options);
  const env = workspace.environment;
  const { deployment } = env;

  // Packaging is pure; URLs need only the bucket, region and endpoint. A template over
  // CloudFormation's 1 MB limit is a failed check (exit 3), found before any AWS call.
  const endpoint = endpointFor(context.env, 'S3');
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
  const say = sayTo(output, style, masker);

  const onRetry = (notice: RetryNotice) =>
    say.note(`${notice.error.kind === 'throttled' ? 'throttled' : notice.error.code} on ${notice.operation}; retry ${notice.attempt} in ${formatDuration(notice.delayMs)}`);
  const session = await runtime.connect(deployment.region, context.env, onRetry);
  const guard = await checkGuard(session, deployment, env.file);
  if (!guard.ok) {
    say.fail('error', guard.message);
    say.detail('Nothing was changed in AWS.');
    return { type: 'exit', code: EXIT.precondition };
  }
  say.note(`${env.name}: stack ${deployment.stackName} in account ${deployment.accountId}, ${deployment.region} (as ${guard.identity.arn || guard.identity.account})`);
  return {
    type: 'ready',
    command: { root, output, style, say, runtime, workspace, env, session, identity: guard.identity, masker, terminal: runtime.terminal(output), packaged, startedAt },
  };
}

/** `make <target> ENV=<env>` and its `tap` equivalent, for messages people copy. */
export function commandLine(target: string, environment: string, args = ''): { make: string; tap: string } {
  const extra = args ? ` ${args}` : '';
  return {
    make: `make ${target} ENV=${environment}${args ? ` ARGS='${args}'` : ''}`,
    tap: `tap ${target} --env ${environment}${extra}`,
  };
}
