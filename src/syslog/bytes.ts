// Byte constants and the one way header fields become strings. Header fields are short and almost
// always ASCII, so they are decoded as latin1 of the exact bytes (the cheapest decode); a field
// with any byte >= 0x80 is decoded as UTF-8 instead, so non-ASCII names read correctly and invalid
// sequences become U+FFFD rather than mojibake.

export const SP = 0x20;
export const LF = 0x0a;
export const CR = 0x0d;
export const NUL = 0x00;
export const TAB = 0x09;
export const DEL = 0x7f;
export const LT = 0x3c; // <
export const GT = 0x3e; // >
export const COLON = 0x3a;
export const DASH = 0x2d;
export const DOT = 0x2e;
export const SLASH = 0x2f;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const EQUALS = 0x3d;
export const DIGIT0 = 0x30;

// Header fields repeat (a few hosts, a few programs), and making a string is the main cost of a
// parse, so short ASCII fields come from a small table checked byte for byte: a hit costs a
// compare and no allocation; a miss makes the string and takes the slot.
const INTERN_SLOTS = 4096;
const INTERN_MAX_LEN = 48;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** The bytes [start, end) of `buf` as a string; `hi` is the OR of those bytes (>= 0x80: UTF-8). */
export function fieldText(buf: Buffer, start: number, end: number, hi: number): string {
  const len = end - start;
  if (len <= 0) return '';
  if (hi >= 0x80) return buf.toString('utf8', start, end);
  if (len > INTERN_MAX_LEN) return buf.toString('latin1', start, end);
  const slot = (len * 7919 + buf[start]! * 31 + buf[start + (len >> 1)]! * 131 + buf[end - 1]! * 1031) & (INTERN_SLOTS - 1);
  const s = interned[slot]!;
  if (s.length === len) {
    let k = 0;
    while (k < len && s.charCodeAt(k) === buf[start + k]) k++;
    if (k === len) return s;
  }
  return (interned[slot] = buf.toString('latin1', start, end));
}

/** The field buf[start, end) is the RFC 5424 NILVALUE, a lone `-`. */
export function isNil(buf: Buffer, start: number, end: number): boolean {
  return end - start === 1 && buf[start] === DASH;
}

/** A header field where a lone `-` is the RFC 5424 NILVALUE. */
export function nilText(buf: Buffer, start: number, end: number, hi: number): string {
  if (isNil(buf, start, end)) return '';
  return fieldText(buf, start, end, hi);
}

/** `app` up to the first `/`: rsyslog's programname (`postfix/smtpd` → `postfix`). */
export function programOf(app: string): string {
  const slash = app.indexOf('/');
  return slash < 0 ? app : app.slice(0, slash);
}
