// Tells which Momentum log a line belongs to, from the line alone, and reads it:
//   epoch@<N|T|Z|?>@...            acctlog (the type is one character, a message-id never is)
//   epoch@origid@I@...             importlog
//   epoch@...                      mainlog
//   epoch: KEY=... | epoch: Marker N   rejectlog
//   epoch:text                     paniclog (any other text)
// A reader that knows which file a line came from can call that log's parser directly instead.

import type { DialectError } from '../types.js';
import { ACCTLOG_TYPES, formatAcctlog, readAcctlog } from './acctlog.js';
import type { MomentumFields } from './fields.js';
import { formatImportlog, readImportlog } from './importlog.js';
import { decode, fail, isError, readEpoch } from './lex.js';
import { formatMainlog, readMainlog } from './mainlog.js';
import { formatPaniclog, readPaniclog } from './paniclog.js';
import { formatRejectlog, looksLikeRejectBody, readRejectlog } from './rejectlog.js';

export function parseMomentum(line: Buffer): MomentumFields | DialectError {
  const { text, latin1 } = decode(line);
  const ts = readEpoch(text);
  if (isError(ts)) return ts;
  const at = ts.end;
  if (text[at] === ':') {
    return text[at + 1] === ' ' && looksLikeRejectBody(text.slice(at + 2)) ? readRejectlog(text, latin1) : readPaniclog(text, latin1);
  }
  if (text[at] !== '@') return fail('bad_separator', `epoch followed by ${JSON.stringify(text[at])}`);
  let a = text.indexOf('@', at + 1);
  if (a < 0) a = text.length;
  if (ACCTLOG_TYPES.has(text.slice(at + 1, a))) return readAcctlog(text, latin1);
  const b = text.indexOf('@', a + 1);
  if (b > a && text.slice(a + 1, b) === 'I') return readImportlog(text, latin1);
  return readMainlog(text, latin1);
}

/** Writes any Momentum record back as its line (no LF). */
export function formatMomentum(f: MomentumFields): Buffer {
  switch (f.log) {
    case 'mainlog': return formatMainlog(f);
    case 'rejectlog': return formatRejectlog(f);
    case 'paniclog': return formatPaniclog(f);
    case 'acctlog': return formatAcctlog(f);
    case 'importlog': return formatImportlog(f);
  }
}
