/** The outputs document as tables: the root's outputs, then the per-service values. */
import type { OutputsDocument } from '../../operations/outputs';
import { displayPath, OUTPUTS_FILE } from '../state-dir';
import { table, type Styler } from '../terminal';
import type { Say } from '../ui';

export function printOutputs(say: Say, style: Styler, outputs: OutputsDocument): void {
  const rows = Object.entries(outputs.root).map(([key, o]) => [key, o.value]);
  say.line();
  if (rows.length > 0) {
    say.line(style('bold', `Outputs of ${outputs.stackName}`));
    say.line(table(['output', 'value'], rows));
  } else {
    say.line(style('bold', `${outputs.stackName} has no root outputs`));
  }
  const services = Object.entries(outputs.services);
  if (services.length > 0) {
    const keys = [...new Set(services.flatMap(([, values]) => Object.keys(values)))].sort();
    say.line();
    say.line(style('bold', 'Per service'));
    say.line(table(['service', ...keys], services.map(([name, values]) => [name, ...keys.map((k) => values[k] ?? '')])));
  }
  const nested = Object.entries(outputs.stacks).filter(([, values]) => Object.keys(values).length > 0);
  if (nested.length > 0) say.note(`Nested stacks' outputs (${nested.map(([p]) => p).join(', ')}) are in ${displayPath(outputs.environment, OUTPUTS_FILE)}.`);
}
