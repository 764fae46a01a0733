// Attaches a legacy dialect's fields to records, per input (`dialect = auto|none|<name>`). Runs on
// every record, so `auto` first looks at a few bytes where the line starts (no allocation) and
// only calls a dialect's parser when its shape could be there. A line that has a dialect's shape
// but cannot be read keeps its raw bytes, is flagged DIALECT_ERROR and counted by reason.
// Where the line starts: a frame with no `<PRI>` is a legacy line as the system writes it to its
// own file (Axigen's log service, a replayed file), so the whole frame; otherwise the syslog MSG.

import { RecordFlag, type LogRecord } from '../record.js';
import { AXIGEN_FACILITY, axigenBitToSeverity } from '../levels/axigen.js';
import type { Counter, Counters } from '../telemetry/counters.js';
import { axigenDialect } from './axigen/index.js';
import { emgDialect } from './emg/index.js';
import { mmdfDialect } from './mmdf/index.js';
import { momentumDialect } from './momentum/index.js';
import type { Dialect, DialectName } from './types.js';

export type DialectMode = 'auto' | 'none' | DialectName;
export const DIALECT_MODES: readonly DialectMode[] = ['auto', 'none', 'momentum', 'emg', 'mmdf', 'axigen'];

export const DIALECTS: Readonly<Record<DialectName, Dialect<unknown>>> = {
  momentum: momentumDialect,
  emg: emgDialect,
  mmdf: mmdfDialect,
  axigen: axigenDialect,
};

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const isUpper = (b: number | undefined) => b !== undefined && b >= 0x41 && b <= 0x5a;
const SP = 0x20;

/** The byte shapes `auto` looks for before parsing: cheap, and never true for ordinary prose. */
const PRECHECK: Readonly<Record<DialectName, (b: Buffer, i: number) => boolean>> = {
  // 10 or 16 digit epoch, then `@` or `:`
  momentum: (b, i) => isDigit(b[i]) && (b[i + 10] === 0x40 || b[i + 10] === 0x3a || b[i + 16] === 0x40 || b[i + 16] === 0x3a),
  // `Sep 11 22:34:34.306 (` or `2026-09-11 22:34:34.306 (`
  emg: (b, i) => (isUpper(b[i]) && b[i + 3] === SP && b[i + 15] === 0x2e) || (isDigit(b[i]) && b[i + 4] === 0x2d && b[i + 19] === 0x2e),
  // ` 4/29  9:02:15 TAG:  ` (or trimmed `4/29 ...`), and the cycle markers `***  CYCL...`
  mmdf: (b, i) => b[i + 2] === 0x2f || b[i + 1] === 0x2f || (b[i] === 0x2a && b[i + 1] === 0x2a),
  // `2026-01-15 10:00:00 +0000 08 `
  axigen: (b, i) => isDigit(b[i]) && b[i + 4] === 0x2d && b[i + 10] === SP && b[i + 19] === SP,
};
const AUTO_ORDER: readonly DialectName[] = ['momentum', 'axigen', 'emg', 'mmdf'];

/** One dialect this recogniser tries, with what it needs looked up once. */
interface Candidate {
  readonly name: DialectName;
  /** null when the dialect was named: every line gets the parser's word. */
  readonly precheck: ((b: Buffer, i: number) => boolean) | null;
  readonly dialect: Dialect<unknown>;
  readonly recognised: Counter;
}

export class DialectRecogniser {
  // Objects, not names: looking the four dialects up by name on every record cost a megamorphic
  // keyed load each.
  private readonly candidates: readonly Candidate[];
  private readonly errors = new Map<string, Counter>();

  constructor(mode: DialectMode, private readonly counters: Counters, private readonly scope: string) {
    const names = mode === 'auto' ? AUTO_ORDER : mode === 'none' ? [] : [mode];
    this.candidates = names.map((name) => ({
      name,
      precheck: mode === 'auto' ? PRECHECK[name] : null,
      dialect: DIALECTS[name],
      recognised: counters.get(scope, 'recognised', name),
    }));
  }

  apply(rec: LogRecord): void {
    const candidates = this.candidates;
    if (candidates.length === 0) return;
    const raw = rec.raw;
    const bare = (rec.flags & RecordFlag.PRI_MISSING) !== 0;
    const start = bare ? 0 : rec.msgOffset;
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[k]!;
      // `auto` only tries likely shapes.
      if (c.precheck !== null && !c.precheck(raw, start)) continue;
      const name = c.name;
      const line = raw.subarray(start);
      if (!c.dialect.looksLike(line)) continue;
      const r = c.dialect.parse(line);
      if (r.ok) {
        rec.dialect = name;
        const level = (r.fields as { level?: unknown }).level;
        if (name === 'axigen' && typeof level === 'number') rec.level = { scheme: 'axigen', value: level };
        rec.fields = r.fields as Record<string, unknown>;
        rec.disposition = r.disposition;
        if (bare) adoptHeader(rec, name, r.fields);
        c.recognised.value++;
      } else {
        rec.flags |= RecordFlag.DIALECT_ERROR;
        this.error(name, r.reason).value++;
      }
      return;
    }
  }

  private error(name: string, reason: string): Counter {
    const key = `${name}.${reason}`;
    let c = this.errors.get(key);
    if (!c) {
      c = this.counters.get(this.scope, 'dialect_errors', key);
      this.errors.set(key, c);
    }
    return c;
  }
}

/** A line with no syslog header carries its own time (and host): use them for the record. */
function adoptHeader(rec: LogRecord, name: DialectName, fields: unknown): void {
  if (name === 'momentum') {
    const f = fields as { epoch: number; epochMicros: number | null };
    rec.time = f.epoch * 1000 + Math.floor((f.epochMicros ?? 0) / 1000);
    rec.timeMicros = (f.epochMicros ?? 0) % 1000;
    rec.flags &= ~RecordFlag.NO_TIMESTAMP;
  } else if (name === 'axigen') {
    const f = fields as { shape: string; stamp?: { time: number; zoneOffsetMin: number }; host?: string; level?: number };
    if (f.shape === 'line' && f.stamp && f.host && f.level) {
      rec.time = f.stamp.time;
      rec.tzOffsetMin = f.stamp.zoneOffsetMin;
      rec.hostname = f.host;
      rec.headerStart = -1;
      rec.flags &= ~(RecordFlag.NO_TIMESTAMP | RecordFlag.NO_HOSTNAME);
      // Axigen logs on facility mail, its level bit mapped to a syslog severity.
      rec.facility = AXIGEN_FACILITY;
      rec.severity = axigenBitToSeverity(f.level) ?? rec.severity;
    }
  }
}
