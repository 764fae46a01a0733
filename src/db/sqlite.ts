// The SQLite store: the embedded default. The daemon's store opens, writes and reads the file on a
// thread of its own (sqlite-worker.ts), so a transaction, a checkpoint or a wait for another
// process's lock never holds up its event loop; this side only posts calls, a batch as column
// arrays (sqlite-batch.ts) whose numbers are moved, not copied, and calls are answered in the
// order they were made. If the thread dies, every call waiting on it and every later one fails as
// transient until open() starts a new thread. A read-only store (maillogctl) runs its calls in
// place: a command that only waits for its answer gains nothing from a thread, and each row it
// reads would be copied once more. Durability: see sqlite-file.ts.
//
// SQLite lets one connection write a file at a time, and one writer takes about a core at its
// fastest (bench/README.md). With `writers` above 1 the store writes that many files side by side,
// each on its own thread: the configured path and `maillogd.<k>.db` beside it. A batch goes whole
// to one file, in one transaction; ids are unique across the files (each has its own range); a
// query asks every file and merges the answers by time and id, as one file would order them.

import { existsSync } from 'node:fs';
import path from 'node:path';
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

/**
 * The file of writer `k`: the configured path for the first, `maillogd.<k>.db` beside it for the
 * others (the extension, if any, stays last).
 */
export function shardPath(file: string, k: number): string {
  if (k === 0) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${k}${ext}`;
}

/**
 * Where file `k`'s ids start: ids are unique across the files (a record's id says which file holds
 * it), and each file has 2^40 of them, more than any file holds.
 */
export const shardIdBase = (k: number): number => k * 2 ** 40;

/** One file and the inserts it has not answered yet. */
interface Shard {
  readonly conn: Connection;
  readonly path: string;
  inserts: number;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly where: string;
  /** Two inserts per writer: while one is written, the next is on its way to the thread. */
  readonly lanes: number;
  private shards: Shard[] = [];
  /** Where the search for the least busy writer starts: ties go round the writers. */
  private turn = 0;

  /** `warn` is told what the thread cannot answer to a call: an index build that failed, a checkpoint thread in trouble. */
  constructor(private readonly options: SqliteOptions, private readonly warnTo?: (message: string) => void) {
    this.where = options.path;
    this.lanes = 2 * (options.writers ?? 1);
  }

  private readonly warn = (message: string): void => {
    try {
      this.warnTo?.(message);
    } catch {
      // A logger that throws must not stop the thread's answers.
    }
  };

  /** Every file's answer to `c`, in file order. */
  private all<T>(c: Call): Promise<T[]> {
    if (this.shards.length === 0) return Promise.reject(new StoreError('sqlite: not open', true));
    return Promise.all(this.shards.map((s) => s.conn.call<T>(c)));
  }

  /**
   * Opens the files of the `writers` and any other file an earlier configuration with more writers
   * left (`maillogd.<k>.db`, k counting on from 1): those are read, pruned and counted, not written.
   * A read-only store opens the files that exist.
   */
  async open(): Promise<{ from: number; to: number }> {
    await this.close();
    const writers = this.options.readonly ? 1 : Math.max(1, this.options.writers ?? 1);
    try {
      for (let k = 0; k < writers || k > 0 && existsSync(shardPath(this.options.path, k)); k++) {
        const options: SqliteOptions = { ...this.options, path: shardPath(this.options.path, k), idBase: shardIdBase(k) };
        this.shards.push({ conn: options.readonly ? new InPlace(options) : new Thread(options, this.warn), path: options.path, inserts: 0 });
      }
      const vs = await this.all<{ from: number; to: number }>({ op: 'open' });
      return { from: Math.min(...vs.map((v) => v.from)), to: Math.min(...vs.map((v) => v.to)) };
    } catch (err) {
      await this.close().catch(() => undefined);
      throw err;
    }
  }

  /** Writes the batch into the file of the writer with the fewest inserts waiting (the next in turn among equals). */
  async insert(batch: RowBatch): Promise<void> {
    const n = Math.min(this.shards.length, Math.max(1, this.options.writers ?? 1));
    if (n === 0) throw new StoreError('sqlite: not open', true);
    let shard = this.shards[this.turn % n]!;
    for (let i = 1; i < n; i++) {
      const s = this.shards[(this.turn + i) % n]!;
      if (s.inserts < shard.inserts) shard = s;
    }
    this.turn = (this.shards.indexOf(shard) + 1) % n;
    const c = toColumns(batch);
    shard.inserts++;
    try {
      await shard.conn.call<undefined>({ op: 'insert', batch: c }, transferable(c));
    } finally {
      shard.inserts--;
    }
  }

  async prune(beforeUs: number, limit: number): Promise<number> {
    return (await this.all<number>({ op: 'prune', beforeUs, limit })).reduce((a, b) => a + b, 0);
  }

  /** Each file's answer, merged in the order one file would give: time, then id. */
  async query(q: RecordQuery): Promise<StoredRecord[]> {
    const each = await this.all<StoredRecord[]>({ op: 'query', query: q });
    if (each.length === 1) return each[0]!;
    const rows = each.flat().sort((a, b) => a.timeUs - b.timeUs || a.id - b.id);
    return q.from === 'newest' ? rows.slice(Math.max(0, rows.length - q.limit)) : rows.slice(0, q.limit);
  }

  /** The plan of each file (each has the same schema), headed by its path when there are several. */
  async explain(q: RecordQuery): Promise<string> {
    const each = await this.all<string>({ op: 'explain', query: q });
    return each.length === 1 ? each[0]! : each.map((plan, k) => `${this.shards[k]!.path}:\n${plan}`).join('\n');
  }

  /** The oldest schema among the files (they are migrated together at open). */
  async schemaVersion(): Promise<number> {
    return Math.min(...await this.all<number>({ op: 'version' }));
  }

  async count(table: Table): Promise<number> {
    return (await this.all<number>({ op: 'count', table })).reduce((a, b) => a + b, 0);
  }

  /** Closes the files after every call made before (and ends their threads). */
  async close(): Promise<void> {
    const shards = this.shards;
    this.shards = [];
    const ends = await Promise.allSettled(shards.map((s) => s.conn.end()));
    const failed = ends.find((e): e is PromiseRejectedResult => e.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
