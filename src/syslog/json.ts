// One JSON object per line. Strings are valid UTF-8 by construction: MSG is decoded with U+FFFD
// for invalid sequences, and JSON.stringify escapes controls and lone surrogates, so the line
// parses anywhere and contains no raw LF.

import { RecordFlag, type LogRecord } from '../record.js';
import type { ByteSink } from '../util/bytesink.js';
import { LF } from './bytes.js';
import { parseSd } from './sd.js';
import { rfc3339 } from './timefmt.js';

const FLAG_NAMES = Object.entries<number>(RecordFlag);

function flagNames(flags: number): string[] {
  const names: string[] = [];
  for (const [name, bit] of FLAG_NAMES) if (flags & bit) names.push(name);
  return names;
}

/** SD as `{ "id": { "name": "value" } }`; a name repeated in one element gets an array of values. */
function sdObject(sd: string): Record<string, Record<string, string | string[]>> {
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const el of parseSd(sd)) {
    const params: Record<string, string | string[]> = (out[el.id] ??= {});
    for (const [name, value] of el.params) {
      const prev = params[name];
      if (prev === undefined) params[name] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else params[name] = [prev, value];
    }
  }
  return out;
}

/** Dialect fields may hold byte views (a message kept byte-exact): write them as text. */
function bytesAsText(this: unknown, _key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer') {
    const holder = this as Record<string, unknown>;
    const original = holder[_key];
    if (Buffer.isBuffer(original)) return original.toString('utf8');
  }
  return value;
}

export function writeJson(rec: LogRecord, out: ByteSink): void {
  const obj: Record<string, unknown> = {
    time: rfc3339(rec.time, rec.timeMicros, rec.timeFracDigits, rec.tzOffsetMin),
    received: rfc3339(rec.receivedAt, 0, 3, null),
    host: rec.hostname,
    app: rec.app,
    program: rec.program,
    procid: rec.procid,
    msgid: rec.msgid,
    facility: rec.facility,
    severity: rec.severity,
  };
  if (rec.sd !== '') obj.sd = sdObject(rec.sd);
  obj.msg = rec.raw.toString('utf8', rec.msgOffset);
  obj.input = rec.input;
  obj.peer = rec.peer;
  if (rec.flags !== 0) obj.flags = flagNames(rec.flags);
  if (rec.level !== null) obj.level = rec.level;
  if (rec.dialect !== null) obj.dialect = rec.dialect;
  if (rec.disposition !== null) obj.disposition = rec.disposition;
  if (rec.fields !== null) obj.fields = rec.fields;
  out.utf8(JSON.stringify(obj, bytesAsText));
  out.byte(LF);
}
