/**
 * Output helpers: colour only on a terminal (and never with NO_COLOR), aligned tables, and the
 * terminal a person answers questions at.
 */
import readline from 'node:readline';
import type { Writable } from 'node:stream';
import type { GateLine } from '../checks/gates';

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

export type Styler = (style: Style, text: string) => string;

export function styler(color: boolean): Styler {
  return (style, text) => (color ? `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : text);
}

const ANSI = /\u001b\[[0-9;]*m/g;
export const visibleLength = (text: string): number => text.replace(ANSI, '').length;

/** Left-aligned columns; a column whose every cell looks like a number is right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) => Math.max(visibleLength(cell), ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const numeric = /^[-+]?[\d.,]+(%| s| ms)?$/;
  const rightAligned = header.map((_, i) => {
    const cells = rows.map((row) => (row[i] ?? '').replace(ANSI, '')).filter((cell) => cell !== '');
    return cells.length > 0 && cells.every((cell) => numeric.test(cell));
  });
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - visibleLength(cell));
        return rightAligned[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

const TONE_STYLES: Readonly<Record<GateLine['tone'], Style | undefined>> = { passed: 'green', failed: 'red', note: 'dim', detail: undefined };

/** A lint or scan report line, coloured by its tone. */
export function gateLine(style: Styler, line: GateLine): string {
  const tone = TONE_STYLES[line.tone];
  return tone ? style(tone, line.text) : line.text;
}

/** Where a person answers a question: the process's terminal (tests inject another). */
export interface Terminal {
  /** Both stdin and stdout are terminals: a person can answer a prompt. */
  readonly interactive: boolean;
  /** The answer, or undefined when input ends (EOF, Ctrl-C). */
  prompt(question: string): Promise<string | undefined>;
}

export type TerminalFactory = (output: Output) => Terminal;

export const processTerminal: TerminalFactory = (output) => ({
  interactive: Boolean(process.stdin.isTTY) && Boolean(output.out.isTTY),
  prompt: (question) =>
    new Promise((resolve) => {
      const rl = readline.createInterface({ input: process.stdin, output: output.out });
      let answered = false;
      // The terminal is in raw mode, so Ctrl-C reaches readline, not the process: pass it on, so the
      // operation stops with its report (D-13) instead of taking Ctrl-C for "no".
      rl.on('SIGINT', () => {
        if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
        else process.kill(process.pid, 'SIGINT');
        rl.close();
      });
      rl.on('close', () => {
        if (!answered) resolve(undefined);
      });
      rl.question(question, (answer) => {
        answered = true;
        rl.close();
        resolve(answer);
      });
    }),
});
