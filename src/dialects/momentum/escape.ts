// Backslash escapes inside acctlog fields, so a field may hold `@`, `\`, a newline or any control
// character and the line still splits and stays one line: `\@`, `\\`, `\n`, `\r`, `\t`, and
// `\xhh` (two lower-case hex digits) for the other C0 controls and DEL. Each character has one
// spelling, so an unescaped field escapes back to the same bytes.

const HEX = '0123456789abcdef';

function isControl(c: number): boolean {
  return c < 0x20 || c === 0x7f;
}

/** The field as written inside an acctlog line. */
export function escapeField(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x40 && c !== 0x5c && !isControl(c)) continue;
    out += s.slice(from, i);
    from = i + 1;
    if (c === 0x40) out += '\\@';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += `\\x${HEX[c >> 4]!}${HEX[c & 15]!}`;
  }
  return from === 0 ? s : out + s.slice(from);
}

/**
 * The field's value, or null when it holds an escape this scheme does not write (an unknown one,
 * a `\x` spelling of a character that has a shorter one, a lone `\` at the end) or a raw control
 * character: such a line would not be written back byte for byte.
 */
export function unescapeField(s: string): string | null {
  if (!s.includes('\\')) return hasControl(s) ? null : s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isControl(c)) return null;
    if (c !== 0x5c) {
      out += s[i];
      continue;
    }
    const e = s[++i];
    if (e === '@' || e === '\\') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === 't') out += '\t';
    else if (e === 'x') {
      const hi = HEX.indexOf(s[i + 1] ?? 'g');
      const lo = HEX.indexOf(s[i + 2] ?? 'g');
      const v = hi * 16 + lo;
      if (hi < 0 || lo < 0 || !isControl(v) || v === 0x0a || v === 0x0d || v === 0x09) return null;
      out += String.fromCharCode(v);
      i += 2;
    } else return null;
  }
  return out;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return true;
  return false;
}

/** Splits an acctlog line's text at every `@` that is not escaped; the parts stay escaped. */
export function splitEscaped(s: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x40) {
      parts.push(s.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(s.slice(from));
  return parts;
}
