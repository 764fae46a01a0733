// The journal's on-disk format: segment files named by number, each a 28-byte segment header,
// then records (a 28-byte header and the payload), and, once the segment is closed, a seal
// pointing at its last record. Every integer is little-endian; every header carries a CRC-32.
//
//   segment header  "MLJS"  u32 version  u64 first seq  u64 created (ms)       u32 crc of the 24 bytes before
//   record          "MLJR"  u64 seq      u64 time (ms)  u32 payload length     u32 crc of the 24 bytes before + payload
//   seal            "MLJE"  u64 last seq u64 time (ms)  u32 8                  u32 crc ...; payload: u64 offset of the last record

import fs from 'node:fs';
import { crc32 } from './crc32.js';

export const HEADER_SIZE = 28;
export const SEAL_SIZE = HEADER_SIZE + 8;
export const FORMAT_VERSION = 1;
/** The largest payload append() takes: a record must fit in one Buffer with room to spare. */
export const MAX_PAYLOAD = 256 * 1024 * 1024;

const SEGMENT_MAGIC = 0x534a4c4d; // "MLJS" on disk
const RECORD_MAGIC = 0x524a4c4d; // "MLJR"
const SEAL_MAGIC = 0x454a4c4d; // "MLJE"
const TWO32 = 0x100000000;

const SEGMENT_NAME = /^(\d{10})\.seg$/;

export function segmentName(num: number): string {
  return `${String(num).padStart(10, '0')}.seg`;
}

/** The number of a segment file name, or null when the name is not one. */
export function segmentNumber(name: string): number | null {
  const m = SEGMENT_NAME.exec(name);
  return m ? Number(m[1]) : null;
}

function putU64(buf: Buffer, at: number, v: number): void {
  buf.writeUInt32LE(v % TWO32, at);
  buf.writeUInt32LE(Math.floor(v / TWO32), at + 4);
}

function getU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * TWO32;
}

/** Writes the 28-byte header of a record at buf[at]; the payload must follow it at buf[at + 28] unless given apart. */
export function putRecordHeader(buf: Buffer, at: number, seq: number, time: number, payload: Buffer): void {
  buf.writeUInt32LE(RECORD_MAGIC, at);
  putU64(buf, at + 4, seq);
  putU64(buf, at + 12, time);
  buf.writeUInt32LE(payload.length, at + 20);
  buf.writeUInt32LE(crc32(payload, 0, payload.length, crc32(buf, at, at + 24)), at + 24);
}

export function segmentHeader(firstSeq: number, created: number): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  b.writeUInt32LE(SEGMENT_MAGIC, 0);
  b.writeUInt32LE(FORMAT_VERSION, 4);
  putU64(b, 8, firstSeq);
  putU64(b, 16, created);
  b.writeUInt32LE(crc32(b, 0, 24), 24);
  return b;
}

export function seal(lastSeq: number, time: number, lastRecordAt: number): Buffer {
  const b = Buffer.alloc(SEAL_SIZE);
  b.writeUInt32LE(SEAL_MAGIC, 0);
  putU64(b, 4, lastSeq);
  putU64(b, 12, time);
  b.writeUInt32LE(8, 20);
  putU64(b, 28, lastRecordAt);
  b.writeUInt32LE(crc32(b, 28, 36, crc32(b, 0, 24)), 24);
  return b;
}

/** The first seq of a segment header, or a reason why it is not one. */
export function parseSegmentHeader(b: Buffer): { firstSeq: number } | { error: string } {
  if (b.length < HEADER_SIZE) return { error: 'segment header cut short' };
  if (b.readUInt32LE(0) !== SEGMENT_MAGIC) return { error: 'not a segment header' };
  if (b.readUInt32LE(24) !== crc32(b, 0, 24)) return { error: 'segment header checksum mismatch' };
  if (b.readUInt32LE(4) !== FORMAT_VERSION) return { error: `unknown segment format version ${b.readUInt32LE(4)}` };
  return { firstSeq: getU64(b, 8) };
}

export interface ParsedSeal { lastSeq: number; lastRecordAt: number }

export function parseSeal(b: Buffer, at: number): ParsedSeal | null {
  if (b.length - at < SEAL_SIZE || b.readUInt32LE(at) !== SEAL_MAGIC || b.readUInt32LE(at + 20) !== 8) return null;
  if (b.readUInt32LE(at + 24) !== crc32(b, at + 28, at + 36, crc32(b, at, at + 24))) return null;
  return { lastSeq: getU64(b, at + 4), lastRecordAt: getU64(b, at + 28) };
}

/** A record found in a file: where it lies (header included) and its seq and time. */
export interface RawRecord { offset: number; size: number; seq: number; time: number }

/** The payload of a record recordAt() has just returned, as a view into the window's buffer. */
export function payloadOf(w: FileWindow, r: RawRecord): Buffer {
  const at = r.offset - w.base;
  return w.buf.subarray(at + HEADER_SIZE, at + r.size);
}

/**
 * Reads a file forward through a window: ensure(pos, n) makes file bytes [pos, pos + n) available
 * as buf[pos - base, ...). With `keep`, a refill allocates a fresh buffer, so views handed out
 * earlier stay valid; otherwise the buffer is reused.
 */
export class FileWindow {
  buf = Buffer.alloc(0);
  base = 0;
  len = 0;

  constructor(readonly fd: number, readonly fileEnd: number, private readonly chunk: number, private readonly keep: boolean) {}

  ensure(pos: number, n: number): boolean {
    if (pos + n > this.fileEnd) return false;
    if (pos >= this.base && pos + n <= this.base + this.len) return true;
    const want = Math.min(Math.max(n, this.chunk), this.fileEnd - pos);
    if (this.keep) this.buf = Buffer.allocUnsafe(want);
    else if (want > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(want, this.chunk));
    let got = 0;
    while (got < want) {
      const r = fs.readSync(this.fd, this.buf, got, want - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    this.base = pos;
    this.len = got;
    return got >= n;
  }
}

export type RecordCheck = { record: RawRecord } | { seal: ParsedSeal } | { error: string };

/**
 * The record (or seal) at `pos`, checked: magic, length within the file, checksum, and seq equal
 * to `expectSeq` (when given).
 */
export function recordAt(w: FileWindow, pos: number, expectSeq: number | null): RecordCheck {
  if (!w.ensure(pos, HEADER_SIZE)) return { error: pos < w.fileEnd ? 'record header cut short' : 'end of file' };
  let at = pos - w.base;
  const magic = w.buf.readUInt32LE(at);
  if (magic === SEAL_MAGIC) {
    if (!w.ensure(pos, SEAL_SIZE)) return { error: 'seal cut short' };
    const s = parseSeal(w.buf, pos - w.base);
    return s ? { seal: s } : { error: 'seal checksum mismatch' };
  }
  if (magic !== RECORD_MAGIC) return { error: 'bad record magic' };
  const len = w.buf.readUInt32LE(at + 20);
  if (len > MAX_PAYLOAD) return { error: `record length ${len} out of range` };
  if (!w.ensure(pos, HEADER_SIZE + len)) return { error: 'record extends beyond the end of the file' };
  at = pos - w.base;
  const b = w.buf;
  if (b.readUInt32LE(at + 24) !== crc32(b, at + HEADER_SIZE, at + HEADER_SIZE + len, crc32(b, at, at + 24))) return { error: 'record checksum mismatch' };
  const seq = getU64(b, at + 4);
  if (expectSeq !== null && seq !== expectSeq) return { error: `record seq ${seq} where ${expectSeq} was expected` };
  return { record: { offset: pos, size: HEADER_SIZE + len, seq, time: getU64(b, at + 12) } };
}

/**
 * Looks for the next good record at or after `from` (a record header with its magic, a length
 * within the file and a matching checksum, with seq above `minSeq`). Used to tell a torn tail
 * (nothing good after the damage) from damage in the middle (good records after it).
 */
export function findNextRecord(w: FileWindow, from: number, minSeq: number): RawRecord | null {
  const probe = 1024 * 1024;
  let pos = from;
  while (pos + HEADER_SIZE <= w.fileEnd) {
    w.ensure(pos, Math.min(probe, w.fileEnd - pos));
    const stop = w.base + w.len - 3;
    let next = stop;
    for (let p = pos; p < stop; p++) {
      const i = p - w.base;
      if (w.buf[i] !== 0x4d || w.buf[i + 1] !== 0x4c || w.buf[i + 2] !== 0x4a || w.buf[i + 3] !== 0x52) continue;
      const r = recordAt(w, p, null);
      if ('record' in r && r.record.seq > minSeq) return r.record;
      next = p + 1; // recordAt may have moved the window: look again from there
      break;
    }
    pos = next;
  }
  return null;
}
