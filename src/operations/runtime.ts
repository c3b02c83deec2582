/**
 * Everything the operations take from the outside world, in one injectable object: the AWS
 * session factory, time, Ctrl-C, and how the workspace is rendered and the environment loaded.
 * `defaultRuntime()` is the real one; tests pass a fake AWS and virtual time. (The terminal a
 * person answers questions at belongs to the CLI: src/cli/terminal.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AwsSession, TemporaryCredentials } from '../aws/port';
import { systemClock, type Clock } from '../core/clock';
import type { RetryNotice } from '../aws/retry';
import { sessionFromPort } from '../aws/session';
import { endpointFor, type EnvironmentVariables } from '../aws/endpoint';
import { loadEnvironment, requireKnownEnvironment, type EnvironmentConfig } from '../config/environment';
import type { RenderedPlatform } from '../synth/render';
import type { BuiltAsset } from '../assets/code-assets';
import { SERVICE_CATALOG } from '../catalog/services';
import type { ServiceCatalog } from '../catalog/types';
import { CheckFailedError } from '../core/problems';
import { staleMessage, TEMPLATES_DIR } from '../synth/freshness';
import { compareWithDisk, isStale, renderPlatform } from '../synth/render';

export interface Interrupt {
  readonly signal: AbortSignal;
  dispose(): void;
}

/** What deploys need of a rendered platform (RenderedPlatform is one). */
export interface PlatformSource {
  readonly templates: RenderedPlatform['templates'];
  readonly assets: Readonly<Record<string, BuiltAsset>>;
}

export interface Workspace {
  readonly platform: PlatformSource;
  readonly environment: EnvironmentConfig;
}

export interface ConnectOptions {
  readonly credentials?: TemporaryCredentials;
  /** A named profile of the shared AWS config to read credentials from (promote's --from-profile/--to-profile, D-18). */
  readonly profile?: string;
  readonly signal?: AbortSignal;
}

export interface DeployRuntime {
  readonly clock: Clock;
  readonly random: () => number;
  readonly toolkitVersion: string;
  /** Catalog order of the services (for per-service outputs). */
  readonly serviceNames: readonly string[];
  /**
   * Renders the platform and loads params/<env>.json; throws InputError / CheckFailedError.
   * `requireFresh`: templates/ on disk must equal what the builders render (deploy, diff).
   */
  prepare(root: string, environment: string, options: { requireFresh: boolean }): Workspace;
  /**
   * A session with the standard credential chain (read with `profile` when given), or with an
   * assumed role's `credentials` (D-17);
   * `signal`: Ctrl-C, after which the session does not retry (D-13).
   */
  connect(region: string, env: EnvironmentVariables, onRetry: (notice: RetryNotice) => void, options?: ConnectOptions): Promise<AwsSession>;
  /** Aborts on Ctrl-C until disposed. */
  interrupts(): Interrupt;
}

export function readToolkitVersion(root: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The first Ctrl-C aborts (the operation stops at its next step and reports what it left); a
 * second one, while that report is being read back from AWS, ends the process at once (130).
 */
export function processInterrupts(): Interrupt {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

export interface RuntimeOptions {
  /** The service catalog to render (tests pass others; the CLI always uses the real one). */
  readonly catalog?: ServiceCatalog;
}

export function defaultRuntime(root: string, { catalog = SERVICE_CATALOG }: RuntimeOptions = {}): DeployRuntime {
  return {
    clock: systemClock,
    random: Math.random,
    toolkitVersion: readToolkitVersion(root),
    serviceNames: catalog.map((s) => s.name),
    prepare(workspaceRoot, environment, { requireFresh }) {
      requireKnownEnvironment(workspaceRoot, environment);
      // Input problems first (exit 2), then stale templates/ (exit 3): both before any AWS client.
      const platform = renderPlatform(catalog);
      const loaded = loadEnvironment(environment, { root: workspaceRoot, templates: platform.templates, catalog });
      if (requireFresh) {
        const report = compareWithDisk(path.join(workspaceRoot, TEMPLATES_DIR), platform.templates);
        if (isStale(report)) throw new CheckFailedError(staleMessage(report));
      }
      return { platform, environment: loaded };
    },
    async connect(region, env, onRetry, { credentials, profile, signal } = {}) {
      const { createSdkPort } = await import('../aws/sdk');
      const port = await createSdkPort(region, env, credentials, profile);
      const endpoint = endpointFor(env, 'S3');
      return sessionFromPort(port, { region, ...(endpoint ? { endpoint } : {}), clock: systemClock, onRetry, ...(signal ? { signal } : {}) });
    },
    interrupts: processInterrupts,
  };
}
