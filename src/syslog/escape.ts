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

/** Appends bytes [start, end) of `src`, escaped; one copy when nothing needs escaping. */
export function writeEscaped(out: ByteSink, src: Uint8Array, start: number, end: number): void {
  let run = start;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (isControl(b)) {
      if (i > run) out.bytes(src, run, i);
      writeOctal(out, b);
      run = i + 1;
    }
  }
  if (end > run) out.bytes(src, run, end);
}

/** Appends a header field (a string), escaped; ASCII without controls is written directly. */
export function writeField(out: ByteSink, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) {
      const bytes = Buffer.from(s, 'utf8');
      writeEscaped(out, bytes, 0, bytes.length);
      return;
    }
  }
  out.latin1(s);
}
