// Record → one output line, for each LineFormat, plus the wire serialisers the parser's round-trip
// tests use. Line formats make the record safe (escape.ts): a record is exactly one line, and
// bytes other than controls are written as received, invalid UTF-8 included (as rsyslog does).
// - traditional: rsyslog's RSYSLOG_TraditionalFileFormat, `Mmm dd HH:MM:SS HOST TAG MSG`, time in
//   the daemon's local zone. The parser consumed the one SP after the tag's `:`, so `TAG SP MSG`
//   gives back the received line. A record without app has no tag: `... HOST MSG` (as rsyslog,
//   such a line reads back with a tag if the first word of MSG ends with `:`).
// - rfc5424: `<PRI>1 TS HOST APP PROCID MSGID SD MSG`, `-` for empty fields, the sender's
//   fraction digits and offset (the daemon's offset when the sender gave none). Always a
//   timestamp (the receive time when the sender gave none) and a host; no BOM.
// - raw: the received frame.
// - json: see json.ts.

import { RecordFlag, type LogRecord } from '../record.js';
import type { ByteSink } from '../util/bytesink.js';
import { setBytes } from '../util/views.js';
import { COLON, LBRACKET, LF, RBRACKET, SP } from './bytes.js';
import { checkCopied, writeEscaped, writeField } from './escape.js';
import type { Formatter, LineFormat } from './formatter.js';
import { writeJson } from './json.js';
import { rfc3339, writeBsdStamp } from './timefmt.js';

const DASH_SP = Buffer.from('- ');
/** `Mmm dd HH:MM:SS `, as writeBsdStamp writes it. */
const STAMP_BYTES = 16;
/** Most bytes of a received header that the traditional passthrough lays over the sink (see there). */
const SAVED_BYTES = 24;
const saved = new Int32Array((SAVED_BYTES >> 2) + 1);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** `<0>` .. `<191>`, made once. */
const PRI_BYTES = Array.from({ length: 192 }, (_, pri) => Buffer.from(`<${pri}>`));

function writePri(out: ByteSink, rec: LogRecord): void {
  out.bytes(PRI_BYTES[(rec.facility * 8 + rec.severity) & 0xff] ?? PRI_BYTES[13]!);
}

function writeMsg(out: ByteSink, rec: LogRecord): void {
  writeEscaped(out, rec.raw, rec.msgOffset, rec.raw.length);
}

/** `TAG SP` (`app[procid]: ` or `app: `), nothing when the record has no app. */
function writeTag(out: ByteSink, rec: LogRecord): void {
  if (rec.tagSpanned()) {
    // Still bytes of the line: copied from there, no strings made.
    if (rec.appEnd === rec.tagAt) return;
    const raw = rec.raw;
    writeEscaped(out, raw, rec.tagAt, rec.appEnd);
    if (rec.procidAt >= 0 && rec.procidEnd > rec.procidAt) {
      out.byte(LBRACKET);
      writeEscaped(out, raw, rec.procidAt, rec.procidEnd);
      out.byte(RBRACKET);
    }
    out.byte(COLON);
    out.byte(SP);
    return;
  }
  if (rec.app === '') return;
  writeField(out, rec.app);
  if (rec.procid !== '') {
    out.byte(LBRACKET);
    writeField(out, rec.procid);
    out.byte(RBRACKET);
  }
  out.byte(COLON);
  out.byte(SP);
}

/** BSD header and MSG; `withHost` false leaves HOSTNAME out, as a local syslog() line does. */
function writeBsd(out: ByteSink, rec: LogRecord, withHost: boolean): void {
  writeBsdStamp(out, rec.time);
  if (withHost) {
    if (rec.hostSpanned()) writeEscaped(out, rec.raw, rec.hostAt, rec.hostEnd);
    else writeField(out, rec.hostname === '' ? '-' : rec.hostname);
    if (rec.hasApp() || rec.msgOffset < rec.raw.length) out.byte(SP);
  }
  writeTag(out, rec);
  writeMsg(out, rec);
  out.byte(LF);
}

/** A header field, or `-` when empty, then SP. */
function nil(out: ByteSink, s: string): void {
  if (s === '') {
    out.bytes(DASH_SP);
  } else {
    writeField(out, s);
    out.byte(SP);
  }
}

/** `faithful`: NILVALUE where the sender gave no timestamp or host, and the BOM it sent. */
function write5424(out: ByteSink, rec: LogRecord, faithful: boolean): void {
  writePri(out, rec);
  out.byte(0x31);
  out.byte(SP);
  if (faithful && rec.flags & RecordFlag.NO_TIMESTAMP) out.bytes(DASH_SP);
  else {
    out.latin1(rfc3339(rec.time, rec.timeMicros, rec.timeFracDigits, rec.tzOffsetMin));
    out.byte(SP);
  }
  nil(out, faithful && rec.flags & RecordFlag.NO_HOSTNAME ? '' : rec.hostname);
  nil(out, rec.app);
  nil(out, rec.procid);
  nil(out, rec.msgid);
  if (rec.sd === '') out.byte(0x2d);
  else writeField(out, rec.sd);
  const bom = faithful && (rec.flags & RecordFlag.BOM) !== 0;
  if (rec.msgOffset < rec.raw.length || bom) {
    out.byte(SP);
    if (bom) out.bytes(BOM);
    writeMsg(out, rec);
  }
  out.byte(LF);
}

export function writeTraditional(rec: LogRecord, out: ByteSink): void {
  const start = rec.headerStart;
  if (start < 0) {
    writeBsd(out, rec, true);
    return;
  }
  // The parser found `HOST SP TAG SP MSG` written as this format writes it: the stamp, then that
  // span of raw as it is.
  const raw = rec.raw;
  const end = raw.length;
  const at = out.len;
  // `<PRI>` and the rest of the received header: the bytes of raw that land before the stamp
  // when raw is copied whole. Copying it whole saves making a view of the span (which costs about
  // as much as copying 200 bytes), so when they fit over bytes already in the sink, those are
  // kept aside and put back.
  const pre = start - STAMP_BYTES;
  if (pre >= 0 && pre <= SAVED_BYTES && at >= SAVED_BYTES && end - start > 32) {
    out.ensure(STAMP_BYTES + end - start + 1);
    const data = out.data;
    const from = at - ((pre + 3) & ~3); // whole words, so four bytes per load
    for (let k = from; k < at; k += 4) saved[(at - k) >> 2] = data.getInt32(k, true);
    setBytes(out.buf, raw, at - pre);
    for (let k = from; k < at; k += 4) data.setInt32(k, saved[(at - k) >> 2]!, true);
    writeBsdStamp(out, rec.time);
    checkCopied(out, at + STAMP_BYTES, raw, start, end);
  } else {
    writeBsdStamp(out, rec.time);
    writeEscaped(out, raw, start, end);
  }
  out.byte(LF);
}

export function writeRfc5424(rec: LogRecord, out: ByteSink): void {
  write5424(out, rec, false);
}

export function writeRaw(rec: LogRecord, out: ByteSink): void {
  writeEscaped(out, rec.raw, 0, rec.raw.length);
  out.byte(LF);
}

/**
 * The record as an RFC 5424 line the way it was received: NILVALUE for a missing timestamp or
 * host, the BOM kept. Ends with LF (a line, as the other formats).
 */
export function serializeRfc5424(rec: LogRecord, out: ByteSink): void {
  write5424(out, rec, true);
}

/**
 * The record as an RFC 3164 line: `<PRI>Mmm dd HH:MM:SS HOST TAG MSG`. HOSTNAME is left out when the
 * sender left it out (NO_HOSTNAME) and a tag follows, as local syslog() lines are. Ends with LF.
 */
export function serializeRfc3164(rec: LogRecord, out: ByteSink): void {
  writePri(out, rec);
  writeBsd(out, rec, !(rec.flags & RecordFlag.NO_HOSTNAME && rec.app !== ''));
}

export const FORMATTERS: Record<LineFormat, Formatter> = {
  traditional: writeTraditional,
  rfc5424: writeRfc5424,
  json: writeJson,
  raw: writeRaw,
};
