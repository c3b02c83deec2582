/**
 * `tap <command> [options]`: one CLI behind every make target. Commands load lazily, so `synth`
 * never pays for the AWS SDK.
 */
import { parseArgs } from './args';
import type { Command } from './command';
import { EXIT, type ExitCode } from './exit-codes';
import { consoleOutput, styler, writeLine, type Output } from './terminal';
import { CheckFailedError, formatProblem, InputError } from '../core/problems';
import { repoRoot } from '../core/paths';
import type { RuntimeFactory } from './commands/aws-command';

/** Loads a command; AWS commands take the runtime (tests inject a fake AWS; undefined = the real one). */
type LoadCommand = (runtime?: RuntimeFactory) => Promise<Command>;

const COMMANDS: Readonly<Record<string, LoadCommand>> = {
  synth: async () => (await import('./commands/synth')).synthCommand,
  validate: async () => (await import('./commands/validate')).validateCommand,
  lint: async () => (await import('./commands/lint')).lintCommand,
  plan: async () => (await import('./commands/plan')).planCommand,
  bootstrap: async (runtime) => (await import('./commands/bootstrap')).createBootstrapCommand(runtime),
  diff: async (runtime) => (await import('./commands/diff')).createDiffCommand(runtime),
  deploy: async (runtime) => (await import('./commands/deploy')).createDeployCommand(runtime),
  outputs: async (runtime) => (await import('./commands/outputs')).createOutputsCommand(runtime),
  drift: async (runtime) => (await import('./commands/drift')).createDriftCommand(runtime),
  destroy: async (runtime) => (await import('./commands/destroy')).createDestroyCommand(runtime),
  'continue-rollback': async (runtime) => (await import('./commands/continue-rollback')).createContinueRollbackCommand(runtime),
  diagram: async () => (await import('./commands/diagram')).diagramCommand,
};

export interface MainOptions {
  readonly root?: string;
  readonly output?: Output;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How AWS commands reach AWS; tests inject one. */
  readonly runtime?: RuntimeFactory;
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
    const command = await load(options.runtime);
    const args = parseArgs(name, command.spec, rest);
    return await command.run({ root: options.root ?? repoRoot(), output, args, env: options.env ?? process.env });
  } catch (error) {
    if (error instanceof InputError) {
      for (const problem of error.problems) writeLine(output.err, `${style('red', 'error')} ${formatProblem(problem)}`);
      writeLine(output.err, style('dim', 'Nothing was changed in AWS.'));
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
