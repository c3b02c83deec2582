/** `tap validate [--env X]`: validate params files (all, or one) without touching AWS. */
import { SERVICE_CATALOG } from '../../catalog/services';
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { styler, writeLine } from '../terminal';
import { valueOf } from '../args';
import { renderPlatform } from '../../synth/render';
import { loadEnvironments, selectEnvironments } from '../../config/environment';

export const validateCommand: Command = {
  spec: {
    summary: 'Validate params/<env>.json against the root template and the cross-field rules',
    options: { env: envOption },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const names = selectEnvironments(root, valueOf(args, 'env'));
    const environments = loadEnvironments(root, names, renderPlatform(), SERVICE_CATALOG);
    for (const env of environments) {
      writeLine(output.out, `${style('green', 'valid')} ${env.file}: ${Object.keys(env.stackParameters).length} root parameters for ${env.deployment.stackName} in ${env.deployment.accountId}/${env.deployment.region}`);
    }
    return EXIT.ok;
  },
};
