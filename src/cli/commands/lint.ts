/** `tap lint [--env X]`: cfn-lint every template and the root per environment; checkov over all. */
import { SERVICE_CATALOG } from '../../catalog/services';
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { gateLine, styler, writeLine } from '../terminal';
import { valueOf } from '../args';
import { CheckFailedError } from '../../core/problems';
import { loadEnvironments, selectEnvironments } from '../../config/environment';
import { GATES, runGates, startChecks } from '../../checks/gates';
import { renderFresh } from '../../synth/freshness';
import { InputError, quote } from '../../core/problems';

export const lintCommand: Command = {
  spec: {
    make: 'make lint',
    summary: 'cfn-lint every template and, per environment, the root with its parameter values; checkov security scan',
    options: {
      env: envOption,
      only: { kind: 'value', placeholder: 'gate', description: `run one gate: ${GATES.join(' or ')}` },
    },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const only = valueOf(args, 'only');
    const gate = GATES.find((g) => g === only);
    if (only !== undefined && !gate) {
      throw new InputError([{ file: 'command line', path: '--only', message: `must be one of: ${GATES.join(', ')} (got ${quote(only)})` }]);
    }
    const names = selectEnvironments(root, valueOf(args, 'env'));
    const gates = gate ? [gate] : GATES;
    const pool = startChecks(root, { gates }); // the check tools import while the templates render
    const platform = renderFresh(root);
    const environments = loadEnvironments(root, names, platform, SERVICE_CATALOG);
    const report = await runGates(root, platform, environments, { scanReasons: true, gates, pool });
    for (const line of report.lines) writeLine(output.out, gateLine(style, line));
    if (report.failures.length > 0) throw new CheckFailedError(report.failures.join('; '));
    return EXIT.ok;
  },
};
