/** `tap lint [--env X]`: cfn-lint every template, and the root once per environment. */
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { styler, writeLine } from '../terminal';
import { valueOf } from '../args';
import { runCfnLint } from '../../lint/cfn-lint';
import { CheckFailedError, lintJobs, loadEnvironments, renderFresh, selectEnvironments, summarizeLint } from '../workspace';

export const lintCommand: Command = {
  spec: {
    summary: 'cfn-lint every template and, per environment, the root with its parameter values',
    options: { env: envOption },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const names = selectEnvironments(root, valueOf(args, 'env'));
    const platform = renderFresh(root);
    const environments = loadEnvironments(root, names, platform);
    const summary = summarizeLint(await runCfnLint(lintJobs(platform, environments), root));
    for (const line of summary.lines) writeLine(output.out, line.style ? style(line.style, line.text) : line.text);
    if (summary.errors + summary.warnings > 0) {
      throw new CheckFailedError(`cfn-lint reported ${summary.errors} errors and ${summary.warnings} warnings (the gate allows none)`);
    }
    return EXIT.ok;
  },
};
