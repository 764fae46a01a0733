// The prefix ll_time() puts before every entry, both ways. Long: `"%2d/%2d %2d:%02d:%02d %s:  "`
// (month/day hour:minute:second, no year, the tag, a colon, two spaces). Short: `"%2d:%02d "`
// (minute:second) while a log is held open. A line whose first pad space was stripped in transit
// (the docs print `4/29  9:02:15 AU-0000:  ...`) reads too, and is written back the same way.

import type { DialectError } from '../types.js';
import { fail, step, type Step } from './errors.js';
import type { MmdfLongPrefix, MmdfPrefix, MmdfShortPrefix } from './fields.js';
import { padNum, readNum, readZero2, zero2 } from './printf.js';

/** Ends every long prefix, after the tag. */
export const TAG_END = ':  ';

function inRange(n: number, lo: number, hi: number): boolean {
  return n >= lo && n <= hi;
}

/** Reads the prefix at the start of `s`; `end` is where the entry text starts. */
export function readPrefix(s: string): Step<MmdfLongPrefix | MmdfShortPrefix> | DialectError {
  const first = readNum(s, 0, 2, 'month or minute', { trimOk: true });
  if (!first.ok) return fail('prefix', first.detail);
  const { n, trimmed } = first.value;
  const sep = s[first.end];
  if (sep === ':') {
    const sec = readZero2(s, first.end + 1, 'second');
    if (!sec.ok) return fail('prefix', sec.detail);
    if (!inRange(n, 0, 59) || !inRange(sec.value, 0, 60)) return fail('prefix', `time ${n}:${sec.value} out of range`);
    if (s[sec.end] !== ' ') return fail('prefix', `space expected at ${sec.end}`);
    return step({ form: 'short', minute: n, second: sec.value, trimmed }, sec.end + 1);
  }
  if (sep !== '/') return fail('prefix', `'/' or ':' expected at ${first.end}`);
  return readLongRest(s, n, trimmed, first.end + 1);
}

function readLongRest(s: string, month: number, trimmed: boolean, at: number): Step<MmdfLongPrefix> | DialectError {
  const day = readNum(s, at, 2, 'day');
  if (!day.ok) return fail('prefix', day.detail);
  if (s[day.end] !== ' ') return fail('prefix', `space expected at ${day.end}`);
  const hour = readNum(s, day.end + 1, 2, 'hour');
  if (!hour.ok) return fail('prefix', hour.detail);
  if (s[hour.end] !== ':') return fail('prefix', `':' expected at ${hour.end}`);
  const minute = readZero2(s, hour.end + 1, 'minute');
  if (!minute.ok) return fail('prefix', minute.detail);
  if (s[minute.end] !== ':') return fail('prefix', `':' expected at ${minute.end}`);
  const second = readZero2(s, minute.end + 1, 'second');
  if (!second.ok) return fail('prefix', second.detail);
  if (s[second.end] !== ' ') return fail('prefix', `space expected at ${second.end}`);
  if (!inRange(month, 1, 12) || !inRange(day.value.n, 1, 31) || !inRange(hour.value.n, 0, 23)
    || !inRange(minute.value, 0, 59) || !inRange(second.value, 0, 60)) {
    return fail('prefix', 'date or time out of range');
  }
  const tagStart = second.end + 1;
  const tagEnd = s.indexOf(TAG_END, tagStart);
  if (tagEnd < 0) return fail('prefix', `no '${TAG_END}' after the tag`);
  return step({
    form: 'long', month, day: day.value.n, hour: hour.value.n, minute: minute.value,
    second: second.value, tag: s.slice(tagStart, tagEnd), trimmed,
  }, tagEnd + TAG_END.length);
}

/** Writes a prefix; '' for the none form. */
export function formatPrefix(p: MmdfPrefix): string {
  if (p.form === 'none') return '';
  const lead = p.trimmed ? String : (n: number): string => padNum(n, 2);
  if (p.form === 'short') return `${lead(p.minute)}:${zero2(p.second)} `;
  return `${lead(p.month)}/${padNum(p.day, 2)} ${padNum(p.hour, 2)}:${zero2(p.minute)}:${zero2(p.second)} ${p.tag}${TAG_END}`;
}

/** The wall clock at `ms` shifted by `tzOffsetMin`, read with UTC getters so it is pure. */
function wallClock(ms: number, tzOffsetMin: number): Date {
  return new Date(ms + tzOffsetMin * 60_000);
}

/** The long prefix MMDF would write at `ms` (local time `tzOffsetMin` east of UTC). */
export function longPrefixAt(ms: number, tag: string, tzOffsetMin = 0): MmdfLongPrefix {
  const d = wallClock(ms, tzOffsetMin);
  return {
    form: 'long', month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(),
    minute: d.getUTCMinutes(), second: d.getUTCSeconds(), tag, trimmed: false,
  };
}

/** The short prefix MMDF would write at `ms`. */
export function shortPrefixAt(ms: number, tzOffsetMin = 0): MmdfShortPrefix {
  const d = wallClock(ms, tzOffsetMin);
  return { form: 'short', minute: d.getUTCMinutes(), second: d.getUTCSeconds(), trimmed: false };
}
