// `file` output: appends records as lines to files under the log root, the file chosen per record
// by a path template. Owns: one FileWriter (one fd) per open file, at most max_open_files of them
// in an LRU; files idle for idle_close_secs are closed.
// Invariants: one write in flight per file and order kept per file (see writer.ts); a batch costs
// one write per file it touches; a path is never written by two writers at once (a new writer
// for a path waits for the close of the evicted one). Every record ends written or counted as
// discarded with a reason.
// Failure: open and write errors are logged (once per file per minute) and counted by errno; the
// records they cost are counted as discarded and the next batch tries again. write() never throws.

import { OutputQueue } from '../queue.js';
import type { Output, OutputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import type { Formatter } from '../../syslog/formatter.js';
import { FORMATTERS } from '../../syslog/format.js';
import type { Counter } from '../../telemetry/counters.js';
import { checkFileOutput, type FileOutputConfig } from './config.js';
import { PathResolver } from './path.js';
import { FileWriter, type WriterEvents, type WriterOp, type WriterOptions } from './writer.js';

export { fileOutputSpec, checkFileOutput, type FileOutputConfig } from './config.js';

const ERROR_LOG_INTERVAL_MS = 60_000;

export type DiscardReason = 'queue_full' | 'queue_overflow' | 'path_outside_root' | 'format_error' |
  'open_failed' | 'write_failed' | 'closed';
const DISCARD_REASONS: readonly DiscardReason[] = ['queue_full', 'queue_overflow', 'path_outside_root',
  'format_error', 'open_failed', 'write_failed', 'closed'];

export function createFileOutput(config: FileOutputConfig, ctx: OutputContext): Output {
  return new FileOutput(config, ctx, FORMATTERS[config.format]);
}

/** The output itself; `format` is the line formatter (the one `config.format` names, for the daemon). */
export class FileOutput implements Output {
  private readonly scope: string;
  private readonly resolver: PathResolver;
  private readonly problem: string | null;
  private readonly writerOpts: WriterOptions;
  private readonly events: WriterEvents;
  /** Open writers, least recently used first. */
  private readonly writers = new Map<string, FileWriter>();
  /** Closes of evicted writers still under way, by path. */
  private readonly retiring = new Map<string, Promise<void>>();
  private readonly touched: FileWriter[] = [];
  private seq = 0;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  private readonly queue: OutputQueue;
  private readonly hardLimit: number;
  private readonly dropWhenFull: boolean;

  private readonly written: Counter;
  private readonly bytes: Counter;
  private readonly discarded: Readonly<Record<DiscardReason, Counter>>;

  constructor(private readonly config: FileOutputConfig, private readonly ctx: OutputContext,
    private readonly format: Formatter) {
    this.scope = `output.${ctx.id}`;
    this.resolver = new PathResolver(config.path, ctx.logRoot, Math.max(4096, config.max_open_files * 4));
    this.problem = checkFileOutput(config, ctx.logRoot)[0]?.[1] ?? null;
    this.writerOpts = {
      fileMode: config.file_mode, dirMode: config.dir_mode, fsync: config.fsync,
      flushIntervalMs: config.flush_interval_ms,
    };
    this.queue = new OutputQueue(config.queue_max_bytes, ctx.log, this.scope);
    this.hardLimit = config.queue_max_bytes * 2;
    this.dropWhenFull = config.when_full === 'drop';
    this.written = ctx.counters.get(this.scope, 'written');
    this.bytes = ctx.counters.get(this.scope, 'bytes');
    const discarded = {} as Record<DiscardReason, Counter>;
    for (const r of DISCARD_REASONS) discarded[r] = ctx.counters.get(this.scope, 'discarded', r);
    this.discarded = discarded;
    this.events = {
      written: (records, bytes) => {
        this.written.value += records;
        this.bytes.value += bytes;
        this.queue.release(bytes);
      },
      lost: (records, bytes, reason) => {
        this.discarded[reason].value += records;
        this.queue.release(bytes);
      },
      error: (writer, op, err) => this.reportError(writer, op, err),
    };
  }

  async open(): Promise<void> {
    if (this.problem) throw new Error(`${this.scope}: path: ${this.problem}`);
    if (this.state !== 'new') return;
    this.state = 'open';
    const idleMs = this.config.idle_close_secs * 1000;
    if (idleMs > 0) {
      this.sweepTimer = setInterval(() => this.closeIdle(Date.now() - idleMs), Math.max(1000, idleMs / 2));
      this.sweepTimer.unref();
    }
    // A fixed path is opened now, so that a file that cannot be written stops the start.
    const fixed = this.resolver.fixed;
    if (fixed) {
      await this.writerFor(fixed).prepare().catch((err: NodeJS.ErrnoException) => {
        throw new Error(`${this.scope}: cannot open ${fixed}: ${err.message}`);
      });
    }
  }

  write(batch: readonly LogRecord[]): void {
    if (this.state === 'closing' || this.state === 'closed') {
      this.discarded.closed.value += batch.length;
      return;
    }
    const seq = ++this.seq;
    const limit = this.dropWhenFull ? this.queue.highWater : this.hardLimit;
    const queue = this.queue;
    let lastPath: string | null = null;
    let writer: FileWriter | null = null;
    for (const rec of batch) {
      if (queue.queued >= limit) {
        (this.dropWhenFull ? this.discarded.queue_full : this.discarded.queue_overflow).value++;
        continue;
      }
      const file = this.resolver.resolve(rec);
      if (file === null) {
        this.discarded.path_outside_root.value++;
        continue;
      }
      if (file !== lastPath || writer === null) {
        lastPath = file;
        writer = this.writers.get(file) ?? null;
        // The LRU order is refreshed once per writer per batch, not on every switch between files.
        if (writer === null || writer.mark !== seq) {
          writer = this.writerFor(file);
          writer.mark = seq;
          this.touched.push(writer);
        }
      }
      const n = writer.append(rec, this.format);
      if (n < 0) this.discarded.format_error.value++;
      else queue.queued += n;
    }
    const now = Date.now();
    for (const w of this.touched) {
      w.lastUsed = now;
      w.kick();
    }
    this.touched.length = 0;
    queue.endBatch();
  }

  get busy(): boolean {
    return this.queue.full && !this.dropWhenFull;
  }

  onDrain(cb: () => void): void {
    if (this.busy) this.queue.onDrain(cb);
    else queueMicrotask(cb);
  }

  async flush(): Promise<void> {
    if (this.closing) return this.closing;
    await Promise.all([...[...this.writers.values()].map((w) => w.flush()), ...this.retiring.values()]);
  }

  async reopen(): Promise<void> {
    await Promise.all([...[...this.writers.values()].map((w) => w.reopen()), ...this.retiring.values()]);
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.state = 'closing';
      if (this.sweepTimer) clearInterval(this.sweepTimer);
      this.closing = (async () => {
        const all = [...this.writers.values()].map((w) => w.close());
        this.writers.clear();
        await Promise.all([...all, ...this.retiring.values()]);
        this.state = 'closed';
      })();
    }
    return this.closing;
  }

  /** The writer for a path, most recently used now; evicts the least recently used when full. */
  private writerFor(file: string): FileWriter {
    let w = this.writers.get(file);
    if (w) {
      this.writers.delete(file);
      this.writers.set(file, w);
      return w;
    }
    if (this.writers.size >= this.config.max_open_files) {
      const oldest = this.writers.values().next().value;
      if (oldest) this.retire(oldest);
    }
    w = new FileWriter(file, this.writerOpts, this.events, this.retiring.get(file) ?? null);
    this.writers.set(file, w);
    return w;
  }

  private retire(w: FileWriter): void {
    this.writers.delete(w.path);
    const done: Promise<void> = w.close().then(() => {
      if (this.retiring.get(w.path) === done) this.retiring.delete(w.path);
    });
    this.retiring.set(w.path, done);
  }

  private closeIdle(before: number): void {
    for (const w of [...this.writers.values()]) {
      if (w.lastUsed >= before) break; // LRU order: every later writer was used more recently
      if (w.idle) this.retire(w);
    }
  }

  private reportError(w: FileWriter, op: WriterOp, err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'EUNKNOWN';
    this.ctx.counters.get(this.scope, 'errors', code).value++;
    const now = Date.now();
    if (now - w.errorLoggedAt < ERROR_LOG_INTERVAL_MS) {
      w.errorsSuppressed++;
      return;
    }
    const more = w.errorsSuppressed > 0 ? ` (${w.errorsSuppressed} more errors on this file in the last minute)` : '';
    w.errorLoggedAt = now;
    w.errorsSuppressed = 0;
    this.ctx.log.error(`${this.scope}: cannot ${op} ${w.path}: ${err.message}${more}`);
  }
}
