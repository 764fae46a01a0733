// Makes record bytes safe for line-oriented output: control bytes 0x00-0x1F (except TAB) and 0x7F
// become `#ooo`, three octal digits, as rsyslog escapes them (LF → `#012`), so one record is always
// one line. Every other byte, invalid UTF-8 included, is copied as received.
//
// Almost no line has a byte to escape, so bytes are first copied with one native copy and then
// checked where they landed, four bytes per load, in the sink (whose DataView is at hand; the
// source's would cost a lookup per record). Only a line that has such a byte is escaped byte by
// byte, from the first one on.

import type { ByteSink } from '../util/bytesink.js';
import { bufferOf, byteOffsetOf, plainView, setBytes } from '../util/views.js';
import { DEL, TAB } from './bytes.js';

/** Spans up to this long are copied byte by byte: cheaper than making the view a native copy needs. */
const SHORT_COPY = 24;

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

function needsEscape(b: number): boolean {
  return (b < 0x20 && b !== TAB) || b === DEL;
}

/**
 * Where the first byte that needs escaping lies in `buf[from, to)`, or `to`. Sixteen bytes per
 * step: a byte whose low seven bits, plus one, fall below 0x21 (controls, DEL, but also TAB,
 * 0x80-0x9F and 0xFF) sets its high bit in the test; such a group is then looked at byte by byte.
 * The last group overlaps the one before it rather than ending byte by byte.
 */
function firstToEscape(data: DataView, buf: Buffer, from: number, to: number): number {
  const end = to | 0;
  let i = from | 0;
  if (end - i < 16) {
    for (; i < end; i++) if (needsEscape(buf[i]!)) return i;
    return end;
  }
  // `| 0` on the offsets: the JIT then adds without checking for overflow.
  for (;;) {
    const a = (((data.getInt32(i, true) & 0x7f7f7f7f) + 0x01010101) & 0x7f7f7f7f) - 0x21212121;
    const b = (((data.getInt32((i + 4) | 0, true) & 0x7f7f7f7f) + 0x01010101) & 0x7f7f7f7f) - 0x21212121;
    const c = (((data.getInt32((i + 8) | 0, true) & 0x7f7f7f7f) + 0x01010101) & 0x7f7f7f7f) - 0x21212121;
    const d = (((data.getInt32((i + 12) | 0, true) & 0x7f7f7f7f) + 0x01010101) & 0x7f7f7f7f) - 0x21212121;
    if (((a | b | c | d) & 0x80808080) !== 0) {
      for (let k = i; k < i + 16; k++) if (needsEscape(buf[k]!)) return k;
    }
    const next = (i + 16) | 0;
    if (next === end) return end;
    i = ((next + 16) | 0) <= end ? next : (end - 16) | 0;
  }
}

/** Appends bytes [start, end) of `src`, escaped. */
export function writeEscaped(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  const n = end - start;
  if (n <= 0) return;
  out.ensure(n); // escapes make their own room
  const at = out.len;
  const buf = out.buf;
  if (n <= SHORT_COPY) {
    for (let i = 0; i < n; i++) {
      const b = src[start + i]!;
      if (needsEscape(b)) {
        out.len = at + i;
        escapeFrom(out, src, start + i, end);
        return;
      }
      buf[at + i] = b;
    }
    out.len = at + n;
    return;
  }
  // A plain Uint8Array view: Buffer's subarray() costs a good deal more to make.
  setBytes(buf, plainView(src, start, end), at);
  checkCopied(out, at, src, start, end);
}

/**
 * `src[start, end)` has just been copied as it is to `out.buf` at `at`: keeps it up to the first
 * byte that needs escaping and escapes from there. Sets `out.len`.
 */
export function checkCopied(out: ByteSink, at: number, src: Uint8Array, start: number, end: number): void {
  const stop = firstToEscape(out.data, out.buf, at, at + end - start);
  out.len = stop;
  if (stop !== at + end - start) escapeFrom(out, src, start + (stop - at), end);
}

// The source's DataView, for the rare line that has something to escape (made once per buffer).
let viewOf: ArrayBufferLike | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * Copies bytes from `src[i]` up to the first byte below 0x20 (TAB included) or equal to 0x7F, or
 * `end`, into `out` (room already made); returns where it stopped. Eight bytes per step.
 */
function copyPlain(out: ByteSink, src: Uint8Array, i: number, end: number): number {
  const dst = out.buf;
  let j = out.len;
  if (end - i >= 16) {
    const ab = bufferOf(src);
    if (ab !== viewOf) {
      view = new DataView(ab);
      viewOf = ab;
    }
    const data = out.data;
    const from = view;
    const base = byteOffsetOf(src);
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
  }
  for (; i < end; i++) {
    const b = src[i]!;
    if (b < 0x20 || b === DEL) break;
    dst[j++] = b;
  }
  out.len = j;
  return i;
}

/** Appends `src[i, end)`, escaping, for a line known to have something to escape at `i`. */
function escapeFrom(out: ByteSink, src: Uint8Array, i: number, end: number): void {
  out.ensure(end - i);
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
