// The mmdftailor lexer, after tai_get()/str2arg(): a record is a line plus the lines after it that
// start with a space or tab; fields are split by spaces, tabs and commas; `key=value` makes a pair;
// a double-quoted stretch keeps separators, `=` and `#` literally (the quotes are dropped); a
// backslash takes the next character literally (`\n`, `\r`, `\b`, `\f` and octal `\NNN` as in C);
// `#` or `;` outside quotes starts a comment to the end of the record. Unlike str2arg, `/`, `:` and
// `|` are not separators, so an unquoted path stays one field.

export interface TailorWord {
  /** The key of `key=value`; null for a bare word. */
  readonly key: string | null;
  readonly value: string;
}

export interface TailorRecord {
  /** 1-based number of the record's first line. */
  readonly line: number;
  readonly words: readonly TailorWord[];
  /** A `key=` with no value, an unclosed quote, ...: the record could not be split. */
  readonly error: string | null;
}

/** Splits the text into records; blank and comment-only records are left out. */
export function tailorRecords(text: string): TailorRecord[] {
  const lines = text.split(/\r?\n/);
  const out: TailorRecord[] = [];
  let start = 0;
  while (start < lines.length) {
    let end = start + 1;
    while (end < lines.length && /^[ \t]/.test(lines[end]!)) end++;
    const rec = lexRecord(lines.slice(start, end).join(' '), start + 1);
    if (rec.words.length > 0 || rec.error !== null) out.push(rec);
    start = end;
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', b: '\b', f: '\f' };
const SEPARATORS = ' \t,';

interface Field { text: string; end: number; error: string | null; quoted: boolean }

/** Reads one field from `at` (not on a separator); stops before a separator, `=` or comment. */
function readField(s: string, at: number): Field {
  let text = '';
  let quoted = false;
  let inQuote = false;
  let i = at;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '"') { inQuote = !inQuote; quoted = true; i++; continue; }
    if (c === '\\' && i + 1 < s.length) {
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
      if (oct !== null) { text += String.fromCharCode(Number.parseInt(oct[0], 8)); i += 1 + oct[0].length; continue; }
      const n = s[i + 1]!;
      text += ESCAPES[n] ?? n;
      i += 2;
      continue;
    }
    if (!inQuote && (SEPARATORS.includes(c) || c === '=' || c === '#' || c === ';')) break;
    text += c;
    i++;
  }
  return { text, end: i, error: inQuote ? 'unclosed quote' : null, quoted };
}

function skipSeparators(s: string, i: number): number {
  while (i < s.length && SEPARATORS.includes(s[i]!)) i++;
  return i;
}

function lexRecord(s: string, line: number): TailorRecord {
  const words: TailorWord[] = [];
  let i = skipSeparators(s, 0);
  while (i < s.length && s[i] !== '#' && s[i] !== ';') {
    if (s[i] === '=') return { line, words, error: `'=' with no key at column ${i + 1}` };
    const f = readField(s, i);
    if (f.error !== null) return { line, words, error: f.error };
    let j = f.end;
    while (s[j] === ' ' || s[j] === '\t') j++;
    if (s[j] !== '=') {
      words.push({ key: null, value: f.text });
      i = skipSeparators(s, f.end);
      continue;
    }
    j++;
    while (s[j] === ' ' || s[j] === '\t') j++;
    const v = j < s.length && !SEPARATORS.includes(s[j]!) && !'=#;'.includes(s[j]!) ? readField(s, j) : null;
    if (v === null || (v.text === '' && !v.quoted)) return { line, words, error: `no value for '${f.text}'` };
    if (v.error !== null) return { line, words, error: v.error };
    words.push({ key: f.text, value: v.text });
    i = skipSeparators(s, v.end);
  }
  return { line, words, error: null };
}
