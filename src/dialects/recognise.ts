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

// The byte shapes `auto` looks for before parsing: cheap, and never true for ordinary prose.
// 10 or 16 digit epoch, then `@` or `:`
const momentumShape = (b: Buffer, i: number): boolean =>
  isDigit(b[i]) && (b[i + 10] === 0x40 || b[i + 10] === 0x3a || b[i + 16] === 0x40 || b[i + 16] === 0x3a);
// `Sep 11 22:34:34.306 (` or `2026-09-11 22:34:34.306 (`
const emgShape = (b: Buffer, i: number): boolean =>
  (isUpper(b[i]) && b[i + 3] === SP && b[i + 15] === 0x2e) || (isDigit(b[i]) && b[i + 4] === 0x2d && b[i + 19] === 0x2e);
// ` 4/29  9:02:15 TAG:  ` (or trimmed `4/29 ...`), and the cycle markers `***  CYCL...`
const mmdfShape = (b: Buffer, i: number): boolean => b[i + 2] === 0x2f || b[i + 1] === 0x2f || (b[i] === 0x2a && b[i + 1] === 0x2a);
// `2026-01-15 10:00:00 +0000 08 `
const axigenShape = (b: Buffer, i: number): boolean => isDigit(b[i]) && b[i + 4] === 0x2d && b[i + 10] === SP && b[i + 19] === SP;

const MOMENTUM = 1;
const AXIGEN = 2;
const EMG = 4;
const MMDF = 8;
const SHAPE_BIT: Readonly<Record<DialectName, number>> = { momentum: MOMENTUM, axigen: AXIGEN, emg: EMG, mmdf: MMDF };
const EVERY_SHAPE = MOMENTUM | AXIGEN | EMG | MMDF;

/**
 * A bit (SHAPE_BIT) for each dialect whose shape the line at `i` could have. The four checks are
 * called here by name, so the JIT builds them in; called through a table, each record paid four
 * calls to targets it could not foresee.
 */
function likelyShapes(b: Buffer, i: number): number {
  return (momentumShape(b, i) ? MOMENTUM : 0) | (axigenShape(b, i) ? AXIGEN : 0) | (emgShape(b, i) ? EMG : 0) |
    (mmdfShape(b, i) ? MMDF : 0);
}

const AUTO_ORDER: readonly DialectName[] = ['momentum', 'axigen', 'emg', 'mmdf'];

/** One dialect this recogniser tries, with what it needs looked up once. */
interface Candidate {
  readonly name: DialectName;
  /** Its bit in what likelyShapes() returns. */
  readonly bit: number;
  readonly dialect: Dialect<unknown>;
  readonly recognised: Counter;
}

export class DialectRecogniser {
  // Objects, not names: looking the four dialects up by name on every record cost a megamorphic
  // keyed load each.
  private readonly candidates: readonly Candidate[];
  /** `auto` only tries likely shapes; a dialect named outright gets every line. */
  private readonly guess: boolean;
  private readonly errors = new Map<string, Counter>();

  constructor(mode: DialectMode, private readonly counters: Counters, private readonly scope: string) {
    const names = mode === 'auto' ? AUTO_ORDER : mode === 'none' ? [] : [mode];
    this.guess = mode === 'auto';
    this.candidates = names.map((name) => ({
      name,
      bit: SHAPE_BIT[name],
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
    const likely = this.guess ? likelyShapes(raw, start) : EVERY_SHAPE;
    if (likely === 0) return;
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[k]!;
      if ((likely & c.bit) === 0) continue;
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
