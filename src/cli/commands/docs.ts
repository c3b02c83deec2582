/** `tap docs [--check]`: render the CLI reference (docs/cli.md) from the command specs, or check it is current. */
import type { Command } from '../command';
import { writeOrCheck } from '../generated-file';
import { CLI_REFERENCE_FILE, cliReference } from '../help';
import { loadAllCommands } from '../registry';
import { processTerminal } from '../terminal';
import { defaultRuntime } from '../../operations/runtime';

export const docsCommand: Command = {
  spec: {
    make: 'make docs',
    summary: 'Render the CLI reference (docs/cli.md) from the command specs and the exit-code table',
    options: { check: { kind: 'flag', description: 'only check that docs/cli.md is current; change nothing' } },
  },
  async run({ root, output, args }) {
    // Loading a command runs nothing: the hosts are never called.
    const content = cliReference(await loadAllCommands({ runtime: defaultRuntime, terminal: processTerminal }));
    return writeOrCheck(root, output, args.flags.has('check'), { file: CLI_REFERENCE_FILE, content, source: 'the command specs', target: 'docs' });
  },
};
