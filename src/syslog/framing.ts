// TCP stream → syslog frames (RFC 6587), with the framing detected per frame as rsyslog imtcp
// does: a frame that starts with a non-zero digit is octet-counted `LEN SP MSG`, anything else
// ends at LF or NUL. Stray LF, CR, NUL and SP between frames are skipped.
// - Octet counting: one trailing LF inside the count is dropped (rsyslog's SyslogProtocol23
//   template puts its LF there). A count above `maxCount` (far beyond any real message), or
//   digits followed by anything but SP, mean the frame was not octet-counted after all: it is
//   read as LF-framed text, digits included.
// - LF framing: a CR before the LF is dropped.
// - A frame longer than maxMessageBytes is cut at the limit and flagged truncated; the rest of it
//   (up to the LF, or the remaining counted bytes) is skipped, so the next frame starts clean.
// Frames are emitted once complete. A frame inside one chunk is a view of it (no copy); a frame
// that spans chunks is copied once, when it completes. Never throws, whatever the bytes.
// Frames go to an array, or straight to a sink (the TCP input: no Frame object per message).

import { bufferOf, bufferView, byteOffsetOf, indexOfByte } from '../util/views.js';
import { CR, LF, NUL, SP } from './bytes.js';

export interface Frame {
  data: Buffer;
  truncated: boolean;
}

/**
 * Receives each complete frame, in order. An object's method rather than a function: a connection
 * made anew for each peer keeps one class and so one call target, where a closure per connection
 * would not.
 */
export interface FrameSink {
  frame(data: Buffer, truncated: boolean): void;
}

/** Where frames go: appended to an array, or handed to a sink. */
export type FrameOut = Frame[] | FrameSink;

function deliver(out: FrameOut, data: Buffer, truncated: boolean): void {
  if (Array.isArray(out)) out.push({ data, truncated });
  else out.frame(data, truncated);
}

const IDLE = 0; // between frames
const COUNT = 1; // reading the digits of a possible octet count
const OCTETS = 2; // reading counted bytes
const TEXT = 3; // reading up to LF or NUL

export class StreamDeframer {
  private readonly max: number;
  /** Largest octet count believed: above it the digits are text, not a length. */
  private readonly maxCount: number;
  private state = IDLE;
  private count = 0;
  private remaining = 0;
  // The current frame's bytes from earlier chunks: at most `max` of them are kept.
  private parts: Buffer[] = [];
  private kept = 0;
  private total = 0;
  private last = -1;

  constructor(maxMessageBytes = 64 * 1024) {
    this.max = maxMessageBytes;
    this.maxCount = Math.max(maxMessageBytes * 16, 16 * 1024 * 1024);
  }

  /** Delivers the frames that `chunk` completes to `out`. */
  push(chunk: Buffer, out: FrameOut): void {
    const n = chunk.length | 0; // a small integer to the JIT, so that every index is one too
    let i = 0;
    let start = 0; // where the current frame's bytes begin in this chunk
    let nul = -1; // next NUL at or after i, found once per chunk (n when none)
    const ab = bufferOf(chunk); // read once: each frame inside the chunk is a view made from these
    const base = byteOffsetOf(chunk);
    while (i < n) {
      switch (this.state) {
        case IDLE: {
          const b = chunk[i]!;
          if (b === LF || b === SP || b === NUL || b === CR) {
            i++;
            break;
          }
          start = i;
          if (b > 0x30 && b <= 0x39) {
            this.state = COUNT;
            this.count = 0;
          } else {
            this.state = TEXT;
          }
          break;
        }
        case COUNT: {
          let c = this.count;
          let j = i;
          while (j < n) {
            const d = chunk[j]! - 0x30;
            if (d < 0 || d > 9) break;
            c = c * 10 + d;
            j++;
            if (c > this.maxCount) break;
          }
          this.count = c;
          if (c > this.maxCount) {
            this.state = TEXT;
            i = start;
          } else if (j === n) {
            this.keep(chunk, start, n);
            i = n;
          } else if (chunk[j] === SP) {
            this.reset();
            this.state = OCTETS;
            this.remaining = c;
            i = start = j + 1;
          } else {
            this.state = TEXT; // digits then something else: plain text, rescan it as such
            i = start;
          }
          break;
        }
        case OCTETS: {
          if (n - i < this.remaining) {
            this.keep(chunk, i, n);
            this.remaining -= n - i;
            i = n;
            break;
          }
          const end = i + this.remaining;
          if (this.total === 0) {
            const len = end > start && chunk[end - 1] === LF ? end - start - 1 : end - start;
            deliver(out, bufferView(ab, base + start, Math.min(len, this.max)), len > this.max);
          } else {
            this.keep(chunk, i, end);
            this.emit(this.last === LF ? this.total - 1 : this.total, out);
          }
          this.state = IDLE;
          i = end;
          break;
        }
        default: {
          if (nul < i) {
            nul = indexOfByte(chunk, NUL, i);
            if (nul < 0) nul = n;
          }
          let term = indexOfByte(chunk, LF, i);
          if (term < 0 || term > nul) term = nul;
          if (term === n) {
            this.keep(chunk, start, n);
            i = n;
            break;
          }
          const crlf = chunk[term] === LF;
          if (this.total === 0) {
            const len = crlf && term > start && chunk[term - 1] === CR ? term - start - 1 : term - start;
            deliver(out, bufferView(ab, base + start, Math.min(len, this.max)), len > this.max);
          } else {
            this.keep(chunk, start, term);
            this.emit(crlf && this.last === CR ? this.total - 1 : this.total, out);
          }
          this.state = IDLE;
          i = term + 1;
          break;
        }
      }
    }
  }

  /** At stream end: the bytes of an unfinished frame become a last frame. */
  end(out: FrameOut): void {
    if (this.state === OCTETS) {
      this.emit(this.total, out, true); // the count promised more than arrived
    } else if (this.state !== IDLE) {
      this.emit(this.total, out);
    }
    this.state = IDLE;
  }

  /** Remembers bytes [s, e) of the current frame, keeping at most `max` of them. */
  private keep(chunk: Buffer, s: number, e: number): void {
    if (e <= s) return;
    this.total += e - s;
    this.last = chunk[e - 1]!;
    const room = this.max - this.kept;
    if (room > 0) {
      const take = e - s < room ? e - s : room;
      this.parts.push(chunk.subarray(s, s + take));
      this.kept += take;
    }
  }

  /** Emits the kept bytes as a frame whose full length is `len`, then forgets them. */
  private emit(len: number, out: FrameOut, cut = false): void {
    const size = len < this.max ? len : this.max;
    const parts = this.parts;
    const data = parts.length === 1 && parts[0]!.length === size ? parts[0]! : Buffer.concat(parts, size);
    this.reset();
    deliver(out, data, cut || len > this.max);
  }

  private reset(): void {
    this.parts = [];
    this.kept = 0;
    this.total = 0;
    this.last = -1;
  }
}
