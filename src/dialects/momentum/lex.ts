// The pieces every Momentum line is made of: the epoch at its start, decimal numbers, and the one
// way bytes become text and back. A line that is valid UTF-8 is read as UTF-8; any other line is
// read as latin1 (one character per byte) and flagged, so `format` always writes the bytes read.

import { isUtf8 } from 'node:buffer';
import type { DialectError } from '../types.js';
import type { MomentumStamp } from './fields.js';

/** Why a line could not be read; one stable word each, for counters. */
export type MomentumReason =
  | 'truncated' // the line ends before its structure does
  | 'bad_timestamp' // no 10- or 16-digit epoch at the start
  | 'bad_separator' // the epoch is followed by the wrong separator for this log
  | 'field_count' // the record type has a different number of fields
  | 'bad_number' // a numeric field is not a plain decimal number
  | 'unknown_type' // a record type this dialect does not know
  | 'bad_heartbeat' // a heartbeat marker with ids filled in
  | 'bad_escape'; // an acctlog backslash escape that is unknown, or a raw control character

export function fail(reason: MomentumReason, detail: string): DialectError {
  return { ok: false, reason, detail };
}

export function isError(v: unknown): v is DialectError {
  return typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;
}

export function decode(line: Buffer): { text: string; latin1: boolean } {
  return isUtf8(line) ? { text: line.toString('utf8'), latin1: false } : { text: line.toString('latin1'), latin1: true };
}

export function encode(text: string, latin1: boolean | undefined): Buffer {
  return Buffer.from(text, latin1 === true ? 'latin1' : 'utf8');
}

export type Epoch = { epoch: number; epochMicros: number | null; /** Index of the separator after it. */ end: number };

/** Digits at the start of `text`: 10 (seconds) or 16 (microseconds), then `@` or `:`. */
export function readEpoch(text: string): Epoch | DialectError {
  let n = 0;
  while (n < text.length && n <= 16) {
    const c = text.charCodeAt(n);
    if (c < 0x30 || c > 0x39) break;
    n++;
  }
  if (n === text.length) return fail('truncated', `line ends after ${n} digits of epoch`);
  if (n !== 10 && n !== 16) return fail('bad_timestamp', `epoch of ${n} digits; 10 or 16 expected`);
  const epoch = Number(text.slice(0, 10));
  return { epoch, epochMicros: n === 16 ? Number(text.slice(10, 16)) : null, end: n };
}

/** The epoch as written: 10 digits, or 16 when microseconds are given (zero-padded: fixed width). */
export function epochText(epoch: number, epochMicros: number | null): string {
  const secs = String(Math.max(0, Math.trunc(epoch))).padStart(10, '0');
  return epochMicros === null ? secs : secs + String(Math.min(999999, Math.max(0, Math.trunc(epochMicros)))).padStart(6, '0');
}

// Up to 15 digits, so every value is an exact safe integer.
const COUNT = /^(?:0|[1-9][0-9]{0,14})$/;
const SIGNED = /^(?:0|-?[1-9][0-9]{0,14})$/;
const DECIMAL = /^[0-9]{1,15}(?:\.[0-9]{1,9})?$/;

/** A count written as Momentum writes one (`%u`): no sign, no leading zeros. */
export function readCount(s: string, what: string): number | DialectError {
  return COUNT.test(s) ? Number(s) : fail('bad_number', `${what}: ${JSON.stringify(s.slice(0, 40))}`);
}

/** A signed integer such as an acctlog result (`-1`). */
export function readSigned(s: string, what: string): number | DialectError {
  return SIGNED.test(s) ? Number(s) : fail('bad_number', `${what}: ${JSON.stringify(s.slice(0, 40))}`);
}

/** A non-negative decimal such as `0.393`; the caller keeps the text beside the number. */
export function readDecimal(s: string, what: string): number | DialectError {
  return DECIMAL.test(s) ? Number(s) : fail('bad_number', `${what}: ${JSON.stringify(s.slice(0, 40))}`);
}

/**
 * A decimal as written: `text` when it still reads as `n` (so parsed lines come back byte for
 * byte), otherwise `n` with `places` decimals, trailing zeros trimmed unless `fixed`.
 */
export function decimalText(n: number, text: string | undefined, places: number, fixed: boolean): string {
  if (text !== undefined && DECIMAL.test(text) && Number(text) === n) return text;
  if (!Number.isFinite(n) || n < 0 || n >= 1e15) return fixed ? (0).toFixed(places) : '0';
  const s = n.toFixed(places);
  return fixed || !s.includes('.') ? s : s.replace(/\.?0+$/, '');
}

/** A count for output: non-negative integers as they are, anything else as 0. */
export function countText(n: number): string {
  return Number.isSafeInteger(n) && n >= 0 ? String(n) : '0';
}

/** A signed integer for output. */
export function signedText(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : '0';
}

/**
 * A field of an `@`-separated line that the format cannot escape: an `@` inside it would split
 * it, so it becomes `_`. Fields read from a line never hold one.
 */
export function atFree(s: string): string {
  return s.includes('@') ? s.replaceAll('@', '_') : s;
}

/** The stamp of a parsed line; `latin1` only when set, so UTF-8 lines carry no flag. */
export function stampOf(ts: Epoch, latin1: boolean): MomentumStamp {
  return latin1 ? { epoch: ts.epoch, epochMicros: ts.epochMicros, latin1 } : { epoch: ts.epoch, epochMicros: ts.epochMicros };
}
