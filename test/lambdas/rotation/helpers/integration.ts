/**
 * Shared plumbing for the rotation integration tests: the process environment the deployed
 * function would see (pointed at moto), step invocation with console capture, and a registry of
 * every secret value a file has seen so a final test can search all captured output for them.
 */
import { ECSClient, CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import * as assert from 'uvu/assert';
import type { RotationEvent } from '../../../../src/lambdas/rotation/protocol';
import { MOTO_CREDENTIALS } from '../../../helpers/moto-server';
import { captureConsole, parsed, secretFragmentLeaks, type Captured } from './logs';
import { REGION } from './moto-rotation';

const ENV_KEYS = [
  'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE',
  'AWS_ENDPOINT_URL', 'SECRETS_MANAGER_ENDPOINT', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
] as const;

/**
 * Sets the variables Lambda would provide (region, credentials) plus the endpoint overrides, and
 * returns a function restoring the previous values: uvu runs every test file in one process.
 */
export function useFunctionEnvironment(overrides: Partial<Record<(typeof ENV_KEYS)[number], string>>): () => void {
  const saved = new Map(ENV_KEYS.map((key) => [key, process.env[key]] as const));
  for (const key of ENV_KEYS) delete process.env[key];
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...overrides,
  });
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export type Invoke = (event: RotationEvent) => Promise<unknown>;

/** Every line a file's handlers printed or threw, and every secret value the file knows. */
export class Evidence {
  readonly lines: string[] = [];
  readonly secretValues = new Set<string>();

  remember(...values: string[]): void {
    for (const value of values) this.secretValues.add(value);
  }

  async run(invoke: Invoke, secretId: string, token: string, step: string): Promise<Captured<unknown>> {
    const captured = await captureConsole(() => invoke({ SecretId: secretId, ClientRequestToken: token, Step: step }));
    this.lines.push(...captured.lines);
    return captured;
  }

  /** Runs a step that must succeed; on failure the assertion shows what the function logged. */
  async ok(invoke: Invoke, secretId: string, token: string, step: string): Promise<Array<Record<string, unknown>>> {
    const captured = await this.run(invoke, secretId, token, step);
    if (captured.error !== undefined) assert.unreachable(`${step} failed:\n${captured.lines.join('\n')}`);
    return parsed(captured.lines);
  }

  /** Runs a step that must fail with a message matching `pattern`; returns the message. */
  async fails(invoke: Invoke, secretId: string, token: string, step: string, pattern: RegExp): Promise<string> {
    const captured = await this.run(invoke, secretId, token, step);
    if (captured.error === undefined) assert.unreachable(`${step} succeeded; expected ${pattern}:\n${captured.lines.join('\n')}`);
    const message = captured.error instanceof Error ? captured.error.message : String(captured.error);
    assert.match(message, pattern);
    return message;
  }

  /** The assertion of the file's last test: no piece (8 characters) of a known secret value in anything captured. */
  assertNoSecretLogged(minimumValues: number): void {
    assert.ok(this.lines.length > 20, `too little output captured (${this.lines.length} lines) for the check to mean anything`);
    assert.ok(this.secretValues.size >= minimumValues, `only ${this.secretValues.size} secret values recorded`);
    assert.equal(secretFragmentLeaks(this.lines, this.secretValues), [], 'no piece of a secret value in any line');
  }
}

export function ecsClient(endpoint: string): ECSClient {
  return new ECSClient({ endpoint, region: REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
}

/** A cluster and a service in moto's ECS, for the real handler's UpdateService call. */
export async function createEcsService(ecs: ECSClient, cluster: string, service: string): Promise<void> {
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: service, containerDefinitions: [{ name: 'app', image: 'app:1', memory: 128 }] }));
  await ecs.send(new CreateServiceCommand({ cluster, serviceName: service, taskDefinition: service, desiredCount: 1 }));
}

/** The id of the service's PRIMARY deployment (moto gives a forced new deployment a new id). */
export async function primaryDeployment(ecs: ECSClient, cluster: string, service: string): Promise<string> {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const id = out.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  if (!id) throw new Error(`no PRIMARY deployment for ${cluster}/${service}`);
  return id;
}
