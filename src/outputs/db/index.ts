// What the `sqlite` and `postgres` outputs share: records become rows at once (so the records
// can go), rows are written in batches, each batch in one transaction, as many inserts in flight
// as the store has lanes (SQLite: two per writer thread; PostgreSQL: one). A lane takes a part
// batch only when it is the only one writing, so extra lanes never split the rows into small
// transactions; rows from the spool go one batch at a time, oldest first.
// A database that is down or slow never blocks the other outputs: this output is never busy.
// Rows wait in memory up to memory_max_rows, then in the spool on disk (bounded by
// spool_max_bytes); while the spool holds anything, new rows go behind it, so order is kept.
// A transient failure (server down, file locked) closes the store and retries open with
// backoff; a row the database refuses for good is set aside alone (its batch is retried row by
// row), counted and logged. Rows lost because the spool is full are counted and logged, never
// silently. Retention prunes rows older than max_age_days in small batches.

import path from 'node:path';
import type { Output, OutputContext } from '../../component.js';
import { appendBatch, batchSize, emptyBatch, rowsOf, type RowBatch } from '../../db/rows.js';
import { StoreError, type Store } from '../../db/store.js';
import type { LogRecord } from '../../record.js';
import type { Counter } from '../../telemetry/counters.js';
import { Spool } from './spool.js';
import type { DbOutputConfig } from './config.js';

export { dbOutputSpec, type DbOutputConfig } from './config.js';

const PRUNE_BATCH = 5000;
const PRUNE_INTERVAL_MS = 60_000;

export interface DbOutputOptions {
  /** Makes a new store (not yet open): called at open and at each reconnect. */
  readonly makeStore: () => Store;
  /** A store that cannot be opened at start fails the daemon's start (a local file), instead of retrying. */
  readonly mustOpenAtStart: boolean;
}

export class DbOutput implements Output {
  readonly busy = false;
  private readonly scope: string;
  private store: Store | null = null;
  private up = false;
  private pending: RowBatch = emptyBatch();
  /** Whether a pump is writing a batch from the spool (one at a time, in order). */
  private spoolInFlight = false;
  /** The pumps running now, one per lane in use. */
  private writing = 0;
  /** How many batches were taken from memory: their order, for the spool. */
  private taken = 0;
  /** Batches from memory a failed store did not take, spooled in their order once no lane writes. */
  private failed: { readonly seq: number; readonly batch: RowBatch; readonly n: number }[] = [];
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private retryMs: number;
  private closed = false;
  /** Stopping: write what is in memory, leave the spool for the next start. */
  private closing = false;
  private readonly spool: Spool;
  private spoolFullSince = 0;
  private readonly idleWaiters: (() => void)[] = [];

  private readonly written: Counter;
  private readonly batches: Counter;
  private readonly spooled: Counter;
  private readonly lostSpoolFull: Counter;
  private readonly lostCorrupt: Counter;
  private readonly rejected: Counter;
  private readonly failures: Counter;
  private readonly pruned: Counter;

  constructor(private readonly config: DbOutputConfig, private readonly ctx: OutputContext, private readonly options: DbOutputOptions) {
    this.scope = `output.${ctx.id}`;
    this.retryMs = config.retry_min_ms;
    const c = ctx.counters;
    this.written = c.get(this.scope, 'written');
    this.batches = c.get(this.scope, 'batches');
    this.spooled = c.get(this.scope, 'spooled');
    this.lostSpoolFull = c.get(this.scope, 'discarded', 'spool_full');
    this.lostCorrupt = c.get(this.scope, 'discarded', 'spool_corrupt');
    this.rejected = c.get(this.scope, 'discarded', 'rejected');
    this.failures = c.get(this.scope, 'failures');
    this.pruned = c.get(this.scope, 'pruned');
    this.spool = new Spool(path.resolve(ctx.stateDir, config.spool_dir || path.join('spool', ctx.id)), config.spool_max_bytes, {
      corrupt: (file, line) => {
        this.lostCorrupt.value++;
        this.ctx.log.error(`${this.scope}: spool ${file} line ${line} cannot be read; its rows are lost`);
      },
    });
  }

  async open(): Promise<void> {
    this.spool.load();
    if (!this.spool.empty) this.ctx.log.notice(`${this.scope}: ${this.spool.bytes} bytes of rows wait in the spool from an earlier run`);
    let store: Store | null = null;
    try {
      store = this.options.makeStore();
      const v = await store.open();
      this.connected(store, v);
    } catch (err) {
      await store?.close().catch(() => undefined);
      if (this.options.mustOpenAtStart) throw new Error(`${this.scope}: ${(err as Error).message}`, { cause: err });
      this.ctx.log.warning(`${this.scope}: ${(err as Error).message}; rows wait in the spool until it answers`);
      this.failures.value++;
      this.scheduleRetry();
    }
    if (this.config.max_age_days > 0) {
      this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
      this.pruneTimer.unref();
      setImmediate(() => void this.prune());
    }
    this.schedulePump();
  }

  private connected(store: Store, v: { from: number; to: number }): void {
    this.store = store;
    this.up = true;
    this.retryMs = this.config.retry_min_ms;
    const migrated = v.from !== v.to ? `, schema ${v.from} → ${v.to}` : '';
    this.ctx.log.info(`${this.scope}: ${store.kind} ${store.where} open${migrated}`);
  }

  write(batch: readonly LogRecord[]): void {
    if (this.closed) return;
    appendBatch(this.pending, rowsOf(batch, this.config.emg_tables));
    if (batchSize(this.pending) >= this.config.memory_max_rows && (!this.up || this.writing > 0)) this.spillPending();
    if (batchSize(this.pending) >= this.config.batch_max_rows || this.config.flush_interval_ms === 0) {
      this.schedulePump();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.schedulePump();
      }, this.config.flush_interval_ms);
    }
  }

  /** Moves the rows waiting in memory to the spool (or counts them lost if it is full). */
  private spillPending(): void {
    // The batches other lanes are writing to a store that failed go to the spool first.
    if (!this.up && this.writing > 0) return;
    const n = batchSize(this.pending);
    if (n === 0) return;
    const batch = this.pending;
    this.pending = emptyBatch();
    this.toSpool(batch, n);
  }

  private toSpool(batch: RowBatch, n: number): void {
    try {
      if (this.spool.push(batch)) {
        this.spooled.value += n;
        this.spoolFullSince = 0;
        return;
      }
      this.lostSpoolFull.value += n;
      if (this.spoolFullSince === 0) {
        this.spoolFullSince = Date.now();
        this.ctx.log.error(`${this.scope}: spool full (${this.spool.bytes} of ${this.config.spool_max_bytes} bytes); ` +
          'rows are discarded until the database catches up (counted as discarded.spool_full)');
      }
    } catch (err) {
      this.lostSpoolFull.value += n;
      this.ctx.log.error(`${this.scope}: cannot write the spool ${this.spool.dir}: ${(err as Error).message}; ${n} rows lost`);
    }
  }

  private lanes(): number {
    return Math.max(1, this.store?.lanes ?? 1);
  }

  private schedulePump(): void {
    // While the store is down, rows stay in memory up to memory_max_rows: no pump runs.
    if (this.pumpScheduled || this.writing >= this.lanes() || !this.up) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      do void this.pump();
      while (this.writing < this.lanes() && batchSize(this.pending) >= this.config.batch_max_rows);
    });
  }

  /** Writes until nothing is left for this lane or the store fails. */
  private async pump(): Promise<void> {
    this.writing++;
    try {
      await this.pumpLoop();
    } finally {
      this.writing--;
      if (this.writing === 0) {
        this.spillFailed();
        // A part batch left by a lane that was not alone, or a spool left by a failure, goes with the next pump.
        if (this.up && !this.closing && (batchSize(this.pending) > 0 || !this.spool.empty)) this.schedulePump();
        this.notifyIdle();
      }
    }
  }

  /** After a failure, once no lane writes: the batches the store did not take, in order, then the rows in memory. */
  private spillFailed(): void {
    const failed = this.failed.sort((a, b) => a.seq - b.seq);
    this.failed = [];
    for (const f of failed) this.toSpool(f.batch, f.n);
    if (!this.up) this.spillPending();
  }

  private async pumpLoop(): Promise<void> {
    while (this.up && this.store) {
      if (this.closing && !this.spool.empty) return;
      const store = this.store;
      let batch: RowBatch;
      let fromSpool: boolean;
      let seq = -1;
      if (!this.spool.empty) {
        // Rows in memory come after the spool's: this lane waits for none of them.
        if (this.spoolInFlight) return;
        const b = this.spool.peek();
        if (b === null) continue;
        batch = b;
        fromSpool = true;
      } else if (batchSize(this.pending) >= this.config.batch_max_rows || batchSize(this.pending) > 0 && this.writing === 1) {
        batch = this.takePending();
        seq = this.taken++;
        fromSpool = false;
      } else {
        return;
      }
      const n = batchSize(batch);
      if (fromSpool) this.spoolInFlight = true;
      try {
        await store.insert(batch);
        this.written.value += batch.records.length;
        this.batches.value++;
        if (fromSpool) this.spool.ack();
      } catch (err) {
        const e = err instanceof StoreError ? err : new StoreError((err as Error).message, true);
        if (e.transient) {
          if (!fromSpool) this.failed.push({ seq, batch, n });
          this.down(e, store);
          return;
        }
        const left = await this.rowByRow(store, batch);
        if (fromSpool) this.spool.ack();
        if (left) {
          // The store failed for a while in the middle: the rows not yet written wait in the
          // spool, behind what is there (those written are not written twice).
          this.failed.push({ seq, batch: left.batch, n: batchSize(left.batch) });
          this.down(left.err, store);
          return;
        }
      } finally {
        if (fromSpool) this.spoolInFlight = false;
      }
      // Let inputs and other outputs run between batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Up to batch_max_rows rows out of memory, oldest first. */
  private takePending(): RowBatch {
    const p = this.pending;
    const max = this.config.batch_max_rows;
    if (batchSize(p) <= max) {
      this.pending = emptyBatch();
      return p;
    }
    const out: RowBatch = {
      records: p.records.splice(0, max), connector: p.connector.splice(0, max),
      route: p.route.splice(0, max), pdu: p.pdu.splice(0, max),
    };
    return out;
  }

  /**
   * A batch the database refused for good: write its rows one at a time, setting aside the bad
   * ones. If the store fails (transient) meanwhile, returns the rows not yet written and why.
   */
  private async rowByRow(store: Store, batch: RowBatch): Promise<{ batch: RowBatch; err: StoreError } | null> {
    const tables = ['records', 'connector', 'route', 'pdu'] as const;
    for (const [ti, t] of tables.entries()) {
      for (const [i, r] of batch[t].entries()) {
        const one = emptyBatch();
        (one[t] as unknown[]).push(r);
        try {
          await store.insert(one);
          if (t === 'records') this.written.value++;
        } catch (err) {
          const e = err instanceof StoreError ? err : new StoreError((err as Error).message, true);
          if (e.transient) {
            const left = emptyBatch();
            for (const [tj, u] of tables.entries()) if (tj >= ti) (left[u] as unknown[]).push(...(tj === ti ? batch[u].slice(i) : batch[u]));
            return { batch: left, err: e };
          }
          this.rejected.value++;
          this.ctx.log.error(`${this.scope}: the database refused a ${t} row: ${e.message}`);
        }
      }
    }
    return null;
  }

  /** `store` failed: closes it and retries later (once, however many lanes saw it fail). */
  private down(err: StoreError, store: Store): void {
    if (this.store !== store) return;
    this.failures.value++;
    this.up = false;
    this.ctx.log.warning(`${this.scope}: ${err.message}; rows go to the spool, retrying in ${this.retryMs} ms`);
    this.store = null;
    void store.close().catch(() => undefined);
    this.scheduleRetry(); // the failing lane's end spools what was in flight and in memory
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.config.retry_max_ms);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.reconnect();
    }, wait);
  }

  private async reconnect(): Promise<void> {
    if (this.closed || this.up) return;
    // A lane still writing to the store that failed spools its batch, if it fails too, before
    // anything newer is written.
    while (this.writing > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (this.closed || this.up) return;
    let store: Store | null = null;
    try {
      store = this.options.makeStore();
      const v = await store.open();
      if (this.closed) {
        await store.close();
        return;
      }
      this.connected(store, v);
      this.schedulePump();
    } catch (err) {
      await store?.close().catch(() => undefined);
      this.ctx.log.debug(`${this.scope}: still down: ${(err as Error).message}`);
      this.spillPending();
      this.scheduleRetry();
    }
  }

  private async prune(): Promise<void> {
    if (!this.up || !this.store || this.closed) return;
    const cutUs = (Date.now() - this.config.max_age_days * 86_400_000) * 1000;
    try {
      for (;;) {
        const n = await this.store.prune(cutUs, PRUNE_BATCH);
        this.pruned.value += n;
        if (n === 0 || this.closed || !this.store) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      this.ctx.log.warning(`${this.scope}: pruning rows older than ${this.config.max_age_days} days failed: ${(err as Error).message}`);
    }
  }

  onDrain(cb: () => void): void {
    queueMicrotask(cb);
  }

  private notifyIdle(): void {
    if (this.writing > 0 || this.pumpScheduled) return;
    const ws = this.idleWaiters.splice(0);
    for (const w of ws) w();
  }

  /**
   * Resolves when every row taken so far is in the database or in the spool. While the spool
   * holds rows (or the database is down), rows in memory join the spool: they must come after it.
   */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    for (;;) {
      if (!this.up && this.writing > 0) {
        // Lanes still writing to a store that failed: what they held goes to the spool first.
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        continue;
      }
      if (!this.up || !this.spool.empty) {
        this.spillPending();
        return;
      }
      if (this.writing === 0 && !this.pumpScheduled && batchSize(this.pending) === 0) return;
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        if (this.writing === 0 && !this.pumpScheduled) this.schedulePump();
      });
    }
  }

  reopen(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    await this.flush();
    this.closed = true;
    for (const t of [this.timer, this.retryTimer]) if (t) clearTimeout(t);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    while (this.writing > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.spillPending();
    this.up = false;
    const store = this.store;
    this.store = null;
    if (store) await store.close().catch((err: Error) => this.ctx.log.warning(`${this.scope}: close: ${err.message}`));
    this.spool.close();
    if (!this.spool.empty) this.ctx.log.notice(`${this.scope}: ${this.spool.bytes} bytes of rows stay in the spool for the next start`);
  }
}
