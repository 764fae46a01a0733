// The entry text after a prefix, both ways. Known shapes are tried by their first words; a line
// that starts like a known entry must read in full (an error otherwise), anything else is the
// writer's free text, so no line that reached here is lost.

import type { DialectError } from '../types.js';
import { authEntry, formatAuth, readAuth } from './authlog.js';
import { CHAN_END_HEAD, formatChan, isChanMsg, readChanEnd, readChanMsg, readPhase } from './chanlog.js';
import { fail } from './errors.js';
import type { MmdfEntry, MmdfOpen } from './fields.js';
import { END_SHAPE, SUBMIT_SHAPE, formatEnd, formatSubmit, readEnd, readSubmit } from './msglog.js';
import { readNum } from './printf.js';

const OPEN_HEAD = '---  OPEN  ---(';

function readOpen(s: string): MmdfOpen | DialectError {
  const fd = readNum(s, OPEN_HEAD.length, 0, 'file descriptor', { allowNegative: true });
  if (!fd.ok) return fd;
  if (s[fd.end] !== ')' || fd.end + 1 !== s.length) return fail('syntax', `')' expected to end the line at ${fd.end}`);
  return { kind: 'open', fd: fd.value.n };
}

export function readEntry(s: string): MmdfEntry | DialectError {
  if (s.startsWith(OPEN_HEAD)) return readOpen(s);
  if (SUBMIT_SHAPE.test(s)) return readSubmit(s);
  if (s.startsWith(CHAN_END_HEAD)) return readChanEnd(s);
  if (END_SHAPE.test(s)) return readEnd(s);
  if (isChanMsg(s)) return readChanMsg(s);
  return readPhase(s) ?? readAuth(s) ?? { kind: 'text', text: s };
}

export function formatEntry(e: MmdfEntry): string {
  switch (e.kind) {
    case 'lin':
    case 'rin': return formatSubmit(e);
    case 'end':
    case 'end_error': return formatEnd(e);
    case 'chan_phase':
    case 'chan_msg':
    case 'chan_end': return formatChan(e);
    case 'auth': return formatAuth(e);
    case 'open': return `${OPEN_HEAD}${e.fd})`;
    case 'marker':
    case 'text': return e.text;
  }
}

export { authEntry };
