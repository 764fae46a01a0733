// The bounded on-disk queue a database output keeps while its database is down or behind: a
// directory of numbered segment files, one row batch per line as JSON, oldest segment first.
// It survives a restart: the output drains what a previous run left before anything new.
// Progress inside the oldest segment is kept in `ack` (segment number and lines done), so a
// restart replays at most the batch that was being written (at-least-once, never a gap).
// A torn last line (a crash in the middle of a write) is skipped and counted, not fatal.
// Synchronous file calls: batches are small and the spool is only used off the happy path.

import fs from 'node:fs';
import path from 'node:path';
import type { RowBatch } from '../../db/rows.js';

const SEGMENT_MAX_BYTES = 8 * 1024 * 1024;
const NAME = /^(\d{10})\.jsonl$/;

export interface SpoolEvents {
  /** A line that could not be read back (torn write, hand edit); its rows are lost. */
  corrupt(segment: string, line: number): void;
}

export class Spool {
  /** Segment numbers on disk, oldest first. */
  private segments: number[] = [];
  /** Bytes of every segment on disk. */
  bytes = 0;
  /** Lines of the oldest segment already written to the database. */
  private done = 0;
  /** The oldest segment's lines, read once when it becomes the head. */
  private head: string[] | null = null;
  private headSegment = -1;
  private fd = -1;
  private fdSegment = -1;
  private fdBytes = 0;

  constructor(readonly dir: string, readonly maxBytes: number, private readonly events: SpoolEvents) {}

  /** Finds what a previous run left. */
  load(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    this.segments = fs.readdirSync(this.dir).map((n) => NAME.exec(n)).filter((m) => m !== null)
      .map((m) => Number(m[1])).sort((a, b) => a - b);
    this.bytes = this.segments.reduce((n, s) => n + fs.statSync(this.file(s)).size, 0);
    this.done = 0;
    try {
      const [seg, lines] = fs.readFileSync(path.join(this.dir, 'ack'), 'utf8').trim().split(' ').map(Number);
      if (seg === this.segments[0] && Number.isSafeInteger(lines) && lines! > 0) this.done = lines!;
    } catch { /* no ack yet: start at the top */ }
  }

  get empty(): boolean {
    return this.segments.length === 0;
  }

  private file(segment: number): string {
    return path.join(this.dir, `${String(segment).padStart(10, '0')}.jsonl`);
  }

  /** Appends a batch; false when it would pass `maxBytes` (nothing written). */
  push(batch: RowBatch): boolean {
    const line = JSON.stringify(batch) + '\n';
    const size = Buffer.byteLength(line);
    if (this.bytes + size > this.maxBytes) return false;
    const last = this.segments[this.segments.length - 1];
    if (last === undefined || last !== this.fdSegment || this.fdBytes + size > SEGMENT_MAX_BYTES || last === this.headSegment) {
      this.rollTo(last === undefined ? 1 : last + 1);
    }
    fs.writeSync(this.fd, line);
    this.fdBytes += size;
    this.bytes += size;
    return true;
  }

  private rollTo(segment: number): void {
    this.closeFd();
    this.fd = fs.openSync(this.file(segment), 'a', 0o640);
    this.fdSegment = segment;
    this.fdBytes = 0;
    this.segments.push(segment);
  }

  private closeFd(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.fdSegment = -1;
  }

  /** The oldest batch not yet acknowledged, or null when empty. Reads past corrupt lines. */
  peek(): RowBatch | null {
    for (;;) {
      const seg = this.segments[0];
      if (seg === undefined) return null;
      if (seg === this.fdSegment) this.closeFd(); // never read a segment still being appended to
      if (this.headSegment !== seg || this.head === null) {
        const text = fs.readFileSync(this.file(seg), 'utf8');
        this.head = text.split('\n');
        if (this.head[this.head.length - 1] === '') this.head.pop();
        this.headSegment = seg;
      }
      while (this.done < this.head.length) {
        try {
          return JSON.parse(this.head[this.done]!) as RowBatch;
        } catch {
          this.events.corrupt(this.file(seg), this.done + 1);
          this.done++;
        }
      }
      this.dropHead();
    }
  }

  /** The batch `peek` returned is in the database. */
  ack(): void {
    if (this.head === null) return;
    this.done++;
    if (this.done >= this.head.length) {
      this.dropHead();
    } else {
      fs.writeFileSync(path.join(this.dir, 'ack'), `${this.headSegment} ${this.done}\n`);
    }
  }

  private dropHead(): void {
    const seg = this.segments.shift();
    if (seg !== undefined) {
      const file = this.file(seg);
      try { this.bytes -= fs.statSync(file).size; } catch { /* already gone */ }
      fs.rmSync(file, { force: true });
    }
    this.head = null;
    this.headSegment = -1;
    this.done = 0;
    fs.rmSync(path.join(this.dir, 'ack'), { force: true });
    if (this.segments.length === 0) this.bytes = 0;
  }

  close(): void {
    this.closeFd();
  }
}
