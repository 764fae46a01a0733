// A row batch as the data of `COPY ... FROM STDIN (FORMAT binary)`, one COPY per table. The data
// is encoded piece by piece as the COPY asks for it, so the server takes in one piece while the
// next is made: the two overlap instead of adding up. A value PostgreSQL could never take is
// refused (StoreError, not transient) from the piece that holds it; the store then abandons the
// COPY and rolls its transaction back, so nothing of the batch is written. Binary spares the
// server parsing times, numbers and escapes, and the client the escaping: text goes as UTF-8
// bytes, times as µs since 2000.
//
// What PostgreSQL text cannot hold is changed as the text format did: NUL becomes `#000`, and in
// jsonb a `\u0000` escape becomes `#000` and a lone surrogate escape U+FFFD.

import type { ConnectorRow, PduRow, RecordRow, RouteRow, RowBatch } from './rows.js';
import { StoreError } from './store.js';

export interface Copy {
  readonly table: string;
  readonly sql: string;
  readonly rows: number;
  /**
   * The COPY data (header, tuples, trailer) in pieces of whole tuples, each ending at the first
   * tuple that reaches `bytes`; every call encodes afresh. Throws a StoreError (not transient) at
   * the first value that cannot be written.
   */
  pieces(bytes: number): Generator<Buffer, void, undefined>;
}

/** The whole COPY data in one buffer. */
export const dataOf = (c: Copy): Buffer => Buffer.concat([...c.pieces(Infinity)]);

/** µs from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary times. */
const PG_EPOCH_US = 946_684_800_000_000;
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_32 = 2 ** 32;
/** Text up to this many UTF-16 units is written byte by byte when it is ASCII. */
const SHORT = 32;
/**
 * Bytes of text a B-tree entry takes for sure (its limit is about 2,700 on 8 kB pages, time and
 * headers included). rows.ts caps indexed text at 512 characters: at most 2,048 bytes, each NUL
 * written as `#000` included.
 */
const INDEX_ENTRY_MAX = 2400;
const NUL = /\0/g;
// See the header: read in pairs so that `\\u0000` (an escaped backslash, then `u0000`) stays.
const JSON_UNSUPPORTED = /\\u0000|\\u[dD][89a-fA-F]/;
const JSON_ESCAPE = /\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\[^]/g;

function refuse(what: string): never {
  throw new StoreError(`postgres: insert: a row cannot be written: ${what}`, false);
}

/** Appends tuples to one growing buffer; doubles it when a value would not fit. */
class Tuples {
  private buf: Buffer;
  private at = 0;

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafe(bytes);
  }

  get length(): number {
    return this.at;
  }

  header(): void {
    this.room(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buf, this.at);
    this.buf.writeInt32BE(0, this.at + SIGNATURE.length); // flags
    this.buf.writeInt32BE(0, this.at + SIGNATURE.length + 4); // header extension length
    this.at += SIGNATURE.length + 8;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  private int32(v: number): void {
    const b = this.buf;
    let at = this.at;
    b[at++] = v >>> 24; b[at++] = v >>> 16; b[at++] = v >>> 8; b[at++] = v;
    this.at = at;
  }

  row(fields: number): void {
    this.room(2);
    this.buf[this.at] = fields >>> 8;
    this.buf[this.at + 1] = fields;
    this.at += 2;
  }

  null(): void {
    this.room(4);
    this.int32(-1);
  }

  /** UTF-8 text (a lone surrogate becomes U+FFFD), after an optional first byte. */
  text(v: string, prefix = -1): void {
    const s = v.includes('\0') ? v.replace(NUL, '#000') : v;
    const len = s.length;
    this.room(5 + len * 3);
    const b = this.buf;
    const head = this.at;
    let at = head + 4;
    if (prefix >= 0) b[at++] = prefix;
    // Short ASCII text is copied here, which is cheaper than a call into the encoder.
    let i = 0;
    if (len <= SHORT) {
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        b[at + i] = c;
      }
    }
    const n = i === len ? len : b.write(s, at, 'utf8');
    this.int32(at + n - head - 4);
    this.at = at + n;
  }

  /** A NOT NULL text column. */
  string(v: string, column: string): void {
    if (typeof v === 'string') this.text(v);
    else if (v === null || v === undefined) refuse(`${column} is null`);
    else this.text(String(v));
  }

  /**
   * A NOT NULL text column that an index holds. The newest partition of `records` has no index on
   * it yet, so the server would take a value that the index built later could not hold.
   */
  indexed(v: string, column: string): void {
    const start = this.at;
    this.string(v, column);
    const bytes = this.at - start - 4;
    if (bytes > INDEX_ENTRY_MAX) refuse(`${column} is ${bytes} bytes, more than an index entry may hold (${INDEX_ENTRY_MAX})`);
  }

  textOrNull(v: string | null | undefined, column: string): void {
    if (v === null || v === undefined) this.null();
    else this.string(v, column);
  }

  jsonb(v: string | null | undefined): void {
    if (v === null || v === undefined) return this.null();
    if (typeof v !== 'string') refuse('fields is not JSON text');
    const s = JSON_UNSUPPORTED.test(v) ? v.replace(JSON_ESCAPE, (e) => (e === '\\u0000' ? '#000' : e.length === 6 ? '\\ufffd' : e)) : v;
    this.text(s, 1); // jsonb's binary form: version 1, then the JSON text
  }

  int16(v: number, column: string): void {
    if (!Number.isInteger(v) || v < -32768 || v > 32767) refuse(`${column} ${String(v)} is not a smallint`);
    this.room(6);
    this.int32(2);
    this.buf[this.at] = v >>> 8;
    this.buf[this.at + 1] = v;
    this.at += 2;
  }

  int32OrNull(v: number | null | undefined, column: string): void {
    if (v === null || v === undefined) return this.null();
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) refuse(`${column} ${String(v)} is not an integer`);
    this.room(8);
    this.int32(4);
    this.int32(v);
  }

  bool(v: boolean): void {
    this.room(5);
    this.int32(1);
    this.buf[this.at++] = v ? 1 : 0;
  }

  /** µs since the epoch as timestamptz: int64 µs since 2000-01-01 UTC. */
  time(us: number): void {
    const n = Math.round(us);
    if (!Number.isSafeInteger(n)) throw new StoreError(`postgres: not a time in µs: ${us}`, false);
    const v = n - PG_EPOCH_US;
    const hi = Math.floor(v / TWO_32);
    this.room(12);
    this.int32(8);
    this.int32(hi);
    this.int32(v - hi * TWO_32);
  }

  trailer(): void {
    this.room(2);
    this.buf[this.at++] = 0xff;
    this.buf[this.at++] = 0xff;
  }

  /** What has been written; the buffer is not touched again. */
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

function copyOf<T>(table: string, columns: readonly string[], rows: readonly T[], bytesPerRow: number, tuple: (t: Tuples, r: T) => void): Copy {
  // Room for a piece and a few more tuples, so that the tuple that ends a piece seldom grows it.
  const size = (left: number, bytes: number) => Math.min(left * bytesPerRow, bytes + 4 * bytesPerRow) + 32;
  return {
    table,
    sql: `COPY ${table} (${columns.join(', ')}) FROM STDIN (FORMAT binary)`,
    rows: rows.length,
    *pieces(bytes: number) {
      let t = new Tuples(size(rows.length, bytes));
      t.header();
      for (let i = 0; i < rows.length; i++) {
        t.row(columns.length);
        try {
          tuple(t, rows[i]!);
        } catch (err) {
          throw err instanceof StoreError ? err : new StoreError(`postgres: insert: a row cannot be written: ${(err as Error).message}`, false);
        }
        if (t.length >= bytes && i + 1 < rows.length) {
          yield t.done();
          t = new Tuples(size(rows.length - i - 1, bytes));
        }
      }
      t.trailer();
      yield t.done();
    },
  };
}

const RECORD_COLUMNS = ['time', 'received', 'host', 'app', 'procid', 'msgid', 'mail_id', 'facility', 'severity', 'level_scheme',
  'level_value', 'message', 'dialect', 'disposition', 'fields', 'input', 'peer'];

function recordTuple(t: Tuples, r: RecordRow): void {
  t.time(r.timeUs);
  t.time(r.receivedUs);
  t.indexed(r.host, 'host');
  t.indexed(r.app, 'app');
  t.string(r.procid, 'procid');
  t.indexed(r.msgid, 'msgid');
  t.indexed(r.mailId, 'mail_id');
  t.int16(r.facility, 'facility');
  t.int16(r.severity, 'severity');
  t.textOrNull(r.levelScheme, 'level_scheme');
  t.int32OrNull(r.levelValue, 'level_value');
  t.string(r.message, 'message');
  t.textOrNull(r.dialect, 'dialect');
  t.textOrNull(r.disposition, 'disposition');
  t.jsonb(r.fields);
  t.string(r.input, 'input');
  t.string(r.peer, 'peer');
}

function connectorTuple(t: Tuples, r: ConnectorRow): void {
  t.time(r.timeUs);
  t.string(r.instance, 'instance');
  t.int16(r.event, 'event');
  t.bool(r.ok);
  t.string(r.info, 'info');
  t.string(r.options, 'options');
}

function routeTuple(t: Tuples, r: RouteRow): void {
  t.time(r.timeUs);
  t.string(r.mailId, 'mail_id');
  t.string(r.instance, 'instance');
  t.string(r.direction, 'direction');
  t.bool(r.ok);
  t.string(r.destination, 'destination');
}

function pduTuple(t: Tuples, r: PduRow): void {
  t.time(r.timeUs);
  t.string(r.instance, 'instance');
  t.string(r.text, 'text');
}

/** The COPY statements of a batch, their data not yet encoded; tables without rows are left out. */
export function copies(b: RowBatch): Copy[] {
  const out: Copy[] = [];
  if (b.records.length) out.push(copyOf('records', RECORD_COLUMNS, b.records, 320, recordTuple));
  if (b.connector.length) out.push(copyOf('connectorlog', ['time', 'instance', 'event', 'ok', 'info', 'options'], b.connector, 160, connectorTuple));
  if (b.route.length) out.push(copyOf('routelog', ['time', 'mail_id', 'instance', 'direction', 'ok', 'destination'], b.route, 100, routeTuple));
  if (b.pdu.length) out.push(copyOf('pdulog', ['time', 'instance', 'text'], b.pdu, 200, pduTuple));
  return out;
}
