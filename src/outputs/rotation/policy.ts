// When a log file is rotated: by size, by age (time since the file was started) and by calendar
// period (local time), whichever comes first. Pure: a function of sizes and times, no files.

export type RotatePeriod = 'none' | 'daily' | 'monthly' | 'yearly';
export const ROTATE_PERIODS: readonly RotatePeriod[] = ['none', 'daily', 'monthly', 'yearly'];

export type RotateReason = 'size' | 'age' | 'period' | 'reopen';

export interface RotationPolicy {
  /** Most bytes a file may hold; 0 = no limit. */
  readonly maxBytes: number;
  /** How long a file is used after it was started, in ms; 0 = no limit. */
  readonly maxAgeMs: number;
  /** A new file at the start of each local day, month or year. */
  readonly period: RotatePeriod;
}

export const NO_ROTATION: RotationPolicy = Object.freeze({ maxBytes: 0, maxAgeMs: 0, period: 'none' });

/** Start of the local-time period after the one holding `t` (Infinity for `none`). */
export function nextPeriodStart(t: number, period: RotatePeriod): number {
  if (period === 'none') return Infinity;
  const d = new Date(t);
  const next = new Date(0);
  // setFullYear, not the constructor: the constructor maps years 0..99 to 1900..1999.
  if (period === 'daily') next.setFullYear(d.getFullYear(), d.getMonth(), d.getDate() + 1);
  else if (period === 'monthly') next.setFullYear(d.getFullYear(), d.getMonth() + 1, 1);
  else next.setFullYear(d.getFullYear() + 1, 0, 1);
  next.setHours(0, 0, 0, 0);
  return next.getTime();
}

/** When a file started at `startedAt` is due by time, and why; `at` is Infinity when never. */
export interface TimeLimit {
  readonly at: number;
  readonly reason: 'age' | 'period';
}

export function timeLimit(policy: RotationPolicy, startedAt: number): TimeLimit {
  const age = policy.maxAgeMs > 0 ? startedAt + policy.maxAgeMs : Infinity;
  const period = nextPeriodStart(startedAt, policy.period);
  return period < age ? { at: period, reason: 'period' } : { at: age, reason: 'age' };
}

/**
 * Whether the file must be rotated before a record of `nextBytes` is appended to it. A file that
 * holds nothing is never rotated, so a record larger than the limit gets a file of its own and no
 * file is ever over the limit by more than that one record.
 */
export function rotateBefore(policy: RotationPolicy, size: number, limit: TimeLimit, now: number,
  nextBytes: number): RotateReason | null {
  if (size <= 0) return null;
  if (policy.maxBytes > 0 && size + nextBytes > policy.maxBytes) return 'size';
  return now >= limit.at ? limit.reason : null;
}

/** True when the policy ever rotates. */
export function rotates(policy: RotationPolicy): boolean {
  return policy.maxBytes > 0 || policy.maxAgeMs > 0 || policy.period !== 'none';
}
