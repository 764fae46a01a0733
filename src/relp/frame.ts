// RELP frames (librelp's protocol, as rsyslog's omrelp speaks it), read incrementally from a
// byte stream:  TXNR SP COMMAND SP DATALEN [SP DATA] LF. Pure; no I/O.

export interface RelpFrame {
  readonly txnr: number;
  readonly command: string;
  readonly data: Buffer;
}

export type RelpError = { readonly error: string };

const SP = 0x20;
const LF = 0x0a;
const MAX_TXNR_DIGITS = 9;
const MAX_COMMAND = 32;

/** Reads frames out of chunks; keeps the unfinished tail. After an error the stream is unusable. */
export class RelpReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxDataBytes: number) {}

  /** Appends a chunk and returns every whole frame in it, or an error (then stop reading). */
  push(chunk: Buffer, out: RelpFrame[]): RelpError | null {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const r = this.frameAt(at);
      if (r === null) break;
      if ('error' in r) return r;
      out.push(r.frame);
      at = r.next;
    }
    this.buf = at >= this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(at));
    return null;
  }

  /** A frame starting at `at`, null when more bytes are needed. */
  private frameAt(at: number): { frame: RelpFrame; next: number } | RelpError | null {
    const b = this.buf;
    let i = at;
    let txnr = 0;
    while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) {
      if (i - at >= MAX_TXNR_DIGITS) return { error: 'transaction number too long' };
      txnr = txnr * 10 + (b[i]! - 0x30);
      i++;
    }
    if (i === b.length) return null;
    if (i === at || b[i] !== SP) return { error: `expected a transaction number at byte ${i - at}` };
    const cmdStart = ++i;
    while (i < b.length && ((b[i]! >= 0x61 && b[i]! <= 0x7a) || (b[i]! >= 0x41 && b[i]! <= 0x5a))) {
      if (i - cmdStart >= MAX_COMMAND) return { error: 'command too long' };
      i++;
    }
    if (i === b.length) return null;
    if (i === cmdStart || b[i] !== SP) return { error: 'expected a command' };
    const command = b.toString('latin1', cmdStart, i);
    const lenStart = ++i;
    let len = 0;
    while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) {
      if (i - lenStart >= 9) return { error: 'data length too long' };
      len = len * 10 + (b[i]! - 0x30);
      i++;
    }
    if (i === b.length) return null;
    if (i === lenStart) return { error: 'expected a data length' };
    if (len > this.maxDataBytes) return { error: `data length ${len} is over the limit of ${this.maxDataBytes}` };
    if (len === 0) {
      if (b[i] !== LF) return { error: 'expected LF after a zero data length' };
      return { frame: { txnr, command, data: Buffer.alloc(0) }, next: i + 1 };
    }
    if (b[i] !== SP) return { error: 'expected SP before data' };
    const dataStart = i + 1;
    if (b.length < dataStart + len + 1) return null;
    if (b[dataStart + len] !== LF) return { error: 'frame does not end with LF' };
    return { frame: { txnr, command, data: b.subarray(dataStart, dataStart + len) }, next: dataStart + len + 1 };
  }
}

/** A response frame: `TXNR rsp LEN CODE TEXT[\nDATA]\n`. */
export function rspFrame(txnr: number, code: number, text: string, data = ''): Buffer {
  const body = `${code} ${text}${data ? `\n${data}` : ''}`;
  return Buffer.from(`${txnr} rsp ${Buffer.byteLength(body)} ${body}\n`);
}

export const SERVERCLOSE = Buffer.from('0 serverclose 0\n');

/** The offers of an `open` frame's data: `name=value,...` lines. */
export function parseOffers(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of data.toString('utf8').split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    out.set(eq < 0 ? line : line.slice(0, eq), eq < 0 ? '' : line.slice(eq + 1));
  }
  return out;
}
