// A growable byte buffer that formatters append to. A file output formats a whole batch into one
// sink and hands the filled part to a single write; the storage is reused between batches.

import { plainView, setBytes } from './views.js';

/** Runs up to this long are copied byte by byte: cheaper than making the view a native copy needs. */
const SHORT_COPY = 32;

export class ByteSink {
  buf: Buffer;
  /** `buf` as a DataView, for word-sized stores at any offset; replaced with `buf`. */
  data: DataView;
  len = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.data = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.data = new DataView(next.buffer, next.byteOffset, next.length);
  }

  byte(b: number): void {
    if (this.len >= this.buf.length) this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Appends a string known to be ASCII/latin1 (digits, timestamps, header fields already checked). */
  latin1(s: string): void {
    this.ensure(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  /** Appends a string as UTF-8. */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  bytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    if (n <= SHORT_COPY) {
      const buf = this.buf;
      let j = this.len;
      for (let i = start; i < end; i++) buf[j++] = src[i]!;
    } else {
      setBytes(this.buf, plainView(src, start, end), this.len);
    }
    this.len += n;
  }

  /** The filled part, as a view (valid until the next append or reset). */
  view(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** The filled part, copied, so the sink can be reused while the copy is being written. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }

  reset(): void {
    this.len = 0;
  }
}
