/**
 * `tap <command> [options]`: one CLI behind every make target. Commands load lazily, so `synth`
 * never pays for the AWS SDK.
 */
import { parseArgs } from './args';
import type { Command, Hosts, RuntimeFactory } from './command';
import { EXIT, type ExitCode } from './exit-codes';
import { consoleOutput, processTerminal, styler, writeLine, type Output, type TerminalFactory } from './terminal';
import { printInputProblems } from './ui';
import { CheckFailedError, InputError } from '../core/problems';
import { repoRoot } from '../core/paths';
import { defaultRuntime } from '../operations/runtime';

/** Loads a command; AWS commands take the hosts (tests inject a fake AWS and terminal). */
type LoadCommand = (hosts: Hosts) => Promise<Command>;

const COMMANDS: Readonly<Record<string, LoadCommand>> = {
  synth: async () => (await import('./commands/synth')).synthCommand,
  validate: async () => (await import('./commands/validate')).validateCommand,
  lint: async () => (await import('./commands/lint')).lintCommand,
  plan: async () => (await import('./commands/plan')).planCommand,
  bootstrap: async (hosts) => (await import('./commands/bootstrap')).createBootstrapCommand(hosts),
  diff: async (hosts) => (await import('./commands/diff')).createDiffCommand(hosts),
  deploy: async (hosts) => (await import('./commands/deploy')).createDeployCommand(hosts),
  outputs: async (hosts) => (await import('./commands/outputs')).createOutputsCommand(hosts),
  drift: async (hosts) => (await import('./commands/drift')).createDriftCommand(hosts),
  destroy: async (hosts) => (await import('./commands/destroy')).createDestroyCommand(hosts),
  'continue-rollback': async (hosts) => (await import('./commands/continue-rollback')).createContinueRollbackCommand(hosts),
  diagram: async () => (await import('./commands/diagram')).diagramCommand,
};

export interface MainOptions {
  readonly root?: string;
  readonly output?: Output;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How AWS commands reach AWS; tests inject one. */
  readonly runtime?: RuntimeFactory;
  /** Where questions are asked; tests inject one. */
  readonly terminal?: TerminalFactory;
}

export async function main(argv: readonly string[], options: MainOptions = {}): Promise<ExitCode> {
  const output = options.output ?? consoleOutput();
  const style = styler(output.color);
  const [name, ...rest] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    writeLine(output.err, `usage: tap <command> [options]; commands: ${Object.keys(COMMANDS).join(', ')}`);
    return EXIT.invalidInput;
  }
  try {
    const command = await load({ runtime: options.runtime ?? defaultRuntime, terminal: options.terminal ?? processTerminal });
    const args = parseArgs(name, command.spec, rest);
    return await command.run({ root: options.root ?? repoRoot(), output, args, env: options.env ?? process.env });
  } catch (error) {
    if (error instanceof InputError) {
      printInputProblems(output, style, error.problems);
      return EXIT.invalidInput;
    }
    if (error instanceof CheckFailedError) {
      writeLine(output.err, `${style('red', 'check failed')} ${error.message}`);
      return EXIT.checkFailed;
    }
    writeLine(output.err, `${style('red', 'error')} ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.internal;
  }
}
