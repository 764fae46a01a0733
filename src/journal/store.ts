// The segment files of a journal directory: finding them, checking them at open (the last one
// record by record, older ones by their ends or in full), the index of segment → seq range with a
// sparse seq → offset map, and reading records by seq. The writer (journal.ts) and the read-only
// view of the command line (cli.ts) share it; only the writer ever changes a segment file.

import fs from 'node:fs';
import path from 'node:path';
import {
  FileWindow, HEADER_SIZE, SEAL_SIZE, findNextRecord, parseSeal, parseSegmentHeader, payloadOf, recordAt, segmentNumber,
} from './format.js';

/** One entry in every SPARSE_EVERY records of a segment is indexed by offset. */
export const SPARSE_EVERY = 512;
export const checkLimits = {
  /**
   * Older segments are checked record by record at open while their total stays below this
   * (about half a second: a full check runs at some 500 MB/s from the page cache); past it, only
   * their headers, seals, first and last records are, and read() finds any other damage when it
   * gets there.
   */
  fullCheckBytes: 256 * 1024 * 1024,
};
const SCAN_CHUNK = 1024 * 1024;

export interface JournalEntry { seq: number; time: number; payload: Buffer }

export class Segment {
  /** Seq of its first record (when empty, of the record it would start with). */
  firstSeq = 1;
  /** Seq of its last readable record; firstSeq - 1 when empty. */
  lastSeq = 0;
  /** Offset just past the last readable record (for the segment being written: past what was written). */
  end = HEADER_SIZE;
  /** Offset of its last readable record (0 when empty): the seal points there. */
  lastAt = 0;
  /** Bytes in the file. */
  size = 0;
  sealed = false;
  /** Something in it could not be read: the part from `end` on is skipped. */
  damaged = false;
  readonly sparseSeq: number[] = [];
  readonly sparseOff: number[] = [];
  fd: number | null = null;

  constructor(readonly num: number, readonly file: string) {}

  get name(): string {
    return path.basename(this.file);
  }

  get records(): number {
    return this.lastSeq - this.firstSeq + 1;
  }

  /** Notes where record `seq` starts, keeping one entry every SPARSE_EVERY records, in order. */
  index(seq: number, offset: number): void {
    const last = this.sparseSeq.length ? this.sparseSeq[this.sparseSeq.length - 1]! : -1;
    if (seq > last && (seq - this.firstSeq) % SPARSE_EVERY === 0) {
      this.sparseSeq.push(seq);
      this.sparseOff.push(offset);
    }
  }

  /** The offset and seq of the indexed record nearest at or before `seq`. */
  seek(seq: number): { offset: number; seq: number } {
    const s = this.sparseSeq;
    let lo = 0;
    let hi = s.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= seq) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? { offset: HEADER_SIZE, seq: this.firstSeq } : { offset: this.sparseOff[found]!, seq: s[found]! };
  }

  /** The indexed record after `offset`, if any: where reading can go on past damage. */
  after(offset: number): { offset: number; seq: number } | null {
    const i = this.sparseOff.findIndex((o) => o > offset);
    return i < 0 ? null : { offset: this.sparseOff[i]!, seq: this.sparseSeq[i]! };
  }

  readFd(): number {
    this.fd ??= fs.openSync(this.file, 'r');
    return this.fd;
  }

  closeFd(): void {
    if (this.fd !== null) {
      const fd = this.fd;
      this.fd = null;
      fs.closeSync(fd);
    }
  }
}

/** Where a subscriber's next read starts: record `seq` (or the first one after it) at `offset` in `seg`. */
export interface Cursor { seq: number; seg: Segment; offset: number }

interface Scan { end: number; lastSeq: number; lastAt: number; count: number; sealed: boolean; bad: { at: number; reason: string } | null }

/** What open found in the last segment, for the writer to act on. */
export interface LastSegmentState {
  segment: Segment;
  /** The writer may append at segment.end (after cutting the file there, if cutAt is set). */
  writable: boolean;
  cutAt: number | null;
  /** The header was damaged and nothing good followed: the file is to be started over. */
  restart: boolean;
  /** The highest seq seen anywhere in it, past damage included. */
  maxSeq: number;
  headerOk: boolean;
}

export class SegmentStore {
  segments: Segment[] = [];
  /** Damage found at open or while reading, as messages. */
  readonly problems: string[] = [];
  /** Records found at open. */
  recordsFound = 0;
  private readonly reported = new Set<string>();

  constructor(readonly dir: string) {}

  private report(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(message);
  }

  /** The segment files in the directory, by number. */
  listFiles(): { num: number; file: string }[] {
    const found: { num: number; file: string }[] = [];
    for (const f of fs.readdirSync(this.dir)) {
      const num = segmentNumber(f);
      if (num !== null) found.push({ num, file: path.join(this.dir, f) });
    }
    return found.sort((a, b) => a.num - b.num);
  }

  /**
   * Loads every segment: older ones checked at both ends (or in full while small enough, or when
   * an end looks wrong), the last one record by record. Returns the state of the last one, or
   * null when there are no segments. `writer`: the last segment is opened for writing and the
   * caller may cut it; otherwise nothing is changed and damage just ends what is read.
   */
  load(writer: boolean): LastSegmentState | null {
    const files = this.listFiles();
    if (files.length === 0) return null;
    const older = files.slice(0, -1);
    let olderBytes = 0;
    for (const f of older) olderBytes += fs.statSync(f.file).size;
    const full = olderBytes <= checkLimits.fullCheckBytes;
    for (const f of older) {
      const seg = new Segment(f.num, f.file);
      this.checkOlder(seg, full);
      this.segments.push(seg);
    }
    const lastFile = files[files.length - 1]!;
    const last = new Segment(lastFile.num, lastFile.file);
    const state = this.checkLast(last, writer);
    this.segments.push(last);
    return state;
  }

  private prevLastSeq(): number {
    return this.segments.length ? this.segments[this.segments.length - 1]!.lastSeq : 0;
  }

  /** Reads the header; on damage reports it and falls back on the first record (or the previous segment). */
  private readHeader(seg: Segment, w: FileWindow): boolean {
    const b = Buffer.alloc(HEADER_SIZE);
    const n = w.fileEnd >= HEADER_SIZE ? fs.readSync(w.fd, b, 0, HEADER_SIZE, 0) : 0;
    const h = parseSegmentHeader(b.subarray(0, n));
    if ('firstSeq' in h) {
      seg.firstSeq = h.firstSeq;
      seg.lastSeq = h.firstSeq - 1;
      return true;
    }
    const first = recordAt(w, HEADER_SIZE, null);
    seg.firstSeq = 'record' in first ? first.record.seq : this.prevLastSeq() + 1;
    seg.lastSeq = seg.firstSeq - 1;
    return false;
  }

  /** Walks records from `pos` (expected seq `expect`) to the end, a seal, or the first bad one. */
  private scan(seg: Segment, w: FileWindow, pos: number, expect: number): Scan {
    let count = 0;
    let lastSeq = expect - 1;
    let lastAt = seg.lastAt;
    for (;;) {
      if (pos >= w.fileEnd) return { end: pos, lastSeq, lastAt, count, sealed: false, bad: null };
      const r = recordAt(w, pos, expect);
      if ('record' in r) {
        seg.index(r.record.seq, pos);
        lastAt = pos;
        pos += r.record.size;
        lastSeq = r.record.seq;
        expect = lastSeq + 1;
        count++;
      } else if ('seal' in r) {
        if (r.seal.lastSeq === lastSeq && pos + SEAL_SIZE === w.fileEnd) return { end: pos, lastSeq, lastAt, count, sealed: true, bad: null };
        return { end: pos, lastSeq, lastAt, count, sealed: false, bad: { at: pos, reason: 'seal does not match the records before it' } };
      } else {
        return { end: pos, lastSeq, lastAt, count, sealed: false, bad: { at: pos, reason: r.error } };
      }
    }
  }

  private checkOlder(seg: Segment, full: boolean): void {
    try {
      this.checkOlderFd(seg, full);
    } finally {
      seg.closeFd();
    }
  }

  private checkOlderFd(seg: Segment, full: boolean): void {
    const fd = seg.readFd();
    seg.size = fs.fstatSync(fd).size;
    const w = new FileWindow(fd, seg.size, SCAN_CHUNK, false);
    const headerOk = this.readHeader(seg, w);
    if (!headerOk) this.report(`${seg.num}:h`, `segment ${seg.name}: damaged segment header, its first seq taken from its first record`);
    if (!full && headerOk && this.checkEnds(seg, new FileWindow(fd, seg.size, 4096, false))) return;
    seg.sparseSeq.length = 0;
    seg.sparseOff.length = 0;
    const s = this.scan(seg, w, HEADER_SIZE, seg.firstSeq);
    if (s.count > 0 && !headerOk) seg.firstSeq = s.lastSeq - s.count + 1;
    seg.lastSeq = s.lastSeq;
    seg.lastAt = s.lastAt;
    seg.end = s.end;
    seg.sealed = s.sealed;
    this.recordsFound += s.count;
    if (s.bad) {
      seg.damaged = true;
      this.report(`${seg.num}:${s.bad.at}`, `segment ${seg.name}: ${s.bad.reason} at offset ${s.bad.at}; its last ${seg.size - s.bad.at} bytes `
        + `cannot be read and are skipped (records ${seg.firstSeq}..${seg.lastSeq} of it are kept)`);
    }
  }

  /** The cheap check of a closed segment: header, seal, first and last records. */
  private checkEnds(seg: Segment, w: FileWindow): boolean {
    if (seg.size < HEADER_SIZE + SEAL_SIZE || !w.ensure(seg.size - SEAL_SIZE, SEAL_SIZE)) return false;
    const s = parseSeal(w.buf, seg.size - SEAL_SIZE - w.base);
    if (!s) return false;
    const end = seg.size - SEAL_SIZE;
    if (s.lastSeq === seg.firstSeq - 1) {
      if (end !== HEADER_SIZE) return false;
    } else {
      if (s.lastSeq < seg.firstSeq) return false;
      const first = recordAt(w, HEADER_SIZE, seg.firstSeq);
      if (!('record' in first)) return false;
      const last = recordAt(w, s.lastRecordAt, s.lastSeq);
      if (!('record' in last) || last.record.offset + last.record.size !== end) return false;
      seg.index(seg.firstSeq, HEADER_SIZE);
    }
    seg.lastSeq = s.lastSeq;
    seg.lastAt = s.lastRecordAt;
    seg.end = end;
    seg.sealed = true;
    this.recordsFound += seg.records;
    return true;
  }

  private checkLast(seg: Segment, writer: boolean): LastSegmentState {
    let fd: number;
    if (writer) {
      fd = fs.openSync(seg.file, 'r+');
    } else {
      fd = seg.readFd();
    }
    try {
      seg.size = fs.fstatSync(fd).size;
      const w = new FileWindow(fd, seg.size, SCAN_CHUNK, false);
      const headerOk = this.readHeader(seg, w);
      const s = this.scan(seg, w, HEADER_SIZE, seg.firstSeq);
      if (s.count > 0 && !headerOk) seg.firstSeq = s.lastSeq - s.count + 1;
      seg.lastSeq = s.lastSeq;
      seg.lastAt = s.lastAt;
      seg.end = s.end;
      seg.sealed = s.sealed;
      this.recordsFound += s.count;
      const state: LastSegmentState = { segment: seg, writable: writer && !s.sealed, cutAt: null, restart: false, maxSeq: s.lastSeq, headerOk };
      if (!headerOk && s.count === 0 && !findNextRecord(w, HEADER_SIZE, 0)) {
        // Created, then the crash: nothing in it was ever durable.
        state.restart = writer;
        state.writable = writer;
        return state;
      }
      if (!headerOk) this.report(`${seg.num}:h`, `segment ${seg.name}: damaged segment header, its first seq taken from its first record`);
      if (!s.bad) return state;
      if (!writer) {
        seg.end = s.bad.at; // perhaps a record being written right now
        return state;
      }
      let next = findNextRecord(w, s.bad.at + 1, s.lastSeq);
      if (!next) {
        // A torn tail: what follows the last good record was never acknowledged as durable.
        state.cutAt = s.bad.at;
        return state;
      }
      // Good records after the damage: not a torn write. Keep the file as it is and start a new segment.
      state.writable = false;
      seg.damaged = true;
      const skipped = seg.size - s.bad.at;
      let maxSeq = s.lastSeq;
      while (next) {
        const probe = new Segment(seg.num, seg.file);
        probe.firstSeq = next.seq;
        const t = this.scan(probe, w, next.offset, next.seq);
        maxSeq = Math.max(maxSeq, t.lastSeq);
        next = t.bad ? findNextRecord(w, t.bad.at + 1, maxSeq) : null;
      }
      state.maxSeq = maxSeq;
      this.report(`${seg.num}:${s.bad.at}`, `segment ${seg.name}: ${s.bad.reason} at offset ${s.bad.at}, with good records after it `
        + `(up to seq ${maxSeq}); its last ${skipped} bytes cannot be read and are skipped, the file is kept as it is and a new segment started`);
      return state;
    } finally {
      if (writer) fs.closeSync(fd);
    }
  }

  /** Adds a newly created segment (the writer's). */
  push(seg: Segment): void {
    this.segments.push(seg);
  }

  get last(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  get firstSeq(): number {
    for (const s of this.segments) if (s.records > 0) return s.firstSeq;
    return (this.last?.lastSeq ?? 0) + 1;
  }

  get lastSeq(): number {
    let m = 0;
    for (const s of this.segments) m = Math.max(m, s.lastSeq);
    return m;
  }

  get bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  /** Index of the segment holding `seq`, or of the first one after it (segments.length if none). */
  private locate(seq: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.firstSeq <= seq) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return 0;
    return this.segments[found]!.lastSeq >= seq ? found : found + 1;
  }

  /**
   * Up to `max` records with seq in [from, upTo], in order, skipping what is damaged (and
   * reporting it). `hint`: where a previous read stopped, used when it is where `from` starts.
   */
  read(from: number, upTo: number, max: number, hint: Cursor | null): { entries: JournalEntry[]; cursor: Cursor | null } {
    const entries: JournalEntry[] = [];
    if (max <= 0 || from > upTo) return { entries, cursor: hint };
    let si: number;
    let pos: number;
    let expect: number;
    const hinted = hint && hint.seq === from ? this.segments.indexOf(hint.seg) : -1;
    if (hint && hinted >= 0) {
      si = hinted;
      pos = hint.offset;
      expect = hint.seq;
    } else {
      si = this.locate(from);
      const seg = this.segments[si];
      if (!seg) return { entries, cursor: null };
      ({ offset: pos, seq: expect } = seg.seek(from));
    }
    const chunk = Math.min(1024 * 1024, Math.max(16 * 1024, max * 512));
    let at: Cursor | null = null;
    for (; si < this.segments.length; si++) {
      const seg = this.segments[si]!;
      if (seg.firstSeq > upTo) break;
      if (seg.lastSeq < from) {
        pos = HEADER_SIZE;
        continue;
      }
      if (pos === HEADER_SIZE) expect = seg.firstSeq;
      const w = new FileWindow(seg.readFd(), seg.end, chunk, true);
      while (pos < seg.end) {
        const r = recordAt(w, pos, expect);
        if (!('record' in r)) {
          const reason = 'error' in r ? r.error : 'unexpected seal';
          const resume = seg.after(pos);
          this.report(`${seg.num}:${pos}`, `segment ${seg.name}: ${reason} at offset ${pos} while reading; `
            + (resume ? `records up to seq ${resume.seq - 1} of it skipped` : `the rest of it (${seg.end - pos} bytes) skipped`));
          if (!resume) {
            if (seg !== this.last) seg.damaged = true;
            break;
          }
          pos = resume.offset;
          expect = resume.seq;
          continue;
        }
        const rec = r.record;
        if (rec.seq > upTo) return { entries, cursor: { seq: rec.seq, seg, offset: pos } };
        seg.index(rec.seq, pos);
        pos += rec.size;
        expect = rec.seq + 1;
        if (rec.seq >= from) {
          entries.push({ seq: rec.seq, time: rec.time, payload: payloadOf(w, rec) });
          if (entries.length >= max) return { entries, cursor: { seq: expect, seg, offset: pos } };
        }
      }
      at = { seq: expect, seg, offset: pos };
      if (seg !== this.last) seg.closeFd();
      pos = HEADER_SIZE;
    }
    return { entries, cursor: at };
  }

  /** Forgets a segment and deletes its file (or, when damaged, sets it aside as NAME.damaged). */
  drop(seg: Segment): void {
    seg.closeFd();
    if (seg.damaged) fs.renameSync(seg.file, `${seg.file}.damaged`);
    else fs.rmSync(seg.file, { force: true });
    this.segments = this.segments.filter((s) => s !== seg);
  }

  closeAll(): void {
    for (const s of this.segments) s.closeFd();
  }

  /**
   * For a reader following a journal another process writes: takes in records appended since,
   * new segments, and segments deleted meanwhile.
   */
  refresh(): void {
    const files = this.listFiles();
    const present = new Set(files.map((f) => f.num));
    for (const s of this.segments) if (!present.has(s.num)) s.closeFd();
    this.segments = this.segments.filter((s) => present.has(s.num));
    const known = this.last;
    if (known && !known.sealed) {
      const fd = known.readFd();
      known.size = fs.fstatSync(fd).size;
      const w = new FileWindow(fd, known.size, SCAN_CHUNK, false);
      const s = this.scan(known, w, known.end, known.lastSeq + 1);
      known.lastSeq = s.lastSeq;
      known.lastAt = s.lastAt;
      known.end = s.end;
      known.sealed = s.sealed;
    }
    for (const f of files) {
      if (known && f.num <= known.num) continue;
      const seg = new Segment(f.num, f.file);
      this.checkLast(seg, false);
      if (seg.size >= HEADER_SIZE) this.segments.push(seg);
      else seg.closeFd();
    }
  }
}

