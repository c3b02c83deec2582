/** `tap diagram [--check]`: render docs/architecture.svg from the rendered templates. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { styler, writeLine } from '../terminal';
import { architectureDot, renderArchitectureSvg } from '../../diagram/architecture';
import { CheckFailedError } from '../../core/problems';
import { renderFresh } from '../../synth/freshness';

export const DIAGRAM_FILE = path.join('docs', 'architecture.svg');

export const diagramCommand: Command = {
  spec: {
    summary: 'Render the architecture diagram (docs/architecture.svg) from templates/',
    options: { check: { kind: 'flag', description: 'only check that the committed diagram matches templates/' } },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const platform = renderFresh(root);
    const svg = await renderArchitectureSvg(architectureDot(platform.templates));
    const target = path.join(root, DIAGRAM_FILE);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (args.flags.has('check')) {
      if (current !== svg) throw new CheckFailedError(`${DIAGRAM_FILE} does not match templates/; run \`make diagram\` and commit it`);
      writeLine(output.out, `${style('green', 'ok')} ${DIAGRAM_FILE} matches templates/`);
      return EXIT.ok;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, svg);
    writeLine(output.out, `${style('green', 'diagram')} ${DIAGRAM_FILE} (${current === svg ? 'unchanged' : 'updated'})`);
    return EXIT.ok;
  },
};
