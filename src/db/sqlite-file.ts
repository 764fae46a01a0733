// One SQLite connection (better-sqlite3). The daemon's store uses it only on the SQLite thread
// (sqlite-worker.ts): every call is synchronous and may wait up to busy_timeout_ms for another
// process's lock, so it stays off the daemon's main thread; a read-only store (maillogctl) uses it
// in place. WAL mode. With synchronous=NORMAL a committed batch survives a crash of the daemon (it
// is in the WAL, handed to the OS); the WAL is fsynced at each checkpoint, which a thread of the
// writer's makes every CHECKPOINT_EVERY_MS (sqlite-checkpointer.ts), so a power loss or an OS
// crash may take the batches committed since the last one that the OS had not yet written back,
// never the file's consistency. synchronous=FULL fsyncs the WAL at every commit. Every failure is
// a StoreError: transient for what a later retry can get past (busy, locked, I/O, disk full),
// final for the rest.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { buildSelect, storedRecord, type RecordQuery, type SqlDialect, type StoredRecord } from './query.js';
import { batchWriter, type ColumnBatch } from './sqlite-batch.js';
import { MIGRATIONS, SCHEMA_VERSION, TIMED_TABLES } from './schema.js';
import { RecordPartitions } from './sqlite-partitions.js';
import { StoreError } from './store.js';
import { lazy } from '../util/lazy.js';
import { startWorker } from '../util/worker.js';
import type { CheckpointerMessage, CheckpointerOptions } from './sqlite-checkpointer.js';

/** better-sqlite3, loaded when a database is first opened (~17 ms of CPU at start otherwise). */
const sqliteLib = lazy<typeof Database>('better-sqlite3');

export interface SqliteOptions {
  /** Database file; its directory is created (mode 0750) if missing. */
  readonly path: string;
  /** How long a write waits for another writer's lock before failing (transient). */
  readonly busyTimeoutMs: number;
  /** `normal` (default) or `full` (fsync every commit). */
  readonly synchronous: 'normal' | 'full';
  readonly readonly?: boolean;
  /** Rows a partition of `records` takes before the next is made; PARTITION_ROWS when absent. */
  readonly partitionRows?: number;
  /** Files written side by side, each by a thread of its own (sqlite.ts); 1 when absent. */
  readonly writers?: number;
  /** This file's ids start after this one (sqlite.ts, shardIdBase); 0 when absent. */
  readonly idBase?: number;
  /** The page size of a file it creates; PAGE_SIZE when absent (benchmarks compare others). */
  readonly pageSize?: number;
}

export type Table = 'records' | 'connectorlog' | 'routelog' | 'pdulog';

export const SQLITE_DIALECT: SqlDialect = {
  param: () => '?',
  timeValue: (us) => us,
  contains: (column, param) => `instr(${column}, ${param}) > 0`,
  timeOut: (column) => column,
};

/** How often the checkpoint thread copies the WAL back into the file. */
const CHECKPOINT_EVERY_MS = 250;

// The writer makes a checkpoint too, at the commit that finds the WAL holding this many bytes of
// pages, by then mostly copied back by the checkpoint thread: it copies the rest, and the next
// transaction starts the WAL again from its beginning, which the checkpoint thread alone, racing
// the writer's appends, seldom lets happen. So the WAL file stays at about this size plus one
// batch (it is reused, not truncated), and the writer's batches no longer wait for most of the
// copying (bench/README.md, "A thread for the checkpoints").
const CHECKPOINT_BYTES = 40 * 1024 * 1024;

// The page size of a file this store creates. Rows are appended (the open partition takes them in
// id and nearly in time order), so a bigger page means fewer page splits, fewer pages to find in
// the cache and fewer WAL frames, each its own pair of writes, per row: one writer took 10–20%
// more rows/s at 16 KiB than at 4 KiB (bench/README.md, "Two writers, and 16 KiB pages"). A file
// made with another page size keeps it: in WAL mode SQLite cannot change it.
const PAGE_SIZE = 16_384;

// SQLite result codes a later retry can get past.
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|READONLY|NOLFS|INTERRUPT)/;

export function storeError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new StoreError(`sqlite: ${what}: ${message}${code ? ` (${code})` : ''}`, code === '' || TRANSIENT.test(code));
}

/** How long after a failed build of a partition's indexes the next try waits. */
const BUILD_RETRY_MS = 60_000;

export class SqliteFile {
  private db: Database.Database | null = null;
  /** The checkpoint thread, and its end (settled when it has exited, however it did). */
  private checkpointer: { readonly worker: Worker; readonly gone: Promise<void> } | null = null;
  private write: ((c: ColumnBatch) => void) | null = null;
  private parts: RecordPartitions | null = null;
  /** Whether a closed partition may lack its indexes, and when to try building them next. */
  private buildDue = false;
  private buildAfter = 0;

  /** `warn` is told what goes wrong where no call would see it (an index build, the checkpoint thread). */
  constructor(private readonly options: SqliteOptions, private readonly warn: (message: string) => void = () => undefined) {}

  private handle(): Database.Database {
    if (!this.db) throw new StoreError('sqlite: not open', true);
    return this.db;
  }

  /** Opens the file and applies every pending migration. */
  open(): { from: number; to: number } {
    try {
      const ro = this.options.readonly ?? false;
      if (!ro) mkdirSync(path.dirname(this.options.path), { recursive: true, mode: 0o750 });
      const db = new (sqliteLib())(this.options.path, { readonly: ro, fileMustExist: ro });
      this.db = db;
      db.pragma(`busy_timeout = ${this.options.busyTimeoutMs}`);
      if (ro) {
        const v = this.version();
        return { from: v, to: v };
      }
      db.pragma(`page_size = ${this.options.pageSize ?? PAGE_SIZE}`); // a new file only: it is set before the first write
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma(`wal_autocheckpoint = ${Math.ceil(CHECKPOINT_BYTES / (db.pragma('page_size', { simple: true }) as number))}`);
      const from = this.migrate(db);
      const parts = new RecordPartitions(db, this.options.partitionRows, this.options.idBase);
      this.parts = parts;
      this.write = batchWriter(db, () => {
        const t = parts.target();
        if (t.closed) this.buildDue = true;
        return t;
      });
      this.buildDue = parts.unbuilt().length > 0;
      this.startCheckpoints();
      return { from, to: this.version() };
    } catch (err) {
      try { this.close(); } catch { /* the error to report is the one that stopped the open */ }
      throw storeError(err, `cannot open ${this.options.path}`);
    }
  }

  private startCheckpoints(): void {
    const options: CheckpointerOptions = { path: this.options.path, everyMs: CHECKPOINT_EVERY_MS };
    const w = startWorker(import.meta.url, 'sqlite-checkpointer', { workerData: options });
    w.unref();
    w.on('message', (m: CheckpointerMessage) => this.warn(m.warn));
    w.on('error', (err) => this.warn(`sqlite: the checkpoint thread stopped: ${err.message}; the writer makes the checkpoints`));
    this.checkpointer = { worker: w, gone: new Promise<void>((resolve) => { w.once('exit', () => resolve()); }) };
  }

  /**
   * Stops the checkpoint thread and waits for it to close its connection, so that the writer's
   * close, the last one, copies the WAL back and removes it.
   */
  async stopCheckpoints(): Promise<void> {
    const c = this.checkpointer;
    this.checkpointer = null;
    if (!c) return;
    c.worker.postMessage('close');
    const late = setTimeout(() => void c.worker.terminate(), 2000);
    await c.gone;
    clearTimeout(late);
  }

  version(): number {
    const db = this.handle();
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'maillogd_schema'").get();
    if (!exists) return 0;
    const row = db.prepare('SELECT max(version) AS v FROM maillogd_schema').get() as { v: number | null };
    return row.v ?? 0;
  }

  private migrate(db: Database.Database): number {
    db.exec('CREATE TABLE IF NOT EXISTS maillogd_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)');
    const from = this.version();
    if (from > SCHEMA_VERSION) {
      // Its tables may not take rows the way this one writes them (schema 4 made `records` a view).
      throw new StoreError(`sqlite: cannot open ${this.options.path}: its schema (${from}) was made by a newer maillogd; ` +
        `this one writes schema ${SCHEMA_VERSION} at most`, false);
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.transaction(() => {
        for (const sql of m.sqlite) db.exec(sql);
        db.prepare('INSERT INTO maillogd_schema (version, name, applied) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }).immediate();
    }
    return from;
  }

  insert(c: ColumnBatch): void {
    if (!this.write) throw new StoreError('sqlite: not open', true);
    try {
      this.write(c);
    } catch (err) {
      // A partition made in the transaction that failed is gone with it.
      this.parts?.forget();
      throw storeError(err, 'insert');
    }
  }

  /**
   * Builds the indexes of the closed partitions that lack them, oldest first; the SQLite thread
   * calls it when it has answered a call (so the batch that closed a partition is not held up by
   * the build). A build that fails is told to `warn` and tried again a minute later.
   */
  buildIndexes(): void {
    if (!this.buildDue || !this.parts || Date.now() < this.buildAfter) return;
    try {
      for (const p of this.parts.unbuilt()) this.parts.build(p);
      this.buildDue = false;
    } catch (err) {
      this.parts.forget();
      this.buildAfter = Date.now() + BUILD_RETRY_MS;
      this.warn(`cannot build the indexes of a closed partition of records yet (tried again in a minute): ${storeError(err, 'build').message}`);
    }
  }

  prune(beforeUs: number, limit: number): number {
    try {
      const db = this.handle();
      // Before schema 4 (a read-only store never upgrades) records is a table like the others.
      const parts = this.parts ?? new RecordPartitions(db);
      const partitioned = parts.all().length > 0;
      let n = partitioned ? parts.prune(beforeUs, limit) : 0;
      for (const table of TIMED_TABLES) {
        if (table === 'records' && partitioned) continue;
        n += db.prepare(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE time < ? ORDER BY time LIMIT ?)`)
          .run(beforeUs, limit).changes;
      }
      return n;
    } catch (err) {
      // The partitions as they were before the transaction that failed.
      this.parts?.forget();
      throw storeError(err, 'prune');
    }
  }

  query(q: RecordQuery): StoredRecord[] {
    try {
      const s = buildSelect(q, SQLITE_DIALECT);
      const rows = this.handle().prepare(s.sql).all(...s.params) as Record<string, unknown>[];
      const out = rows.map(storedRecord);
      if (q.from === 'newest') out.reverse();
      return out;
    } catch (err) {
      throw storeError(err, 'query');
    }
  }

  explain(q: RecordQuery): string {
    try {
      const s = buildSelect(q, SQLITE_DIALECT);
      const rows = this.handle().prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[];
      return rows.map((r) => r.detail).join('\n');
    } catch (err) {
      throw storeError(err, 'explain');
    }
  }

  count(table: Table): number {
    try {
      const row = this.handle().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      return row.n;
    } catch (err) {
      throw storeError(err, 'count');
    }
  }

  close(): void {
    const db = this.db;
    this.db = null;
    this.write = null;
    this.parts = null;
    // Not waited for here (see stopCheckpoints): it closes its connection on its own.
    void this.stopCheckpoints();
    try {
      if (db?.open) db.close();
    } catch (err) {
      throw storeError(err, 'close');
    }
  }
}
