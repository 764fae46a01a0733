// The SQLite store: the embedded default. The daemon's store opens, writes and reads the file on a
// thread of its own (sqlite-worker.ts), so a transaction, a checkpoint or a wait for another
// process's lock never holds up its event loop; this side only posts calls, a batch as column
// arrays (sqlite-batch.ts) whose numbers are moved, not copied, and calls are answered in the
// order they were made. If the thread dies, every call waiting on it and every later one fails as
// transient until open() starts a new thread. A read-only store (maillogctl) runs its calls in
// place: a command that only waits for its answer gains nothing from a thread, and each row it
// reads would be copied once more. Durability: see sqlite-file.ts.

import type { Worker } from 'node:worker_threads';
import { startWorker } from '../util/worker.js';
import type { RecordQuery, StoredRecord } from './query.js';
import type { RowBatch } from './rows.js';
import { toColumns, transferable } from './sqlite-batch.js';
import { perform, type Call } from './sqlite-calls.js';
import { SqliteFile, type SqliteOptions, type Table } from './sqlite-file.js';
import type { Reply } from './sqlite-worker.js';
import { StoreError, type Store } from './store.js';

export { SQLITE_DIALECT, type SqliteOptions } from './sqlite-file.js';

/** Where a store's calls run. */
interface Connection {
  call<T>(c: Call, transfer?: ArrayBuffer[]): Promise<T>;
  /** Ends it after every call made before; rejects with what `close` failed with, if anything. */
  end(): Promise<void>;
}

/** A call the thread never answered because it is gone. */
class ThreadStopped extends StoreError {
  constructor(why: string) {
    super(`sqlite: the database thread stopped: ${why}`, true);
  }
}

interface Waiting {
  resolve(value: unknown): void;
  reject(err: StoreError): void;
}

/** The SQLite thread and the calls it has not answered yet. */
class Thread implements Connection {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  /** Why the thread stopped, once it has. */
  private lost: string | null = null;

  constructor(options: SqliteOptions, private readonly warn: (message: string) => void) {
    this.worker = startWorker(import.meta.url, 'sqlite-worker', { workerData: options });
    this.worker.unref(); // only a call in flight keeps the process alive
    this.worker.on('message', (r: Reply) => this.answer(r));
    this.worker.on('error', (err) => this.stopped(err.message));
    this.worker.on('exit', (code) => this.stopped(`exit code ${code}`));
  }

  private answer(r: Reply): void {
    if ('warn' in r) {
      this.warn(r.warn);
      return;
    }
    const wait = this.waiting.get(r.id);
    if (!wait) return;
    this.waiting.delete(r.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (r.ok) wait.resolve(r.value);
    else wait.reject(new StoreError(r.message, r.transient));
  }

  /** Whatever waits on a thread that is gone fails (transient). */
  private stopped(why: string): void {
    this.lost ??= why;
    const err = new ThreadStopped(this.lost);
    const ws = [...this.waiting.values()];
    this.waiting.clear();
    for (const wait of ws) wait.reject(err);
  }

  call<T>(c: Call, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.lost !== null) return Promise.reject(new ThreadStopped(this.lost));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage({ ...c, id }, transfer);
    });
  }

  async end(): Promise<void> {
    const failed = await this.call({ op: 'close' }).then(() => null, (err: StoreError) => err);
    await this.worker.terminate();
    if (failed && !(failed instanceof ThreadStopped)) throw failed;
  }
}

/** Calls run in place, for a read-only store. */
class InPlace implements Connection {
  private readonly file: SqliteFile;

  constructor(options: SqliteOptions) {
    this.file = new SqliteFile(options);
  }

  call<T>(c: Call): Promise<T> {
    try {
      return Promise.resolve(perform(this.file, c) as T);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new StoreError(String(err), true));
    }
  }

  end(): Promise<void> {
    return this.call({ op: 'close' });
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly where: string;
  private conn: Connection | null = null;

  /** `warn` is told what the thread cannot answer to a call: an index build that failed, a checkpoint thread in trouble. */
  constructor(private readonly options: SqliteOptions, private readonly warnTo?: (message: string) => void) {
    this.where = options.path;
  }

  private readonly warn = (message: string): void => {
    try {
      this.warnTo?.(message);
    } catch {
      // A logger that throws must not stop the thread's answers.
    }
  };

  private call<T>(c: Call, transfer?: ArrayBuffer[]): Promise<T> {
    if (!this.conn) return Promise.reject(new StoreError('sqlite: not open', true));
    return this.conn.call<T>(c, transfer);
  }

  async open(): Promise<{ from: number; to: number }> {
    await this.close();
    this.conn = this.options.readonly ? new InPlace(this.options) : new Thread(this.options, this.warn);
    try {
      return await this.call<{ from: number; to: number }>({ op: 'open' });
    } catch (err) {
      await this.close().catch(() => undefined);
      throw err;
    }
  }

  insert(batch: RowBatch): Promise<void> {
    const c = toColumns(batch);
    return this.call<undefined>({ op: 'insert', batch: c }, transferable(c));
  }

  prune(beforeUs: number, limit: number): Promise<number> {
    return this.call<number>({ op: 'prune', beforeUs, limit });
  }

  query(q: RecordQuery): Promise<StoredRecord[]> {
    return this.call<StoredRecord[]>({ op: 'query', query: q });
  }

  explain(q: RecordQuery): Promise<string> {
    return this.call<string>({ op: 'explain', query: q });
  }

  schemaVersion(): Promise<number> {
    return this.call<number>({ op: 'version' });
  }

  count(table: Table): Promise<number> {
    return this.call<number>({ op: 'count', table });
  }

  /** Closes the file after every call made before (and ends its thread). */
  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    await conn?.end();
  }
}
