// Makes record bytes safe for line-oriented output: control bytes 0x00-0x1F (except TAB) and 0x7F
// become `#ooo`, three octal digits, as rsyslog escapes them (LF → `#012`), so one record is always
// one line. Every other byte, invalid UTF-8 included, is copied as received.

import type { ByteSink } from '../util/bytesink.js';
import { DEL, TAB } from './bytes.js';

function writeOctal(out: ByteSink, b: number): void {
  out.ensure(4);
  const buf = out.buf;
  const at = out.len;
  buf[at] = 0x23; // #
  buf[at + 1] = 0x30 + (b >> 6);
  buf[at + 2] = 0x30 + ((b >> 3) & 7);
  buf[at + 3] = 0x30 + (b & 7);
  out.len = at + 4;
}

// A DataView of the last source buffer (records of one socket read share it), so the scan below
// reads four bytes per load; made once per buffer, not per record.
let viewOf: ArrayBufferLike | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** Runs shorter than this are copied byte by byte: the word loop's setup would cost more. */
const WORD_RUN = 16;

/**
 * Copies bytes from `src[i]` up to the first byte below 0x20 (TAB included) or equal to 0x7F, or
 * `end`, into `out` (room already made); returns where it stopped. Scanning and copying is most
 * of the cost of writing a record, so four bytes are tested per step (a byte below 0x20 or a
 * 0x7F byte leaves its high bit set in the test) and copied with one store, without making the
 * subarray a native copy would need.
 */
function copyPlain(out: ByteSink, src: Uint8Array, i: number, end: number): number {
  const dst = out.buf;
  let j = out.len;
  if (end - i >= WORD_RUN) {
    const ab = src.buffer;
    if (ab !== viewOf) {
      view = new DataView(ab);
      viewOf = ab;
    }
    const data = out.data;
    const from = view;
    const base = src.byteOffset;
    // Eight bytes per step: half the loop's fixed cost (checks V8 repeats on every pass).
    for (; i + 8 <= end; i += 8) {
      const x = from.getInt32(base + i, true);
      const w = from.getInt32(base + i + 4, true);
      const y = x ^ 0x7f7f7f7f;
      const v = w ^ 0x7f7f7f7f;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y) | ((w - 0x20202020) & ~w) | ((v - 0x01010101) & ~v)) &
        0x80808080) break;
      data.setInt32(j, x, true);
      data.setInt32(j + 4, w, true);
      j += 8;
    }
    for (; i + 4 <= end; i += 4) {
      const x = from.getInt32(base + i, true);
      const y = x ^ 0x7f7f7f7f;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) break;
      data.setInt32(j, x, true);
      j += 4;
    }
  }
  for (; i < end; i++) {
    const b = src[i]!;
    if (b < 0x20 || b === DEL) break;
    dst[j++] = b;
  }
  out.len = j;
  return i;
}

/** Appends bytes [start, end) of `src`, escaped. */
export function writeEscaped(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  out.ensure(end - start); // escapes make their own room
  let i = start;
  while (i < end) {
    i = copyPlain(out, src, i, end);
    if (i === end) break;
    const b = src[i++]!;
    if (b === TAB) {
      out.buf[out.len++] = b;
    } else {
      writeOctal(out, b);
      out.ensure(end - i); // the escape used 3 bytes more than were reserved for it
    }
  }
}

/**
 * Appends a header field (a string), escaped. Fields are short ASCII, so they are copied char by
 * char while checking (cheaper than a native write call); anything else goes through UTF-8.
 */
export function writeField(out: ByteSink, s: string): void {
  const n = s.length;
  out.ensure(n);
  const buf = out.buf;
  const at = out.len;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) {
      const bytes = Buffer.from(s, 'utf8');
      writeEscaped(out, bytes, 0, bytes.length);
      return;
    }
    buf[at + i] = c;
  }
  out.len = at + n;
}
