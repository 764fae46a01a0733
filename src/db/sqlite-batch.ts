// A row batch as it crosses to the SQLite thread, and the statements that write it there. Per
// table, row after row: the numbers in one Float64Array, the texts that repeat (host, app, input,
// peer...) as Int32Array codes into the batch's list of distinct values, the other texts in one
// array. The typed arrays are moved to the thread, not copied, and a repeated text is copied
// once per batch, not once per row: the thread, which does the database's work, rebuilds little.
// A null number travels as NaN, which SQLite binds as NULL. Both sides live here so the layout and
// the column order of the INSERTs cannot drift apart.

import type Database from 'better-sqlite3';
import type { RowBatch } from './rows.js';
import type { Target } from './sqlite-partitions.js';

export interface Columns {
  readonly rows: number;
  /** Numbers, row after row. */
  readonly nums: Float64Array;
  /** Repeating texts as indexes into `values`, row after row. */
  readonly codes: Int32Array;
  /** The distinct repeating texts of the batch (null included). */
  readonly values: (string | null)[];
  /** The other texts, row after row. */
  readonly texts: (string | null)[];
}

export interface ColumnBatch {
  readonly records: Columns;
  readonly connector: Columns;
  readonly route: Columns;
  readonly pdu: Columns;
}

// Numbers, repeating texts, other texts: the order in which the writers below pass the values.
// A record's id comes first: the writer gives it (sqlite-partitions.ts).
const RECORD_COLUMNS = ['id', 'time', 'received', 'facility', 'severity', 'level_value', 'host', 'app', 'msgid', 'level_scheme', 'dialect',
  'disposition', 'input', 'peer', 'procid', 'mail_id', 'message', 'fields'];
const CONNECTOR_COLUMNS = ['time', 'event', 'ok', 'instance', 'info', 'options'];
const ROUTE_COLUMNS = ['time', 'ok', 'direction', 'mail_id', 'instance', 'destination'];
const PDU_COLUMNS = ['time', 'instance', 'text'];

const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : v === null || v === undefined ? NaN : Number(v));
const text = (v: string | null | undefined): string | null => (typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));

/** What a table's row writer is handed: where its numbers go, a coder for repeating texts, the other texts. */
interface Sink {
  readonly n: Float64Array;
  readonly c: Int32Array;
  readonly code: (v: string | null | undefined) => number;
  readonly t: (string | null)[];
}

function columns<T>(rows: readonly T[], nums: number, codes: number, fill: (r: T, s: Sink, a: number, k: number) => void): Columns {
  const values: (string | null)[] = [];
  const seen = new Map<string | null, number>();
  const sink: Sink = {
    n: new Float64Array(rows.length * nums),
    c: new Int32Array(rows.length * codes),
    code: (v) => {
      const s = text(v);
      let at = seen.get(s);
      if (at === undefined) {
        at = values.push(s) - 1;
        seen.set(s, at);
      }
      return at;
    },
    // Filled by push, never preallocated: an array with holes is copied element by element, index
    // and all, on its way to the thread.
    t: [],
  };
  for (let i = 0; i < rows.length; i++) fill(rows[i]!, sink, i * nums, i * codes);
  return { rows: rows.length, nums: sink.n, codes: sink.c, values, texts: sink.t };
}

export function toColumns(b: RowBatch): ColumnBatch {
  return {
    records: columns(b.records, 5, 8, (r, { n, c, code, t }, a, k) => {
      n[a] = num(r.timeUs); n[a + 1] = num(r.receivedUs); n[a + 2] = num(r.facility); n[a + 3] = num(r.severity); n[a + 4] = num(r.levelValue);
      c[k] = code(r.host); c[k + 1] = code(r.app); c[k + 2] = code(r.msgid); c[k + 3] = code(r.levelScheme);
      c[k + 4] = code(r.dialect); c[k + 5] = code(r.disposition); c[k + 6] = code(r.input); c[k + 7] = code(r.peer);
      t.push(text(r.procid), text(r.mailId), text(r.message), text(r.fields));
    }),
    connector: columns(b.connector, 3, 0, (r, { n, t }, a) => {
      n[a] = num(r.timeUs); n[a + 1] = num(r.event); n[a + 2] = r.ok ? 1 : 0;
      t.push(text(r.instance), text(r.info), text(r.options));
    }),
    route: columns(b.route, 2, 1, (r, { n, c, code, t }, a, k) => {
      n[a] = num(r.timeUs); n[a + 1] = r.ok ? 1 : 0;
      c[k] = code(r.direction);
      t.push(text(r.mailId), text(r.instance), text(r.destination));
    }),
    pdu: columns(b.pdu, 1, 0, (r, { n, t }, a) => {
      n[a] = num(r.timeUs);
      t.push(text(r.instance), text(r.text));
    }),
  };
}

/** The buffers postMessage can move instead of copying. */
export function transferable(c: ColumnBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const t of [c.records, c.connector, c.route, c.pdu]) {
    if (t.rows > 0) out.push(t.nums.buffer as ArrayBuffer, t.codes.buffer as ArrayBuffer);
  }
  return out;
}

/** Rows per INSERT statement. */
const GROUP = 16;

type Put = (row: number, params: unknown[], at: number) => void;

/**
 * Inserts rows GROUP at a time with one multi-row statement, the rest one by one. OR ROLLBACK: a
 * row the table refuses ends the whole transaction, which is what a batch wants anyway, and it
 * spares SQLite the statement journal it would otherwise keep to undo a failed statement alone;
 * with the journal gone, and the per-call cost shared by GROUP rows, inserting costs about a
 * quarter less.
 */
function inserter(db: Database.Database, table: string, columns: readonly string[]): (rows: number, put: Put) => void {
  const row = `(${columns.map(() => '?').join(', ')})`;
  const sql = (k: number) => `INSERT OR ROLLBACK INTO ${table} (${columns.join(', ')}) VALUES ${Array<string>(k).fill(row).join(', ')}`;
  const many = db.prepare(sql(GROUP));
  const one = db.prepare(sql(1));
  const n = columns.length;
  const params: unknown[] = Array<unknown>(GROUP * n).fill(null);
  const single: unknown[] = Array<unknown>(n).fill(null);
  return (rows, put) => {
    let r = 0;
    for (; r + GROUP <= rows; r += GROUP) {
      for (let j = 0; j < GROUP; j++) put(r + j, params, j * n);
      many.run(...params);
    }
    for (; r < rows; r++) {
      put(r, single, 0);
      one.run(...single);
    }
  };
}

/**
 * Writes a batch in one transaction (BEGIN IMMEDIATE): all of it or none. `target`, called in
 * that transaction, names the partition its records go to and the id of the first.
 */
export function batchWriter(db: Database.Database, target: () => Target): (c: ColumnBatch) => void {
  let into = '';
  let records = (_rows: number, _put: Put): void => undefined;
  const connector = inserter(db, 'connectorlog', CONNECTOR_COLUMNS);
  const route = inserter(db, 'routelog', ROUTE_COLUMNS);
  const pdu = inserter(db, 'pdulog', PDU_COLUMNS);
  const write = db.transaction((b: ColumnBatch) => {
    if (b.records.rows > 0) {
      const { table, nextId } = target();
      if (table !== into) {
        records = inserter(db, table, RECORD_COLUMNS);
        into = table;
      }
      const { nums: n, codes: c, values: v, texts: t } = b.records;
      records(b.records.rows, (r, p, at) => {
        const a = r * 5;
        const k = r * 8;
        const i = r * 4;
        p[at] = nextId + r;
        p[at + 1] = n[a]; p[at + 2] = n[a + 1]; p[at + 3] = n[a + 2]; p[at + 4] = n[a + 3]; p[at + 5] = n[a + 4];
        p[at + 6] = v[c[k]!]; p[at + 7] = v[c[k + 1]!]; p[at + 8] = v[c[k + 2]!]; p[at + 9] = v[c[k + 3]!];
        p[at + 10] = v[c[k + 4]!]; p[at + 11] = v[c[k + 5]!]; p[at + 12] = v[c[k + 6]!]; p[at + 13] = v[c[k + 7]!];
        p[at + 14] = t[i]; p[at + 15] = t[i + 1]; p[at + 16] = t[i + 2]; p[at + 17] = t[i + 3];
      });
    }
    {
      const { nums: n, texts: t } = b.connector;
      connector(b.connector.rows, (r, p, at) => {
        p[at] = n[r * 3]; p[at + 1] = n[r * 3 + 1]; p[at + 2] = n[r * 3 + 2];
        p[at + 3] = t[r * 3]; p[at + 4] = t[r * 3 + 1]; p[at + 5] = t[r * 3 + 2];
      });
    }
    {
      const { nums: n, codes: c, values: v, texts: t } = b.route;
      route(b.route.rows, (r, p, at) => {
        p[at] = n[r * 2]; p[at + 1] = n[r * 2 + 1]; p[at + 2] = v[c[r]!];
        p[at + 3] = t[r * 3]; p[at + 4] = t[r * 3 + 1]; p[at + 5] = t[r * 3 + 2];
      });
    }
    {
      const { nums: n, texts: t } = b.pdu;
      pdu(b.pdu.rows, (r, p, at) => {
        p[at] = n[r]; p[at + 1] = t[r * 2]; p[at + 2] = t[r * 2 + 1];
      });
    }
  });
  return (b) => write.immediate(b);
}
