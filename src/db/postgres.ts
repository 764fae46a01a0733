// The PostgreSQL store (node-pg): one connection, one transaction per batch, each table written
// with COPY in binary format (pg-copy.ts). `records` is partitioned by id; a second connection
// builds the indexes of the partitions the writes have left behind (pg-partitions.ts). Calls run
// one after another on the writing connection, so a prune never lands inside an insert's
// transaction. A connection that fails stays failed: every call then throws a transient StoreError
// until open() connects again. Settings missing from the connection options come from the PG*
// environment variables, as libpq would take them.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type copyStreamsModule from 'pg-copy-streams';
import { copies } from './pg-copy.js';
import { IndexBuilder, isClosed, lastId, makePartitions, partitions } from './pg-partitions.js';
import { transaction } from './pg-transaction.js';
import { buildSelect, storedRecord, type RecordQuery, type SqlDialect, type StoredRecord } from './query.js';
import type { RowBatch } from './rows.js';
import { MIGRATIONS, SCHEMA_VERSION, TIMED_TABLES } from './schema.js';
import { StoreError, type Store } from './store.js';
import { lazy } from '../util/lazy.js';

// Loaded when a PostgreSQL store is first made: ~45 ms of CPU that a start without a postgres
// output does not spend.
const pgLib = lazy<typeof pg>('pg');
const copyLib = lazy<typeof copyStreamsModule>('pg-copy-streams');

export interface PostgresOptions {
  /** Host, port, user, password, database, ssl...; what is missing comes from PG* variables. */
  readonly connection: pg.ClientConfig;
  readonly connectTimeoutMs: number;
  /** Longest a statement may run before the server cancels it (transient); none when absent. */
  readonly statementTimeoutMs?: number;
  /** Ids a partition of `records` holds; 500,000 when absent. */
  readonly partitionIds?: number;
  /** Whether this store builds the indexes of closed partitions (a daemon does; a query tool need not). Default true. */
  readonly buildIndexes?: boolean;
  /**
   * Whether open() applies pending migrations (default true). A query tool does not: a database
   * upgraded under a running older maillogd would refuse that daemon's rows once its ids left the
   * first partition.
   */
  readonly migrate?: boolean;
  /** Told when the indexes of a closed partition cannot be built (they are tried again later). */
  readonly warn?: (message: string) => void;
}

const PARTITION_IDS = 500_000;

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

/** The SQLSTATE node-pg gives a server's error; undefined for the connection's own failures. */
const sqlState = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

function storeError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = sqlState(err);
  const suffix = typeof code === 'string' && code !== '' ? ` (${code})` : '';
  // Without a SQLSTATE the failure is the connection's: refused, reset, timed out, closed.
  const transient = !(err instanceof pgLib().DatabaseError) || typeof code !== 'string' || TRANSIENT_STATE.test(code);
  return new StoreError(`postgres: ${what}: ${message}${suffix}`, transient);
}

/** What `p` gives, or null if it failed because a lock was not granted within lock_timeout (55P03). */
function unlessLockTimeout<T>(p: Promise<T>): Promise<T | null> {
  return p.catch((err: unknown) => {
    if (sqlState(err) !== '55P03') throw err;
    return null;
  });
}

/**
 * A row whose id no partition of `records` takes: the same SQLSTATE as a failed CHECK, but with no
 * constraint named (the message itself is translated by the server's lc_messages).
 */
function noPartition(err: unknown): boolean {
  const e = (err ?? {}) as { constraint?: unknown; table?: unknown };
  return sqlState(err) === '23514' && e.constraint === undefined && (e.table === 'records' || e.table === undefined);
}

// Any number for the lock that serialises migrations; advisory locks are per database.
const MIGRATION_LOCK = 0x6d6c6f67;

/** What the index builder sorts in (see builderClient). */
const BUILD_SORT_MEM = '4MB';

/**
 * COPY data is encoded and sent in pieces of about this size, each a CopyData message: the server
 * starts on the first while the next is made, and a piece is few writes.
 */
const PIECE_BYTES = 256 * 1024;

interface Connection {
  readonly client: pg.Client;
  /** Why the connection failed, once it has. */
  lost: Error | null;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** One connection: a second insert would only wait behind the first. */
  readonly lanes = 1;
  readonly where: string;
  private conn: Connection | null = null;
  private last: Promise<unknown> = Promise.resolve();
  private readonly partitionIds: number;
  /** Ids below this have a partition, as far as this store knows; -Infinity: look. */
  private upper = -Infinity;
  /** The last id handed out when this store last looked, plus the rows it has written since. */
  private seen = 0;
  private builder: IndexBuilder | null = null;

  constructor(private readonly options: PostgresOptions) {
    // A client that never connects resolves the PG* variables and defaults the way a real one will.
    const c = new (pgLib().Client)(options.connection);
    this.where = `${c.host}:${c.port}/${c.database ?? ''}`;
    this.partitionIds = options.partitionIds ?? PARTITION_IDS;
  }

  /**
   * A connection for the index builder: no statement timeout, no parallel workers (the writer keeps
   * a core), and 4 MB to sort in. Sorting a partition's index entries in runs of 4 MB, written to
   * temporary files and merged once, took 37% less backend CPU (median of 5) than one sort in the
   * server's default 64 MB (bench/pg-build.bench.ts).
   */
  private async builderClient(): Promise<pg.Client> {
    const client = new (pgLib().Client)({
      keepAlive: true,
      application_name: 'maillogd indexes',
      ...this.options.connection,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SET statement_timeout = 0');
      await client.query('SET max_parallel_maintenance_workers = 0');
      await client.query(`SET maintenance_work_mem = '${BUILD_SORT_MEM}'`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
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
      const client = new (pgLib().Client)({
        keepAlive: true,
        application_name: 'maillogd',
        ...this.options.connection,
        connectionTimeoutMillis: this.options.connectTimeoutMs,
        ...(this.options.statementTimeoutMs !== undefined ? { statement_timeout: this.options.statementTimeoutMs } : {}),
      });
      client.setTypeParser(pgLib().types.builtins.JSONB, (v: string) => v);
      const conn: Connection = { client, lost: null };
      client.on('error', (err) => { conn.lost ??= err; });
      client.on('end', () => { conn.lost ??= new Error('connection closed'); });
      this.conn = conn;
      try {
        await client.connect();
        const versions = this.options.migrate === false ? await this.version(client).then((v) => ({ from: v, to: v })) : await this.migrate(client);
        this.upper = -Infinity;
        if (this.options.buildIndexes !== false && this.conn === conn) {
          this.builder = new IndexBuilder(() => this.builderClient(), (m) => this.warn(m));
          this.builder.kick();
        }
        return versions;
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

  /** Each pending migration in its own transaction, under a lock other maillogds wait on. */
  private async migrate(c: pg.Client): Promise<{ from: number; to: number }> {
    let from = await this.version(c);
    if (from >= SCHEMA_VERSION) return { from, to: from };
    let first = true;
    for (const m of MIGRATIONS) {
      await transaction(c, async () => {
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
      const data = copies(batch);
      if (data.length === 0) return;
      const rows = batch.records.length;
      // A piece that refuses a row ends the COPY with CopyFail, and the transaction is rolled back.
      const write = () => transaction(c, async () => {
        for (const d of data) await pipeline(Readable.from(d.pieces(PIECE_BYTES)), c.query(copyLib().from(d.sql)));
      });
      if (rows > 0) await this.partitionsFor(c, rows);
      try {
        await write();
      } catch (err) {
        if (!noPartition(err)) throw err;
        // Other writers took more ids than this store counted on: look again, make partitions, retry once.
        this.upper = -Infinity;
        await this.partitionsFor(c, rows);
        await write().catch((again: unknown) => {
          if (!noPartition(again)) throw again;
          this.upper = -Infinity;
          throw new StoreError(`postgres: insert: ${(again as Error).message} (23514), after making partitions`, true);
        });
      }
      if (rows > 0) this.builder?.kick();
    });
  }

  private warn(message: string): void {
    try {
      this.options.warn?.(message);
    } catch {
      // A logger that throws must not fail a write.
    }
  }

  /** Makes sure the ids the next `rows` rows take have a partition, with half a partition to spare. */
  private async partitionsFor(c: pg.Client, rows: number): Promise<void> {
    const spare = this.partitionIds / 2;
    if (this.seen + rows + spare < this.upper) {
      this.seen += rows;
      return;
    }
    const last = await lastId(c);
    if (last + rows + spare >= this.upper) {
      try {
        this.upper = await makePartitions(c, last + rows + this.partitionIds, this.partitionIds);
      } catch (err) {
        // Room is left (a query held the lock, say): write, and try again with the next batch.
        if (last + rows >= this.upper) throw err;
        this.warn(`cannot make the next partition of records yet: ${(err as Error).message}`);
      }
    }
    this.seen = last + rows;
  }

  /** Builds now the indexes of every closed partition that lacks them, and waits for it (tests, benchmarks). */
  async buildIndexes(): Promise<void> {
    this.builder?.kick();
    await this.builder?.idle();
  }

  prune(beforeUs: number, limit: number): Promise<number> {
    return this.use('prune', async (c) => {
      let n = 0;
      for (const table of TIMED_TABLES) {
        // A partition whose indexes are being built takes no DELETE until they are; rather than
        // hold the inserts behind it, this prune stops and the next one goes on.
        const gone = await unlessLockTimeout(transaction(c, async () => {
          await c.query("SET LOCAL lock_timeout = '200ms'");
          const r = await c.query(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE time < $1 ORDER BY time LIMIT $2)`,
            [isoMicros(beforeUs), limit]);
          return r.rowCount ?? 0;
        }));
        if (gone === null) return n;
        n += gone;
      }
      if (n === 0) await this.dropEmptyPartitions(c);
      return n;
    });
  }

  /**
   * Drops the closed partitions that pruning has emptied, so that years of retention do not leave
   * thousands of empty tables for every query to plan. Dropping one locks `records`, and while that
   * lock is awaited every other reader and writer waits too: a drop that would wait more than
   * 100 ms is left, with the rest, to the next prune.
   */
  private async dropEmptyPartitions(c: pg.Client): Promise<void> {
    const last = await lastId(c);
    for (const p of await partitions(c)) {
      if (!isClosed(p, last)) continue;
      if ((await c.query(`SELECT 1 FROM ${p.name} LIMIT 1`)).rowCount !== 0) continue;
      const dropped = await unlessLockTimeout(transaction(c, async () => {
        await c.query("SET LOCAL lock_timeout = '100ms'");
        await c.query('LOCK TABLE records IN ACCESS EXCLUSIVE MODE');
        // A writer that still held ids of it may have committed while the lock was awaited.
        if ((await c.query(`SELECT 1 FROM ${p.name} LIMIT 1`)).rowCount === 0) await c.query(`DROP TABLE ${p.name}`);
        return true;
      }));
      if (dropped === null) return;
    }
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
    const builder = this.builder;
    this.builder = null;
    const conn = this.conn;
    this.conn = null;
    if (conn) conn.lost ??= new Error('closed');
    await Promise.all([builder?.close(), conn?.client.end().catch(() => undefined)]);
  }
}
