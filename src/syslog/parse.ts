// Frame bytes → record fields, in place. The entry point every input uses. It never throws: every
// read is bounds-checked by construction (an out-of-range Buffer index reads `undefined`, which
// fails every comparison), so no try/catch is needed on the hot path, and a property test feeds
// it arbitrary bytes. The record's `raw` is never modified; invalid UTF-8 and control bytes stay
// there for outputs to make safe.
//
// Dispatch: `<PRI>` (pri.ts), then `1 ` → RFC 5424, otherwise RFC 3164. A line that is neither
// keeps its bytes after the PRI as MSG, with format 'unparsed' and PARSE_ERROR.

import { RecordFlag, type LogRecord } from '../record.js';
import { parsePri } from './pri.js';
import { parseRfc3164 } from './rfc3164.js';
import { parseRfc5424 } from './rfc5424.js';
import { SP } from './bytes.js';

/** Fills `rec` from `rec.raw`. `fallbackHost` names the sender when the line has no HOSTNAME. */
export function parseRecord(rec: LogRecord, fallbackHost: string): void {
  const buf = rec.raw;
  const p = parsePri(buf, rec);
  if (rec.flags & RecordFlag.PRI_INVALID) {
    // The brackets were not a priority, so nothing after them can be trusted as a header either.
    unparsed(rec, p, fallbackHost);
    return;
  }
  if (p > 0 && buf[p] === 0x31 && buf[p + 1] === SP) {
    if (!parseRfc5424(rec, buf, p + 2, fallbackHost)) unparsed(rec, p, fallbackHost);
    return;
  }
  parseRfc3164(rec, buf, p, fallbackHost);
}

function unparsed(rec: LogRecord, msgOffset: number, fallbackHost: string): void {
  rec.format = 'unparsed';
  rec.flags |= RecordFlag.PARSE_ERROR | RecordFlag.NO_HOSTNAME | RecordFlag.NO_TIMESTAMP;
  rec.hostname = fallbackHost;
  rec.msgOffset = msgOffset;
}
