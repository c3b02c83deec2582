/**
 * Output helpers: colour only on a terminal (and never with NO_COLOR), aligned tables.
 */
import type { Writable } from 'node:stream';

export interface Output {
  readonly out: Writable & { isTTY?: boolean; columns?: number };
  readonly err: Writable;
  readonly color: boolean;
}

export function consoleOutput(): Output {
  return { out: process.stdout, err: process.stderr, color: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'] };
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof CODES;

export function styler(color: boolean): (style: Style, text: string) => string {
  return (style, text) => (color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
}

const ANSI = /\u001b\[[0-9;]*m/g;
export const visibleLength = (text: string): number => text.replace(ANSI, '').length;

/** Left-aligned columns; numeric-looking cells are right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(visibleLength(cell), ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const numeric = /^[-+]?[\d.,]+(%| s| ms)?$/;
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - visibleLength(cell));
        return numeric.test(cell.replace(ANSI, '')) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
