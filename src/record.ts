// The one record type that crosses every stage boundary. The bytes received stay in `raw`, so a
// parse failure loses nothing and an output can be byte-faithful. A class, not object literals:
// every record has the same shape, which keeps property access monomorphic on the hot path.

import type { Disposition } from './dialects/types.js';
import { fieldText, programOf } from './syslog/bytes.js';

export type RecordFormat = 'rfc3164' | 'rfc5424' | 'unparsed';

/** Bits of `LogRecord.flags`. */
export const RecordFlag = {
  /** No `<PRI>` at the start; the default priority was used. */
  PRI_MISSING: 1 << 0,
  /** A `<PRI>` that is not 0..191 or malformed; the default priority was used. */
  PRI_INVALID: 1 << 1,
  /** The frame was longer than max_message_bytes and was cut. */
  TRUNCATED: 1 << 2,
  /** The header could not be parsed; the fields are defaults and `msgOffset` is 0 or after PRI. */
  PARSE_ERROR: 1 << 3,
  /** The sender gave no HOSTNAME (local syslog()); `hostname` was filled in by the input. */
  NO_HOSTNAME: 1 << 4,
  /** The RFC 5424 MSG started with a UTF-8 BOM (stripped from `msgOffset`). */
  BOM: 1 << 5,
  /** The sender gave no timestamp that could be read; `time` is the receive time. */
  NO_TIMESTAMP: 1 << 6,
  /** The line had a legacy dialect's shape but could not be read as one; it is kept raw. */
  DIALECT_ERROR: 1 << 7,
} as const;

const HOST_SPAN = 1;
const TAG_SPAN = 2;

/** Facility used when a message carries no valid PRI (RFC 3164 §4.3.3: user.notice). */
export const DEFAULT_FACILITY = 1;
export const DEFAULT_SEVERITY = 5;

/** A level in a legacy scheme, kept beside the syslog severity it maps to. */
export interface NativeLevel {
  readonly scheme: 'syslog' | 'axigen' | 'mmdf' | 'emg' | 'momentum';
  readonly value: number;
}

export class LogRecord {
  /** The frame exactly as received (after transport framing). Never modified. */
  readonly raw: Buffer;
  /** Receive time, ms since the epoch. */
  receivedAt: number;
  /** Name of the input section that received it (`udp_in`, ...), or `internal`. */
  input: string;
  /** Peer address as text (`127.0.0.1`, `::1`, `unix`), '' when local. */
  peer: string;

  format: RecordFormat = 'unparsed';
  flags = 0;
  facility: number = DEFAULT_FACILITY;
  severity: number = DEFAULT_SEVERITY;
  /** Header time, ms since the epoch (receive time when the header had none). */
  time: number;
  /** Microseconds below the millisecond in `time` (0..999), for µs-precision formats. */
  timeMicros = 0;
  /** Offset from UTC in minutes as the sender wrote it; null when the sender gave none (RFC 3164). */
  tzOffsetMin: number | null = null;
  /** Digits of fractional second the sender wrote (0..6), so output can keep its precision. */
  timeFracDigits = 0;
  msgid = '';
  /** RFC 5424 STRUCTURED-DATA exactly as received ('' for NILVALUE). */
  sd = '';
  /** Start of MSG inside `raw`. */
  msgOffset = 0;
  /**
   * Where HOSTNAME starts in `raw` when `raw` from there on reads exactly as the traditional format
   * writes `HOST SP TAG SP MSG` (ASCII host and tag, one SP each), else -1: the formatter then copies
   * that span instead of writing field by field. Setting hostname, app or procid resets it.
   */
  headerStart = -1;
  /** Level in the sender's native scheme, when known. */
  level: NativeLevel | null = null;
  /** Axigen client level mask (bits 1..16) the sender logs with; 31 when not Axigen. */
  axigenMask = 31;
  /** Dialect name, once recognised (`momentum`, `emg`, `mmdf`, `axigen`). */
  dialect: string | null = null;
  /** Structured fields a dialect parser extracted. */
  fields: Record<string, unknown> | null = null;
  /** What happened to the message, when a dialect told (`reception`, `delivery`, ...). */
  disposition: Disposition | null = null;
  /** Its sequence number in the daemon's journal; 0 while it is not in the journal. */
  journalSeq = 0;

  // HOSTNAME, APP-NAME, program and PROCID. The parsers leave HOSTNAME and TAG (APP-NAME and
  // PROCID for RFC 5424) as spans of `raw` (`spans` says which), decoded on first read: a record
  // that a catch-all rule sends to a traditional file is written from `raw` and never needs them
  // as strings. Writers read the bounds below while `hostSpanned()` / `tagSpanned()` hold.
  private hostText = '';
  private appText = '';
  private programText = '';
  private procidText = '';
  private spans = 0;
  hostAt = 0;
  hostEnd = 0;
  /** APP-NAME is raw[tagAt, appEnd). */
  tagAt = 0;
  appEnd = 0;
  /** The program name ends here; -1: at the first `/` of the app, looked for when decoded. */
  private programEnd = 0;
  /** Bounds of PROCID (inside `[...]` for RFC 3164); procidAt -1 when there is none. */
  procidAt = -1;
  procidEnd = 0;
  /** OR of the bytes of both spans: >= 0x80 when they need UTF-8 decoding. */
  private spanHi = 0;

  constructor(raw: Buffer, receivedAt: number, input: string, peer: string) {
    this.raw = raw;
    this.receivedAt = receivedAt;
    this.time = receivedAt;
    this.input = input;
    this.peer = peer;
  }

  get hostname(): string {
    if (this.spans & HOST_SPAN) this.decodeHost();
    return this.hostText;
  }

  set hostname(v: string) {
    this.spans &= ~HOST_SPAN;
    this.hostText = v;
    this.headerStart = -1;
  }

  /** RFC 5424 APP-NAME, or the RFC 3164 tag without `[pid]`: `postfix/smtpd`. */
  get app(): string {
    if (this.spans & TAG_SPAN) this.decodeTag();
    return this.appText;
  }

  set app(v: string) {
    if (this.spans & TAG_SPAN) this.decodeTag();
    this.appText = v;
    this.headerStart = -1;
  }

  /** The program name: `app` up to the first `/` (`postfix`). */
  get program(): string {
    if (this.spans & TAG_SPAN) this.decodeTag();
    return this.programText;
  }

  set program(v: string) {
    if (this.spans & TAG_SPAN) this.decodeTag();
    this.programText = v;
  }

  get procid(): string {
    if (this.spans & TAG_SPAN) this.decodeTag();
    return this.procidText;
  }

  set procid(v: string) {
    if (this.spans & TAG_SPAN) this.decodeTag();
    this.procidText = v;
    this.headerStart = -1;
  }

  /** HOSTNAME is raw[at, end): decoded when first read. `hi` is the OR of the bytes of host and tag. */
  setHostSpan(at: number, end: number, hi: number): void {
    this.hostAt = at;
    this.hostEnd = end;
    this.spanHi |= hi;
    this.spans |= HOST_SPAN;
  }

  /**
   * TAG is raw[at, ...): app is [at, appEnd), program [at, programEnd) (programEnd -1: up to the
   * app's first `/`), procid [procidAt, procidEnd) (procidAt -1: none). Decoded when first read.
   */
  setTagSpan(at: number, appEnd: number, programEnd: number, procidAt: number, procidEnd: number, hi: number): void {
    this.tagAt = at;
    this.appEnd = appEnd;
    this.programEnd = programEnd;
    this.procidAt = procidAt;
    this.procidEnd = procidEnd;
    this.spanHi |= hi;
    this.spans |= TAG_SPAN;
  }

  /** HOSTNAME is still raw[hostAt, hostEnd), all ASCII: written as those bytes, it reads as the string would. */
  hostSpanned(): boolean {
    return (this.spans & HOST_SPAN) !== 0 && this.spanHi < 0x80;
  }

  /** APP-NAME and PROCID are still spans of raw, all ASCII (see hostSpanned). */
  tagSpanned(): boolean {
    return (this.spans & TAG_SPAN) !== 0 && this.spanHi < 0x80;
  }

  /** Whether the record has an APP-NAME, without making it a string. */
  hasApp(): boolean {
    return this.spans & TAG_SPAN ? this.appEnd > this.tagAt : this.appText !== '';
  }

  private decodeHost(): void {
    this.spans &= ~HOST_SPAN;
    this.hostText = fieldText(this.raw, this.hostAt, this.hostEnd, this.spanHi);
  }

  private decodeTag(): void {
    this.spans &= ~TAG_SPAN;
    const raw = this.raw;
    this.appText = fieldText(raw, this.tagAt, this.appEnd, this.spanHi);
    this.programText = this.programEnd < 0 ? programOf(this.appText)
      : this.programEnd === this.appEnd ? this.appText : fieldText(raw, this.tagAt, this.programEnd, this.spanHi);
    this.procidText = this.procidAt < 0 ? '' : fieldText(raw, this.procidAt, this.procidEnd, this.spanHi);
  }

  /** The MSG part, as bytes (a view, not a copy). */
  get msg(): Buffer {
    return this.raw.subarray(this.msgOffset);
  }
}
