/** `tap docs [--check]`: render the CLI reference (docs/cli.md) from the command specs, or check it is current. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { CLI_REFERENCE_FILE, cliReference } from '../help';
import { loadAllCommands } from '../registry';
import { processTerminal, styler, writeLine } from '../terminal';
import { CheckFailedError } from '../../core/problems';
import { defaultRuntime } from '../../operations/runtime';

export const docsCommand: Command = {
  spec: {
    make: 'make docs',
    summary: 'Render the CLI reference (docs/cli.md) from the command specs and the exit-code table',
    options: { check: { kind: 'flag', description: 'only check that docs/cli.md is current; change nothing' } },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const reference = cliReference(await loadAllCommands({ runtime: defaultRuntime, terminal: processTerminal }));
    const target = path.join(root, CLI_REFERENCE_FILE);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (args.flags.has('check')) {
      if (current !== reference) throw new CheckFailedError(`${CLI_REFERENCE_FILE} does not match the command specs; run \`make docs\` and commit it`);
      writeLine(output.out, `${style('green', 'ok')} ${CLI_REFERENCE_FILE} matches the command specs`);
      return EXIT.ok;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, reference);
    writeLine(output.out, `${style('green', 'docs')} ${CLI_REFERENCE_FILE} (${current === reference ? 'unchanged' : 'updated'})`);
    return EXIT.ok;
  },
};
