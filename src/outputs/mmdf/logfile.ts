// The file of an `mmdf` output. Owns: its fd, the entries formatted and not yet written, the one
// operation in flight, and the file state the size rules need (write position, cycled or not).
// Invariants: one open/write/close in flight, so entries reach the file in order; a batch is one
// write (writev) when appending, one per contiguous piece when cycling (positional writes, the
// fd opened without O_APPEND); every appended entry ends in exactly one `written` or `lost`.
// Modes, from stat: close → open, write the batch, close; timed → held open, closed and reopened
// once opened longer than timed_reopen_secs; otherwise held open, with the OPEN header line before
// the first entry after each open. cycle only counts without close, as in MMDF.
// Failure: an open or write error is reported through `events` with the entries it cost, the fd is
// closed, and the next batch opens again. A full log refuses entries until `reopen()`. Nothing
// here throws to the caller.

import fs from 'node:fs';
import path from 'node:path';
import { MMDF_STAT } from '../../dialects/mmdf/index.js';
import type { LogRecord } from '../../record.js';
import { ByteSink } from '../../util/bytesink.js';
import { EntryFormatter } from './entry.js';
import { fstatAsync, makeDirs, openAsync, writePiece } from './io.js';
import { CYCLED_CLOSE, place, type FileState } from './layout.js';

export interface LogFileOptions {
  readonly file: string;
  readonly fileMode: number;
  readonly dirMode: number;
  readonly create: boolean;
  readonly stat: number;
  /** Limit in 1 KiB blocks; 0 = none. */
  readonly maxBlocks: number;
  readonly timedReopenMs: number;
}

export type LostReason = 'log_full' | 'missing' | 'open_failed' | 'write_failed';
export type LogOp = 'open' | 'stat' | 'write' | 'close';

/** What the file tells its output. */
export interface LogFileEvents {
  /** Entries written, and bytes put in the file (headers and cycle markers included). */
  written(entries: number, bytes: number): void;
  lost(entries: number, reason: LostReason): void;
  /** Bytes of formatted entries that left the queue (written or lost). */
  released(bytes: number): void;
  cycled(times: number): void;
  /** The log stopped taking entries; said once per stop. */
  stopped(why: 'full' | 'gave_up', sizeBytes: number): void;
  /** The file is missing and create is off; said once until it is found. */
  missing(): void;
  error(op: LogOp, err: NodeJS.ErrnoException): void;
}

const INITIAL_BUFFER_BYTES = 16 * 1024;
const KEEP_BUFFER_BYTES = 4 * 1024 * 1024;

interface Batch {
  sink: ByteSink;
  ends: number[];
  times: number[];
  tags: string[];
}

const newBatch = (): Batch => ({ sink: new ByteSink(INITIAL_BUFFER_BYTES), ends: [], times: [], tags: [] });

export class MmdfLogFile {
  readonly closeEach: boolean;
  readonly timed: boolean;
  readonly cycle: boolean;
  /** Held open without timed: short prefixes and an OPEN header per open. */
  readonly heldOpen: boolean;
  readonly formatter: EntryFormatter;

  private fd: number | null = null;
  private openedAt = 0;
  private needHeader = false;
  private stop: 'full' | 'gave_up' | null = null;
  private missingSaid = false;
  /** The file the state belongs to, to continue in it after a reopen. */
  private ino = -1;
  private dev = -1;
  private readonly state: FileState;

  private pending = newBatch();
  private spare = newBatch();
  private appended = 0;
  private completed = 0;
  private running = false;
  private flushWaiters: { target: number; resolve: () => void }[] = [];
  private reopenWaiters: (() => void)[] = [];
  private closeWaiters: (() => void)[] = [];

  constructor(private readonly opts: LogFileOptions, tag: string | null, private readonly events: LogFileEvents) {
    this.closeEach = (opts.stat & MMDF_STAT.close) !== 0;
    this.timed = !this.closeEach && (opts.stat & (MMDF_STAT.timed & ~MMDF_STAT.wait)) !== 0;
    this.cycle = !this.closeEach && (opts.stat & MMDF_STAT.cycle) !== 0;
    this.heldOpen = !this.closeEach && !this.timed;
    this.formatter = new EntryFormatter(!this.heldOpen, tag);
    this.state = { pos: 0, size: 0, ownEnd: 0, cycled: false, maxBlocks: opts.maxBlocks };
  }

  get path(): string {
    return this.opts.file;
  }

  /** Formats one record into the queue; returns the bytes it added. */
  append(rec: LogRecord): number {
    const b = this.pending;
    const before = b.sink.len;
    this.formatter.append(rec, b.sink);
    b.ends.push(b.sink.len);
    if (this.heldOpen) {
      b.times.push(rec.time);
      b.tags.push(this.formatter.tagOf(rec));
    }
    this.appended++;
    return b.sink.len - before;
  }

  /** Starts writing what is queued. Call once per batch. */
  kick(): void {
    if (this.pending.ends.length > 0) this.start();
  }

  /** Resolves when every entry appended so far is written or counted lost. */
  flush(): Promise<void> {
    const target = this.appended;
    if (this.completed >= target) return Promise.resolve();
    return new Promise((resolve) => {
      this.flushWaiters.push({ target, resolve });
      this.start();
    });
  }

  /** Closes the file after the write in flight; the next batch opens it again and a full log looks again. */
  reopen(): Promise<void> {
    return new Promise((resolve) => {
      this.reopenWaiters.push(resolve);
      this.start();
    });
  }

  /** Writes what is queued, then closes. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      this.start();
    });
  }

  /** Opens (creating, unless create is off) now, so a bad path fails at start. Rejects with the OS error. */
  async prepare(): Promise<void> {
    if (this.fd !== null || this.running) return;
    this.running = true;
    try {
      const r = await this.openFile();
      if (r === 'missing') {
        this.missingSaid = true;
        this.events.missing();
      } else if (await this.adopt(r)) {
        if (this.closeEach) await this.closeFd();
      }
    } finally {
      this.running = false;
      this.start(); // anything appended or requested meanwhile
    }
  }

  private start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  // Every step catches its own errors, so this promise never rejects.
  private async run(): Promise<void> {
    for (;;) {
      if (this.reopenWaiters.length > 0) {
        const waiters = this.reopenWaiters;
        this.reopenWaiters = [];
        await this.closeFd();
        this.stop = null;
        this.missingSaid = false;
        for (const w of waiters) w();
        continue;
      }
      if (this.pending.ends.length > 0) {
        await this.writePending();
        continue;
      }
      if (this.closeWaiters.length > 0) {
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

  private async writePending(): Promise<void> {
    const batch = this.pending;
    this.pending = this.spare;
    const count = batch.ends.length;
    const len = batch.sink.len;
    try {
      await this.writeBatch(batch, count);
    } finally {
      this.completed += count;
      this.events.released(len);
      batch.sink.reset();
      batch.ends.length = batch.times.length = batch.tags.length = 0;
      this.spare = batch.sink.buf.length > KEEP_BUFFER_BYTES ? newBatch() : batch;
      while (this.flushWaiters.length > 0 && this.flushWaiters[0]!.target <= this.completed) this.flushWaiters.shift()!.resolve();
    }
  }

  private async writeBatch(batch: Batch, count: number): Promise<void> {
    if (this.stop !== null) {
      this.events.lost(count, 'log_full');
      return;
    }
    if (this.fd !== null && this.timed && Date.now() - this.openedAt > this.opts.timedReopenMs) await this.closeFd();
    if (this.fd === null) {
      let r: number | 'missing';
      try {
        r = await this.openFile();
      } catch (err) {
        this.events.lost(count, 'open_failed');
        this.events.error('open', err as NodeJS.ErrnoException);
        return;
      }
      if (r === 'missing') {
        this.events.lost(count, 'missing');
        if (!this.missingSaid) this.events.missing();
        this.missingSaid = true;
        return;
      }
      this.missingSaid = false;
      if (!(await this.adopt(r))) {
        this.events.lost(count, 'open_failed');
        return;
      }
    } else if (!(await this.restat())) {
      this.events.lost(count, 'write_failed');
      await this.closeFd();
      return;
    }

    const fd = this.fd!;
    const s = this.state;
    const header = (i: number): Buffer | null => {
      if (!this.needHeader) return null;
      this.needHeader = false;
      return EntryFormatter.openHeader(batch.times[i] ?? Date.now(), batch.tags[i] ?? '', fd);
    };
    const placed = place(s, { buf: batch.sink.buf, ends: batch.ends, count }, this.cycle, header);
    if (placed.cycles > 0) this.events.cycled(placed.cycles);
    let failed = false;
    for (const [k, piece] of placed.pieces.entries()) {
      try {
        await writePiece(fd, piece);
        this.events.written(piece.entries, piece.bytes);
      } catch (err) {
        const rest = placed.pieces.slice(k).reduce((n, p) => n + p.entries, 0);
        this.events.lost(rest, 'write_failed');
        this.events.error('write', err as NodeJS.ErrnoException);
        failed = true;
        break;
      }
    }
    if (placed.stop !== null) {
      this.events.lost(count - placed.accepted, 'log_full');
      this.stop = placed.stop;
      this.events.stopped(placed.stop, s.size);
    }
    // MMDF closes a log that is full or failed; a close-mode log closes after every write.
    if (failed || placed.stop !== null || this.closeEach) await this.closeFd(!failed);
  }

  /** Takes a newly opened fd: reads its size and sets the write position. */
  private async adopt(fd: number): Promise<boolean> {
    this.fd = fd;
    this.openedAt = Date.now();
    this.needHeader = this.heldOpen;
    let st: fs.Stats;
    try {
      st = await fstatAsync(fd);
    } catch (err) {
      this.events.error('stat', err as NodeJS.ErrnoException);
      await this.closeFd(false);
      return false;
    }
    const s = this.state;
    const same = st.ino === this.ino && st.dev === this.dev;
    this.ino = st.ino;
    this.dev = st.dev;
    // A cycled log reopened (timed, or a HUP that found the same file) goes on where its newest
    // entry ends, over the close marker; MMDF starts at the end and would wrap again at once.
    if (this.cycle && same && s.cycled && st.size >= s.pos) {
      s.size = st.size;
      return true;
    }
    s.pos = s.size = s.ownEnd = st.size;
    s.cycled = false;
    s.maxBlocks = this.opts.maxBlocks;
    return true;
  }

  /** The size now, for the size rules: other processes may append to a shared log. */
  private async restat(): Promise<boolean> {
    let st: fs.Stats;
    try {
      st = await fstatAsync(this.fd!);
    } catch (err) {
      this.events.error('stat', err as NodeJS.ErrnoException);
      return false;
    }
    const s = this.state;
    if (!this.cycle) {
      s.pos = s.size = st.size;
    } else if (st.size < s.pos) {
      // Cut shorter under us (copytruncate): start again at its end.
      s.pos = s.size = s.ownEnd = st.size;
      s.cycled = false;
      s.maxBlocks = this.opts.maxBlocks;
    } else {
      s.size = st.size;
    }
    return true;
  }

  /** Closes the fd; after a cycle, first marks the end of the newest entries as ll_close() does. */
  private async closeFd(mark = true): Promise<void> {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    if (mark && this.cycle && this.state.cycled) {
      try {
        await writePiece(fd, { position: this.state.pos, bufs: [CYCLED_CLOSE], bytes: CYCLED_CLOSE.length, entries: 0 });
        this.events.written(0, CYCLED_CLOSE.length);
      } catch (err) {
        this.events.error('write', err as NodeJS.ErrnoException);
      }
    }
    try {
      await new Promise<void>((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
    } catch (err) {
      this.events.error('close', err as NodeJS.ErrnoException);
    }
  }

  // MMDF opens without O_CREAT, so a missing log is off; this creates it (file_mode exactly, as
  // fchmod ignores the umask) unless create is off. A cycling log is opened without O_APPEND,
  // since Linux appends every write of an O_APPEND fd whatever position it names.
  private async openFile(): Promise<number | 'missing'> {
    const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL, O_NONBLOCK } = fs.constants;
    // O_NONBLOCK: a FIFO put where the log belongs fails with ENXIO instead of hanging a thread.
    const flags = O_WRONLY | O_NONBLOCK | (this.cycle ? 0 : O_APPEND);
    const file = this.opts.file;
    for (let attempt = 0; ; attempt++) {
      try {
        return await openAsync(file, flags, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
        if (!this.opts.create) return 'missing';
      }
      let fd: number;
      try {
        fd = await openAsync(file, flags | O_CREAT | O_EXCL, this.opts.fileMode);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        if (code !== 'ENOENT') throw err;
        await makeDirs(path.dirname(file), this.opts.dirMode);
        continue;
      }
      try {
        await new Promise<void>((resolve, reject) => fs.fchmod(fd, this.opts.fileMode, (e) => (e ? reject(e) : resolve())));
      } catch (err) {
        fs.close(fd, () => {});
        throw err;
      }
      return fd;
    }
  }
}
