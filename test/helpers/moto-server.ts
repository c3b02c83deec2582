/**
 * A local moto server (from the project's .venv) on a free loopback port, for wire tests that
 * drive the real AWS SDK over HTTP (test/wire/) and for the contract suite (test/contract/).
 *
 * The endpoint uses the host name `localhost`, not 127.0.0.1: moto parses S3 TemplateURLs by host
 * and only resolves path-style URLs whose host contains "localhost" (see the moto reference).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Test } from 'uvu';
import { failLoudly } from './fail-loudly';

export interface MotoServer {
  /** e.g. http://localhost:53211 */
  readonly endpoint: string;
  readonly port: number;
  /** Forgets every resource (POST /moto-api/reset); call between scenarios. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials moto accepts (it does not check them); set so the SDK never looks elsewhere. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const MOTO_ACCOUNT_ID = '123456789012';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer within 20 s:\n${output()}`);
}

export interface MotoOptions {
  /**
   * D-18: the account of each request is the one its credentials belong to (keys AssumeRole issued
   * for a role in account X act in X; others in moto's default, 123456789012), instead of
   * MOTO_ACCOUNT_ID for every request (moto/core/responses.py get_current_account).
   */
  readonly accountsByCredentials?: boolean;
}

export async function startMotoServer(options: MotoOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://localhost:${port}`;
  const { MOTO_ACCOUNT_ID: _inherited, ...inherited } = process.env;
  const child = spawn(path.resolve('.venv/bin/moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.accountsByCredentials ? inherited : { ...process.env, MOTO_ACCOUNT_ID },
  });
  // A test run that is killed or crashes must not leave moto servers behind.
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitUntilReady(endpoint, child, () => log);
  return {
    endpoint,
    port,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        process.off('exit', killChild);
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The common client options of a test's own SDK clients against moto. */
export const motoClientOptions = (moto: MotoServer) => ({ region: 'eu-west-1', endpoint: moto.endpoint, credentials: { ...MOTO_CREDENTIALS }, maxAttempts: 1 });

/** What a suite may set for the SDK's standard chain (D-18's per-side profiles set the files and regions too). */
const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'];

/**
 * A suite's moto lifecycle: one server for the suite (with the test's own clients), reset before
 * every scenario, stopped after. The SDK's standard credential chain reads the process
 * environment: moto's credentials are set there for the suite, and the process's given back after.
 */
export function onMoto<C extends { moto: MotoServer }>(suite: Test<C>, name: string, clients: (moto: MotoServer) => Omit<C, 'moto'>, options: MotoOptions = {}): void {
  const saved = Object.fromEntries(CREDENTIAL_VARIABLES.map((key) => [key, process.env[key]]));
  suite.before(failLoudly(name, async (context: C) => {
    process.env['AWS_ACCESS_KEY_ID'] = MOTO_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = MOTO_CREDENTIALS.secretAccessKey;
    delete process.env['AWS_PROFILE'];
    delete process.env['AWS_SESSION_TOKEN'];
    const moto = await startMotoServer(options);
    Object.assign(context, { moto, ...clients(moto) });
  }));
  suite.after(async ({ moto }) => {
    await moto?.stop();
    for (const key of CREDENTIAL_VARIABLES) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  suite.before.each(async ({ moto }) => moto.reset());
}
