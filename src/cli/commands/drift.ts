/**
 * `tap drift --env X` (D-11): drift detection on the root and on every nested stack (the API
 * does not recurse), one table by stack path. Exit 11 when something drifted that the platform
 * does not change on purpose (ECS blue/green listener weights, autoscaled desired counts are
 * listed as expected and do not fail the command).
 */
import type { Command } from '../command';
import { envOption } from '../command';
import { EXIT } from '../exit-codes';
import { table } from '../terminal';
import { detectTreeDrift } from '../../operations/drift';
import { shorten } from '../../operations/review/render';
import { displayPath, writeStateFile } from '../../operations/state-dir';
import { commandLine } from '../../operations/context';
import { realRuntime, withAwsCommand, type RuntimeFactory } from './aws-command';

export const DRIFT_FILE = 'drift.json';

export function createDriftCommand(runtimeFor: RuntimeFactory = realRuntime): Command {
  return {
    spec: { summary: 'Detect drift on the root and every nested stack; exit 11 on unexpected drift', options: { env: envOption } },
    run: (context) =>
      withAwsCommand(context, runtimeFor, { requireFresh: false }, async (c) => {
        const { cfn } = c.session.port;
        const stackName = c.env.deployment.stackName;
        const stack = await cfn.describeStack(stackName);
        if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
          c.say.fail('error', `${stackName} is not deployed; nothing to check. Deploy it: ${commandLine('deploy', c.env.name).make}`);
          return EXIT.precondition;
        }
        c.say.line(`Detecting drift on ${stackName} and its nested stacks…`);
        const interrupt = c.runtime.interrupts();
        let outcome;
        try {
          outcome = await detectTreeDrift(cfn, c.runtime.clock, stack.stackId, interrupt.signal);
        } finally {
          interrupt.dispose();
        }
        if (outcome.type === 'unsupported') {
          c.say.fail('error', outcome.message);
          return EXIT.precondition;
        }
        const { report } = outcome;
        writeStateFile(c.root, c.env.name, DRIFT_FILE, `${c.masker.text(JSON.stringify(report, null, 2))}\n`);
        c.say.line(table(['stack', 'drift', 'detection'], report.stacks.map((s) => [s.path || stackName, s.status, s.detection === 'complete' ? 'complete' : `failed: ${s.reason ?? ''}`])));
        const unexpected = report.drifted.filter((d) => !d.expected);
        if (report.drifted.length > 0) {
          c.say.line();
          c.say.line(c.style('bold', `Drifted resources (${report.drifted.length})`));
          c.say.line(table(['stack', 'resource', 'type', 'status', 'differences'], report.drifted.map((d) => [
            d.path || stackName,
            d.drift.logicalId,
            d.drift.resourceType,
            d.expected ? c.style('dim', `${d.drift.status} (expected)`) : c.style('red', d.drift.status),
            shorten(d.drift.differences.map((p) => `${p.path}: ${c.masker.text(p.expected ?? '∅')} → ${c.masker.text(p.actual ?? '∅')}`).join('; ') || '(resource deleted)', 120),
          ])));
          for (const d of report.drifted.filter((x) => x.expected)) c.say.note(`${d.path}/${d.drift.logicalId}: ${d.expected}`);
        }
        c.say.note(`Report written to ${displayPath(c.env.name, DRIFT_FILE)}.`);
        if (unexpected.length > 0) {
          c.say.fail('drifted', `${unexpected.length === 1 ? '1 resource differs' : `${unexpected.length} resources differ`} from the templates. A deploy does not revert drift on properties it does not change; fix them in the console, or change the templates to match.`);
          return EXIT.drifted;
        }
        const failed = report.stacks.filter((s) => s.detection === 'failed');
        if (failed.length > 0) {
          c.say.fail('error', `drift detection failed on ${failed.map((s) => s.path || stackName).join(', ')}; the result is incomplete.`);
          return EXIT.internal;
        }
        c.say.ok(`No unexpected drift in ${report.stacks.length} stacks.`);
        return EXIT.ok;
      }),
  };
}
