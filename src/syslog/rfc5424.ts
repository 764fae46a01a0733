// RFC 5424 header: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]`.
// Read from the Buffer with indexes. Fields are assigned to the record only once the whole header
// has been read, so a line that fails half-way leaves the record as it was for the caller's
// fallback. Leniency, where senders differ from the RFC: field lengths are not capped, an invalid
// TIMESTAMP reads as "no timestamp" instead of failing the line, and a missing STRUCTURED-DATA
// at the very end (`... MSGID`) reads as NILVALUE.

import { RecordFlag, type LogRecord } from '../record.js';
import { DASH, LBRACKET, SP, isNil, nilText } from './bytes.js';
import { scanSd } from './sd.js';
import { parseIsoTimestamp } from './timestamp.js';

export { parseSd, formatSd, escapeSdValue, type SdElement } from './sd.js';

// Bounds of the last token found by `token`, in one object made once so that nothing is
// allocated per field (held by a `const`: the JIT reads its fields directly).
const tok = { end: 0, hi: 0 };

/** A non-empty run of non-SP bytes at i; sets tok.end/tok.hi and returns false when empty. */
function token(buf: Buffer, i: number): boolean {
  let j = i | 0;
  let hi = 0;
  const n = buf.length | 0; // a small integer to the JIT, so that the compares below are too
  while (j < n) {
    const b = buf[j]!;
    if (b === SP) break;
    hi |= b;
    j++;
  }
  tok.end = j;
  tok.hi = hi;
  return j > i;
}

/**
 * Parses the header that follows `<PRI>1 ` (i = offset of TIMESTAMP). Returns false, with `rec`
 * unchanged, when the line is not RFC 5424. `fallbackHost` replaces a NILVALUE HOSTNAME.
 */
export function parseRfc5424(rec: LogRecord, buf: Buffer, i: number, fallbackHost: string): boolean {
  const n = buf.length | 0;
  // TIMESTAMP
  if (!token(buf, i)) return false;
  const tsStart = i;
  const tsEnd = tok.end;
  // HOSTNAME APP-NAME PROCID MSGID
  i = tsEnd + 1;
  if (!token(buf, i)) return false;
  const hostStart = i, hostEnd = tok.end, hostHi = tok.hi;
  i = tok.end + 1;
  if (!token(buf, i)) return false;
  const appStart = i, appEnd = tok.end, appHi = tok.hi;
  i = tok.end + 1;
  if (!token(buf, i)) return false;
  const pidStart = i, pidEnd = tok.end, pidHi = tok.hi;
  i = tok.end + 1;
  if (!token(buf, i)) return false;
  const midStart = i, midEnd = tok.end, midHi = tok.hi;
  i = tok.end + 1;
  // STRUCTURED-DATA, then SP MSG or the end.
  let sdEnd: number;
  let sdHi = 0;
  if (i >= n) {
    sdEnd = i = n;
  } else if (buf[i] === DASH) {
    sdEnd = i + 1;
  } else if (buf[i] === LBRACKET) {
    sdEnd = scanSd(buf, i);
    if (sdEnd < 0) return false;
    for (let k = i; k < sdEnd; k++) sdHi |= buf[k]!;
  } else {
    return false;
  }
  let msg = sdEnd;
  if (msg < n) {
    if (buf[msg] !== SP) return false;
    msg++;
  }

  // The header is valid: fill the record.
  const noTime = isNil(buf, tsStart, tsEnd);
  if (noTime || parseIsoTimestamp(buf, tsStart, rec) !== tsEnd) rec.flags |= RecordFlag.NO_TIMESTAMP;
  // HOSTNAME, APP-NAME and PROCID stay spans of the line until read (see LogRecord).
  if (isNil(buf, hostStart, hostEnd)) {
    rec.hostname = fallbackHost;
    rec.flags |= RecordFlag.NO_HOSTNAME;
  } else {
    rec.setHostSpan(hostStart, hostEnd, hostHi);
  }
  rec.setTagSpan(appStart, isNil(buf, appStart, appEnd) ? appStart : appEnd, -1,
    isNil(buf, pidStart, pidEnd) ? -1 : pidStart, pidEnd, appHi | pidHi);
  rec.msgid = nilText(buf, midStart, midEnd, midHi);
  rec.sd = buf[i] === LBRACKET ? (sdHi >= 0x80 ? buf.toString('utf8', i, sdEnd) : buf.toString('latin1', i, sdEnd)) : '';
  if (buf[msg] === 0xef && buf[msg + 1] === 0xbb && buf[msg + 2] === 0xbf) {
    msg += 3;
    rec.flags |= RecordFlag.BOM;
  }
  rec.msgOffset = msg;
  rec.format = 'rfc5424';
  return true;
}
