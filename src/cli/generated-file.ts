/**
 * A file generated from the sources and committed (docs/architecture.svg, docs/cli.md): `tap
 * <command>` writes it, `tap <command> --check` (in `make test`) fails when it is stale, naming
 * the make target that regenerates it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CheckFailedError } from '../core/problems';
import { EXIT, type ExitCode } from './exit-codes';
import { styler, writeLine, type Output } from './terminal';

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly file: string;
  readonly content: string;
  /** What it is generated from, for messages: `templates/`, `the command specs`. */
  readonly source: string;
  /** The command and make target that regenerate it. */
  readonly target: string;
}

export function writeOrCheck(root: string, output: Output, check: boolean, generated: GeneratedFile): ExitCode {
  const style = styler(output.color);
  const { file, content, source, target } = generated;
  const full = path.join(root, file);
  const current = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '';
  if (check) {
    if (current !== content) throw new CheckFailedError(`${file} does not match ${source}; run \`make ${target}\` and commit it`);
    writeLine(output.out, `${style('green', 'ok')} ${file} matches ${source}`);
    return EXIT.ok;
  }
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  writeLine(output.out, `${style('green', target)} ${file} (${current === content ? 'unchanged' : 'updated'})`);
  return EXIT.ok;
}
