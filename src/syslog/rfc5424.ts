// RFC 5424 header: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]`.
// Read from the Buffer with indexes. Fields are assigned to the record only once the whole header
// has been read, so a line that fails half-way leaves the record as it was for the caller's
// fallback. Leniency, where senders differ from the RFC: field lengths are not capped, an invalid
// TIMESTAMP reads as "no timestamp" instead of failing the line, and a missing STRUCTURED-DATA
// at the very end (`... MSGID`) reads as NILVALUE.

import { RecordFlag, type LogRecord } from '../record.js';
import { DASH, LBRACKET, SP, nilText, programOf } from './bytes.js';
import { scanSd } from './sd.js';
import { parseIsoTimestamp } from './timestamp.js';

export { parseSd, formatSd, escapeSdValue, type SdElement } from './sd.js';

// Bounds of the last token found by `token`, in module scope so nothing is allocated per field.
let tokEnd = 0;
let tokHi = 0;

/** A non-empty run of non-SP bytes at i; sets tokEnd/tokHi and returns false when empty. */
function token(buf: Buffer, i: number): boolean {
  let j = i;
  let hi = 0;
  const n = buf.length;
  while (j < n) {
    const b = buf[j]!;
    if (b === SP) break;
    hi |= b;
    j++;
  }
  tokEnd = j;
  tokHi = hi;
  return j > i;
}

/**
 * Parses the header that follows `<PRI>1 ` (i = offset of TIMESTAMP). Returns false, with `rec`
 * unchanged, when the line is not RFC 5424. `fallbackHost` replaces a NILVALUE HOSTNAME.
 */
export function parseRfc5424(rec: LogRecord, buf: Buffer, i: number, fallbackHost: string): boolean {
  const n = buf.length;
  // TIMESTAMP
  if (!token(buf, i)) return false;
  const tsStart = i;
  const tsEnd = tokEnd;
  // HOSTNAME APP-NAME PROCID MSGID
  i = tsEnd + 1;
  if (!token(buf, i)) return false;
  const hostStart = i, hostEnd = tokEnd, hostHi = tokHi;
  i = tokEnd + 1;
  if (!token(buf, i)) return false;
  const appStart = i, appEnd = tokEnd, appHi = tokHi;
  i = tokEnd + 1;
  if (!token(buf, i)) return false;
  const pidStart = i, pidEnd = tokEnd, pidHi = tokHi;
  i = tokEnd + 1;
  if (!token(buf, i)) return false;
  const midStart = i, midEnd = tokEnd, midHi = tokHi;
  i = tokEnd + 1;
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
  const noTime = tsEnd - tsStart === 1 && buf[tsStart] === DASH;
  if (noTime || parseIsoTimestamp(buf, tsStart, rec) !== tsEnd) rec.flags |= RecordFlag.NO_TIMESTAMP;
  rec.hostname = nilText(buf, hostStart, hostEnd, hostHi);
  if (rec.hostname === '') {
    rec.hostname = fallbackHost;
    rec.flags |= RecordFlag.NO_HOSTNAME;
  }
  rec.app = nilText(buf, appStart, appEnd, appHi);
  rec.program = programOf(rec.app);
  rec.procid = nilText(buf, pidStart, pidEnd, pidHi);
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
