// The `YYYY-MM-DD HH:MM:SS +ZZZZ ` prefix of a Log Service line: fixed width, 26 bytes with the
// trailing space. Read from bytes with integer arithmetic (no Date, no string) on the hot path.

import type { DialectError } from '../types.js';
import { fail } from './error.js';
import type { AxigenStamp } from './fields.js';

const D = 0x64; // 'd' in LAYOUT: any ASCII digit
const LAYOUT = Buffer.from('dddd-dd-dd dd:dd:dd ', 'latin1');
/** Bytes up to and including the space after the zone. */
export const STAMP_BYTES = LAYOUT.length + 6;

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const num2 = (s: Buffer, i: number): number => (s[i]! - 0x30) * 10 + s[i + 1]! - 0x30;

/** True when `line` opens with `DDDD-DD-DD DD:DD:DD ` (digits and separators only, no ranges). */
export function hasStampPrefix(line: Buffer): boolean {
  if (line.length < LAYOUT.length) return false;
  for (let i = 0; i < LAYOUT.length; i++) {
    const want = LAYOUT[i]!;
    if (want === D ? !isDigit(line[i]!) : line[i] !== want) return false;
  }
  return true;
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** Reads the 26-byte prefix; the first problem found, in byte order, is the reason. */
export function readStamp(line: Buffer): AxigenStamp | DialectError {
  for (let i = 0; i < LAYOUT.length; i++) {
    if (i >= line.length) return fail('truncated', `line ends at byte ${i}, inside the date`);
    const want = LAYOUT[i]!;
    if (want === D ? !isDigit(line[i]!) : line[i] !== want) {
      return fail('timestamp', `byte ${i} does not fit YYYY-MM-DD HH:MM:SS`);
    }
  }
  const year = num2(line, 0) * 100 + num2(line, 2);
  const month = num2(line, 5);
  const day = num2(line, 8);
  const hour = num2(line, 11);
  const minute = num2(line, 14);
  const second = num2(line, 17);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return fail('timestamp', `no such date or time ${line.toString('latin1', 0, 19)}`);
  }
  const z = LAYOUT.length;
  for (let i = z; i < STAMP_BYTES; i++) {
    if (i >= line.length) return fail('truncated', `line ends at byte ${i}, inside the zone`);
    const b = line[i]!;
    const ok = i === z ? b === 0x2b || b === 0x2d : i === STAMP_BYTES - 1 ? b === 0x20 : isDigit(b);
    if (!ok) return fail('zone', `byte ${i} does not fit +ZZZZ`);
  }
  const zh = num2(line, z + 1);
  const zm = num2(line, z + 3);
  if (zh > 23 || zm > 59) return fail('zone', `no such offset ${line.toString('latin1', z, z + 5)}`);
  // `+ 0` turns the -0 of `-0000` into 0; `zone` keeps the sign.
  const zoneOffsetMin = (line[z] === 0x2d ? -1 : 1) * (zh * 60 + zm) + 0;
  const local = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
  return {
    year, month, day, hour, minute, second, zoneOffsetMin,
    zone: line.toString('latin1', z, z + 5),
    time: local - zoneOffsetMin * 60_000 + 0,
  };
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** `±HHMM` for an offset in minutes; `+0000` for UTC. */
export function zoneText(offsetMin: number): string {
  const a = Math.abs(offsetMin);
  return (offsetMin < 0 ? '-' : '+') + pad2(Math.floor(a / 60)) + pad2(a % 60);
}

/** The offset a `±HHMM` text means, or null when it is not one. */
export function zoneOffsetOf(text: string): number | null {
  const m = /^([+-])([01]\d|2[0-3])([0-5]\d)$/.exec(text);
  if (m === null) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) + 0;
}

/** `YYYY-MM-DD HH:MM:SS ±ZZZZ` (no trailing space); the written zone is kept while it agrees. */
export function stampText(s: AxigenStamp): string {
  const zone = zoneOffsetOf(s.zone) === s.zoneOffsetMin ? s.zone : zoneText(s.zoneOffsetMin);
  return `${String(s.year).padStart(4, '0')}-${pad2(s.month)}-${pad2(s.day)} ` +
    `${pad2(s.hour)}:${pad2(s.minute)}:${pad2(s.second)} ${zone}`;
}

/** Latest instant with a four-digit year in every zone: 9999-12-31 23:59:59 at +2359. */
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59) - (23 * 60 + 59) * 60_000;
/** Earliest: 0000-01-01 00:00:00 at -2359. */
const MIN_TIME = daysFromCivil(0, 1, 1) * 86_400_000 + (23 * 60 + 59) * 60_000;

/**
 * The stamp of an instant seen at an offset. The offset must be a whole number of minutes within
 * ±23:59 (otherwise UTC is used) and the time is clamped to years 0000..9999, so the result always
 * reads back; sub-second digits are dropped, as the format has none.
 */
export function stampOf(time: number, zoneOffsetMin: number | null): AxigenStamp {
  const off = zoneOffsetMin !== null && Number.isInteger(zoneOffsetMin) && Math.abs(zoneOffsetMin) < 24 * 60
    ? zoneOffsetMin : 0;
  const t = Number.isFinite(time) ? Math.min(MAX_TIME, Math.max(MIN_TIME, time)) : 0;
  const sec = Math.floor(t / 1000) * 1000;
  const d = new Date(sec + off * 60_000);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    zoneOffsetMin: off + 0, zone: zoneText(off), time: sec,
  };
}
