// `<PRI>` at the start of a frame (RFC 5424 §6.2.1, RFC 3164 §4.1.1): 1-3 digits, 0..191, no
// leading zero except `<0>`. Anything else keeps the default priority (user.notice) and is flagged,
// so a counter can show it and the message itself is never lost.

import { DEFAULT_FACILITY, DEFAULT_SEVERITY, RecordFlag, type LogRecord } from '../record.js';
import { DIGIT0, GT, LT } from './bytes.js';

/** Longest delimited PRI looked at: `<` + up to 4 bytes + `>`; a longer run is not a PRI. */
const MAX_PRI_END = 5;

/**
 * Reads `<PRI>` at offset 0 of `buf` into `rec` and returns the offset after it.
 * - valid: sets facility and severity;
 * - no `<`: flags PRI_MISSING and returns 0;
 * - `<...>` with bad contents (`<999>`, `<>`, `<01>`, `<abc>`): flags PRI_INVALID and returns the
 *   offset after `>`;
 * - `<` with no `>` close by: flags PRI_INVALID and returns 0 (the whole frame is the message).
 */
export function parsePri(buf: Buffer, rec: LogRecord): number {
  if (buf.length === 0 || buf[0] !== LT) {
    rec.flags |= RecordFlag.PRI_MISSING;
    return 0;
  }
  let value = 0;
  let i = 1;
  const limit = buf.length < MAX_PRI_END + 1 ? buf.length : MAX_PRI_END + 1;
  for (; i < limit; i++) {
    const b = buf[i]!;
    if (b === GT) break;
    const d = b - DIGIT0;
    // Values only matter while they can be valid; bad bytes are caught below by `ok`.
    value = d >= 0 && d <= 9 ? value * 10 + d : 1000;
  }
  if (i >= limit) {
    rec.flags |= RecordFlag.PRI_INVALID;
    return 0;
  }
  const digits = i - 1;
  const ok = digits >= 1 && digits <= 3 && value <= 191 && (digits === 1 || buf[1] !== DIGIT0);
  if (ok) {
    rec.facility = value >> 3;
    rec.severity = value & 7;
  } else {
    rec.flags |= RecordFlag.PRI_INVALID;
    rec.facility = DEFAULT_FACILITY;
    rec.severity = DEFAULT_SEVERITY;
  }
  return i + 1;
}
