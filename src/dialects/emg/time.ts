// EMG timestamps. Default `MMM DD hh:mm:ss.fff` (syslog-like, no year); with the general keyword
// LOGYEAR `YYYY-MM-DD hh:mm:ss.fff`. EMG documents microsecond precision but its samples show
// milliseconds, so 3 and 6 fraction digits are both read and the count is kept for output.
// No year is ever invented: a default-format stamp has `year: null`.

import { fail, step, type Step } from './errors.js';
import type { DialectError } from '../types.js';

export interface EmgTime {
  /** Only with LOGYEAR. */
  readonly year: number | null;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0..999999; a multiple of 1000 when `fracDigits` is 3. */
  readonly micros: number;
  readonly fracDigits: 3 | 6;
  /**
   * Default format only: a day below 10 was written space-padded (`Sep  1`, as syslog does)
   * rather than zero-padded (`Sep 01`). EMG documents `DD`; both are read and kept.
   */
  readonly spaceDay: boolean;
}

export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The number written by `n` ASCII digits at `at`, or -1. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

function bad(s: string, what: string): DialectError {
  return fail(s.length === 0 ? 'truncated' : 'timestamp', `${what} in ${JSON.stringify(s.slice(0, 32))}`);
}

/** Reads a timestamp at the start of `s`. */
export function readTime(s: string): Step<EmgTime> | DialectError {
  let year: number | null = null;
  let month: number;
  let day: number;
  let spaceDay = false;
  let at: number;
  if (digits(s, 0, 1) >= 0) {
    year = digits(s, 0, 4);
    month = s[4] === '-' && s[7] === '-' ? digits(s, 5, 2) : -1;
    day = digits(s, 8, 2);
    if (year < 0 || month < 0 || day < 0 || s[10] !== ' ') return bad(s, 'expected YYYY-MM-DD');
    at = 11;
  } else {
    month = MONTH_NAMES.indexOf(s.slice(0, 3) as (typeof MONTH_NAMES)[number]) + 1;
    spaceDay = s[4] === ' ';
    day = spaceDay ? digits(s, 5, 1) : digits(s, 4, 2);
    if (month === 0 || s[3] !== ' ' || day < 0 || s[6] !== ' ') return bad(s, 'expected MMM DD');
    if (spaceDay && day === 0) return bad(s, 'day 0');
    at = 7;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return bad(s, 'date out of range');
  const hour = digits(s, at, 2);
  const minute = s[at + 2] === ':' ? digits(s, at + 3, 2) : -1;
  const second = s[at + 5] === ':' ? digits(s, at + 6, 2) : -1;
  if (hour < 0 || minute < 0 || second < 0 || s[at + 8] !== '.') return bad(s, 'expected hh:mm:ss.');
  if (hour > 23 || minute > 59 || second > 60) return bad(s, 'time out of range');
  at += 9;
  let n = 0;
  while (n < 7 && digits(s, at + n, 1) >= 0) n++;
  if (n !== 3 && n !== 6) return bad(s, `${n} fraction digits`);
  const frac = digits(s, at, n);
  const micros = n === 3 ? frac * 1000 : frac;
  return step({ year, month, day, hour, minute, second, micros, fracDigits: n === 3 ? 3 : 6, spaceDay }, at + n);
}

const p2 = (n: number): string => String(n).padStart(2, '0');

export function formatTime(t: EmgTime): string {
  const date = t.year === null
    ? `${MONTH_NAMES[t.month - 1] ?? '???'} ${t.spaceDay && t.day < 10 ? ` ${t.day}` : p2(t.day)}`
    : `${String(t.year).padStart(4, '0')}-${p2(t.month)}-${p2(t.day)}`;
  // Three digits write whole milliseconds: the microseconds below are not representable there.
  const frac = t.fracDigits === 3
    ? String(Math.floor(t.micros / 1000)).padStart(3, '0')
    : String(t.micros).padStart(6, '0');
  return `${date} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}.${frac}`;
}
