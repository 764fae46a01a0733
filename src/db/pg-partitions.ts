// `records` in PostgreSQL is partitioned by id (schema version 3). Keeping the host+time, app+time,
// mail id and msgid indexes up row by row cost the one backend that writes more than half of its
// time, and more as the table grew (bench/README.md, "Partitions"). So a partition that still takes
// rows has only its primary key and the time index, and a second connection builds the other four
// by CREATE INDEX once the sequence has passed the partition's end, then ANALYZE: all in one
// transaction, so a partition has all four or none. A crash before that leaves a closed partition
// without them, and the next build (at open, after any insert) makes them.
//
// Partitions are made ahead of the sequence, with at least half a partition to spare, by CREATE
// TABLE and ATTACH PARTITION, which takes SHARE UPDATE EXCLUSIVE on `records`: inserts and queries
// go on meanwhile. Other maillogds writing the same database wait on the same advisory locks.

import type pg from 'pg';
import { transaction } from './pg-transaction.js';
import { PARTITION_INDEXES } from './schema.js';


// Any numbers for the advisory locks; they are per database.
const MAKE_LOCK = 0x6d6c7031;
const BUILD_LOCK = 0x6d6c7032;

export interface Partition {
  readonly name: string;
  /** Ids in [from, to); ±Infinity for MINVALUE and MAXVALUE. */
  readonly from: number;
  readonly to: number;
  readonly indexes: ReadonlySet<string>;
}

function boundValue(s: string): number {
  if (s === 'MINVALUE') return -Infinity;
  if (s === 'MAXVALUE') return Infinity;
  return Number(s.replace(/^'|'$/g, ''));
}

/** [from, to) of `FOR VALUES FROM (...) TO (...)`, as pg_get_expr() writes a range bound. */
export function parseBound(expr: string): { from: number; to: number } {
  const m = /FROM \(([^)]*)\) TO \(([^)]*)\)/.exec(expr);
  if (!m) throw new Error(`not a range partition bound: ${expr}`);
  return { from: boundValue(m[1]!), to: boundValue(m[2]!) };
}

export async function partitions(c: pg.Client): Promise<Partition[]> {
  const r = await c.query<{ name: string; bound: string; indexes: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound,
       coalesce((SELECT string_agg(x.relname, ' ') FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = c.oid), '') AS indexes
     FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
     WHERE h.inhparent = 'records'::regclass`);
  return r.rows.map((row) => ({ name: row.name, ...parseBound(row.bound), indexes: new Set(row.indexes.split(' ')) }))
    .sort((a, b) => a.from - b.from);
}

/** The last id the sequence has handed out (0 before the first). */
export async function lastId(c: pg.Client): Promise<number> {
  const r = await c.query<{ v: string; called: boolean }>('SELECT last_value AS v, is_called AS called FROM records_id_seq');
  const row = r.rows[0]!;
  return Number(row.v) - (row.called ? 0 : 1);
}

/** A partition whose ids have all been handed out takes no more rows. */
export const isClosed = (p: Partition, last: number): boolean => p.to <= last + 1;

export const missingIndexes = (p: Partition): (readonly [string, string])[] =>
  PARTITION_INDEXES.filter(([suffix]) => !p.indexes.has(`${p.name}_${suffix}`));

/** Makes partitions of `size` ids until every id up to `need` has one; returns the new upper bound. */
export function makePartitions(c: pg.Client, need: number, size: number): Promise<number> {
  return transaction(c, async () => {
    await c.query("SET LOCAL lock_timeout = '10s'");
    await c.query(`SELECT pg_advisory_xact_lock(${MAKE_LOCK})`);
    const parts = await partitions(c);
    let upper = parts.length ? Math.max(...parts.map((p) => p.to)) : (await lastId(c)) + 1;
    while (upper <= need) {
      await c.query(`CREATE TABLE records_${upper} (LIKE records INCLUDING DEFAULTS)`);
      await c.query(`ALTER TABLE records ATTACH PARTITION records_${upper} FOR VALUES FROM (${upper}) TO (${upper + size})`);
      upper += size;
    }
    return upper;
  });
}

/** Builds the missing indexes of one partition in one transaction, unless `stopped()` first. */
function build(c: pg.Client, p: Partition, stopped: () => boolean): Promise<void> {
  return transaction(c, async () => {
    await c.query(`SELECT pg_advisory_xact_lock(${BUILD_LOCK})`);
    for (const [suffix, def] of missingIndexes(p)) {
      if (stopped()) throw new Error('closed');
      await c.query(`CREATE INDEX IF NOT EXISTS ${p.name}_${suffix} ON ${p.name} ${def}`);
    }
    if (stopped()) throw new Error('closed');
    // Until autovacuum comes round, the planner would guess at a partition it has no statistics
    // for, and a lookup by id across twenty of them took 160 ms instead of 2.
    await c.query(`ANALYZE ${p.name}`);
  });
}

/** After a failure, the builder waits this long before it connects again. */
const RETRY_MS = 60_000;
/** It looks for closed partitions at most this often. */
const LOOK_MS = 1000;

/**
 * Builds, on a connection of its own, the indexes of every closed partition that lacks them. One
 * run at a time; `kick()` asks for a run, at most one a second, and never throws. A failure is
 * reported through `warn` and tried again a minute later.
 */
export class IndexBuilder {
  private client: pg.Client | null = null;
  private pid = 0;
  private building = false;
  private running: Promise<void> | null = null;
  private again = false;
  private lastLook = 0;
  private retryAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  /** `warn` must not throw (the store's does not). */
  constructor(private readonly connect: () => Promise<pg.Client>, private readonly warn: (message: string) => void) {}

  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const now = Date.now();
    const at = Math.max(this.lastLook + LOOK_MS, this.retryAt);
    if (now < at) {
      this.timer ??= setTimeout(() => { this.timer = null; this.kick(); }, at - now).unref();
      return;
    }
    this.lastLook = now;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Starts at once a run that waits for its time, and resolves when no run is going on (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running || this.timer) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        this.lastLook = 0;
        this.retryAt = 0;
        this.kick();
      }
      await this.running;
    }
  }

  private async run(): Promise<void> {
    try {
      if (!this.client) {
        const fresh = await this.connect();
        if (this.closed) {
          await fresh.end().catch(() => undefined);
          return;
        }
        this.client = fresh;
        this.pid = (await fresh.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      }
      const c = this.client;
      for (;;) {
        const last = await lastId(c);
        const todo = (await partitions(c)).filter((p) => isClosed(p, last) && missingIndexes(p).length > 0);
        if (todo.length === 0) return;
        this.building = true;
        for (const p of todo) await build(c, p, () => this.closed);
        this.building = false;
      }
    } catch (err) {
      this.building = false;
      const c = this.client;
      this.client = null;
      await c?.end().catch(() => undefined);
      if (this.closed) return;
      this.retryAt = Date.now() + RETRY_MS;
      this.warn(`cannot build the indexes of a closed partition of records: ${(err as Error).message}; trying again in ${RETRY_MS / 1000} s`);
    }
  }

  /**
   * Cancels the statement the server runs for `pid`, on a connection of its own, so that neither
   * the builder's connection nor the writer's (busy, maybe, with a COPY) holds it up; gives up after
   * a second. A build left running would hold its lock to the end and then be undone.
   */
  private async cancel(pid: number): Promise<void> {
    const attempt = (async () => {
      const c = await this.connect();
      try {
        await c.query('SELECT pg_cancel_backend($1)', [pid]);
      } finally {
        await c.end().catch(() => undefined);
      }
    })().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([attempt, new Promise<void>((resolve) => { timer = setTimeout(resolve, 1000).unref(); })]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    const cancelled = this.building ? this.cancel(this.pid) : Promise.resolve();
    await Promise.all([cancelled, c?.end().catch(() => undefined)]);
    await this.running;
  }
}
