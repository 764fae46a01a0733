// A whole MMDF log line, both ways: prefix + entry, or one of the bare cycle markers. Lines are
// decoded as UTF-8 and refused when they are not, so what reads always writes back byte for byte.

import { isUtf8 } from 'node:buffer';
import type { DialectError } from '../types.js';
import { readEntry, formatEntry } from './entry.js';
import { fail } from './errors.js';
import { MMDF_MARKERS, type MmdfFields, type MmdfMarkerText } from './fields.js';
import { formatPrefix, readPrefix } from './prefix.js';

const markers = new Set<string>(MMDF_MARKERS);
const MARKER_MAX = Math.max(...MMDF_MARKERS.map((m) => m.length));

export function readLine(line: Buffer): MmdfFields | DialectError {
  if (!isUtf8(line)) return fail('encoding', 'not valid UTF-8');
  const s = line.toString('utf8');
  if (markers.has(s)) return { prefix: { form: 'none' }, entry: { kind: 'marker', text: s as MmdfMarkerText } };
  const p = readPrefix(s);
  if (!p.ok) return p;
  const entry = readEntry(s.slice(p.end));
  if ('ok' in entry) return entry;
  return { prefix: p.value, entry };
}

/** The line text for `f` (no trailing LF). */
export function formatLineText(f: MmdfFields): string {
  return formatPrefix(f.prefix) + formatEntry(f.entry);
}

/** Whether `line` starts like an MMDF line: `[ ]M/[ ]D [ ]H:MM:SS `, `[ ]M:SS ` or a marker. */
export function looksLikeMmdf(line: Buffer): boolean {
  const head = line.toString('latin1', 0, Math.min(line.length, 18));
  return LONG_HEAD.test(head) || SHORT_HEAD.test(head)
    || (line.length <= MARKER_MAX && markers.has(line.toString('latin1')));
}

const LONG_HEAD = /^(?: \d|\d\d|\d)\/[ \d]\d [ \d]\d:\d\d:\d\d /;
const SHORT_HEAD = /^(?: \d|\d\d|\d):\d\d /;
