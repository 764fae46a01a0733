// Severity and facility selectors for routing rules, parsed at config time into bit masks so a
// rule tests a record with one shift and AND.
//
// Severity, a list of items (like rsyslog's, simplified):
//   info    info and every more severe level (emerg..info)
//   =info   exactly info
//   !info   not info (`!=info` is the same); removes a level from the rest of the list
//   *       every level
// Positive items add up; with only `!` items, the start is every level. `warning, !err` is
// emerg..warning without err. Levels are names (any case, aliases error/warn/panic) or 0..7.
// Unlike rsyslog, `!info` removes only info, not info and everything more severe.
//
// Facility: a list of names (mail, local0, ...) or numbers 0..23, or * for any.

import { FACILITY_NAMES, SEVERITY_NAMES, parseFacility, parseSeverity } from '../levels/syslog.js';

export const SEVERITY_ALL = (1 << SEVERITY_NAMES.length) - 1;
export const FACILITY_ALL = (1 << FACILITY_NAMES.length) - 1;

/** Mask of severities (bit n = severity n) for a selector list, or why it is invalid. */
export function parseSeveritySelector(items: readonly string[]): number | string {
  if (items.length === 0) return 'must not be empty; use * for every level';
  let include = 0;
  let exclude = 0;
  let positive = false;
  for (const raw of items) {
    const item = raw.trim();
    if (item === '*') {
      include = SEVERITY_ALL;
      positive = true;
      continue;
    }
    const m = /^(!=?|=)?(.*)$/.exec(item)!;
    const op = m[1] ?? '';
    const sev = parseSeverity(m[2]!);
    if (sev === null) return `${JSON.stringify(item)}: not a severity (${SEVERITY_NAMES.join(' ')} or 0..7)`;
    if (op.startsWith('!')) exclude |= 1 << sev;
    else {
      positive = true;
      include |= op === '=' ? 1 << sev : (2 << sev) - 1;
    }
  }
  return (positive ? include : SEVERITY_ALL) & ~exclude;
}

/** Mask of facilities (bit n = facility n), or why it is invalid. */
export function parseFacilitySelector(items: readonly string[]): number | string {
  if (items.length === 0) return 'must not be empty; use * for every facility';
  let mask = 0;
  for (const item of items) {
    if (item === '*') {
      mask = FACILITY_ALL;
      continue;
    }
    const f = parseFacility(item);
    if (f === null) return `${JSON.stringify(item)}: not a facility (a name such as mail or local0, or 0..23)`;
    mask |= 1 << f;
  }
  return mask;
}
