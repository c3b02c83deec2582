/**
 * `outputs` (D-9): the root's outputs and every nested stack's (by path); the CLI prints them and
 * writes `.tap/<env>/outputs.json`. Root outputs that are comma-joined lists in catalog order
 * (names ending in `Arns` or `Uris`) are also split per service.
 */
import type { CloudFormationPort, StackOutput } from '../aws/port';
import type { Connection } from './connection';
import type { SecretMasker } from './mask';
import type { OperationIo, OutputsOutcome } from './operation';
import { listStackTree } from './protection';

export interface OutputValue {
  readonly value: string;
  readonly description?: string;
}

export interface OutputsDocument {
  readonly environment: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly readAt: string;
  readonly root: Readonly<Record<string, OutputValue>>;
  /** Nested stacks' outputs by path (`Network`, `Services/Frontend`). */
  readonly stacks: Readonly<Record<string, Readonly<Record<string, OutputValue>>>>;
  /** Per-service values of the root's list outputs: `services.frontend.RepositoryUri`. */
  readonly services: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const toRecord = (path: string, outputs: readonly StackOutput[], masker: SecretMasker): Record<string, OutputValue> =>
  Object.fromEntries(
    [...outputs]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((o) => [o.key, { value: masker.output(path, o.key, o.value), ...(o.description ? { description: o.description } : {}) }]),
  );

/** `RepositoryUris` → `RepositoryUri`, `ServiceArns` → `ServiceArn`. */
export const singular = (key: string): string => key.replace(/(Arns|Uris)$/, (suffix) => suffix.slice(0, -1));

/** Pure: splits list outputs into per-service values when the count matches the catalog. */
export function perServiceOutputs(root: Readonly<Record<string, OutputValue>>, serviceNames: readonly string[]): Record<string, Record<string, string>> {
  const services: Record<string, Record<string, string>> = {};
  for (const [key, { value }] of Object.entries(root)) {
    if (!/(Arns|Uris)$/.test(key)) continue;
    const items = value.split(',');
    if (items.length !== serviceNames.length) continue;
    serviceNames.forEach((service, index) => {
      services[service] = { ...(services[service] ?? {}), [singular(key)]: items[index] };
    });
  }
  return services;
}

export async function collectOutputs(
  cfn: CloudFormationPort,
  rootStack: { stackId: string; stackName: string; outputs: readonly StackOutput[] },
  environment: string,
  serviceNames: readonly string[],
  masker: SecretMasker,
  now: Date,
): Promise<OutputsDocument> {
  const tree = await listStackTree(cfn, rootStack.stackId);
  const stacks: Record<string, Record<string, OutputValue>> = {};
  // Described at once (the session bounds the requests in flight), recorded in tree order.
  const nested = tree.filter((stack) => stack.path !== '');
  const described = await Promise.all(nested.map((stack) => cfn.describeStack(stack.stackId)));
  nested.forEach((stack, index) => {
    const found = described[index];
    if (found) stacks[stack.path] = toRecord(stack.path, found.outputs, masker);
  });
  const root = toRecord('', rootStack.outputs, masker);
  return {
    environment,
    stackName: rootStack.stackName,
    stackId: rootStack.stackId,
    readAt: now.toISOString(),
    root,
    stacks,
    services: perServiceOutputs(root, serviceNames),
  };
}

export async function outputs(c: Connection, _io: OperationIo): Promise<OutputsOutcome> {
  const stackName = c.env.deployment.stackName;
  const stack = await c.session.port.cfn.describeStack(stackName);
  if (!stack || stack.status === 'REVIEW_IN_PROGRESS') return { type: 'precondition', reason: { kind: 'not-deployed', stackName, awaitingReview: stack !== undefined } };
  const document = await collectOutputs(c.session.port.cfn, stack, c.env.name, c.runtime.serviceNames, c.masker, new Date(c.runtime.clock.now()));
  return { type: 'outputs-read', outputs: document, stack: { status: stack.status, lastChanged: stack.lastUpdatedTime ?? stack.creationTime } };
}
