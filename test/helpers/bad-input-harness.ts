/**
 * Runs a command line through the real entry point (`main`: real rendering and params loading)
 * with the AWS commands connected to a FakeAws that records every call, in a throw-away
 * workspace whose files a test may edit, replace or remove. For suites of bad input, where the
 * verdict is "its own message, exit 2, zero AWS calls".
 */
import fs from 'node:fs';
import path from 'node:path';
import { defaultRuntime } from '../../src/operations/runtime';
import { sessionFromPort } from '../../src/aws/session';
import type { RuntimeFactory } from '../../src/cli/command';
import type { ServiceCatalog } from '../../src/catalog/types';
import { runCli, tempWorkspace, type CliResult, type EditableEnvironmentFile, type JsonEdit } from './cli';
import { FakeAws } from '../fakes/aws';
import { FakeClock } from '../fakes/clock';

/** What a row does to a workspace: JSON edits of params files, or anything else done to the files. */
export interface WorkspaceChanges {
  /** Edits to copied params files, by environment. */
  readonly edit?: Readonly<Record<string, JsonEdit>>;
  /** New params files derived from dev.json, by environment name. */
  readonly addEnvironment?: Readonly<Record<string, JsonEdit>>;
  /** Anything else (raw bytes, directories, FIFOs, links), given the workspace root. */
  readonly prepare?: (root: string) => void;
}

export function workspaceWith(changes: WorkspaceChanges): string {
  const root = tempWorkspace(changes.edit ?? {});
  for (const [name, edit] of Object.entries(changes.addEnvironment ?? {})) {
    const document = JSON.parse(fs.readFileSync(path.join(root, 'params', 'dev.json'), 'utf8')) as EditableEnvironmentFile;
    edit(document);
    fs.writeFileSync(path.join(root, 'params', `${name}.json`), JSON.stringify(document, null, 2));
  }
  changes.prepare?.(root);
  return root;
}

/** The real runtime, with AWS replaced by `aws` (and no terminal, no Ctrl-C). */
export function runtimeAgainst(aws: FakeAws, clock: FakeClock, catalog: ServiceCatalog | undefined): RuntimeFactory {
  return (root) => ({
    ...defaultRuntime(root, catalog ? { catalog } : {}),
    clock,
    connect: async (region, _env, onRetry, { credentials } = {}) => sessionFromPort(credentials ? aws.portFor(credentials) : aws.port, { region, clock, onRetry }),
    terminal: () => ({ interactive: false, prompt: async () => undefined }),
    interrupts: () => ({ signal: new AbortController().signal, dispose: () => {} }),
  });
}

export interface Attempt extends CliResult {
  /** Operations the fake AWS saw, in order. */
  readonly calls: readonly string[];
}

/** Runs `argv` in `root`; gives up (and says so) after `timeoutMs` if the command never settles. */
export async function attemptAgainstFakeAws(argv: readonly string[], root: string, catalog?: ServiceCatalog, timeoutMs = 20_000): Promise<Attempt> {
  const clock = new FakeClock();
  const aws = new FakeAws({ clock, account: '111122223333' });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`tap ${argv.join(' ')} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const result = await Promise.race([runCli(argv, { root, runtime: runtimeAgainst(aws, clock, catalog) }), timeout]);
    return { ...result, calls: aws.calls.map((call) => call.op) };
  } finally {
    clearTimeout(timer);
  }
}
