// `emg` output: writes records as EMG writes its own logs, under one directory: `general` (INFO
// and more severe), `debug` (DEBUG, DEBUG2), `connector.<instance>` and `pdu.<instance>` (see
// route.ts for which record goes where). Owns: one RotatingWriter (one fd) per file, at most
// max_open_files of them in an LRU; a writer closed to make room is waited for before the same
// file is opened again.
// Invariants: order kept per file; a batch costs one write per file it touches; an instance name
// becomes one harmless file name segment, so no record names a file outside the directory;
// no instance's file looks like another's rotated file; every record ends written or counted as
// discarded with a reason.
// Failure: a directory outside the log root or a general/debug file that cannot be opened fails
// `open()`; later open, write and rename errors are logged (once a minute) and counted by errno.
// write() never throws.

import path from 'node:path';
import type { Output, OutputContext } from '../../component.js';
import type { LogRecord } from '../../record.js';
import { writeEscaped, writeField } from '../../syslog/escape.js';
import type { Formatter } from '../../syslog/formatter.js';
import { sanitizeValue } from '../file/path.js';
import type { WriterOptions } from '../file/writer.js';
import { OutputAccounting } from '../rotation/accounting.js';
import type { Naming } from '../rotation/naming.js';
import type { RotationPolicy } from '../rotation/policy.js';
import { RotatingWriter, type Clock } from '../rotation/writer.js';
import { emgLogDir, type EmgOutputConfig } from './config.js';
import { emgTarget, serverHead, type EmgTarget } from './route.js';

export { emgOutputSpec, checkEmgOutput, emgLogDir, type EmgOutputConfig } from './config.js';
export { emgTarget } from './route.js';

const LF = 0x0a;

export function createEmgOutput(config: EmgOutputConfig, ctx: OutputContext): Output {
  return new EmgOutput(config, ctx);
}

/**
 * An instance as one file name segment: sanitised like a path value, and with `.` made `_`, so
 * that no instance's file (`connector.a.1`) can be taken for a rotated file of another
 * (`connector.a`) and be renamed or deleted by its rotation.
 */
export function instanceName(instance: string): string {
  return sanitizeValue(instance).replaceAll('.', '_');
}

interface Slot {
  writer: RotatingWriter;
  mark: number;
}

export class EmgOutput implements Output {
  private readonly acct: OutputAccounting;
  private readonly dir: string | null;
  private readonly problem: string | null;
  private readonly policy: RotationPolicy;
  private readonly naming: Naming;
  private readonly opts: WriterOptions;
  /** Open files by name (`general`, `connector.2`), least recently used first. */
  private readonly slots = new Map<string, Slot>();
  /** Closes of writers evicted to make room, by file name. */
  private readonly retiring = new Map<string, Promise<void>>();
  private readonly touched: RotatingWriter[] = [];
  private seq = 0;
  private state: 'new' | 'open' | 'closing' = 'new';
  private closing: Promise<void> | null = null;
  /** The target of the record being formatted (set just before append). */
  private target: EmgTarget | null = null;
  private readonly format: Formatter;

  constructor(private readonly config: EmgOutputConfig, ctx: OutputContext, private readonly clock: Clock = Date.now,
    env: NodeJS.ProcessEnv = process.env) {
    this.acct = new OutputAccounting(ctx, config.queue_max_bytes);
    const d = emgLogDir(config, ctx.logRoot, env);
    this.dir = d.ok ? d.dir : null;
    this.problem = d.ok ? null : `${d.key}: ${d.error}`;
    const bySize = config.max_size_kb > 0;
    this.policy = Object.freeze({
      maxBytes: config.max_size_kb * 1024, maxAgeMs: bySize ? 0 : config.rotate_interval_secs * 1000, period: 'none',
    });
    this.naming = { kind: bySize ? 'numbered' : 'timestamped', keep: config.max_files };
    this.opts = { fileMode: config.file_mode, dirMode: config.dir_mode, fsync: config.fsync, flushIntervalMs: 0 };
    const logYear = config.log_year;
    this.format = (rec, out) => {
      const t = this.target!;
      if (t.start >= 0) {
        writeEscaped(out, rec.raw, t.start, rec.raw.length);
      } else {
        writeField(out, serverHead(rec, (t as { level: number }).level, logYear));
        const msg = rec.raw;
        writeEscaped(out, msg, rec.msgOffset, msg.length);
      }
      out.byte(LF);
    };
  }

  /** The directory written to (EMGLOGDIR or `dir`), or null when it is outside the log root. */
  get directory(): string | null {
    return this.dir;
  }

  async open(): Promise<void> {
    if (this.dir === null) throw new Error(`${this.acct.scope}: ${this.problem ?? ''}`);
    if (this.state !== 'new') return;
    this.state = 'open';
    // general and debug are opened now, so that a directory that cannot be written stops the start.
    for (const name of ['general', 'debug']) {
      const w = this.writerFor(name);
      await w.open().catch((err: NodeJS.ErrnoException) => {
        throw new Error(`${this.acct.scope}: cannot open ${w.path}: ${err.message}`);
      });
    }
  }

  write(batch: readonly LogRecord[]): void {
    if (this.state === 'closing' || this.dir === null) {
      this.acct.discarded.closed.value += batch.length;
      return;
    }
    const seq = ++this.seq;
    for (const rec of batch) {
      if (!this.acct.admit()) continue;
      const target = emgTarget(rec);
      const name = target.kind === 'connector' || target.kind === 'pdu'
        ? `${target.kind}.${instanceName(target.instance)}`
        : target.kind;
      const slot = this.slotFor(name);
      if (slot.mark !== seq) {
        slot.mark = seq;
        this.touched.push(slot.writer);
      }
      this.target = target;
      this.acct.appended(slot.writer.append(rec, this.format));
    }
    this.target = null;
    for (const w of this.touched) w.kick();
    this.touched.length = 0;
    this.acct.endBatch();
  }

  get busy(): boolean {
    return this.acct.busy;
  }

  onDrain(cb: () => void): void {
    this.acct.onDrain(cb);
  }

  async flush(): Promise<void> {
    if (this.closing) return this.closing;
    await Promise.all([...[...this.slots.values()].map((s) => s.writer.flush()), ...this.retiring.values()]);
  }

  async reopen(): Promise<void> {
    await Promise.all([...[...this.slots.values()].map((s) => s.writer.reopen()), ...this.retiring.values()]);
  }

  close(): Promise<void> {
    if (!this.closing) {
      this.state = 'closing';
      const all = [...this.slots.values()].map((s) => s.writer.close());
      this.slots.clear();
      this.closing = Promise.all([...all, ...this.retiring.values()]).then(() => undefined);
    }
    return this.closing;
  }

  private writerFor(name: string): RotatingWriter {
    return this.slotFor(name).writer;
  }

  /** The slot of a file, most recently used now; closes the least recently used when full. */
  private slotFor(name: string): Slot {
    let slot = this.slots.get(name);
    if (slot) {
      if (slot.mark !== this.seq) {
        // The LRU order is refreshed once per file per batch.
        this.slots.delete(name);
        this.slots.set(name, slot);
      }
      return slot;
    }
    if (this.slots.size >= this.config.max_open_files) {
      const [oldName, oldest] = this.slots.entries().next().value!;
      this.slots.delete(oldName);
      const done: Promise<void> = oldest.writer.close().then(() => {
        if (this.retiring.get(oldName) === done) this.retiring.delete(oldName);
      });
      this.retiring.set(oldName, done);
    }
    const writer = new RotatingWriter(path.join(this.dir!, name), this.policy, this.naming, this.opts, this.acct.events,
      this.clock, this.retiring.get(name) ?? null);
    slot = { writer, mark: 0 };
    this.slots.set(name, slot);
    return slot;
  }
}
