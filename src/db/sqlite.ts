// The SQLite store (better-sqlite3): the embedded default. WAL mode, synchronous=NORMAL (a
// committed batch survives a crash of the daemon; a power loss may take the last few), one
// prepared statement per table and one transaction per batch. Calls are synchronous under the
// promise API; a batch of a few thousand rows takes milliseconds.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildSelect, storedRecord, type RecordQuery, type SqlDialect, type StoredRecord } from './query.js';
import type { RowBatch } from './rows.js';
import { MIGRATIONS, TIMED_TABLES } from './schema.js';
import { StoreError, type Store } from './store.js';

export interface SqliteOptions {
  /** Database file; its directory is created (mode 0750) if missing. */
  readonly path: string;
  /** How long a write waits for another writer's lock before failing (transient). */
  readonly busyTimeoutMs: number;
  /** `normal` (default) or `full` (fsync every commit). */
  readonly synchronous: 'normal' | 'full';
  readonly readonly?: boolean;
}

export const SQLITE_DIALECT: SqlDialect = {
  param: () => '?',
  timeValue: (us) => us,
  contains: (column, param) => `instr(${column}, ${param}) > 0`,
  timeOut: (column) => column,
};

// SQLite result codes a later retry can get past.
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|READONLY|NOLFS|INTERRUPT)/;

function storeError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  return new StoreError(`sqlite: ${what}: ${message}${code ? ` (${code})` : ''}`, code === '' || TRANSIENT.test(code));
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly where: string;
  private db: Database.Database | null = null;
  private writeBatch: Database.Transaction<(b: RowBatch) => void> | null = null;

  constructor(private readonly options: SqliteOptions) {
    this.where = options.path;
  }

  private handle(): Database.Database {
    if (!this.db) throw new StoreError('sqlite: not open', true);
    return this.db;
  }

  open(): Promise<{ from: number; to: number }> {
    try {
      if (!this.options.readonly) mkdirSync(path.dirname(this.options.path), { recursive: true, mode: 0o750 });
      const db = new Database(this.options.path, { readonly: this.options.readonly ?? false, fileMustExist: this.options.readonly ?? false });
      this.db = db;
      db.pragma(`busy_timeout = ${this.options.busyTimeoutMs}`);
      if (this.options.readonly) {
        const v = this.version();
        return Promise.resolve({ from: v, to: v });
      }
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      const from = this.migrate(db);
      this.prepare(db);
      return Promise.resolve({ from, to: this.version() });
    } catch (err) {
      this.closeNow();
      return Promise.reject(storeError(err, `cannot open ${this.options.path}`));
    }
  }

  private version(): number {
    const db = this.handle();
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'maillogd_schema'").get();
    if (!exists) return 0;
    const row = db.prepare('SELECT max(version) AS v FROM maillogd_schema').get() as { v: number | null };
    return row.v ?? 0;
  }

  private migrate(db: Database.Database): number {
    db.exec('CREATE TABLE IF NOT EXISTS maillogd_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)');
    const from = this.version();
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      db.transaction(() => {
        for (const sql of m.sqlite) db.exec(sql);
        db.prepare('INSERT INTO maillogd_schema (version, name, applied) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }).immediate();
    }
    return from;
  }

  private prepare(db: Database.Database): void {
    const insertRecord = db.prepare(
      'INSERT INTO records (time, received, host, app, procid, msgid, mail_id, facility, severity, level_scheme, ' +
      'level_value, message, dialect, disposition, fields, input, peer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const insertConnector = db.prepare('INSERT INTO connectorlog (time, instance, event, ok, info, options) VALUES (?, ?, ?, ?, ?, ?)');
    const insertRoute = db.prepare('INSERT INTO routelog (time, mail_id, instance, direction, ok, destination) VALUES (?, ?, ?, ?, ?, ?)');
    const insertPdu = db.prepare('INSERT INTO pdulog (time, instance, text) VALUES (?, ?, ?)');
    this.writeBatch = db.transaction((b: RowBatch) => {
      for (const r of b.records) {
        insertRecord.run(r.timeUs, r.receivedUs, r.host, r.app, r.procid, r.msgid, r.mailId, r.facility, r.severity,
          r.levelScheme, r.levelValue, r.message, r.dialect, r.disposition, r.fields, r.input, r.peer);
      }
      for (const r of b.connector) insertConnector.run(r.timeUs, r.instance, r.event, r.ok ? 1 : 0, r.info, r.options);
      for (const r of b.route) insertRoute.run(r.timeUs, r.mailId, r.instance, r.direction, r.ok ? 1 : 0, r.destination);
      for (const r of b.pdu) insertPdu.run(r.timeUs, r.instance, r.text);
    });
  }

  insert(batch: RowBatch): Promise<void> {
    try {
      if (!this.writeBatch) throw new StoreError('sqlite: not open', true);
      this.writeBatch.immediate(batch);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(storeError(err, 'insert'));
    }
  }

  prune(beforeUs: number, limit: number): Promise<number> {
    try {
      const db = this.handle();
      let n = 0;
      for (const table of TIMED_TABLES) {
        n += db.prepare(`DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE time < ? ORDER BY time LIMIT ?)`)
          .run(beforeUs, limit).changes;
      }
      return Promise.resolve(n);
    } catch (err) {
      return Promise.reject(storeError(err, 'prune'));
    }
  }

  query(q: RecordQuery): Promise<StoredRecord[]> {
    try {
      const s = buildSelect(q, SQLITE_DIALECT);
      const rows = this.handle().prepare(s.sql).all(...s.params) as Record<string, unknown>[];
      const out = rows.map(storedRecord);
      if (q.from === 'newest') out.reverse();
      return Promise.resolve(out);
    } catch (err) {
      return Promise.reject(storeError(err, 'query'));
    }
  }

  explain(q: RecordQuery): Promise<string> {
    try {
      const s = buildSelect(q, SQLITE_DIALECT);
      const rows = this.handle().prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as { detail: string }[];
      return Promise.resolve(rows.map((r) => r.detail).join('\n'));
    } catch (err) {
      return Promise.reject(storeError(err, 'explain'));
    }
  }

  schemaVersion(): Promise<number> {
    try {
      return Promise.resolve(this.version());
    } catch (err) {
      return Promise.reject(storeError(err, 'schema version'));
    }
  }

  count(table: 'records' | 'connectorlog' | 'routelog' | 'pdulog'): Promise<number> {
    try {
      const row = this.handle().prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      return Promise.resolve(row.n);
    } catch (err) {
      return Promise.reject(storeError(err, 'count'));
    }
  }

  private closeNow(): void {
    const db = this.db;
    this.db = null;
    this.writeBatch = null;
    if (db?.open) db.close();
  }

  close(): Promise<void> {
    try {
      this.closeNow();
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(storeError(err, 'close'));
    }
  }
}
