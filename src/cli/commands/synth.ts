/** `tap synth [--check]`: render every template into templates/, or check that it is current. */
import path from 'node:path';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { styler, writeLine } from '../terminal';
import { compareWithDisk, isStale, renderPlatform, writeTemplates } from '../../synth/render';
import { CheckFailedError } from '../../core/problems';
import { staleMessage, TEMPLATES_DIR } from '../../synth/freshness';

export const synthCommand: Command = {
  spec: {
    make: 'make synth',
    summary: 'Render the root and every nested template into templates/',
    options: { check: { kind: 'flag', description: 'only check that templates/ is current; change nothing' } },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const started = process.hrtime.bigint();
    const platform = renderPlatform();
    const dir = path.join(root, TEMPLATES_DIR);
    if (args.flags.has('check')) {
      const report = compareWithDisk(dir, platform.templates);
      if (isStale(report)) throw new CheckFailedError(staleMessage(report));
      writeLine(output.out, `${style('green', 'ok')} ${TEMPLATES_DIR}/ is current (${platform.templates.length} templates)`);
      return EXIT.ok;
    }
    const report = writeTemplates(dir, platform.templates);
    const changed = report.changed.length + report.missing.length + report.extra.length;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    writeLine(output.out, `${style('green', 'synth')} ${platform.templates.length} templates in ${TEMPLATES_DIR}/ (${changed} changed) in ${ms.toFixed(0)} ms`);
    return EXIT.ok;
  },
};
