// The few printf integer conversions MMDF's log lines use, both ways. A reader accepts exactly
// the text the conversion writes for the value it returns (pad width, no `+`, no leading zeros),
// so a line that reads also writes back byte for byte.

import { fail, step, type Step } from './errors.js';
import type { DialectError } from '../types.js';

/** `%<width>d`: right-aligned in spaces (`%2d` → ` 9`). */
export function padNum(n: number, width: number): string {
  return String(n).padStart(width, ' ');
}

/** `%02d`. */
export function zero2(n: number): string {
  return String(n).padStart(2, '0');
}

// Safe integers only: 15 digits is far beyond any byte count or pid a log holds.
const MAX_DIGITS = 15;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/**
 * Reads `%<width>d` at `at` (width 0 for plain `%d`). `allowNegative` for counts a C program may
 * print below zero. With `trimOk` the leading pad spaces may be missing (a line start someone
 * stripped); `trimmed` in the value says so.
 */
export function readNum(s: string, at: number, width: number, what: string,
  opts: { allowNegative?: boolean; trimOk?: boolean } = {}): Step<{ n: number; trimmed: boolean }> | DialectError {
  let i = at;
  while (s[i] === ' ' && i - at < width) i++;
  const digitsStart = i;
  if (s[i] === '-' && opts.allowNegative === true) i++;
  const numStart = i;
  while (isDigit(s[i]) && i - numStart <= MAX_DIGITS) i++;
  if (i === numStart) return fail('bad_number', `${what}: no digits at ${at}`);
  if (i - numStart > MAX_DIGITS) return fail('bad_number', `${what}: too many digits at ${at}`);
  const text = s.slice(digitsStart, i);
  const n = Number(text);
  if (String(n) !== text) return fail('bad_number', `${what}: '${text}' is not written as %d writes it`);
  const written = i - at;
  const expected = padNum(n, width).length;
  if (written === expected) return step({ n, trimmed: false }, i);
  if (opts.trimOk === true && digitsStart === at && written < expected) return step({ n, trimmed: true }, i);
  return fail('bad_number', `${what}: '${s.slice(at, i)}' is not padded to ${width}`);
}

/** Reads `%02d` at `at`. */
export function readZero2(s: string, at: number, what: string): Step<number> | DialectError {
  const a = s[at];
  const b = s[at + 1];
  if (!isDigit(a) || !isDigit(b)) return fail('bad_number', `${what}: two digits expected at ${at}`);
  return step(Number(a! + b!), at + 2);
}
