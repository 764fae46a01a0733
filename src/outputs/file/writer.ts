// One log file of the file output. Owns: the file's fd, the bytes formatted for it and not yet
// written (`pending`), and the one operation in flight on it.
// Invariants: at most one open/write/fsync/close in flight per file, so bytes reach the file in
// the order they were appended; a buffer is written whole (short writes are continued); records
// that arrive during a write are gathered into the next one (one write per batch, not per record).
// Failure: an open or write error is reported through `events` with the records it cost, the fd is
// closed, and the next append opens the path again. Nothing here throws to the caller.

import fs from 'node:fs';
import path from 'node:path';
import type { LogRecord } from '../../record.js';
import type { Formatter } from '../../syslog/formatter.js';
import { ByteSink } from '../../util/bytesink.js';
import { makeDirs } from '../../util/dirs.js';

export interface WriterOptions {
  readonly fileMode: number;
  readonly dirMode: number;
  readonly fsync: boolean;
  readonly flushIntervalMs: number;
}

export type WriterOp = 'open' | 'write' | 'fsync' | 'close';

/** What a writer tells its output. Every appended record ends in exactly one `written` or `lost`. */
export interface WriterEvents {
  written(records: number, bytes: number): void;
  lost(records: number, bytes: number, reason: 'open_failed' | 'write_failed'): void;
  error(writer: FileWriter, op: WriterOp, err: NodeJS.ErrnoException): void;
}

/** With flush_interval_ms > 0, a write starts early once this much is pending. */
export const COALESCE_MAX_BYTES = 1024 * 1024;
/** Buffers that grew past this in a burst are dropped after use rather than kept. */
const KEEP_BUFFER_BYTES = 4 * 1024 * 1024;
const INITIAL_BUFFER_BYTES = 16 * 1024;
const LF = 0x0a;
const LF_BUF = Buffer.from('\n');

export class FileWriter {
  /** When the output last appended to this file (ms); the output's LRU and idle sweep read it. */
  lastUsed = 0;
  /** Rate limit of error messages, kept by the output. */
  errorLoggedAt = -Infinity;
  errorsSuppressed = 0;
  /** Batch sequence number of the output's last append (for its touched list). */
  mark = 0;

  private fd: number | null = null;
  private pending = new ByteSink(INITIAL_BUFFER_BYTES);
  private spare = new ByteSink(INITIAL_BUFFER_BYTES);
  private pendingRecords = 0;
  private pendingSince = 0;
  /** A failed write stopped inside a line: start the next write on a new line. */
  private midLine = false;
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private appended = 0;
  private completed = 0;
  private flushWaiters: { target: number; resolve: () => void }[] = [];
  private reopenWaiters: (() => void)[] = [];
  private closeWaiters: (() => void)[] = [];

  /** `after`: the close of an earlier writer of the same path, which must finish first. */
  constructor(readonly path: string, private readonly opts: WriterOptions,
    private readonly events: WriterEvents, private after: Promise<void> | null = null) {}

  /** Formats one record into the pending buffer; returns the bytes it added, or -1 if the formatter threw. */
  append(rec: LogRecord, format: Formatter): number {
    const sink = this.pending;
    const before = sink.len;
    try {
      format(rec, sink);
    } catch {
      sink.len = before;
      return -1;
    }
    if (this.pendingRecords++ === 0) this.pendingSince = Date.now();
    this.appended++;
    return sink.len - before;
  }

  /** Starts writing what is pending (now, or when flush_interval_ms is up). Call once per batch. */
  kick(): void {
    if (this.running) return;
    if (this.timer !== null && this.pending.len < COALESCE_MAX_BYTES) return;
    this.start();
  }

  /** True when nothing is pending or in flight. */
  get idle(): boolean {
    return !this.running && this.pendingRecords === 0 && this.timer === null;
  }

  /** Resolves when every record appended so far has been written (or counted lost). */
  flush(): Promise<void> {
    const target = this.appended;
    if (this.completed >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push({ target, resolve });
      this.start();
    });
  }

  /** Closes the fd once the write in flight is done; the next write opens the path afresh. */
  reopen(): Promise<void> {
    if (this.fd === null && !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      this.reopenWaiters.push(resolve);
      this.start();
    });
  }

  /** Writes everything pending, then closes the fd. Nothing may be appended afterwards. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      this.start();
    });
  }

  /** Opens (creating) the file now, so a bad path fails at start. Rejects with the OS error. */
  async prepare(): Promise<void> {
    if (this.fd !== null || this.running) return;
    this.running = true;
    try {
      this.fd = await this.openFile();
    } finally {
      this.running = false;
      this.start(); // anything appended or requested meanwhile
    }
  }

  private start(): void {
    if (this.running) return;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.running = true;
    void this.run();
  }

  // Every step catches its own errors, so this promise never rejects. Each branch awaits and then
  // looks again: anything requested meanwhile is seen before `running` is cleared.
  private async run(): Promise<void> {
    if (this.after) {
      await this.after;
      this.after = null;
    }
    for (;;) {
      if (this.reopenWaiters.length > 0) {
        const waiters = this.reopenWaiters;
        this.reopenWaiters = [];
        await this.closeFd();
        for (const w of waiters) w();
        continue;
      }
      if (this.pendingRecords > 0 && !this.shouldGather()) {
        await this.writePending();
        continue;
      }
      if (this.pendingRecords === 0 && this.closeWaiters.length > 0) {
        const waiters = this.closeWaiters;
        this.closeWaiters = [];
        await this.closeFd();
        for (const w of waiters) w();
        continue;
      }
      break;
    }
    this.running = false;
  }

  /** With flush_interval_ms, waits (arming a timer) until the oldest pending record is due. */
  private shouldGather(): boolean {
    const interval = this.opts.flushIntervalMs;
    if (interval <= 0 || this.flushWaiters.length > 0 || this.closeWaiters.length > 0) return false;
    if (this.pending.len >= COALESCE_MAX_BYTES) return false;
    const wait = this.pendingSince + interval - Date.now();
    if (wait <= 0) return false;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, wait);
    this.timer.unref();
    return true;
  }

  private async writePending(): Promise<void> {
    const sink = this.pending;
    const records = this.pendingRecords;
    this.pending = this.spare;
    this.pendingRecords = 0;
    const len = sink.len;
    let off = 0;
    let op: WriterOp = 'open';
    try {
      if (this.fd === null) this.fd = await this.openFile();
      op = 'write';
      if (this.midLine) {
        await writeAll(this.fd, LF_BUF, 0, 1);
        this.midLine = false;
      }
      while (off < len) off += await writeAsync(this.fd, sink.buf, off, len - off);
      this.events.written(records, len);
    } catch (err) {
      const lostRecords = op === 'open' ? records : countLines(sink.buf, off, len);
      if (off < len && off > 0 && sink.buf[off - 1] !== LF) this.midLine = true;
      if (records > lostRecords) this.events.written(records - lostRecords, off);
      this.events.lost(lostRecords, len - off, op === 'open' ? 'open_failed' : 'write_failed');
      this.events.error(this, op, err as NodeJS.ErrnoException);
      await this.closeFd();
    }
    if (this.opts.fsync && this.fd !== null) {
      try {
        await fdatasyncAsync(this.fd);
      } catch (err) {
        this.events.error(this, 'fsync', err as NodeJS.ErrnoException);
      }
    }
    this.completed += records;
    sink.reset();
    this.spare = sink.buf.length > KEEP_BUFFER_BYTES ? new ByteSink(INITIAL_BUFFER_BYTES) : sink;
    while (this.flushWaiters.length > 0 && this.flushWaiters[0]!.target <= this.completed) this.flushWaiters.shift()!.resolve();
  }

  private async closeFd(): Promise<void> {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    try {
      await new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
    } catch (err) {
      this.events.error(this, 'close', err as NodeJS.ErrnoException);
    }
  }

  // Opens for append; a file this writer creates gets file_mode exactly (fchmod ignores the
  // umask), one that exists keeps the mode it has. Missing directories are created with dir_mode.
  private async openFile(): Promise<number> {
    const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK } = fs.constants;
    // O_NONBLOCK: a FIFO put where a log file belongs fails with ENXIO instead of hanging a thread.
    const flags = O_WRONLY | O_APPEND | O_NONBLOCK;
    for (let attempt = 0; ; attempt++) {
      try {
        return await openAsync(this.path, flags, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
      }
      let fd: number;
      try {
        fd = await openAsync(this.path, flags | O_CREAT | O_EXCL, this.opts.fileMode);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue; // created by someone else meanwhile: open it as it is
        if (code !== 'ENOENT') throw err;
        await makeDirs(path.dirname(this.path), this.opts.dirMode);
        continue;
      }
      try {
        await new Promise<void>((resolve, reject) => fs.fchmod(fd, this.opts.fileMode, (e) => (e ? reject(e) : resolve())));
        if (this.opts.fsync) await syncDir(path.dirname(this.path));
      } catch (err) {
        fs.close(fd, () => {});
        throw err;
      }
      return fd;
    }
  }
}

function openAsync(file: string, flags: number, mode: number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}

function writeAsync(fd: number, buf: Buffer, off: number, len: number): Promise<number> {
  return new Promise((resolve, reject) => fs.write(fd, buf, off, len, null, (e, n) => (e ? reject(e) : resolve(n))));
}

async function writeAll(fd: number, buf: Buffer, off: number, len: number): Promise<void> {
  while (len > 0) {
    const n = await writeAsync(fd, buf, off, len);
    off += n;
    len -= n;
  }
}

function fdatasyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
}

/** Makes the new file's name durable too: fsync its directory. */
async function syncDir(dir: string): Promise<void> {
  const fd = await openAsync(dir, fs.constants.O_RDONLY, 0);
  try {
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
  } finally {
    fs.close(fd, () => {});
  }
}

/** Lines that end in buf[from, to): records a failed write did not finish. */
function countLines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}
