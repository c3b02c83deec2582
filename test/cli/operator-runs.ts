/**
 * Runs `tap` through main() against a Scenario's fake AWS with a Ctrl-C of the test's choosing
 * (D-13): while packaging, at any AWS call, at a prompt. Also a second checkout of the same
 * workspace (another machine deploying the same environment, sharing only AWS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isReadOperation } from '../../src/aws/requests';
import { main } from '../../src/cli/main';
import type { Output, Terminal } from '../../src/cli/terminal';
import type { DeployRuntime } from '../../src/operations/runtime';
import type { RecordedCall } from '../fakes/aws';
import { Capture } from '../helpers/capture';
import type { Scenario } from '../helpers/deploy-harness';

export interface CtrlC {
  /** Ctrl-C while the workspace is rendered and packaged (before any AWS client). */
  readonly whilePackaging?: boolean;
  /** Ctrl-C while this AWS call is being answered. */
  readonly atCall?: (call: RecordedCall) => boolean;
  /** Ctrl-C at the (terminal) prompt. */
  readonly atPrompt?: boolean;
}

export interface OperatorRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: readonly RecordedCall[];
  /** Calls the fake saw after Ctrl-C (the one being answered when it came excluded). */
  readonly afterCtrlC: readonly RecordedCall[];
}

export interface OperatorOptions {
  readonly ctrlC?: CtrlC;
  /** A person at a terminal answering these, in order (a function runs when the prompt shows). */
  readonly answers?: readonly (string | (() => Promise<string | undefined>))[];
  readonly tty?: boolean;
  /** Another checkout (workspace root) of the same project. */
  readonly root?: string;
  readonly env?: Record<string, string | undefined>;
}

export async function operatorRun(s: Scenario, argv: readonly string[], options: OperatorOptions = {}): Promise<OperatorRun> {
  const controller = new AbortController();
  const base = s.runtime({});
  let mark: number | undefined;
  const ctrlC = () => {
    if (controller.signal.aborted) return;
    mark = s.aws.calls.length;
    controller.abort();
  };
  const runtime: DeployRuntime = {
    ...base,
    prepare(root, environment, prepareOptions) {
      const workspace = base.prepare(root, environment, prepareOptions);
      if (options.ctrlC?.whilePackaging) ctrlC();
      return workspace;
    },
    interrupts: () => ({ signal: controller.signal, dispose: () => {} }),
  };
  s.aws.onCall = (call) => {
    if (options.ctrlC?.atCall?.(call)) ctrlC();
  };
  const out = new Capture();
  const err = new Capture();
  if (options.tty) {
    out.isTTY = true;
    out.columns = 160;
  }
  const answers = [...(options.answers ?? [])];
  const terminal: Terminal = {
    interactive: options.tty ?? false,
    prompt: async (question) => {
      out.write(question);
      if (options.ctrlC?.atPrompt) {
        // What the real terminal does on Ctrl-C: the SIGINT first, then the prompt ends without an answer.
        ctrlC();
        out.write('^C\n');
        return undefined;
      }
      const next = answers.shift();
      const answer = typeof next === 'function' ? await next() : next;
      out.write(`${answer ?? '(EOF)'}\n`);
      return answer;
    },
  };
  const output: Output = { out, err, color: false };
  const before = s.aws.calls.length;
  let code: number;
  try {
    code = await main(argv, { root: options.root ?? s.root, output, env: options.env ?? {}, runtime: () => runtime, terminal: () => terminal });
  } finally {
    s.aws.onCall = undefined;
  }
  return {
    code,
    stdout: out.text,
    stderr: err.text,
    calls: s.aws.calls.slice(before),
    afterCtrlC: mark === undefined ? [] : s.aws.calls.slice(mark),
  };
}

/** Another checkout of the scenario's workspace: the same params, its own `.tap/`. */
export function secondCheckout(s: Scenario): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-checkout-'));
  fs.cpSync(path.join(s.root, 'params'), path.join(root, 'params'), { recursive: true });
  fs.copyFileSync(path.join(s.root, 'package.json'), path.join(root, 'package.json'));
  return root;
}

/** Port calls that ask AWS to change something (not reads). */
export const changing = (calls: readonly RecordedCall[]): string[] => calls.map((c) => c.op).filter((op) => !isReadOperation(op));
