// Records as lines of an Axigen Log Service file. A record that is an Axigen Log Service line is
// written exactly as received; any other record is written in that shape from its fields: its
// time in the daemon's local zone, the level bit it is filtered by, its host, its service (an
// Axigen tail's own, else the app upper-cased) and session (the Axigen tail's, else procid or -).

import { RecordFlag, type LogRecord } from '../../record.js';
import type { AxigenFields } from '../../dialects/axigen/fields.js';
import { formatAxigenLine, recordAxigenBit } from '../../dialects/axigen/index.js';
import type { Formatter } from '../../syslog/formatter.js';
import { writeEscaped } from '../../syslog/escape.js';

const LF = 0x0a;
const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * The local zone's offset from UTC in minutes at a time. Zone changes fall on whole quarter hours
 * of UTC, so one answer holds for the quarter hour around `t`: one lookup per quarter, not per record.
 */
export function localOffsetCache(): (t: number) => number | null {
  let start = 0;
  let end = 0;
  let offset = 0;
  return (t) => {
    if (t >= start && t < end) return offset;
    if (!Number.isFinite(t)) return null;
    start = Math.floor(t / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
    end = start + QUARTER_HOUR_MS;
    offset = -new Date(t).getTimezoneOffset();
    return offset;
  };
}

/** Where the Axigen line starts: a frame without `<PRI>` is the line itself, else the syslog MSG. */
function lineStart(rec: LogRecord): number {
  return (rec.flags & RecordFlag.PRI_MISSING) !== 0 ? 0 : rec.msgOffset;
}

export function axigenFormatter(zone: (t: number) => number | null = localOffsetCache()): Formatter {
  return (rec, out) => {
    const f = rec.dialect === 'axigen' ? (rec.fields as AxigenFields | null) : null;
    if (f !== null && f.shape === 'line') {
      writeEscaped(out, rec.raw, lineStart(rec), rec.raw.length);
    } else {
      const line = formatAxigenLine({
        time: rec.time,
        zoneOffsetMin: zone(rec.time),
        levelBit: recordAxigenBit(rec.level, rec.severity),
        host: rec.hostname,
        service: f !== null ? f.service : rec.app.toUpperCase(),
        session: f !== null ? f.session : rec.procid || '-',
        message: f !== null ? f.message : rec.msg,
      });
      writeEscaped(out, line, 0, line.length);
    }
    out.byte(LF);
  };
}
