// The PostgreSQL store (node-pg): one connection, one transaction per batch, each table written
// with COPY in text format. Calls run one after another on the connection, so a prune never
// lands inside an insert's transaction. A connection that fails stays failed: every call then
// throws a transient StoreError until open() connects again. Settings missing from the
// connection options come from the PG* environment variables, as libpq would take them.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { buildSelect, storedRecord, type RecordQuery, type SqlDialect, type StoredRecord } from './query.js';
import type { RowBatch } from './rows.js';
import { MIGRATIONS, SCHEMA_VERSION, TIMED_TABLES } from './schema.js';
import { StoreError, type Store } from './store.js';

export interface PostgresOptions {
  /** Host, port, user, password, database, ssl...; what is missing comes from PG* variables. */
  readonly connection: pg.ClientConfig;
  readonly connectTimeoutMs: number;
  /** Longest a statement may run before the server cancels it (transient); none when absent. */
  readonly statementTimeoutMs?: number;
}

/** µs since the epoch as ISO 8601 UTC with six fractional digits, in integers throughout. */
export function isoMicros(us: number): string {
  const n = Math.round(us);
  if (!Number.isSafeInteger(n)) throw new StoreError(`postgres: not a time in µs: ${us}`, false);
  const frac = ((n % 1_000_000) + 1_000_000) % 1_000_000;
  const seconds = new Date((n - frac) / 1000).toISOString().slice(0, -5);
  return `${seconds}.${String(frac).padStart(6, '0')}Z`;
}

export const PG_DIALECT: SqlDialect = {
  param: (n) => `$${n}`,
  timeValue: isoMicros,
  contains: (column, param) => `strpos(${column}, ${param}) > 0`,
  // Whole seconds and the µs within them, each an exact integer whether extract() gives numeric
  // (PostgreSQL 14 on) or double precision (before).
  timeOut: (column) =>
    `(extract(epoch from date_trunc('second', ${column}))::int8 * 1000000 + extract(microseconds from ${column})::int8 % 1000000)`,
};

// SQLSTATEs a later retry can get past: connection exceptions (08), insufficient resources (53),
// operator intervention such as a shutdown or a statement timeout (57), system errors (58), a
// refused login or a missing database an administrator can fix (28, 3D), serialization failures
// and deadlocks, locks not available. Anything else the server says about a statement is final.
const TRANSIENT_STATE = /^(08|53|57|58|28|3D)|^(40001|40P01|55P03|55006)$/;

function storeError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const suffix = typeof code === 'string' && code !== '' ? ` (${code})` : '';
  // Without a SQLSTATE the failure is the connection's: refused, reset, timed out, closed.
  const transient = !(err instanceof pg.DatabaseError) || typeof code !== 'string' || TRANSIENT_STATE.test(code);
  return new StoreError(`postgres: ${what}: ${message}${suffix}`, transient);
}

// Any number for the lock that serialises migrations; advisory locks are per database.
const MIGRATION_LOCK = 0x6d6c6f67;

// COPY text format: backslash, tab, newline and carriage return are escaped. PostgreSQL text
// cannot hold NUL at all: it becomes `#000`, as control bytes do in the messages.
const COPY_SPECIAL = /[\\\t\n\r\0]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r\0]/g;
const COPY_ESCAPE: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '#000' };

function copyText(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  return COPY_SPECIAL.test(s) ? s.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPE[c]!) : s;
}

function copyNumber(v: number | null | undefined): string {
  return v === null || v === undefined ? '\\N' : String(v);
}

const copyBool = (v: boolean): string => (v ? 't' : 'f');

// jsonb refuses `\u0000` and a lone surrogate escape, both of which JSON.stringify can write:
// the first becomes `#000`, the second U+FFFD. Escapes are read in pairs so `\\u0000` stays.
const JSON_UNSUPPORTED = /\\u0000|\\u[dD][89a-fA-F]/;
const JSON_ESCAPE = /\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}|\\[^]/g;

function jsonbText(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = String(v);
  if (!JSON_UNSUPPORTED.test(s)) return copyText(s);
  return copyText(s.replace(JSON_ESCAPE, (e) => (e === '\\u0000' ? '#000' : e.length === 6 ? '\\ufffd' : e)));
}

interface Copy {
  readonly sql: string;
  readonly chunks: string[];
}

const CHUNK_CHARS = 64 * 1024;

function copyOf<T>(table: string, columns: string, rows: readonly T[], line: (r: T) => string): Copy {
  const chunks: string[] = [];
  let chunk = '';
  for (const r of rows) {
    chunk += line(r) + '\n';
    if (chunk.length >= CHUNK_CHARS) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  if (chunk) chunks.push(chunk);
  return { sql: `COPY ${table} (${columns}) FROM STDIN`, chunks };
}

/** The COPY statements and their data for a batch; tables without rows are left out. */
function copies(b: RowBatch): Copy[] {
  const out: Copy[] = [];
  if (b.records.length) {
    out.push(copyOf('records',
      'time, received, host, app, procid, msgid, mail_id, facility, severity, level_scheme, level_value, message, ' +
      'dialect, disposition, fields, input, peer', b.records, (r) => [
        isoMicros(r.timeUs), isoMicros(r.receivedUs), copyText(r.host), copyText(r.app), copyText(r.procid),
        copyText(r.msgid), copyText(r.mailId), copyNumber(r.facility), copyNumber(r.severity), copyText(r.levelScheme),
        copyNumber(r.levelValue), copyText(r.message), copyText(r.dialect), copyText(r.disposition), jsonbText(r.fields),
        copyText(r.input), copyText(r.peer),
      ].join('\t')));
  }
  if (b.connector.length) {
    out.push(copyOf('connectorlog', 'time, instance, event, ok, info, options', b.connector, (r) => [
      isoMicros(r.timeUs), copyText(r.instance), copyNumber(r.event), copyBool(r.ok), copyText(r.info), copyText(r.options),
    ].join('\t')));
  }
  if (b.route.length) {
    out.push(copyOf('routelog', 'time, mail_id, instance, direction, ok, destination', b.route, (r) => [
      isoMicros(r.timeUs), copyText(r.mailId), copyText(r.instance), copyText(r.direction), copyBool(r.ok), copyText(r.destination),
    ].join('\t')));
  }
  if (b.pdu.length) {
    out.push(copyOf('pdulog', 'time, instance, text', b.pdu, (r) => [isoMicros(r.timeUs), copyText(r.instance), copyText(r.text)].join('\t')));
  }
  return out;
}

interface Connection {
  readonly client: pg.Client;
  /** Why the connection failed, once it has. */
  lost: Error | null;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly where: string;
  private conn: Connection | null = null;
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PostgresOptions) {
    // A client that never connects resolves the PG* variables and defaults the way a real one will.
    const c = new pg.Client(options.connection);
    this.where = `${c.host}:${c.port}/${c.database ?? ''}`;
  }

  /** Runs `fn` after every call before it has finished. */
  private serial<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const run = this.last.then(fn).catch((err: unknown) => { throw storeError(err, what); });
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Runs `fn` on the connection, in turn. */
  private use<T>(what: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return this.serial(what, () => fn(this.client()));
  }

  private client(): pg.Client {
    const conn = this.conn;
    if (!conn) throw new StoreError('postgres: not connected', true);
    if (conn.lost) throw new StoreError(`postgres: connection lost: ${conn.lost.message}`, true);
    return conn.client;
  }

  open(): Promise<{ from: number; to: number }> {
    // Ending the old connection now fails a call hung on it, which would hold this one up.
    const ended = this.close();
    return this.serial(`cannot open ${this.where}`, async () => {
      await ended;
      await this.close();
      const client = new pg.Client({
        keepAlive: true,
        application_name: 'maillogd',
        ...this.options.connection,
        connectionTimeoutMillis: this.options.connectTimeoutMs,
        ...(this.options.statementTimeoutMs !== undefined ? { statement_timeout: this.options.statementTimeoutMs } : {}),
      });
      client.setTypeParser(pg.types.builtins.JSONB, (v: string) => v);
      const conn: Connection = { client, lost: null };
      client.on('error', (err) => { conn.lost ??= err; });
      client.on('end', () => { conn.lost ??= new Error('connection closed'); });
      this.conn = conn;
      try {
        await client.connect();
        return await this.migrate(client);
      } catch (err) {
        if (this.conn === conn) this.conn = null;
        await client.end().catch(() => undefined);
        throw err;
      }
    });
  }

  private async version(c: pg.Client): Promise<number> {
    const exists = await c.query<{ t: string | null }>("SELECT to_regclass('maillogd_schema')::text AS t");
    if (!exists.rows[0]?.t) return 0;
    const r = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM maillogd_schema');
    return r.rows[0]?.v ?? 0;
  }

  private async transaction(c: pg.Client, fn: () => Promise<void>): Promise<void> {
    await c.query('BEGIN');
    try {
      await fn();
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Each pending migration in its own transaction, under a lock other maillogds wait on. */
  private async migrate(c: pg.Client): Promise<{ from: number; to: number }> {
    let from = await this.version(c);
    if (from >= SCHEMA_VERSION) return { from, to: from };
    let first = true;
    for (const m of MIGRATIONS) {
      await this.transaction(c, async () => {
        await c.query('SET LOCAL statement_timeout = 0');
        await c.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
        await c.query('CREATE TABLE IF NOT EXISTS maillogd_schema (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL)');
        const at = await this.version(c);
        if (first) from = at;
        first = false;
        if (m.version <= at) return;
        for (const sql of m.postgres) await c.query(sql);
        await c.query('INSERT INTO maillogd_schema (version, name, applied) VALUES ($1, $2, now())', [m.version, m.name]);
      });
    }
    return { from, to: await this.version(c) };
  }

  insert(batch: RowBatch): Promise<void> {
    return this.use('insert', async (c) => {
      let data: Copy[];
      try {
        data = copies(batch);
      } catch (err) {
        throw err instanceof StoreError ? err : new StoreError(`postgres: insert: a row cannot be written: ${(err as Error).message}`, false);
      }
      if (data.length === 0) return;
      await this.transaction(c, async () => {
        for (const d of data) await pipeline(Readable.from(d.chunks), c.query(copyStreams.from(d.sql)));
      });
    });
  }

  prune(beforeUs: number, limit: number): Promise<number> {
    return this.use('prune', async (c) => {
      let n = 0;
      for (const table of TIMED_TABLES) {
        const r = await c.query(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE time < $1 ORDER BY time LIMIT $2)`,
          [isoMicros(beforeUs), limit]);
        n += r.rowCount ?? 0;
      }
      return n;
    });
  }

  query(q: RecordQuery): Promise<StoredRecord[]> {
    return this.use('query', async (c) => {
      const s = buildSelect(q, PG_DIALECT);
      const r = await c.query<Record<string, unknown>>(s.sql, s.params);
      const out = r.rows.map(storedRecord);
      if (q.from === 'newest') out.reverse();
      return out;
    });
  }

  explain(q: RecordQuery): Promise<string> {
    return this.use('explain', async (c) => {
      const s = buildSelect(q, PG_DIALECT);
      const r = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${s.sql}`, s.params);
      return r.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  schemaVersion(): Promise<number> {
    return this.use('schema version', (c) => this.version(c));
  }

  count(table: 'records' | 'connectorlog' | 'routelog' | 'pdulog'): Promise<number> {
    return this.use('count', async (c) => {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      return Number(r.rows[0]?.n ?? 0);
    });
  }

  /** Ends the connection at once; a call still running on it fails (transient). */
  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    if (!conn) return;
    conn.lost ??= new Error('closed');
    await conn.client.end().catch(() => undefined);
  }
}
