/**
 * `tap plan --env X` (D-0): everything that needs no AWS account. Synth, parameter validation,
 * lint, and a per-stack summary against CloudFormation's quotas.
 */
import { SERVICE_CATALOG } from '../../catalog/services';
import path from 'node:path';
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { gateLine, styler, table, writeLine, type Style } from '../terminal';
import { valueOf } from '../args';
import { loadEnvironment, requireKnownEnvironment } from '../../config/environment';
import { renderPlatform, writeTemplates } from '../../synth/render';
import { CLOUDFORMATION_LIMITS, INLINE_TEMPLATE_MAX_BYTES, inlineBytes, LIMIT_HEADROOM, measureTemplate, serviceCapacity, type LimitName, type StackUsage } from '../../checks/quotas';
import { CheckFailedError } from '../../core/problems';
import { runGates, startChecks } from '../../checks/gates';
import { TEMPLATES_DIR } from '../../synth/freshness';
import { DERIVED_PARAMETERS } from '../../config/schema';
import { imageTagParameter } from '../../stacks/releases';
import { bootstrapDeployRoleArn, executionRoleArn } from '../../operations/identity';

/** `imageTags.<service>` for a service's tag parameter. */
function imageTagSource(tags: Readonly<Record<string, string>>, key: string): string {
  const service = Object.keys(tags).find((name) => imageTagParameter({ name }) === key);
  return service ? `imageTags.${service}` : 'computed';
}

const percent = (ratio: number): string => `${Math.round(ratio * 100)}%`;
const count = (n: number): string => n.toLocaleString('en-US');

function usageCell(usage: StackUsage, limit: LimitName, style: (s: Style, t: string) => string): string {
  const ratio = usage.used[limit] / CLOUDFORMATION_LIMITS[limit];
  const text = `${count(usage.used[limit])} (${percent(ratio)})`;
  if (ratio > 1) return style('red', text);
  if (ratio > LIMIT_HEADROOM) return style('yellow', text);
  return text;
}

export const planCommand: Command = {
  spec: {
    make: 'make plan ENV=<env>',
    summary: 'Offline plan: synth, validate params, lint, security scan, and a per-stack summary against CloudFormation limits',
    options: { env: envOption },
  },
  async run({ root, output, args }) {
    const style = styler(output.color);
    const name = valueOf(args, 'env') ?? 'dev';
    requireKnownEnvironment(root, name);

    const pool = startChecks(root); // the check tools import while synth and validation run
    const platform = renderPlatform();
    const written = writeTemplates(path.join(root, TEMPLATES_DIR), platform.templates);
    const changed = written.changed.length + written.missing.length + written.extra.length;
    const env = loadEnvironment(name, { root, templates: platform.templates, catalog: SERVICE_CATALOG });
    const { deployment } = env;

    writeLine(output.out, style('bold', `Plan for ${name}: stack ${deployment.stackName} in account ${deployment.accountId}, ${deployment.region} (${env.file})`));
    writeLine(output.out);
    writeLine(output.out, `${style('green', 'synth')}     ${platform.templates.length} templates in ${TEMPLATES_DIR}/ (${changed} changed)`);
    writeLine(output.out, `${style('green', 'params')}    ${env.file} is valid`);

    // D-17: who will act in AWS when this environment is deployed.
    const deployRole = deployment.deployRoleArn;
    writeLine(output.out, `${style('green', 'identity')}  deploy, diff and release act as ${deployRole
      ? `${deployRole} (deployment.deployRoleArn; assumed with the standard credential chain's identity)`
      : `the standard credential chain's identity (no deployment.deployRoleArn; \`make bootstrap\` creates ${bootstrapDeployRoleArn(env)})`}`);
    writeLine(output.out, `          CloudFormation acts as ${executionRoleArn(env)} (RoleARN of every change set; created by \`make bootstrap\`, which runs with your own credentials)`);
    const gates = await runGates(root, platform, [env], { scanReasons: false, pool });
    for (const line of gates.lines) writeLine(output.out, gateLine(style, line));

    writeLine(output.out);
    writeLine(output.out, style('bold', 'Root stack parameters'));
    const parameterRows = Object.entries(env.stackParameters).map(([key, value]) => [
      key,
      value,
      env.computedParameters.includes(key) ? DERIVED_PARAMETERS[key]?.source ?? imageTagSource(env.imageTags, key) : '',
    ]);
    writeLine(output.out, table(['parameter', 'value', 'source'], parameterRows));

    writeLine(output.out);
    writeLine(output.out, style('bold', `Stacks against CloudFormation quotas (per template; headroom target ${percent(LIMIT_HEADROOM)})`));
    const usages = platform.templates.map(measureTemplate);
    writeLine(output.out, table(
      ['stack', `resources /${CLOUDFORMATION_LIMITS.resources}`, 'template bytes /1 MB', `parameters /${CLOUDFORMATION_LIMITS.parameters}`, `outputs /${CLOUDFORMATION_LIMITS.outputs}`, 'peak'],
      usages.map((u) => [
        u.stack,
        usageCell(u, 'resources', style),
        usageCell(u, 'bytes', style),
        usageCell(u, 'parameters', style),
        usageCell(u, 'outputs', style),
        `${u.peak.limit} ${percent(u.peak.ratio)}`,
      ]),
    ));
    const totalResources = usages.reduce((sum, u) => sum + u.used.resources, 0);
    writeLine(output.out, `${count(totalResources)} resources in ${usages.length} stacks (a nested-stack operation may touch at most 2,500)`);
    const capacity = serviceCapacity(platform.templates);
    if (capacity) {
      writeLine(output.out, `Services: ${capacity.services} image-tag parameters, one per service; ${capacity.stack} has ${capacity.fixedParameters} other parameters, so the ${CLOUDFORMATION_LIMITS.parameters}-parameter quota allows ${count(capacity.allows)} services`);
    }

    const bootstrap = platform.templates.find((t) => t.name === 'bootstrap');
    const inline = bootstrap ? inlineBytes(bootstrap) : 0;
    writeLine(output.out, `bootstrap goes inline (TemplateBody): ${count(inline)} of ${count(INLINE_TEMPLATE_MAX_BYTES)} bytes (${percent(inline / INLINE_TEMPLATE_MAX_BYTES)})`);
    const overLimit = usages.filter((u) => u.peak.ratio > 1);
    if (inline > INLINE_TEMPLATE_MAX_BYTES) throw new CheckFailedError(`the bootstrap template is ${count(inline)} bytes; an inline TemplateBody takes at most ${count(INLINE_TEMPLATE_MAX_BYTES)}`);
    if (gates.failures.length > 0) throw new CheckFailedError(gates.failures.join('; '));
    if (overLimit.length > 0) {
      throw new CheckFailedError(`over a CloudFormation quota: ${overLimit.map((u) => `${u.stack} (${u.peak.limit})`).join(', ')}`);
    }
    writeLine(output.out);
    writeLine(output.out, `${style('green', 'ok')} nothing was sent to AWS; \`make diff ENV=${name}\` creates a change set to review`);
    return EXIT.ok;
  },
};
