// Records → MMDF log entries, as ll_log() writes them. A record the MMDF dialect read is written
// back as its exact line (the dialect's formatter gives the bytes it read). Any other record
// becomes `<prefix><message>\n`: the long prefix `"%2d/%2d %2d:%02d:%02d %s:  "` when the log is
// closed or timed, the short `"%2d:%02d "` while it is held open, both from the record's time in
// the daemon's local zone. Control bytes are escaped (`#012`) so one record stays one line.

import {
  formatLineText, formatPrefix, hdinitTag, longPrefixAt, shortPrefixAt, type MmdfFields,
} from '../../dialects/mmdf/index.js';
import { SEVERITY_TO_MMDF } from '../../levels/mmdf.js';
import type { LogRecord } from '../../record.js';
import { writeEscaped } from '../../syslog/escape.js';
import { ByteSink } from '../../util/bytesink.js';

const LF = 0x0a;
const PTR = 40;

/** The record's MMDF verbosity: its native MMDF level, else its syslog severity mapped. */
export function mmdfValueOf(rec: LogRecord): number {
  if (rec.level !== null && rec.level.scheme === 'mmdf') return rec.level.value;
  return SEVERITY_TO_MMDF[rec.severity] ?? PTR;
}

function localOffsetMin(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

/** `ll_time(LONGTIM)` at `ms` with `tag`, as text. */
export function longPrefixText(ms: number, tag: string): string {
  return formatPrefix(longPrefixAt(ms, tag, localOffsetMin(ms)));
}

/** `ll_time(SHORTIM)` at `ms`, as text. */
export function shortPrefixText(ms: number): string {
  return formatPrefix(shortPrefixAt(ms, localOffsetMin(ms)));
}

/** `text` as bytes, control characters escaped (a tag from a record's program may hold anything). */
function escaped(text: string, withLf: boolean): Buffer {
  const raw = Buffer.from(text, 'utf8');
  const sink = new ByteSink(raw.length * 4 + 16);
  writeEscaped(sink, raw, 0, raw.length);
  if (withLf) sink.byte(LF);
  return Buffer.from(sink.buf.subarray(0, sink.len));
}

/** Formats entries for one log; keeps the last prefix and tag, since a batch shares most of them. */
export class EntryFormatter {
  private lastSecond = Number.NaN;
  private lastPrefixTag = '';
  private prefix: Buffer = Buffer.alloc(0);
  private lastProgram = '';
  private lastProcid = '';
  private derivedTag = hdinitTag('XXXXXX', 0);

  /** `longPrefix`: close or timed logs; `tag`: the fixed tag, or null to derive it per record. */
  constructor(private readonly longPrefix: boolean, private readonly tag: string | null) {}

  /** The tag a record's entry carries (and the OPEN header it may follow). */
  tagOf(rec: LogRecord): string {
    if (rec.dialect === 'mmdf' && rec.fields !== null) {
      const p = (rec.fields as unknown as MmdfFields).prefix;
      if (p.form === 'long') return p.tag;
    }
    if (this.tag !== null) return this.tag;
    if (rec.program !== this.lastProgram || rec.procid !== this.lastProcid) {
      this.lastProgram = rec.program;
      this.lastProcid = rec.procid;
      const pid = /^\d{1,15}$/.test(rec.procid) ? Number(rec.procid) : 0;
      // ll_hdinit() falls back to "XXXXXX" when it has no name.
      this.derivedTag = hdinitTag(rec.program === '' ? 'XXXXXX' : rec.program, pid);
    }
    return this.derivedTag;
  }

  /** Appends the record's line, LF included. */
  append(rec: LogRecord, out: ByteSink): void {
    if (rec.dialect === 'mmdf' && rec.fields !== null) {
      const line = Buffer.from(formatLineText(rec.fields as unknown as MmdfFields), 'utf8');
      writeEscaped(out, line, 0, line.length);
    } else {
      out.bytes(this.prefixFor(rec.time, this.longPrefix ? this.tagOf(rec) : ''));
      writeEscaped(out, rec.raw, rec.msgOffset, rec.raw.length);
    }
    out.byte(LF);
  }

  /** `<long prefix>---  OPEN  ---(<fd>)\n`, which ll_init() writes when it opens a held-open log. */
  static openHeader(ms: number, tag: string, fd: number): Buffer {
    return escaped(`${longPrefixText(ms, tag)}---  OPEN  ---(${fd})`, true);
  }

  private prefixFor(ms: number, tag: string): Buffer {
    const t = Number.isFinite(ms) ? ms : Date.now();
    const second = Math.floor(t / 1000);
    if (second === this.lastSecond && tag === this.lastPrefixTag) return this.prefix;
    this.lastSecond = second;
    this.lastPrefixTag = tag;
    const text = this.longPrefix ? longPrefixText(t, tag) : shortPrefixText(t);
    this.prefix = escaped(text, false);
    return this.prefix;
  }
}
