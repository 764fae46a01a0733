// Makes record bytes safe for line-oriented output: control bytes 0x00-0x1F (except TAB) and 0x7F
// become `#ooo`, three octal digits, as rsyslog escapes them (LF → `#012`), so one record is always
// one line. Every other byte, invalid UTF-8 included, is copied as received.

import type { ByteSink } from '../util/bytesink.js';
import { DEL, TAB } from './bytes.js';

function isControl(b: number): boolean {
  return b < 0x20 ? b !== TAB : b === DEL;
}

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

/**
 * First index in [start, end) of a byte below 0x20 or equal to 0x7F (TAB included), or `end`.
 * Four bytes per step: this scan is most of the cost of writing a message.
 */
function scanPlain(src: Uint8Array, start: number, end: number): number {
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const a = src[i]!;
    const b = src[i + 1]!;
    const c = src[i + 2]!;
    const d = src[i + 3]!;
    // A byte below 0x20 makes its difference negative, which sets the sign bit of the OR.
    if (((a - 0x20) | (b - 0x20) | (c - 0x20) | (d - 0x20)) < 0 || a === DEL || b === DEL || c === DEL || d === DEL) break;
  }
  for (; i < end; i++) {
    const b = src[i]!;
    if (b < 0x20 || b === DEL) return i;
  }
  return end;
}

/** Appends bytes [start, end) of `src`, escaped; one copy when nothing needs escaping. */
export function writeEscaped(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  let run = start;
  for (let i = scanPlain(src, start, end); i < end; i++) {
    const b = src[i]!;
    if (isControl(b)) {
      if (i > run) out.bytes(src, run, i);
      writeOctal(out, b);
      run = i + 1;
    }
  }
  if (end > run) out.bytes(src, run, end);
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
