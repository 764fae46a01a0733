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
import { COLON, DIGIT0, LBRACKET, RBRACKET, SLASH, SP, fieldText } from './bytes.js';
import { parseBsdTimestamp, parseIsoTimestamp } from './timestamp.js';

// What `scanToken` found, in module scope so that nothing is allocated per line.
let tokEnd = 0; // end of the token (SP or end of buffer), or just after `]:` for `app[1]:msg`
let tokHi = 0; // OR of its bytes
let tokTag = false; // the token is a TAG
let tokLb = -1; // last `[` before the tag's `]:`, when the tag has a procid
let tokSlash = -1; // first `/`

function scanToken(buf: Buffer, i: number): void {
  const n = buf.length;
  let hi = 0;
  let lb = -1;
  let slash = -1;
  let j = i;
  tokTag = false;
  for (; j < n; j++) {
    const b = buf[j]!;
    if (b === SP) break;
    hi |= b;
    if (b === LBRACKET) lb = j;
    else if (b === SLASH && slash < 0) slash = j;
    else if (b === COLON) {
      if (j + 1 === n || buf[j + 1] === SP) {
        tokTag = true;
      } else if (lb > i && buf[j - 1] === RBRACKET) {
        tokTag = true; // `sshd[12]:text`: the tag ends at the colon
      }
      if (tokTag) {
        j++;
        break;
      }
    }
  }
  tokEnd = j;
  tokHi = hi;
  tokLb = tokTag && lb > i && buf[j - 2] === RBRACKET ? lb : -1;
  tokSlash = slash;
  // `:` alone, `[1]:`: no app, so not a tag.
  if (tokTag && (tokLb < 0 ? j - 1 : tokLb) === i) tokTag = false;
}

/** Sets app, program, procid from the tag token at i (scanToken just ran) and returns MSG offset. */
function readTag(rec: LogRecord, buf: Buffer, i: number): number {
  const colon = tokEnd - 1;
  const appEnd = tokLb >= 0 ? tokLb : colon;
  rec.app = fieldText(buf, i, appEnd, tokHi);
  rec.program = tokSlash >= 0 && tokSlash < appEnd ? fieldText(buf, i, tokSlash, tokHi) : rec.app;
  if (tokLb >= 0) rec.procid = fieldText(buf, tokLb + 1, colon - 1, tokHi);
  return buf[tokEnd] === SP ? tokEnd + 1 : tokEnd;
}

/** Parses what follows `<PRI>` at i. Never fails: a line without header is left 'unparsed'. */
export function parseRfc3164(rec: LogRecord, buf: Buffer, i: number, fallbackHost: string): void {
  const n = buf.length;
  let p = i;
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
  if (tokTag || t < 0 || tokEnd === p) {
    rec.hostname = fallbackHost;
    rec.flags |= RecordFlag.NO_HOSTNAME;
    if (tokTag) {
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
    const hostEnd = tokEnd;
    const hostHi = tokHi;
    rec.hostname = fieldText(buf, p, tokEnd, tokHi);
    p = tokEnd < n ? tokEnd + 1 : n;
    scanToken(buf, p);
    if (tokTag) {
      rec.msgOffset = readTag(rec, buf, p);
      // `app[]:` (no procid) and `app:msg` (no SP) are written back differently.
      if (((hostHi | tokHi) & 0x80) === 0 && buf[tokEnd] === SP && (tokLb < 0 || tokEnd - 3 > tokLb)) rec.headerStart = host;
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
