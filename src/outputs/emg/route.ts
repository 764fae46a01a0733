// Which EMG file a record goes to, and its line there. Pure.
// - An EMG connector line (the dialect recognised it) goes to `connector.<instance>`, exactly.
// - A line `<timestamp> (<instance>) <word> ...` whose word is not a connector event goes to
//   `pdu.<instance>`, exactly. INFERRED: EMG says a pdu line starts with the timestamp and the
//   connector instance, then `Read` or `Write`; the parentheses are taken from the connector log.
// - An EMG server line (`<timestamp> [LEVEL] text`) goes to `general` or `debug` by its level
//   (none: general), exactly.
// - Any other record is written as a server line: its time (local, microseconds), its level (an
//   EMG level when it has one, else its syslog severity's), `app[procid]: ` and its message;
//   INFO and more severe to `general`, DEBUG and DEBUG2 to `debug`.

import { isUtf8 } from 'node:buffer';
import type { EmgConnectorFields } from '../../dialects/emg/connector.js';
import { parseEmgEvent } from '../../dialects/emg/events.js';
import { parseServerText } from '../../dialects/emg/server.js';
import { formatTime, readTime } from '../../dialects/emg/time.js';
import { emgFile, formatEmgLevel, parseEmgLevel, severityToEmg, EmgLevel } from '../../levels/emg.js';
import { RecordFlag, type LogRecord } from '../../record.js';

/** Enough of a line for the longest timestamp, an instance and an event name. */
const HEAD_BYTES = 160;

export type EmgTarget =
  | { readonly kind: 'connector' | 'pdu'; readonly instance: string; readonly start: number }
  | { readonly kind: 'general' | 'debug'; readonly start: number }
  | { readonly kind: 'general' | 'debug'; readonly start: -1; readonly level: number };

/** Where the EMG line starts: a frame without `<PRI>` is the line itself, else the syslog MSG. */
export function lineStart(rec: LogRecord): number {
  return (rec.flags & RecordFlag.PRI_MISSING) !== 0 ? 0 : rec.msgOffset;
}

function levelFile(code: number): 'general' | 'debug' {
  return emgFile(code) ?? 'general';
}

export function emgTarget(rec: LogRecord): EmgTarget {
  const start = lineStart(rec);
  if (rec.dialect === 'emg' && rec.fields !== null) {
    return { kind: 'connector', instance: (rec.fields as unknown as EmgConnectorFields).instance, start };
  }
  const head = rec.raw.toString('latin1', start, Math.min(rec.raw.length, start + HEAD_BYTES));
  const t = readTime(head);
  if (t.ok && head[t.end] === ' ') {
    const at = t.end + 1;
    if (head[at] === '(') {
      const close = head.indexOf(') ', at + 1);
      if (close > at + 1) {
        const instance = head.slice(at + 1, close);
        const word = /^\S*/.exec(head.slice(close + 2))![0];
        if (!instance.includes('(') && parseEmgEvent(word) === null && isUtf8(rec.raw.subarray(start))) {
          return { kind: 'pdu', instance: Buffer.from(instance, 'latin1').toString('utf8'), start };
        }
      }
    }
    const line = rec.raw.subarray(start);
    if (isUtf8(line)) {
      const parsed = parseServerText(line.toString('utf8'));
      if (parsed.ok) {
        const code = parsed.fields.level === null ? EmgLevel.INFO : parseEmgLevel(parsed.fields.level) ?? EmgLevel.INFO;
        return { kind: levelFile(code), start };
      }
    }
  }
  const code = rec.level !== null && rec.level.scheme === 'emg' ? rec.level.value : severityToEmg(rec.severity) ?? EmgLevel.INFO;
  return { kind: levelFile(code), start: -1, level: code };
}

/** The `<timestamp> [LEVEL] ` head of a server line written for a record. */
export function serverHead(rec: LogRecord, level: number, logYear: boolean): string {
  const t = Number.isFinite(rec.time) ? rec.time : rec.receivedAt;
  const d = new Date(t);
  const stamp = formatTime({
    year: logYear ? d.getFullYear() : null, month: d.getMonth() + 1, day: d.getDate(),
    hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds(),
    micros: d.getMilliseconds() * 1000 + rec.timeMicros, fracDigits: 6, spaceDay: false,
  });
  const app = rec.app === '' ? '' : rec.procid === '' ? `${rec.app}: ` : `${rec.app}[${rec.procid}]: `;
  return `${stamp} [${formatEmgLevel(level) ?? 'INFO'}] ${app}`;
}
