// `records` in SQLite is a view of partitions by id (schema version 4), for the reason PostgreSQL's
// is partitioned (pg-partitions.ts): kept up row by row, the host+time, app+time, mail id and msgid
// indexes cost the one writer more than the rows themselves, and more as the file grew, since each
// new mail id dirties a page of its own that every commit writes to the WAL and every checkpoint
// into the file (bench/README.md, "What partitions would give SQLite"). So the partition taking
// rows, `records_N` (N its first id), has only its time index; once it holds PARTITION_ROWS rows
// the writer makes the next one, in the transaction of the batch that finds it full, and the
// closed one gets its other four indexes, built by CREATE INDEX from the finished table, in one
// transaction: all four or none. A crash before that leaves a closed partition without them, and
// they are built after the next open.
//
// The view is `SELECT * FROM records_0 UNION ALL SELECT * FROM records_N ...`; SQLite pushes a
// query's conditions into each arm and merges the arms in the order asked for, each read through
// its own index (a lookup by host, app or id reads the open partition through its time index).
// Ids are given by the writer, the next after the open partition's last, so they stay unique
// across partitions. Partitions grow past PARTITION_ROWS once the file holds more than 50 of them
// (each is then 1/50 of the rows), so that a view never comes near SQLite's 500 arms.
//
// Another maillogd writing the same file sees the change in the schema cookie, inside its own
// write transaction, and reads the partitions again before it writes.

import type Database from 'better-sqlite3';
import { PARTITION_INDEXES, SQLITE_RECORD_COLUMNS } from './schema.js';

export const PARTITION_ROWS = 500_000;
/** Partitions that PARTITION_ROWS rows each make before partitions grow. */
const GROW_AFTER = 50;

export interface SqlitePartition {
  readonly name: string;
  /** The first id it takes: N of `records_N`. records_0 takes ids from 1. */
  readonly first: number;
  readonly indexes: ReadonlySet<string>;
}

/** The partitions of `records` in id order; none before schema 4 (`records` is then a table). */
export function partitions(db: Database.Database): SqlitePartition[] {
  const rows = db.prepare("SELECT type, name, tbl_name AS tbl FROM sqlite_master WHERE tbl_name GLOB 'records_[0-9]*'")
    .all() as { type: string; name: string; tbl: string }[];
  const out: SqlitePartition[] = [];
  for (const r of rows) {
    const m = /^records_(\d+)$/.exec(r.name);
    if (r.type !== 'table' || !m) continue;
    out.push({ name: r.name, first: Number(m[1]), indexes: new Set(rows.filter((i) => i.type === 'index' && i.tbl === r.name).map((i) => i.name)) });
  }
  return out.sort((a, b) => a.first - b.first);
}

/**
 * The indexes a closed partition still lacks. records_0 has the ones it had as `records`
 * (records_host_time...): the suffix is what counts.
 */
export const missingIndexes = (p: SqlitePartition): (readonly [string, string])[] =>
  PARTITION_INDEXES.filter(([suffix]) => ![...p.indexes].some((name) => name.endsWith(`_${suffix}`)));

/** Where a batch's records go: the open partition and the id of the first row. */
export interface Target {
  readonly table: string;
  readonly nextId: number;
}

/** The writer's view of the partitions: one connection, on the SQLite thread. */
export class RecordPartitions {
  private list: SqlitePartition[] = [];
  private cookie = -1;
  private readonly schemaVersion;

  /** `idBase`: the file's ids start after it (one file of several, sqlite.ts). */
  constructor(private readonly db: Database.Database, private readonly rowsPer = PARTITION_ROWS, private readonly idBase = 0) {
    this.schemaVersion = db.prepare('PRAGMA schema_version').pluck();
  }

  /**
   * The cookie first, then the list: another connection's change between the two leaves a cookie
   * older than the list, read again at the next call, never a list older than its cookie.
   */
  private reload(): void {
    const cookie = this.schemaVersion.get() as number;
    this.list = partitions(this.db);
    this.cookie = cookie;
  }

  /** Reads the partitions again at the next call (a transaction that made one was rolled back). */
  forget(): void {
    this.cookie = -1;
  }

  /** The partitions as the file has them now. */
  all(): readonly SqlitePartition[] {
    if (this.schemaVersion.get() !== this.cookie) this.reload();
    return this.list;
  }

  /**
   * Called in the write transaction of a batch (BEGIN IMMEDIATE, so the partitions cannot change
   * under it): the open partition, made first if there is none or the last one is full. records_0,
   * the table of an older schema, is never written again.
   */
  target(): Target & { readonly closed: SqlitePartition | null } {
    const list = this.all();
    const open = list[list.length - 1];
    if (!open) throw new Error('records has no partition: the schema is older than version 4');
    const last = this.db.prepare(`SELECT max(id) FROM ${open.name}`).pluck().get() as number | null;
    const nextId = last === null ? Math.max(open.first, this.idBase + 1) : last + 1;
    const first = Math.max(list[0]!.first, this.idBase + 1);
    const size = Math.max(this.rowsPer, Math.floor((nextId - first) / GROW_AFTER));
    if (open.first !== 0 && nextId - open.first < size) return { table: open.name, nextId, closed: null };
    const name = `records_${nextId}`;
    this.db.exec(`CREATE TABLE ${name} ${SQLITE_RECORD_COLUMNS}`);
    this.db.exec(`CREATE INDEX ${name}_time ON ${name} (time)`);
    this.list = [...list, { name, first: nextId, indexes: new Set([`${name}_time`]) }];
    this.writeView();
    return { table: name, nextId, closed: missingIndexes(open).length ? open : null };
  }

  private writeView(): void {
    this.db.exec('DROP VIEW IF EXISTS records');
    this.db.exec(`CREATE VIEW records AS ${this.list.map((p) => `SELECT * FROM ${p.name}`).join(' UNION ALL ')}`);
    this.cookie = this.schemaVersion.get() as number;
  }

  /** Closed partitions without all their indexes, oldest first. */
  unbuilt(): SqlitePartition[] {
    return this.all().slice(0, -1).filter((p) => missingIndexes(p).length > 0);
  }

  /**
   * Builds the indexes `p` lacks, all in one transaction; what it lacks is read again under the
   * write lock, since another writer may have built them or dropped it meanwhile.
   */
  build(p: SqlitePartition): void {
    this.db.transaction(() => {
      const now = partitions(this.db).find((q) => q.name === p.name);
      for (const [suffix, def] of now ? missingIndexes(now) : []) this.db.exec(`CREATE INDEX ${p.name}_${suffix} ON ${p.name} ${def}`);
    }).immediate();
  }

  /**
   * Retention on `records`: drops every closed partition whose rows are all older than `beforeUs`,
   * or that pruning has emptied, then deletes up to `limit` older rows from the others, oldest
   * partition first. Returns how many rows went.
   */
  prune(beforeUs: number, limit: number): number {
    let n = 0;
    this.db.transaction(() => {
      const list = this.all();
      const keep = list.filter((p, i) => {
        if (i === list.length - 1) return true;
        const newest = this.db.prepare(`SELECT max(time) FROM ${p.name}`).pluck().get() as number | null;
        if (newest !== null && newest >= beforeUs) return true;
        n += this.db.prepare(`SELECT count(*) FROM ${p.name}`).pluck().get() as number;
        return false;
      });
      if (keep.length === list.length) return;
      this.list = keep;
      this.writeView();
      for (const p of list) if (!keep.includes(p)) this.db.exec(`DROP TABLE ${p.name}`);
    }).immediate();
    for (const p of this.all()) {
      if (n >= limit) break;
      n += this.db.prepare(`DELETE FROM ${p.name} WHERE id IN (SELECT id FROM ${p.name} WHERE time < ? ORDER BY time LIMIT ?)`)
        .run(beforeUs, limit - n).changes;
    }
    return n;
  }
}
