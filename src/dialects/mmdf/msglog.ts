// msg.log entries, both ways: submit's `lin`/`rin` (mgt_aend) and deliver's `end` (adr_log,
// adr_t2fin). Formats, from the source:
//   "lin %s (%d, %s) %s %s %s"     msg, naddrs, bytes, queue, login, protocol (2.43+; may be '')
//   "rin %s (%d, %s) %s %s %s %s"  msg, naddrs, bytes, queue, host, sender, protocol
//   "end %s (%s) %s %s %s [%d:%2d:%2d]"       msg, status, queue, host, mailbox, h, m, s
//   "end %s (%s) %s(%s) %s %s [%d:%2d:%2d]"   ... queue(chan) when the channel is not the queue
//   "end %s (%s) ** %s (%s) error **"         msg, status, channel description, channel name
// Older versions write no protocol field at all, which `protocol: null` keeps apart from ''.

import type { DialectError } from '../types.js';
import { fail } from './errors.js';
import type { MmdfEnd, MmdfEndError, MmdfLin, MmdfRin } from './fields.js';
import { padNum, readNum } from './printf.js';
import { statusClass } from './status.js';

/** `lin msg.x (` / `rin msg.x (`: a submit statistics line, which must then read in full. */
export const SUBMIT_SHAPE = /^[lr]in [^ ]+ \(/;
/** `end msg.x (`: a deliver statistics line (`end of list` and the like stay free text). */
export const END_SHAPE = /^end [^ (]+ \(/;

interface Counts { naddrs: number; bytes: number; rest: string }

/** Reads `(<naddrs>, <bytes>) ` at `at`; `rest` is what follows. */
function readCounts(s: string, at: number): Counts | DialectError {
  const n = readNum(s, at, 0, 'address count', { allowNegative: true });
  if (!n.ok) return n;
  if (!s.startsWith(', ', n.end)) return fail('syntax', `', ' expected at ${n.end}`);
  const b = readNum(s, n.end + 2, 0, 'byte count', { allowNegative: true });
  if (!b.ok) return b;
  if (!s.startsWith(') ', b.end)) return fail('syntax', `') ' expected at ${b.end}`);
  return { naddrs: n.value.n, bytes: b.value.n, rest: s.slice(b.end + 2) };
}

export function readSubmit(s: string): MmdfLin | MmdfRin | DialectError {
  const open = s.indexOf(' (', 4);
  const msg = s.slice(4, open);
  const c = readCounts(s, open + 2);
  if ('ok' in c) return c;
  const t = c.rest.split(' ');
  const head = { msg, naddrs: c.naddrs, bytes: c.bytes, queue: t[0]! };
  if (s.startsWith('lin')) {
    if (t.length !== 2 && t.length !== 3) return fail('field_count', `lin: ${t.length} fields after the counts, 2 or 3 expected`);
    return { kind: 'lin', ...head, login: t[1]!, protocol: t[2] ?? null };
  }
  if (t.length !== 3 && t.length !== 4) return fail('field_count', `rin: ${t.length} fields after the counts, 3 or 4 expected`);
  return { kind: 'rin', ...head, host: t[1]!, sender: t[2]!, protocol: t[3] ?? null };
}

function counts(e: { naddrs: number; bytes: number }): string {
  return `(${e.naddrs}, ${e.bytes})`;
}

export function formatSubmit(e: MmdfLin | MmdfRin): string {
  const proto = e.protocol === null ? '' : ` ${e.protocol}`;
  const who = e.kind === 'lin' ? e.login : `${e.host} ${e.sender}`;
  return `${e.kind} ${e.msg} ${counts(e)} ${e.queue} ${who}${proto}`;
}

const ERROR_HEAD = '** ';
const ERROR_TAIL = ' error **';

export function readEnd(s: string): MmdfEnd | MmdfEndError | DialectError {
  const open = s.indexOf(' (', 4);
  const msg = s.slice(4, open);
  const close = s.indexOf(')', open + 2);
  if (close < 0) return fail('syntax', 'no \')\' after the status');
  const status = s.slice(open + 2, close);
  if (statusClass(status) === null) return fail('status', `unknown status '${status}'`);
  if (s[close + 1] !== ' ') return fail('syntax', `space expected at ${close + 1}`);
  const rest = s.slice(close + 2);
  if (rest.startsWith(ERROR_HEAD)) return readEndError(msg, status, rest);
  const bracket = rest.lastIndexOf(' [');
  if (bracket < 0 || !rest.endsWith(']')) return fail('syntax', 'no [H:MM:SS] at the end');
  const latencySecs = readLatency(rest.slice(bracket + 2, -1));
  if (typeof latencySecs !== 'number') return latencySecs;
  const t = rest.slice(0, bracket).split(' ');
  if (t.length < 3) return fail('field_count', `end: ${t.length} fields before the latency, 3 expected`);
  const { queue, chan } = splitQueue(t[0]!);
  return { kind: 'end', msg, status, queue, chan, host: t[1]!, mailbox: t.slice(2).join(' '), latencySecs };
}

function readEndError(msg: string, status: string, rest: string): MmdfEndError | DialectError {
  if (!rest.endsWith(ERROR_TAIL)) return fail('syntax', `'${ERROR_TAIL}' expected at the end`);
  const inner = rest.slice(ERROR_HEAD.length, rest.length - ERROR_TAIL.length);
  const paren = inner.lastIndexOf(' (');
  if (paren < 0 || !inner.endsWith(')')) return fail('syntax', 'no (<channel>) before \' error **\'');
  return { kind: 'end_error', msg, status, chanShow: inner.slice(0, paren), chanName: inner.slice(paren + 2, -1) };
}

/** `queue(chan)` → both; a plain word is the queue alone. */
function splitQueue(word: string): { queue: string; chan: string | null } {
  const p = word.indexOf('(');
  if (p < 0 || !word.endsWith(')')) return { queue: word, chan: null };
  return { queue: word.slice(0, p), chan: word.slice(p + 1, -1) };
}

/** `%d:%2d:%2d` (hours, minutes, seconds) → seconds. */
function readLatency(text: string): number | DialectError {
  const h = readNum(text, 0, 0, 'latency hours');
  if (!h.ok || text[h.end] !== ':') return fail('latency', `'${text}' is not H:MM:SS`);
  const m = readNum(text, h.end + 1, 2, 'latency minutes');
  if (!m.ok || text[m.end] !== ':') return fail('latency', `'${text}' is not H:MM:SS`);
  const sec = readNum(text, m.end + 1, 2, 'latency seconds');
  if (!sec.ok || sec.end !== text.length) return fail('latency', `'${text}' is not H:MM:SS`);
  if (m.value.n > 59 || sec.value.n > 59) return fail('latency', `'${text}' has minutes or seconds above 59`);
  const secs = h.value.n * 3600 + m.value.n * 60 + sec.value.n;
  return Number.isSafeInteger(secs) ? secs : fail('latency', `'${text}' is too large`);
}

/** `[%d:%2d:%2d]` as adr_log() writes it. */
export function formatLatency(secs: number): string {
  const h = Math.floor(secs / 3600);
  const rem = secs % 3600;
  return `[${h}:${padNum(Math.floor(rem / 60), 2)}:${padNum(rem % 60, 2)}]`;
}

export function formatEnd(e: MmdfEnd | MmdfEndError): string {
  const head = `end ${e.msg} (${e.status}) `;
  if (e.kind === 'end_error') return `${head}${ERROR_HEAD}${e.chanShow} (${e.chanName})${ERROR_TAIL}`;
  const queue = e.chan === null ? e.queue : `${e.queue}(${e.chan})`;
  return `${head}${queue} ${e.host} ${e.mailbox} ${formatLatency(e.latencySecs)}`;
}
