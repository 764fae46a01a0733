// `momentum` output: writes Momentum's ec_logger files (mainlog, rejectlog, paniclog, acctlog and,
// when configured, importlog) so Momentum's admins and tools read maillogd's files as their own.
// Momentum records go to their own log byte for byte; a record of any other dialect that carries
// a disposition becomes a mainlog, rejectlog or paniclog line (route.ts). Heartbeat markers go to
// the mainlog and the rejectlog every heartbeat_secs.
// Owns: one FileWriter (one fd) per configured log, and the heartbeat timer.
// Invariants: write() never throws or blocks; order is kept per log; every record ends written or
// counted as discarded with a reason (no_disposition, switched_off, log_off, format_error,
// open_failed, write_failed, queue_overflow, closed); reopen() closes every file and opens it
// again at its path (Momentum's `reopen logs`), so a renamed file keeps the lines written before.
// Failure: an open or write error is logged (once per file per minute) and counted by errno; the
// next batch tries again.

import { OutputQueue } from '../queue.js';
import type { Output, OutputContext } from '../../component.js';
import { LogRecord } from '../../record.js';
import type { Formatter } from '../../syslog/formatter.js';
import type { Counter } from '../../telemetry/counters.js';
import { heartbeatLine } from '../../dialects/momentum/index.js';
import { FileWriter, type WriterEvents, type WriterOp } from '../file/writer.js';
import { checkMomentumOutput, logPaths, MOMENTUM_LOGS, type MomentumLogName, type MomentumOutputConfig } from './config.js';
import { lineOf, targetOf } from './route.js';

export { momentumOutputSpec, checkMomentumOutput, MOMENTUM_LOGS, type MomentumOutputConfig, type MomentumLogName } from './config.js';
export { targetOf, lineOf, type Target, type MomentumSwitch } from './route.js';

/** Bytes queued above which the output is busy; free again below half; above twice this, discarded. */
export const QUEUE_HIGH_WATER_BYTES = 16 * 1024 * 1024;
const ERROR_LOG_INTERVAL_MS = 60_000;
const LF = 0x0a;
const CR = 0x0d;

export type MomentumDiscardReason = 'no_disposition' | 'switched_off' | 'log_off' | 'format_error' |
  'open_failed' | 'write_failed' | 'queue_overflow' | 'closed';
const DISCARD_REASONS: readonly MomentumDiscardReason[] = ['no_disposition', 'switched_off', 'log_off',
  'format_error', 'open_failed', 'write_failed', 'queue_overflow', 'closed'];

/** The record a heartbeat line is appended with (the formatter does not read it). */
const HEARTBEAT = new LogRecord(Buffer.alloc(0), 0, 'internal', '');

/** A copy of `line` with CR and LF as spaces. */
function oneLine(line: Buffer): Buffer {
  const out = Buffer.from(line);
  for (let i = 0; i < out.length; i++) if (out[i] === LF || out[i] === CR) out[i] = 0x20;
  return out;
}

interface LogFile {
  readonly name: MomentumLogName;
  readonly writer: FileWriter;
  touched: boolean;
}

export function createMomentumOutput(config: MomentumOutputConfig, ctx: OutputContext): Output {
  return new MomentumOutput(config, ctx);
}

export class MomentumOutput implements Output {
  private readonly scope: string;
  private readonly problem: string | null;
  private readonly files: Partial<Record<MomentumLogName, LogFile>> = {};
  private readonly all: LogFile[] = [];
  private state: 'new' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;

  /** The line the formatter writes next: set just before each append. */
  private line: Buffer = Buffer.alloc(0);
  private readonly formatter: Formatter = (_rec, out) => {
    out.bytes(this.line);
    out.byte(LF);
  };

  private readonly queue: OutputQueue;

  private readonly discarded: Readonly<Record<MomentumDiscardReason, Counter>>;

  constructor(private readonly config: MomentumOutputConfig, private readonly ctx: OutputContext) {
    this.scope = `output.${ctx.id}`;
    this.queue = new OutputQueue(QUEUE_HIGH_WATER_BYTES, ctx.log, this.scope);
    const problems = checkMomentumOutput(config, ctx.logRoot);
    this.problem = problems.length ? problems.map(([k, m]) => `${k}: ${m}`).join('; ') : null;
    const discarded = {} as Record<MomentumDiscardReason, Counter>;
    for (const r of DISCARD_REASONS) discarded[r] = ctx.counters.get(this.scope, 'discarded', r);
    this.discarded = discarded;
    if (this.problem) return;
    const paths = logPaths(config, ctx.logRoot);
    for (const name of MOMENTUM_LOGS) {
      const file = paths[name];
      if (file === null) continue;
      const opts = { fileMode: config[`${name}_mode` as const], dirMode: config.dir_mode, fsync: false, flushIntervalMs: 0 };
      const log: LogFile = { name, writer: new FileWriter(file, opts, this.eventsFor(name)), touched: false };
      this.files[name] = log;
      this.all.push(log);
    }
  }

  async open(): Promise<void> {
    if (this.problem) throw new Error(`${this.scope}: ${this.problem}`);
    if (this.state !== 'new') return;
    this.state = 'open';
    // Every log is created now, with its mode, so a path that cannot be written stops the start.
    await Promise.all(this.all.map((f) => f.writer.prepare().catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${this.scope}: cannot open ${f.name} ${f.writer.path}: ${err.message}`);
    })));
    const secs = this.config.heartbeat_secs;
    if (secs > 0 && (this.files.mainlog || this.files.rejectlog)) {
      this.heartbeatTimer = setInterval(() => this.heartbeat(), secs * 1000);
      this.heartbeatTimer.unref();
    }
  }

  write(batch: readonly LogRecord[]): void {
    if (this.state === 'closing' || this.state === 'closed') {
      this.discarded.closed.value += batch.length;
      return;
    }
    const limit = QUEUE_HIGH_WATER_BYTES * 2;
    for (const rec of batch) {
      if (this.queue.queued >= limit) {
        this.discarded.queue_overflow.value++;
        continue;
      }
      const target = targetOf(rec);
      if (target === null) {
        this.discarded.no_disposition.value++;
        continue;
      }
      if (target.switch !== null && !this.config[target.switch]) {
        this.discarded.switched_off.value++;
        continue;
      }
      const file = this.files[target.log];
      if (file === undefined) {
        this.discarded.log_off.value++;
        continue;
      }
      let line: Buffer;
      try {
        line = lineOf(rec, target);
      } catch {
        this.discarded.format_error.value++;
        continue;
      }
      this.append(file, rec, line);
    }
    this.kickTouched();
  }

  get busy(): boolean {
    return this.queue.full;
  }

  onDrain(cb: () => void): void {
    this.queue.onDrain(cb);
  }

  async flush(): Promise<void> {
    if (this.closing) return this.closing;
    await Promise.all(this.all.map((f) => f.writer.flush()));
  }

  /** Momentum's `reopen logs`: every file is closed, then opened (created if it was moved away) at its path. */
  async reopen(): Promise<void> {
    if (this.state !== 'open') return;
    await Promise.all(this.all.map(async (f) => {
      await f.writer.reopen();
      // Records appended before the reopen open the new file as they are written; then a log with
      // nothing to write is opened (created) too, so every file exists when this resolves.
      await f.writer.flush();
      await f.writer.prepare().catch((err: NodeJS.ErrnoException) => this.reportError(f.writer, 'open', err));
    }));
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.state = 'closing';
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
      this.closing = Promise.all(this.all.map((f) => f.writer.close())).then(() => {
        this.state = 'closed';
      });
    }
    return this.closing;
  }

  private heartbeat(): void {
    if (this.state !== 'open' || this.queue.queued >= QUEUE_HIGH_WATER_BYTES * 2) return;
    const epoch = Math.floor(Date.now() / 1000);
    if (this.files.mainlog) this.append(this.files.mainlog, HEARTBEAT, heartbeatLine(epoch, 'mainlog'));
    if (this.files.rejectlog) this.append(this.files.rejectlog, HEARTBEAT, heartbeatLine(epoch, 'rejectlog'));
    this.kickTouched();
  }

  private append(file: LogFile, rec: LogRecord, line: Buffer): void {
    // One record is one line, whatever a field held.
    this.line = line.includes(LF) || line.includes(CR) ? oneLine(line) : line;
    const n = file.writer.append(rec, this.formatter);
    if (n < 0) {
      this.discarded.format_error.value++;
      return;
    }
    this.queue.queued += n;
    file.touched = true;
    if (this.queue.queued >= QUEUE_HIGH_WATER_BYTES) this.queue.full = true;
  }

  private kickTouched(): void {
    for (const f of this.all) {
      if (!f.touched) continue;
      f.touched = false;
      f.writer.kick();
    }
  }

  private eventsFor(name: MomentumLogName): WriterEvents {
    const written = this.ctx.counters.get(this.scope, 'written', name);
    const bytes = this.ctx.counters.get(this.scope, 'bytes', name);
    return {
      written: (records, n) => {
        written.value += records;
        bytes.value += n;
        this.queue.release(n);
      },
      lost: (records, n, reason) => {
        this.discarded[reason].value += records;
        this.queue.release(n);
      },
      error: (writer, op, err) => this.reportError(writer, op, err),
    };
  }

  private reportError(w: FileWriter, op: WriterOp, err: NodeJS.ErrnoException): void {
    this.ctx.counters.get(this.scope, 'errors', err.code ?? 'EUNKNOWN').value++;
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
