// `mmdf` output: writes one MMDF ll_log file (msg.log, chan.log, ...) the way MMDF's own programs
// do, so MMDF admins and their scripts (`grep "end msg"`) find what they know. Owns: one
// MmdfLogFile (logfile.ts) and its queue. Settings come from the section, over the tailor file's
// line when tailor_file is set (settings.ts).
// Reproduced from lib/util/ll_log.c: the level filter (value <= level); long and short prefixes
// and the `---  OPEN  ---(<fd>)` header; stat close/cycle/timed; the size limit in 1 KiB blocks
// with the `>=` test; a full non-cycling log going quiet; the CYCLING/CYCLED markers at their
// offsets and the close marker; the give-up of a cycled log past limit + 1 block; mode 0622.
// Not reproduced, on purpose: `wait` (exclusive opens are gone; it has no effect, as llog(3) says);
// MMDF's skipping of the size test on the entry that opens the file; the one-wrap-per-opening
// limit of cycle mode (this wraps each time the limit is reached, see layout.ts); opening without
// O_CREAT (this creates the file unless create = false); MMDF's fseek to the end of a cycled log
// on reopen (this goes on at the newest entry when it is the same file).
// Invariants: write() never throws or blocks; every record ends written or counted as discarded
// with a reason (level, log_full, missing, open_failed, write_failed, queue_overflow, closed).

import { OutputQueue } from '../queue.js';
import type { Output, OutputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import type { Counter } from '../../telemetry/counters.js';
import { mmdfWritten } from '../../levels/mmdf.js';
import type { MmdfOutputConfig } from './config.js';
import { mmdfValueOf } from './entry.js';
import { BLOCK_BYTES } from './layout.js';
import { MmdfLogFile, type LogFileEvents, type LogOp } from './logfile.js';
import { resolveMmdfSettings, type MmdfSettings } from './settings.js';

export { mmdfOutputSpec, type MmdfOutputConfig } from './config.js';
export { checkMmdfOutput, resolveMmdfSettings, type MmdfSettings } from './settings.js';

export type MmdfDiscardReason = 'level' | 'log_full' | 'missing' | 'open_failed' | 'write_failed' | 'queue_overflow' | 'closed';
const DISCARD_REASONS: readonly MmdfDiscardReason[] = ['level', 'log_full', 'missing', 'open_failed', 'write_failed', 'queue_overflow', 'closed'];

/** Queued bytes above which the output is busy; it is free again below half. Twice this: records are discarded. */
export const QUEUE_HIGH_WATER_BYTES = 16 * 1024 * 1024;
const ERROR_LOG_INTERVAL_MS = 60_000;

export function createMmdfOutput(config: MmdfOutputConfig, ctx: OutputContext): Output {
  return new MmdfOutput(config, ctx);
}

export class MmdfOutput implements Output {
  private readonly scope: string;
  /** Null when the settings have a problem; open() then rejects with it. */
  private readonly settings: MmdfSettings | null;
  private readonly problem: string | null;
  private readonly file: MmdfLogFile | null;
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  private readonly queue: OutputQueue;
  private errorLoggedAt = -Infinity;
  private errorsSuppressed = 0;

  private readonly written: Counter;
  private readonly bytes: Counter;
  private readonly cycles: Counter;
  private readonly discarded: Readonly<Record<MmdfDiscardReason, Counter>>;

  constructor(config: MmdfOutputConfig, private readonly ctx: OutputContext) {
    this.scope = `output.${ctx.id}`;
    this.queue = new OutputQueue(QUEUE_HIGH_WATER_BYTES, ctx.log, this.scope);
    const r = resolveMmdfSettings(config, ctx.logRoot);
    this.settings = r.ok ? r.value : null;
    this.problem = r.ok ? null : r.problems.map(([k, m]) => `${k}: ${m}`).join('; ');
    this.written = ctx.counters.get(this.scope, 'written');
    this.bytes = ctx.counters.get(this.scope, 'bytes');
    this.cycles = ctx.counters.get(this.scope, 'cycles');
    const discarded = {} as Record<MmdfDiscardReason, Counter>;
    for (const reason of DISCARD_REASONS) discarded[reason] = ctx.counters.get(this.scope, 'discarded', reason);
    this.discarded = discarded;
    const s = this.settings;
    this.file = s === null ? null : new MmdfLogFile({
      file: s.file, fileMode: config.file_mode, dirMode: config.dir_mode, create: config.create, stat: s.stat,
      maxBlocks: s.maxBlocks, timedReopenMs: config.timed_reopen_secs * 1000,
    }, s.tag, this.events());
  }

  /** The settings in effect (tailor file applied), or null when they have a problem. */
  get effective(): MmdfSettings | null {
    return this.settings;
  }

  async open(): Promise<void> {
    if (this.file === null) throw new Error(`${this.scope}: ${this.problem ?? 'bad settings'}`);
    if (this.state !== 'new') return;
    this.state = 'open';
    // A missing file with create = false is not an error: MMDF's log is simply off (said once).
    await this.file.prepare().catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${this.scope}: cannot open ${this.file!.path}: ${err.message}`);
    });
  }

  write(batch: readonly LogRecord[]): void {
    const file = this.file;
    if (file === null || this.state === 'closing' || this.state === 'closed') {
      this.discarded.closed.value += batch.length;
      return;
    }
    const level = this.settings!.level;
    const hardLimit = QUEUE_HIGH_WATER_BYTES * 2;
    for (const rec of batch) {
      if (!mmdfWritten(mmdfValueOf(rec), level)) {
        this.discarded.level.value++;
        continue;
      }
      if (this.queue.queued >= hardLimit) {
        this.discarded.queue_overflow.value++;
        continue;
      }
      this.queue.queued += file.append(rec);
    }
    file.kick();
    this.queue.endBatch();
  }

  get busy(): boolean {
    return this.queue.full;
  }

  onDrain(cb: () => void): void {
    this.queue.onDrain(cb);
  }

  async flush(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.file) await this.file.flush();
  }

  async reopen(): Promise<void> {
    if (this.file && this.state === 'open') await this.file.reopen();
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.state = 'closing';
      this.closing = (async () => {
        if (this.file) await this.file.close();
        this.state = 'closed';
      })();
    }
    return this.closing;
  }

  private events(): LogFileEvents {
    return {
      written: (entries, bytes) => {
        this.written.value += entries;
        this.bytes.value += bytes;
      },
      lost: (entries, reason) => { this.discarded[reason].value += entries; },
      released: (bytes) => this.queue.release(bytes),
      cycled: (times) => { this.cycles.value += times; },
      stopped: (why, size) => {
        const limit = this.settings!.maxBlocks * BLOCK_BYTES;
        this.ctx.log.warning(why === 'full'
          ? `${this.scope}: ${this.file!.path} is full (${size} bytes, limit ${limit}): entries are discarded until it is rotated (reopen)`
          : `${this.scope}: ${this.file!.path} cycled and grew past its limit + 1 block (${size} bytes): entries are discarded until it is rotated (reopen)`);
      },
      missing: () => this.ctx.log.warning(`${this.scope}: ${this.file!.path} does not exist and create = false: entries are discarded until it appears`),
      error: (op, err) => this.reportError(op, err),
    };
  }

  private reportError(op: LogOp, err: NodeJS.ErrnoException): void {
    const code = err.code ?? 'EUNKNOWN';
    this.ctx.counters.get(this.scope, 'errors', code).value++;
    const now = Date.now();
    if (now - this.errorLoggedAt < ERROR_LOG_INTERVAL_MS) {
      this.errorsSuppressed++;
      return;
    }
    const more = this.errorsSuppressed > 0 ? ` (${this.errorsSuppressed} more errors in the last minute)` : '';
    this.errorLoggedAt = now;
    this.errorsSuppressed = 0;
    this.ctx.log.error(`${this.scope}: cannot ${op} ${this.file?.path ?? ''}: ${err.message}${more}`);
  }
}
