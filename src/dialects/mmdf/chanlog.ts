// chan.log entries phs_note.c writes, both ways: phase markers (`strt`, `conn`, `rcv`, `rend`,
// `writ`, `wend`), per-message counts (`"rmsg %4da %10ldc"`, `"wmsg %4da %10ldc"`) and the end of
// a session (`"end (%s)"`, `"end (%s)\t%lds"`). Anything else a channel logs is its own free text.

import type { DialectError } from '../types.js';
import { fail } from './errors.js';
import { MMDF_PHASES, type MmdfChanEnd, type MmdfChanMsg, type MmdfChanPhase, type MmdfPhase } from './fields.js';
import { padNum, readNum } from './printf.js';
import { statusClass } from './status.js';

const phases = new Set<string>(MMDF_PHASES);

export function readPhase(s: string): MmdfChanPhase | null {
  return phases.has(s) ? { kind: 'chan_phase', phase: s as MmdfPhase } : null;
}

/** `rmsg ` / `wmsg `: a count line, which must then read in full. */
export function isChanMsg(s: string): boolean {
  return s.startsWith('rmsg ') || s.startsWith('wmsg ');
}

export function readChanMsg(s: string): MmdfChanMsg | DialectError {
  const n = readNum(s, 5, 4, 'address count', { allowNegative: true });
  if (!n.ok) return n;
  if (!s.startsWith('a ', n.end)) return fail('syntax', `'a ' expected at ${n.end}`);
  const b = readNum(s, n.end + 2, 10, 'byte count', { allowNegative: true });
  if (!b.ok) return b;
  if (s[b.end] !== 'c' || b.end + 1 !== s.length) return fail('syntax', `'c' expected to end the line at ${b.end}`);
  return { kind: 'chan_msg', direction: s.startsWith('r') ? 'rmsg' : 'wmsg', naddrs: n.value.n, bytes: b.value.n };
}

/** `end (`: a session end, which must then read in full. */
export const CHAN_END_HEAD = 'end (';

export function readChanEnd(s: string): MmdfChanEnd | DialectError {
  const close = s.indexOf(')', CHAN_END_HEAD.length);
  if (close < 0) return fail('syntax', 'no \')\' after the status');
  const status = s.slice(CHAN_END_HEAD.length, close);
  if (statusClass(status) === null) return fail('status', `unknown status '${status}'`);
  if (close + 1 === s.length) return { kind: 'chan_end', status, durationSecs: null };
  if (s[close + 1] !== '\t' || !s.endsWith('s')) return fail('syntax', 'expected nothing or \'\\t<secs>s\' after the status');
  const secs = readNum(s, close + 2, 0, 'session seconds', { allowNegative: true });
  if (!secs.ok) return secs;
  if (secs.end !== s.length - 1) return fail('bad_number', `'${s.slice(close + 2, -1)}' is not a number of seconds`);
  return { kind: 'chan_end', status, durationSecs: secs.value.n };
}

export function formatChan(e: MmdfChanPhase | MmdfChanMsg | MmdfChanEnd): string {
  switch (e.kind) {
    case 'chan_phase': return e.phase;
    case 'chan_msg': return `${e.direction} ${padNum(e.naddrs, 4)}a ${padNum(e.bytes, 10)}c`;
    case 'chan_end': return e.durationSecs === null ? `end (${e.status})` : `end (${e.status})\t${e.durationSecs}s`;
  }
}
