/**
 * A writable stream that keeps what is written, standing in for stdout/stderr in command tests.
 * `isTTY` and `columns` make it look like a terminal when a test needs the live view.
 */
import { Writable } from 'node:stream';

export class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  columns?: number;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
