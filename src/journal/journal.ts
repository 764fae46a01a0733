// A durable append-only journal in a directory, with the semantics of Momentum's jlog: numbered
// segment files, named subscribers each with a checkpoint, and a segment deleted once every
// subscriber has passed it. Safer than jlog: every record carries a checksum; open() cuts a torn
// tail and reports (never drops quietly, never throws on) damage further in; appends are made
// durable by group commit (one fdatasync for every batch of records, at most fsyncIntervalMs late).

import type crypto from 'node:crypto';
import { lazy } from '../util/lazy.js';
import fs from 'node:fs';
import path from 'node:path';
import { Checkpoints, UnknownSubscriberError, checkSubscriberName, syncDir } from './checkpoints.js';
import { HEADER_SIZE, MAX_PAYLOAD, SEAL_SIZE, putRecordHeader, seal, segmentHeader, segmentName } from './format.js';
import { io } from './io.js';
import { Segment, SegmentStore, type Cursor, type JournalEntry } from './store.js';

/** node:crypto, for the one random id a new journal takes. */
const cryptoLib = lazy<typeof crypto>('node:crypto');

export type { JournalEntry } from './store.js';

export interface JournalOptions {
  /** A segment is closed and a new one started once the next record would take it past this. Default 64 MiB. */
  segmentMaxBytes?: number;
  /** Group commit: pending appends are fsynced at most this long after the first of them. Default 20. */
  fsyncIntervalMs?: number;
  /** ...or as soon as this many are pending. Default 1000. */
  fsyncEveryRecords?: number;
}

export interface JournalRecovery {
  /** Segment files found. */
  segments: number;
  /** Records found in them. */
  records: number;
  /** Bytes cut off the end of the last segment: a torn or corrupt tail, never acknowledged. */
  cutBytes: number;
  /** Damage that could not be cut off without losing what follows it: found at open, and later while reading. */
  errors: string[];
}

export interface JournalStats {
  segments: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  durableSeq: number;
  subscribers: { name: string; checkpoint: number; behind: number }[];
}

const DEFAULTS: Required<JournalOptions> = { segmentMaxBytes: 64 * 1024 * 1024, fsyncIntervalMs: 20, fsyncEveryRecords: 1000 };
const WRITE_BUFFER = 256 * 1024;
const MIN_SEGMENT = HEADER_SIZE * 4 + SEAL_SIZE;

interface Waiter { seq: number; resolve: () => void; reject: (err: Error) => void }

function resolveOptions(o: JournalOptions): Required<JournalOptions> {
  const r = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS) as (keyof JournalOptions)[]) {
    const v = o[k];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < (k === 'fsyncIntervalMs' ? 0 : k === 'segmentMaxBytes' ? MIN_SEGMENT : 1)) {
      throw new RangeError(`journal option ${k}: ${v} is out of range`);
    }
    r[k] = v;
  }
  return r;
}

const ID_FILE = 'id';

function readOrMakeId(dir: string): string {
  const file = path.join(dir, ID_FILE);
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{16,64}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = cryptoLib().randomBytes(8).toString('hex');
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${id}\n`, { mode: 0o640 });
  const fd = fs.openSync(tmp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  syncDir(dir);
  return id;
}

function writeAll(fd: number, buf: Buffer, len: number, pos: number): void {
  for (let off = 0; off < len;) off += fs.writeSync(fd, buf, off, len - off, pos + off);
}

export class Journal {
  readonly dir: string;
  readonly recovered: JournalRecovery;
  /**
   * This journal's identity (the `id` file, made at its first open): a journal made again in the
   * same place (its directory wiped) has another, so readers elsewhere can tell its seqs start anew.
   */
  id = '';

  private readonly opts: Required<JournalOptions>;
  private readonly store: SegmentStore;
  private readonly cps: Checkpoints;
  private readonly cursors = new Map<string, Cursor>();

  private active!: Segment;
  private fd = -1;
  /** End of the active segment, buffered bytes included. */
  private pos = 0;
  private readonly buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private bufLen = 0;
  /** Offset in the active segment where buf starts. */
  private bufAt = 0;

  private last = 0;
  private written = 0;
  private durableUpTo = 0;
  /** Highest seq a finished or running fsync covers. */
  private covered = 0;
  private firstPendingAt = 0;

  private flushTask: NodeJS.Immediate | null = null;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;
  private syncing: Promise<void> | null = null;
  /** File descriptors of closed segments, closed once the running fsync is done with them. */
  private retired: number[] = [];
  private waiters: Waiter[] = [];
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(dir: string, opts: Required<JournalOptions>) {
    this.dir = dir;
    this.opts = opts;
    this.store = new SegmentStore(dir);
    this.cps = new Checkpoints(dir);
    this.recovered = { segments: 0, records: 0, cutBytes: 0, errors: this.store.problems };
  }

  /**
   * Opens the journal in `dir`, creating it if need be, and recovers it: a torn or corrupt tail of
   * the last segment is cut at the last good record; damage anywhere else is reported in
   * `recovered.errors` and what follows it in that segment skipped. Throws only on I/O errors
   * (such as EACCES) and on bad options.
   */
  static open(dir: string, options: JournalOptions = {}): Journal {
    const j = new Journal(path.resolve(dir), resolveOptions(options));
    try {
      j.recover();
      j.id = readOrMakeId(j.dir);
    } catch (err) {
      j.closeFds();
      throw new Error(`journal ${dir}: ${(err as Error).message}`, { cause: err });
    }
    return j;
  }

  private recover(): void {
    const created = fs.mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    if (created !== undefined) syncDir(path.dirname(created));
    fs.mkdirSync(this.cps.dir, { recursive: true, mode: 0o750 });
    this.cps.cleanup();
    this.cps.reload();
    this.store.problems.push(...this.cps.problems);
    const last = this.store.load(true);
    this.recovered.segments = this.store.segments.length;
    this.recovered.records = this.store.recordsFound;
    const next = Math.max(this.store.lastSeq, last?.maxSeq ?? 0, this.cps.max()) + 1;
    this.last = this.written = this.durableUpTo = this.covered = next - 1;
    if (!last) {
      this.startSegment(1, next, false);
      return;
    }
    const seg = last.segment;
    if (last.restart) {
      this.recovered.cutBytes += seg.size;
      this.store.segments.pop();
      this.startSegment(seg.num, next, true);
      return;
    }
    const fd = fs.openSync(seg.file, 'r+');
    try {
      if (last.cutAt !== null) {
        this.recovered.cutBytes += seg.size - last.cutAt;
        fs.ftruncateSync(fd, last.cutAt);
        seg.size = last.cutAt;
      }
      // What a crashed process left in the page cache is not on disk yet.
      io.fsyncSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    if (last.writable && last.headerOk && seg.lastSeq + 1 === next && seg.end === seg.size) {
      this.active = seg;
      this.fd = fd;
      this.pos = this.bufAt = seg.end;
    } else {
      fs.closeSync(fd);
      this.startSegment(seg.num + 1, next, false);
    }
  }

  /** Creates a segment file, makes it and its directory entry durable, and writes to it from now on. */
  private startSegment(num: number, firstSeq: number, replace: boolean): void {
    const seg = new Segment(num, path.join(this.dir, segmentName(num)));
    const fd = fs.openSync(seg.file, replace ? 'w' : 'wx', 0o640);
    try {
      writeAll(fd, segmentHeader(firstSeq, Date.now()), HEADER_SIZE, 0);
      io.fsyncSync(fd);
      syncDir(this.dir);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    seg.firstSeq = firstSeq;
    seg.lastSeq = firstSeq - 1;
    seg.end = seg.size = HEADER_SIZE;
    this.store.push(seg);
    this.active = seg;
    this.fd = fd;
    this.pos = this.bufAt = HEADER_SIZE;
  }

  get lastSeq(): number {
    return this.last;
  }

  get durableSeq(): number {
    return this.durableUpTo;
  }

  private checkOpen(): void {
    if (this.closing) throw new Error(`journal ${this.dir} is closed`);
  }

  /** Appends a record; returns its seq. It is durable once durable(seq) resolves. */
  append(payload: Buffer): number {
    this.checkOpen();
    if (this.failure) throw this.failure;
    if (payload.length > MAX_PAYLOAD) throw new RangeError(`journal record of ${payload.length} bytes: at most ${MAX_PAYLOAD}`);
    const size = HEADER_SIZE + payload.length;
    const seq = this.last + 1;
    try {
      if (this.pos > HEADER_SIZE && this.pos + size + SEAL_SIZE > this.opts.segmentMaxBytes) this.roll();
      if (size > this.buf.length - this.bufLen) this.flush();
      if (size > this.buf.length) {
        const b = Buffer.allocUnsafe(size);
        putRecordHeader(b, 0, seq, Date.now(), payload);
        payload.copy(b, HEADER_SIZE);
        writeAll(this.fd, b, size, this.pos);
        this.bufAt = this.pos + size;
        this.written = seq;
        this.active.end = this.active.size = this.bufAt;
      } else {
        putRecordHeader(this.buf, this.bufLen, seq, Date.now(), payload);
        payload.copy(this.buf, this.bufLen + HEADER_SIZE);
        this.bufLen += size;
        this.flushTask ??= setImmediate(() => this.flushLater());
      }
    } catch (err) {
      throw this.fail(err as Error);
    }
    const seg = this.active;
    seg.index(seq, this.pos);
    seg.lastAt = this.pos;
    seg.lastSeq = seq;
    this.pos += size;
    this.last = seq;
    this.pending();
    return seq;
  }

  /** Hands the buffered records to the operating system. */
  private flush(): void {
    if (this.flushTask) {
      clearImmediate(this.flushTask);
      this.flushTask = null;
    }
    if (this.bufLen === 0) return;
    writeAll(this.fd, this.buf, this.bufLen, this.bufAt);
    this.bufAt += this.bufLen;
    this.bufLen = 0;
    this.written = this.last;
    this.active.end = this.active.size = this.bufAt;
  }

  private flushLater(): void {
    this.flushTask = null;
    if (this.failure) return;
    try {
      this.flush();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** Seals the active segment, makes it durable, and starts the next one. */
  private roll(): void {
    this.flush();
    const old = this.active;
    writeAll(this.fd, seal(old.lastSeq, Date.now(), old.records > 0 ? old.lastAt : 0), SEAL_SIZE, this.pos);
    io.fsyncSync(this.fd);
    old.size = this.pos + SEAL_SIZE;
    old.sealed = true;
    if (this.syncing) this.retired.push(this.fd);
    else fs.closeSync(this.fd);
    this.fd = -1;
    this.synced(this.written);
    this.startSegment(old.num + 1, this.last + 1, false);
    this.reclaim();
  }

  /** Arranges for an fsync after an append: at once past fsyncEveryRecords, else within fsyncIntervalMs. */
  private pending(): void {
    const n = this.last - this.covered;
    if (n === 1) this.firstPendingAt = Date.now();
    if (this.syncing) return;
    if (n >= this.opts.fsyncEveryRecords || this.opts.fsyncIntervalMs === 0) this.syncSoon();
    else this.timer ??= setTimeout(() => this.sync(), this.opts.fsyncIntervalMs);
  }

  private syncSoon(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.soon ??= setImmediate(() => this.sync());
  }

  /** One group commit: writes out the buffer, fdatasyncs the active segment, settles the waiters. */
  private sync(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = this.soon = null;
    if (this.syncing || this.failure) return;
    try {
      this.flush();
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    const target = this.written;
    if (target <= this.durableUpTo) return;
    this.covered = target;
    const fd = this.fd;
    this.syncing = new Promise<void>((resolve) => {
      io.fdatasync(fd, (err) => {
        this.syncing = null;
        for (const r of this.retired) fs.closeSync(r);
        this.retired = [];
        if (err) this.fail(new Error(`journal ${this.dir}: fsync failed: ${err.message}`, { cause: err }));
        else this.synced(target);
        resolve();
        if (!this.failure && this.last > this.covered) {
          const n = this.last - this.covered;
          const wait = this.firstPendingAt + this.opts.fsyncIntervalMs - Date.now();
          if (n >= this.opts.fsyncEveryRecords || wait <= 0) this.syncSoon();
          else this.timer ??= setTimeout(() => this.sync(), wait);
        }
      });
    });
  }

  private synced(upTo: number): void {
    if (upTo > this.durableUpTo) this.durableUpTo = upTo;
    if (upTo > this.covered) this.covered = upTo;
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.seq <= this.durableUpTo) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** The journal cannot go on (a write or fsync failed): every wait fails, and so does every later append. */
  private fail(err: Error): Error {
    this.failure ??= err;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = this.soon = null;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.failure);
    return this.failure;
  }

  /** Resolves once every record up to `seq` is on disk (fsynced); rejects if that fails. */
  durable(seq: number): Promise<void> {
    if (seq <= this.durableUpTo) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    if (seq > this.last) return Promise.reject(new RangeError(`journal ${this.dir}: seq ${seq} was not appended (last is ${this.last})`));
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
    });
  }

  /**
   * Adds a subscriber: from 'end' (the default) it gets only what is appended from now on, from
   * 'begin' everything still kept. An existing subscriber keeps its checkpoint.
   */
  addSubscriber(name: string, from: 'begin' | 'end' = 'end'): void {
    this.checkOpen();
    checkSubscriberName(name);
    if (from !== 'begin' && from !== 'end') throw new TypeError(`addSubscriber: from must be 'begin' or 'end', not ${String(from)}`);
    this.cps.reload();
    if (this.cps.get(name) !== undefined) return;
    this.cps.write(name, from === 'begin' ? this.store.firstSeq - 1 : this.last);
  }

  /** Removes a subscriber, then deletes the segments no other subscriber needs. */
  removeSubscriber(name: string): void {
    this.checkOpen();
    if (!this.cps.remove(name)) throw new UnknownSubscriberError(name);
    this.cursors.delete(name);
    this.reclaim();
  }

  subscribers(): { name: string; checkpoint: number }[] {
    this.cps.reload();
    return this.cps.list();
  }

  /** The next durable records after the subscriber's checkpoint, at most `max`. */
  read(name: string, max: number): JournalEntry[] {
    return this.readAfter(name, 0, max);
  }

  /**
   * The next durable records after `after` (or after the checkpoint, when that is further on), at
   * most `max`: a reader that keeps records in flight reads ahead of its checkpoint this way.
   */
  readAfter(name: string, after: number, max: number): JournalEntry[] {
    this.checkOpen();
    const from = Math.max(this.cps.require(name), after) + 1;
    const { entries, cursor } = this.store.read(from, this.durableUpTo, max, this.cursors.get(name) ?? null);
    if (cursor) this.cursors.set(name, cursor);
    else this.cursors.delete(name);
    return entries;
  }

  /**
   * The subscriber has processed every record up to `seq`: its checkpoint is replaced (durably),
   * then every whole segment all subscribers have passed is deleted.
   */
  commit(name: string, seq: number): void {
    this.checkOpen();
    this.cps.require(name);
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > this.last) throw new RangeError(`journal ${this.dir}: cannot commit seq ${seq} (last is ${this.last})`);
    this.cps.write(name, seq);
    this.reclaim();
  }

  /** Deletes the segments before the active one that every subscriber has passed (all of them, with none). */
  private reclaim(): void {
    this.cps.reload();
    const min = this.cps.min();
    let dropped = false;
    for (const seg of [...this.store.segments]) {
      if (seg === this.active || seg.lastSeq > min) break;
      this.store.drop(seg);
      dropped = true;
    }
    if (dropped) syncDir(this.dir);
  }

  stats(): JournalStats {
    this.cps.reload();
    let bytes = 0;
    for (const s of this.store.segments) bytes += s === this.active ? this.pos : s.size;
    return {
      segments: this.store.segments.length,
      bytes,
      firstSeq: this.store.firstSeq,
      lastSeq: this.last,
      durableSeq: this.durableUpTo,
      subscribers: this.cps.list().map((s) => ({ ...s, behind: Math.max(0, this.last - s.checkpoint) })),
    };
  }

  /** Makes everything appended durable, then closes the files. Rejects if that last fsync fails. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.failure && this.last > this.durableUpTo) {
          const done = this.durable(this.last);
          this.syncSoon();
          await done;
        }
        await this.syncing;
        if (this.failure) throw this.failure;
      } finally {
        await this.syncing;
        if (this.timer) clearTimeout(this.timer);
        if (this.soon) clearImmediate(this.soon);
        if (this.flushTask) clearImmediate(this.flushTask);
        this.timer = this.soon = this.flushTask = null;
        this.closeFds();
      }
    })();
    return this.closing;
  }

  private closeFds(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    for (const r of this.retired) fs.closeSync(r);
    this.retired = [];
    this.store.closeAll();
  }
}
