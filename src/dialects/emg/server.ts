// Lines of the server logs `general` (INFO and more severe) and `debug` (DEBUG, DEBUG2). EMG
// documents only their timestamp (the same as the connector log's) and "a message text and, if
// relevant, message properties". The shape read here is INFERRED: `<timestamp> [<LEVEL>] text`
// or `<timestamp> text`. A bracket counts as the level only when it holds an EMG level name in
// upper case and is followed by a space; otherwise it is part of the text, so any line with a
// timestamp and a space reads, and writes back byte for byte.

import { isUtf8 } from 'node:buffer';
import { formatEmgLevel, parseEmgLevel, type EmgLevelName } from '../../levels/emg.js';
import type { DialectError } from '../types.js';
import { fail } from './errors.js';
import { formatTime, readTime, type EmgTime } from './time.js';

export interface EmgServerFields {
  readonly time: EmgTime;
  readonly level: EmgLevelName | null;
  /** Everything after the level (or after the timestamp's space when there is none); may be ''. */
  readonly text: string;
}

export type ServerParse = { readonly ok: true; readonly fields: EmgServerFields } | DialectError;

function levelAt(s: string, at: number): EmgLevelName | null {
  if (s[at] !== '[') return null;
  const close = s.indexOf('] ', at);
  if (close < 0 || close - at > 8) return null;
  const name = s.slice(at + 1, close);
  const code = parseEmgLevel(name);
  const exact = code === null ? null : formatEmgLevel(code);
  return exact === name ? exact : null;
}

export function parseServerText(s: string): ServerParse {
  const t = readTime(s);
  if (!t.ok) return t;
  if (t.end === s.length) return fail('truncated', 'no text after the timestamp');
  if (s[t.end] !== ' ') return fail('timestamp', `expected a space at ${t.end}`);
  const at = t.end + 1;
  const level = levelAt(s, at);
  const text = s.slice(level === null ? at : at + level.length + 3);
  return { ok: true, fields: { time: t.value, level, text } };
}

export function parseServerLine(line: Buffer): ServerParse {
  if (!isUtf8(line)) return fail('encoding', 'not UTF-8');
  return parseServerText(line.toString('utf8'));
}

export function formatServerLine(f: EmgServerFields): Buffer {
  const level = f.level === null ? '' : `[${f.level}] `;
  return Buffer.from(`${formatTime(f.time)} ${level}${f.text}`, 'utf8');
}
