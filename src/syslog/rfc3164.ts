// RFC 3164 (BSD) header after `<PRI>`: `TIMESTAMP HOSTNAME TAG: MSG`, as real senders write it.
// - TIMESTAMP: BSD `Mmm dd hh:mm:ss` (see timestamp.ts, which also reads the Cisco variants) or
//   RFC 3339 (rsyslog's forward formats). A Cisco IOS sequence number (`123: `) before it is skipped.
// - HOSTNAME: absent in lines from the local syslog() (`<13>Nov 22 02:55:07 mytag[4242]: hello`).
//   The token after the timestamp is a TAG, not a hostname, when it ends with `:` or contains
//   `[...]:`; then the caller's fallback host is used and NO_HOSTNAME is flagged.
// - TAG: `app:` or `app[procid]:`, app not empty. A line whose token after HOSTNAME is not a tag is
//   tag-less: app is '' and MSG starts right after HOSTNAME and its one SP. (rsyslog would take
//   the first word as TAG; that turns the first word of text into a program name, and the
//   traditional output could not tell the two apart on a re-read.)
// - MSG: after the tag's `:` and one SP, byte for byte.
// - No timestamp: a leading TAG is still read (`<15> openvpn[2499]: ...`); otherwise the line has
//   no header at all and the record is left unparsed (PARSE_ERROR), MSG = everything after PRI.

import { RecordFlag, type LogRecord } from '../record.js';
import { parseBsdTimestamp, parseIsoTimestamp } from './timestamp.js';
import { COLON, DIGIT0, LBRACKET, RBRACKET, SLASH, SP } from './bytes.js';

// What `scanToken` found, in one object made once so that nothing is allocated per line (and held
// by a `const`: the JIT reads its fields directly, where module-level `let`s cost a check each).
const tok = {
  /** End of the token (SP or end of buffer), or just after `]:` for `app[1]:msg`. */
  end: 0,
  /** OR of its bytes. */
  hi: 0,
  /** The token is a TAG. */
  tag: false,
  /** Last `[` before the tag's `]:`, when the tag has a procid; else -1. */
  lb: -1,
  /** First `/`, or -1. */
  slash: -1,
};

function scanToken(buf: Buffer, i: number): void {
  // `| 0`: a typed array's length is not a small integer to the JIT, and every index compared with
  // it would become a float.
  const n = buf.length | 0;
  let hi = 0;
  let lb = -1;
  let slash = -1;
  let tag = false;
  let j = i | 0;
  for (; j < n; j++) {
    const b = buf[j]!;
    hi |= b;
    // Letters first, then digits: most bytes of a host or tag take one or two compares.
    if (b > COLON) {
      if (b === LBRACKET) lb = j;
      continue;
    }
    if (b === COLON) {
      // `app:` at the end or before SP; `sshd[12]:text`: the tag ends at the colon.
      if (j + 1 === n || buf[j + 1] === SP || (lb > i && buf[j - 1] === RBRACKET)) {
        tag = true;
        j++;
        break;
      }
    } else if (b === SP) {
      break;
    } else if (b === SLASH && slash < 0) {
      slash = j;
    }
  }
  if (!tag || lb <= i || buf[j - 2] !== RBRACKET) lb = -1;
  // `:` alone, `[1]:`: no app, so not a tag.
  if (tag && (lb < 0 ? j - 1 : lb) === i) tag = false;
  tok.end = j;
  tok.hi = hi;
  tok.tag = tag;
  tok.lb = lb;
  tok.slash = slash;
}

/** Records the tag token at i (scanToken just ran) as app, program and procid; returns the MSG offset. */
function readTag(rec: LogRecord, buf: Buffer, i: number): number {
  const colon = tok.end - 1;
  const lb = tok.lb;
  const appEnd = lb >= 0 ? lb : colon;
  const slash = tok.slash;
  rec.setTagSpan(i, appEnd, slash >= 0 && slash < appEnd ? slash : appEnd, lb >= 0 ? lb + 1 : -1, colon - 1, tok.hi);
  return buf[tok.end] === SP ? tok.end + 1 : tok.end;
}

/** Parses what follows `<PRI>` at i. Never fails: a line without header is left 'unparsed'. */
export function parseRfc3164(rec: LogRecord, buf: Buffer, i: number, fallbackHost: string): void {
  const n = buf.length | 0;
  let p = i | 0;
  while (p < n && buf[p] === SP) p++;
  let t = timestampAt(buf, p, rec);
  if (t < 0) {
    // Cisco IOS puts a sequence number first: `<189>123: *Mar  1 18:46:11: %SYS-5-...`.
    let d = p;
    while (d < n && buf[d]! - DIGIT0 >= 0 && buf[d]! - DIGIT0 <= 9) d++;
    if (d > p && buf[d] === COLON && buf[d + 1] === SP) t = timestampAt(buf, d + 2, rec);
  }
  if (t < 0) rec.flags |= RecordFlag.NO_TIMESTAMP;
  else p = t;
  while (p < n && buf[p] === SP) p++;

  scanToken(buf, p);
  if (tok.tag || t < 0 || tok.end === p) {
    rec.hostname = fallbackHost;
    rec.flags |= RecordFlag.NO_HOSTNAME;
    if (tok.tag) {
      rec.msgOffset = readTag(rec, buf, p);
    } else if (t >= 0) {
      rec.msgOffset = p; // a timestamp and nothing else
    } else {
      rec.flags |= RecordFlag.PARSE_ERROR;
      rec.msgOffset = i;
      return;
    }
  } else {
    const host = p;
    const hostEnd = tok.end;
    const hostHi = tok.hi;
    rec.setHostSpan(p, tok.end, tok.hi);
    p = tok.end < n ? tok.end + 1 : n;
    scanToken(buf, p);
    if (tok.tag) {
      rec.msgOffset = readTag(rec, buf, p);
      // `app[]:` (no procid) and `app:msg` (no SP) are written back differently.
      if (((hostHi | tok.hi) & 0x80) === 0 && buf[tok.end] === SP && (tok.lb < 0 || tok.end - 3 > tok.lb)) rec.headerStart = host;
    } else {
      rec.msgOffset = p;
      // A SP after HOST with nothing after it is not written back.
      if ((hostHi & 0x80) === 0 && (p < n || hostEnd === n)) rec.headerStart = host;
    }
  }
  rec.format = 'rfc3164';
}

function timestampAt(buf: Buffer, p: number, rec: LogRecord): number {
  const b = buf[p]! - DIGIT0;
  return b >= 0 && b <= 9 ? parseIsoTimestamp(buf, p, rec) : parseBsdTimestamp(buf, p, rec);
}
