/**
 * Every `tap` command, by name, loaded lazily: `synth` never pays for the AWS SDK, and help loads
 * every spec only when asked. The order is the order of `tap --help` and docs/cli.md.
 */
import type { Command, Hosts } from './command';

/** Loads a command; AWS commands take the hosts (tests inject a fake AWS and terminal). */
type LoadCommand = (hosts: Hosts) => Promise<Command>;

export const COMMANDS: Readonly<Record<string, LoadCommand>> = {
  synth: async () => (await import('./commands/synth')).synthCommand,
  validate: async () => (await import('./commands/validate')).validateCommand,
  lint: async () => (await import('./commands/lint')).lintCommand,
  plan: async () => (await import('./commands/plan')).planCommand,
  bootstrap: async (hosts) => (await import('./commands/bootstrap')).createBootstrapCommand(hosts),
  diff: async (hosts) => (await import('./commands/diff')).createDiffCommand(hosts),
  deploy: async (hosts) => (await import('./commands/deploy')).createDeployCommand(hosts),
  release: async (hosts) => (await import('./commands/release')).createReleaseCommand(hosts),
  promote: async (hosts) => (await import('./commands/promote')).createPromoteCommand(hosts),
  outputs: async (hosts) => (await import('./commands/outputs')).createOutputsCommand(hosts),
  drift: async (hosts) => (await import('./commands/drift')).createDriftCommand(hosts),
  verify: async (hosts) => (await import('./commands/verify')).createVerifyCommand(hosts),
  destroy: async (hosts) => (await import('./commands/destroy')).createDestroyCommand(hosts),
  'continue-rollback': async (hosts) => (await import('./commands/continue-rollback')).createContinueRollbackCommand(hosts),
  diagram: async () => (await import('./commands/diagram')).diagramCommand,
  docs: async () => (await import('./commands/docs')).docsCommand,
};

export interface NamedCommand {
  readonly name: string;
  readonly command: Command;
}

/** Every command, for help and the CLI reference (the hosts are never called: nothing runs). */
export async function loadAllCommands(hosts: Hosts): Promise<NamedCommand[]> {
  return Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => ({ name, command: await load(hosts) })));
}
