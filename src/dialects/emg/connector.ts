// A connector log line (`connector.<name>`):
//   <timestamp> (<instance>) <EVENT> <OK|ERR> [(<info>)] [<options>]
// Fields are separated by exactly one space; anything else is a malformed line, because a line
// that parses must be written back byte for byte. The instance is any text without parentheses
// (a session number such as `2`, or a name).

import { isUtf8 } from 'node:buffer';
import type { DialectError } from '../types.js';
import { fail } from './errors.js';
import { parseEmgEvent, type EmgEvent } from './events.js';
import { formatInfo, readInfo, type EmgInfoItem } from './info.js';
import { formatOptions, readOptions, type MgpOption } from './mgp-options.js';
import { formatTime, readTime, type EmgTime } from './time.js';

export interface EmgConnectorFields {
  readonly time: EmgTime;
  readonly instance: string;
  readonly event: EmgEvent;
  /** `OK` (true) or `ERR` (false). */
  readonly ok: boolean;
  /** The `(...)` part; empty when the line has none (`()` is not read). */
  readonly info: readonly EmgInfoItem[];
  /** MGP options in the order written; empty when none. */
  readonly options: readonly MgpOption[];
}

export type ConnectorParse = { readonly ok: true; readonly fields: EmgConnectorFields } | DialectError;

/** The token from `at` to the next space or the end. */
function token(s: string, at: number): string {
  const sp = s.indexOf(' ', at);
  return s.slice(at, sp < 0 ? s.length : sp);
}

export function parseConnectorText(s: string): ConnectorParse {
  const t = readTime(s);
  if (!t.ok) return t;
  let i = t.end;
  if (i === s.length) return fail('truncated', 'no instance');
  if (s[i] !== ' ' || s[i + 1] !== '(') return fail('instance', `expected " (" at ${i}`);
  const close = s.indexOf(')', i + 2);
  if (close < 0) return fail('instance', 'unclosed (');
  const instance = s.slice(i + 2, close);
  if (instance.length === 0 || instance.includes('(')) return fail('instance', `bad instance ${JSON.stringify(instance.slice(0, 32))}`);
  i = close + 1;
  if (i === s.length || (s[i] === ' ' && i + 1 === s.length)) return fail('truncated', 'no event');
  if (s[i] !== ' ') return fail('instance', `expected a space after ) at ${i}`);
  const evText = token(s, i + 1);
  const event = parseEmgEvent(evText);
  if (event === null) return fail('event', `unknown event ${JSON.stringify(evText.slice(0, 24))}`);
  i += 1 + evText.length;
  if (i === s.length || i + 1 === s.length) return fail('truncated', 'no OK/ERR');
  const stText = token(s, i + 1);
  if (stText !== 'OK' && stText !== 'ERR') return fail('status', `expected OK or ERR, got ${JSON.stringify(stText.slice(0, 24))}`);
  i += 1 + stText.length;
  let info: EmgInfoItem[] = [];
  if (s[i + 1] === '(') {
    const r = readInfo(s, i + 2);
    if (!r.ok) return r;
    info = r.value;
    i = r.end;
    if (i < s.length && s[i] !== ' ') return fail('info', `expected a space after ) at ${i}`);
  }
  let options: MgpOption[] = [];
  if (i < s.length) {
    const r = readOptions(s.slice(i + 1));
    if (!Array.isArray(r)) return r;
    options = r;
  }
  return { ok: true, fields: { time: t.value, instance, event, ok: stText === 'OK', info, options } };
}

export function parseConnectorLine(line: Buffer): ConnectorParse {
  if (!isUtf8(line)) return fail('encoding', 'not UTF-8');
  return parseConnectorText(line.toString('utf8'));
}

export function formatConnectorText(f: EmgConnectorFields): string {
  let s = `${formatTime(f.time)} (${f.instance}) ${f.event} ${f.ok ? 'OK' : 'ERR'}`;
  if (f.info.length > 0) s += ` (${formatInfo(f.info)})`;
  if (f.options.length > 0) s += ` ${formatOptions(f.options)}`;
  return s;
}

export function formatConnectorLine(f: EmgConnectorFields): Buffer {
  return Buffer.from(formatConnectorText(f), 'utf8');
}
