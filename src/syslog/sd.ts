// RFC 5424 STRUCTURED-DATA (§6.3): `[id name="value" ...][id2 ...]`. Inside a value `\"`, `\\` and
// `\]` are escapes; any other backslash is a literal backslash (§6.3.3). A `]` inside a quoted
// value does not end the element (senders forget to escape it), only the closing `"` matters.
// The record keeps SD as received; it is split into elements only when an output asks for it.

import { BACKSLASH, EQUALS, LBRACKET, QUOTE, RBRACKET, SP } from './bytes.js';

export interface SdElement {
  id: string;
  params: [name: string, value: string][];
}

/** End of an SD-NAME at i (PRINTUSASCII except `=`, SP, `]`, `"`), or -1 if empty. */
function nameEnd(buf: Buffer, i: number): number {
  let j = i;
  for (; j < buf.length; j++) {
    const b = buf[j]!;
    if (b <= SP || b >= 0x7f || b === EQUALS || b === RBRACKET || b === QUOTE) break;
  }
  return j > i ? j : -1;
}

/** Validates SD-ELEMENTs starting at `[` at i; returns the offset after the last `]`, or -1. */
export function scanSd(buf: Buffer, i: number): number {
  const n = buf.length;
  let j = i;
  while (j < n && buf[j] === LBRACKET) {
    j = nameEnd(buf, j + 1);
    if (j < 0) return -1;
    for (;;) {
      const b = buf[j];
      if (b === RBRACKET) break;
      if (b !== SP) return -1;
      j = nameEnd(buf, j + 1);
      if (j < 0 || buf[j] !== EQUALS || buf[j + 1] !== QUOTE) return -1;
      j += 2;
      for (;;) {
        if (j >= n) return -1;
        const c = buf[j];
        if (c === QUOTE) break;
        j += c === BACKSLASH ? 2 : 1;
      }
      j++;
    }
    j++;
  }
  return j;
}

function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k]!;
    const next = raw[k + 1];
    if (c === '\\' && (next === '"' || next === '\\' || next === ']')) {
      out += next;
      k++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Splits SD text (as kept in `LogRecord.sd`) into elements with unescaped values. Never throws;
 * malformed text yields the elements read before the fault. */
export function parseSd(sd: string): SdElement[] {
  const out: SdElement[] = [];
  let j = 0;
  const n = sd.length;
  const nameAt = (i: number): number => {
    let k = i;
    while (k < n && !' =]"'.includes(sd[k]!) && sd.charCodeAt(k) > 0x20) k++;
    return k;
  };
  while (j < n && sd[j] === '[') {
    const idEnd = nameAt(j + 1);
    if (idEnd === j + 1) return out;
    const el: SdElement = { id: sd.slice(j + 1, idEnd), params: [] };
    j = idEnd;
    while (sd[j] === ' ') {
      const nEnd = nameAt(j + 1);
      if (nEnd === j + 1 || sd[nEnd] !== '=' || sd[nEnd + 1] !== '"') return out;
      let k = nEnd + 2;
      while (k < n && sd[k] !== '"') k += sd[k] === '\\' ? 2 : 1;
      if (k >= n) return out;
      el.params.push([sd.slice(j + 1, nEnd), unescape(sd.slice(nEnd + 2, k))]);
      j = k + 1;
    }
    if (sd[j] !== ']') return out;
    out.push(el);
    j++;
  }
  return out;
}

/** Escapes `"`, `\` and `]` in a PARAM-VALUE. */
export function escapeSdValue(value: string): string {
  let out = '';
  for (const c of value) out += c === '"' || c === '\\' || c === ']' ? '\\' + c : c;
  return out;
}

/** Elements back to SD text ('' for none, which outputs write as `-`). */
export function formatSd(elements: readonly SdElement[]): string {
  let out = '';
  for (const el of elements) {
    out += '[' + el.id;
    for (const [name, value] of el.params) out += ` ${name}="${escapeSdValue(value)}"`;
    out += ']';
  }
  return out;
}
