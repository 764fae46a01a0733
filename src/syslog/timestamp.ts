// Header timestamps read straight from bytes: RFC 3339 (RFC 5424, and rsyslog's forward formats
// put it in RFC 3164 lines too) and the BSD `Mmm dd hh:mm:ss` of RFC 3164, which has no year and no
// zone. Both set the time fields of a record only when the whole stamp is valid. Converting a
// local wall-clock time needs a Date, so that result is cached per minute: consecutive log lines
// almost always share it.

import type { LogRecord } from '../record.js';
import { COLON, DASH, DIGIT0, DOT, SP } from './bytes.js';

const MS_PER_DAY = 86_400_000;
/** A BSD stamp further ahead of the receive time than this is from last year (Dec line, Jan 1). */
const FUTURE_SLACK_MS = 31 * MS_PER_DAY;
/**
 * A BSD stamp this far behind or more is from next year (Jan line from a sender ahead, Dec 31).
 * With FUTURE_SLACK_MS the window is one year long, so exactly one year fits.
 */
const PAST_SLACK_MS = 365 * MS_PER_DAY - FUTURE_SLACK_MS;

/** Two ASCII digits at i as a number, or -1. */
function two(buf: Buffer, i: number): number {
  const a = buf[i]! - DIGIT0;
  const b = buf[i + 1]! - DIGIT0;
  // Out-of-range reads give NaN, which fails both tests.
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12); pure arithmetic, any year. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// The last date daysFromCivil was asked for: stamps from one sender share it for a whole day.
const dayCache = { key: -1, days: 0 };

/** daysFromCivil for a valid date, cached for the last one. */
function civilDays(y: number, m: number, d: number): number {
  const key = (y * 13 + m) * 32 + d;
  if (key !== dayCache.key) {
    dayCache.days = daysFromCivil(y, m, d);
    dayCache.key = key;
  }
  return dayCache.days;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// Module state lives in objects held by `const`s: the JIT reads their fields directly, where a
// module-level `let` costs a check on every read and boxes its number.
const minuteCache = { key: -1, base: 0 };

/** Epoch ms of a local wall-clock time (month 1..12), cached per minute. */
export function localTime(y: number, mon: number, d: number, h: number, mi: number): number {
  const key = (((y * 13 + mon) * 32 + d) * 24 + h) * 60 + mi;
  if (key !== minuteCache.key) {
    const date = new Date(2000, 0, 1);
    date.setFullYear(y, mon - 1, d); // setFullYear: years below 100 are not mapped to 19xx
    date.setHours(h, mi, 0, 0);
    minuteCache.base = date.getTime();
    minuteCache.key = key;
  }
  return minuteCache.base;
}

const yearCache = { start: 0, end: -1, value: 0 };

/** The local calendar year of an instant, cached for the whole year. */
export function localYear(ms: number): number {
  if (ms < yearCache.start || ms >= yearCache.end) {
    yearCache.value = new Date(ms).getFullYear();
    yearCache.start = new Date(yearCache.value, 0, 1).getTime();
    yearCache.end = new Date(yearCache.value + 1, 0, 1).getTime();
  }
  return yearCache.value;
}

// Result of `fraction`, kept in module scope so that no object is allocated per stamp.
const frac = { micros: 0, digits: 0 };

/** Digits of a fractional second at i: sets frac.micros/frac.digits, returns the end or -1. */
function fraction(buf: Buffer, i: number): number {
  let micros = 0;
  let n = 0;
  let j = i;
  for (; j < buf.length; j++) {
    const d = buf[j]! - DIGIT0;
    if (d < 0 || d > 9) break;
    if (n < 6) micros = micros * 10 + d;
    n++;
  }
  if (n === 0 || n > 9) return -1;
  frac.digits = n < 6 ? n : 6;
  for (let k = frac.digits; k < 6; k++) micros *= 10;
  frac.micros = micros;
  return j;
}

function setTime(rec: LogRecord, wholeSecondsMs: number, offset: number | null): void {
  rec.time = wholeSecondsMs + Math.floor(frac.micros / 1000);
  rec.timeMicros = frac.micros % 1000;
  rec.timeFracDigits = frac.digits;
  rec.tzOffsetMin = offset;
}

/**
 * RFC 3339 at i: `YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|±HH:MM)`, followed by SP or the end. Digits
 * beyond 6 are dropped (µs precision). A stamp with no zone is taken as local time (tzOffsetMin
 * null). Returns the end offset, or -1 with `rec` untouched.
 */
export function parseIsoTimestamp(buf: Buffer, i: number, rec: LogRecord): number {
  const y1 = two(buf, i);
  const y2 = two(buf, i + 2);
  const mon = two(buf, i + 5);
  const day = two(buf, i + 8);
  const h = two(buf, i + 11);
  const mi = two(buf, i + 14);
  const s = two(buf, i + 17);
  if (y1 < 0 || y2 < 0 || buf[i + 4] !== DASH || buf[i + 7] !== DASH || (buf[i + 10]! | 0x20) !== 0x74) return -1;
  if (buf[i + 13] !== COLON || buf[i + 16] !== COLON || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return -1;
  const year = y1 * 100 + y2;
  if (mon < 1 || mon > 12 || day < 1 || day > daysInMonth(year, mon)) return -1;
  let j = i + 19;
  frac.micros = 0;
  frac.digits = 0;
  if (buf[j] === DOT) {
    j = fraction(buf, j + 1);
    if (j < 0) return -1;
  }
  const z = buf[j];
  let offset: number | null = null;
  if (z === 0x5a || z === 0x7a) { // Z, z
    offset = 0;
    j++;
  } else if (z === 0x2b || z === DASH) { // +, -
    const oh = two(buf, j + 1);
    const om = two(buf, j + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || buf[j + 3] !== COLON) return -1;
    offset = z === DASH ? -(oh * 60 + om) : oh * 60 + om;
    j += 6;
  }
  if (j < buf.length && buf[j] !== SP) return -1;
  const whole = offset === null
    ? localTime(year, mon, day, h, mi) + s * 1000
    : (civilDays(year, mon, day) * 1440 + h * 60 + mi - offset) * 60_000 + s * 1000;
  setTime(rec, whole, offset);
  return j;
}

/** Month 1..12 from three letters at i (any case), or -1. */
function monthAt(buf: Buffer, i: number): number {
  const key = ((buf[i]! | 0x20) << 16) | ((buf[i + 1]! | 0x20) << 8) | (buf[i + 2]! | 0x20);
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return -1;
  }
}

/** A year 2000..2099 written as 4 digits at i and followed by SP (the rsyslog limit), or -1. */
function yearAt(buf: Buffer, i: number): number {
  const a = two(buf, i);
  const b = two(buf, i + 2);
  return a === 20 && b >= 0 && buf[i + 4] === SP ? 2000 + b : -1;
}

/**
 * BSD stamp at i: `Mmm dd hh:mm:ss`, day space-padded (`Oct  1`) or not (`Oct 1`). Also read, as
 * network devices send them: a leading `*` or `.` (Cisco clock-sync markers), a year before the
 * time (`Jan 05 2026 10:00:01`, Cisco ASA) or after it (`Jan  5 10:00:01 2026`), a fraction and a
 * trailing `:`. Without a year, the year is inferred from `rec.receivedAt` (see inferYear). Local
 * time zone. Returns the end offset, or -1 with `rec` untouched.
 */
export function parseBsdTimestamp(buf: Buffer, i: number, rec: LogRecord): number {
  let j = i;
  if (buf[j] === 0x2a || buf[j] === DOT) j++;
  const mon = monthAt(buf, j);
  if (mon < 0 || buf[j + 3] !== SP) return -1;
  j += buf[j + 4] === SP ? 5 : 4;
  let day = buf[j]! - DIGIT0;
  if (!(day >= 0 && day <= 9)) return -1;
  const d2 = buf[++j]! - DIGIT0;
  if (d2 >= 0 && d2 <= 9) {
    day = day * 10 + d2;
    j++;
  }
  if (day < 1 || day > 31 || buf[j] !== SP) return -1;
  j++;
  let year = yearAt(buf, j);
  if (year > 0) j += 5;
  const h = two(buf, j);
  const mi = two(buf, j + 3);
  const s = two(buf, j + 6);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || buf[j + 2] !== COLON || buf[j + 5] !== COLON) return -1;
  j += 8;
  frac.micros = 0;
  frac.digits = 0;
  if (buf[j] === DOT) {
    j = fraction(buf, j + 1);
    if (j < 0) return -1;
  }
  if (buf[j] === COLON) j++;
  if (year < 0 && buf[j] === SP) {
    year = yearAt(buf, j + 1);
    if (year > 0) j += 5;
  }
  if (j < buf.length && buf[j] !== SP) return -1;
  const secs = s * 1000;
  const whole = year > 0 ? localTime(year, mon, day, h, mi) + secs : inferYear(rec.receivedAt, mon, day, h, mi) + secs;
  setTime(rec, whole, null);
  return j;
}

/**
 * The year a BSD stamp belongs to is the receive year, unless that puts it more than a month in
 * the future (a Dec 31 line received on Jan 1: last year) or 11 months or more in the past (a
 * Jan 1 line from a sender whose clock is ahead, received on Dec 31: next year).
 */
function inferYear(receivedAt: number, mon: number, day: number, h: number, mi: number): number {
  const y = localYear(receivedAt);
  const t = localTime(y, mon, day, h, mi);
  if (t - receivedAt > FUTURE_SLACK_MS) return localTime(y - 1, mon, day, h, mi);
  if (receivedAt - t >= PAST_SLACK_MS) return localTime(y + 1, mon, day, h, mi);
  return t;
}
