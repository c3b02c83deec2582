/** `tap diagram [--check]`: render docs/architecture.svg from the rendered templates. */
import type { Command } from '../command';
import { writeOrCheck } from '../generated-file';
import { architectureDot, renderArchitectureSvg } from '../../diagram/architecture';
import { renderFresh } from '../../synth/freshness';

export const DIAGRAM_FILE = 'docs/architecture.svg';

export const diagramCommand: Command = {
  spec: {
    make: 'make diagram',
    summary: 'Render the architecture diagram (docs/architecture.svg) from templates/',
    options: { check: { kind: 'flag', description: 'only check that the committed diagram matches templates/' } },
  },
  async run({ root, output, args }) {
    const platform = renderFresh(root);
    const content = await renderArchitectureSvg(architectureDot(platform.templates));
    return writeOrCheck(root, output, args.flags.has('check'), { file: DIAGRAM_FILE, content, source: 'templates/', target: 'diagram' });
  },
};
