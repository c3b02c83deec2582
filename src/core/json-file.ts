/**
 * Reading a JSON file a person names (a params file, a `--review` file) without surprises: the
 * file must be a regular file of bounded size (a FIFO would block the read forever, a device such
 * as /dev/zero would fill memory), UTF-8 without a byte order mark, and strict JSON. Mistakes are
 * problems in plain words: line and column for syntax, both lines for a key given twice (JSON.parse
 * keeps the last one silently).
 */
import fs from 'node:fs';
import { InputError, quote, type Problem } from './problems';

export interface ReadJsonOptions {
  /** Refuse files larger than this many bytes. */
  readonly maxBytes: number;
  /** What the file is, for messages: "a params file", "a review file". */
  readonly what: string;
  /** Added to "does not exist", e.g. "; run `make diff` first". */
  readonly missingHint?: string;
}

/** Reads and parses `file`; every mistake is an InputError naming `displayName`. */
export function readJsonFile(file: string, displayName: string, options: ReadJsonOptions): unknown {
  const bytes = readRegularFile(file, displayName, options);
  const parsed = parseJsonBytes(bytes, displayName);
  if (!parsed.ok) throw new InputError(parsed.problems);
  return parsed.value;
}

function fail(file: string, message: string, path = ''): never {
  throw new InputError([{ file, path, message }]);
}

const MIB = 1024 * 1024;

export function formatSize(bytes: number): string {
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(bytes % MIB === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens without blocking (O_NONBLOCK: a FIFO with no writer opens at once), checks the opened
 * file itself (no race between a check and the read), and reads at most maxBytes + 1 bytes, so a
 * file that reports size 0 but never ends (procfs) is still bounded.
 */
function readRegularFile(file: string, displayName: string, { maxBytes, what, missingHint = '' }: ReadJsonOptions): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') fail(displayName, `does not exist${missingHint}`);
    if (code === 'EACCES' || code === 'EPERM') fail(displayName, 'cannot be read (permission denied)');
    if (code === 'ELOOP') fail(displayName, 'is a symbolic link that loops');
    fail(displayName, `cannot be opened (${code ?? String(error)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) fail(displayName, `is ${kindOf(stat)}; expected ${what}, a regular JSON file`);
    const limit = `${what} is at most ${formatSize(maxBytes)}`;
    if (stat.size > maxBytes) fail(displayName, `is ${formatSize(stat.size)}; ${limit}`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > maxBytes) fail(displayName, `is more than ${formatSize(maxBytes)}; ${limit}`);
    }
    return buffer.subarray(0, length);
  } finally {
    fs.closeSync(fd);
  }
}

export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Bytes to a JSON value: UTF-8 without BOM, not empty, strict JSON, no key given twice. */
export function parseJsonBytes(bytes: Uint8Array, file: string): ParsedJson {
  const problem = (message: string, path = ''): ParsedJson => ({ ok: false, problems: [{ file, path, message }] });
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return problem('starts with a UTF-8 byte order mark (BOM), an invisible character JSON does not allow; save the file as UTF-8 without BOM');
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return problem('is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return problem('is not UTF-8 text; save it as UTF-8');
  }
  if (text.trim() === '') return problem('is empty; expected a JSON object');
  return parseJsonText(text, file);
}

/** Strict JSON (RFC 8259) with positions, so a mistake is reported at its line and column. */
export function parseJsonText(text: string, file: string): ParsedJson {
  const parser = new JsonParser(text);
  try {
    const value = parser.document();
    if (parser.duplicates.length > 0) {
      return {
        ok: false,
        problems: parser.duplicates.map((d) => ({
          file,
          path: d.pointer,
          message: `is given twice (line ${d.first} and line ${d.second}); JSON keeps only the last one, so remove one of them`,
        })),
      };
    }
    return { ok: true, value };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { ok: false, problems: [{ file, path: '', message: `is not valid JSON: line ${error.line}, column ${error.column}: ${error.message}` }] };
  }
}

class JsonSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
  }
}

const MAX_DEPTH = 100;

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

class JsonParser {
  private index = 0;
  readonly duplicates: { pointer: string; first: number; second: number }[] = [];

  constructor(private readonly text: string) {}

  document(): unknown {
    this.space();
    const value = this.value('', 0);
    this.space();
    if (this.index < this.text.length) this.error(`unexpected ${this.describe()} after the end of the JSON value`);
    return value;
  }

  /** Offsets where lines start, computed once: positions are looked up by binary search. */
  private lineStarts: number[] | undefined;

  private position(at = this.index): { line: number; column: number } {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i += 1) if (this.text[i] === '\n') this.lineStarts.push(i + 1);
    }
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.lineStarts[middle] <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: at - this.lineStarts[low] + 1 };
  }

  private error(message: string, at = this.index): never {
    const { line, column } = this.position(at);
    throw new JsonSyntaxError(message, line, column);
  }

  /** The character at the cursor, in words. */
  private describe(): string {
    if (this.index >= this.text.length) return 'end of file';
    const char = this.text[this.index];
    if (char === '\n' || char === '\r') return 'end of line';
    if (char === "'") return "' (JSON strings use double quotes)";
    if (char === '/' && (this.text[this.index + 1] === '/' || this.text[this.index + 1] === '*')) return 'comment (JSON has no comments)';
    const word = /^[A-Za-z_$][\w$-]*/.exec(this.text.slice(this.index, this.index + 40));
    if (word) return quote(word[0]);
    return quote(char);
  }

  private space(): void {
    while (this.index < this.text.length && ' \t\n\r'.includes(this.text[this.index])) this.index += 1;
  }

  private value(pointer: string, depth: number): unknown {
    if (depth > MAX_DEPTH) this.error(`nested more than ${MAX_DEPTH} levels deep`);
    const char = this.text[this.index];
    if (char === '{') return this.object(pointer, depth);
    if (char === '[') return this.array(pointer, depth);
    if (char === '"') return this.string();
    if (char === '-' || (char >= '0' && char <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return value;
      }
    }
    return this.error(`expected a value (object, array, string, number, true, false or null), found ${this.describe()}`);
  }

  private object(pointer: string, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const lines = new Map<string, number>();
    this.index += 1;
    this.space();
    if (this.text[this.index] === '}') {
      this.index += 1;
      return result;
    }
    for (;;) {
      if (this.text[this.index] !== '"') this.error(`expected a property name in double quotes, found ${this.describe()}`);
      const keyAt = this.index;
      const key = this.string();
      const line = this.position(keyAt).line;
      const seen = lines.get(key);
      if (seen !== undefined) this.duplicates.push({ pointer: `${pointer}/${escapePointer(key)}`, first: seen, second: line });
      lines.set(key, line);
      this.space();
      if (this.text[this.index] !== ':') this.error(`expected ":" after the property name ${quote(key)}, found ${this.describe()}`);
      this.index += 1;
      this.space();
      // defineProperty: a key "__proto__" is data here, never the object's prototype.
      Object.defineProperty(result, key, { value: this.value(`${pointer}/${escapePointer(key)}`, depth + 1), enumerable: true, writable: true, configurable: true });
      this.space();
      const next = this.text[this.index];
      if (next === '}') {
        this.index += 1;
        return result;
      }
      if (next !== ',') this.error(`expected "," or "}" after the value of ${quote(key)}, found ${this.describe()}`);
      const comma = this.index;
      this.index += 1;
      this.space();
      if (this.text[this.index] === '}') this.error('a comma before "}" (JSON allows no trailing comma)', comma);
    }
  }

  private array(pointer: string, depth: number): unknown[] {
    const result: unknown[] = [];
    this.index += 1;
    this.space();
    if (this.text[this.index] === ']') {
      this.index += 1;
      return result;
    }
    for (;;) {
      result.push(this.value(`${pointer}/${result.length}`, depth + 1));
      this.space();
      const next = this.text[this.index];
      if (next === ']') {
        this.index += 1;
        return result;
      }
      if (next !== ',') this.error(`expected "," or "]" after an array element, found ${this.describe()}`);
      const comma = this.index;
      this.index += 1;
      this.space();
      if (this.text[this.index] === ']') this.error('a comma before "]" (JSON allows no trailing comma)', comma);
    }
  }

  private string(): string {
    const start = this.index;
    this.index += 1;
    let result = '';
    for (;;) {
      if (this.index >= this.text.length) this.error('a string that is never closed (missing ")', start);
      const char = this.text[this.index];
      if (char === '"') {
        this.index += 1;
        return result;
      }
      if (char === '\n' || char === '\r') this.error('a string that runs past the end of the line (missing ")', start);
      if (char < ' ') this.error('a control character inside a string (write it as an escape such as \\t)');
      if (char !== '\\') {
        result += char;
        this.index += 1;
        continue;
      }
      const escape = this.text[this.index + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (escape !== undefined && escape in simple) {
        result += simple[escape];
        this.index += 2;
      } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
        result += String.fromCharCode(parseInt(this.text.slice(this.index + 2, this.index + 6), 16));
        this.index += 6;
      } else {
        this.error(`an invalid escape ${quote(`\\${escape ?? ''}`)} in a string`);
      }
    }
  }

  private number(): number {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.index, this.index + 400));
    if (!match) this.error(`expected a number, found ${this.describe()}`);
    const following = this.text[this.index + match[0].length];
    if (following !== undefined && /[0-9.eEa-zA-Z_]/.test(following)) {
      this.error(`a malformed number ${quote(this.text.slice(this.index, this.index + match[0].length + 1))} (no leading zeros, hex or trailing dot in JSON)`);
    }
    this.index += match[0].length;
    return Number(match[0]);
  }
}

/** A value in words for "got …": null, an array, an object, the string "2", the number 1.5, true. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return quote(value);
}
