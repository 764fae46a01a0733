// Rotation shared by the outputs that write legacy log files: a pure policy (size, age, calendar
// period), naming schemes (numbered, timestamped) and a writer that applies them to one file.

export { NO_ROTATION, ROTATE_PERIODS, nextPeriodStart, rotateBefore, rotates, timeLimit } from './policy.js';
export type { RotatePeriod, RotateReason, RotationPolicy, TimeLimit } from './policy.js';
export { NAMING_KINDS, numberedIndex, rotateOut, rotatedFiles, stampKey, stampSuffix } from './naming.js';
export type { Naming, NamingKind } from './naming.js';
export { RotatingWriter, type Clock, type RotationEvents } from './writer.js';

import type { RotatePeriod, RotationPolicy } from './policy.js';

/** A policy from the config keys every rotating output spells the same way. */
export function policyFromKeys(keys: { readonly max_size_kb: number; readonly max_age_secs: number;
  readonly rotate_period: RotatePeriod }): RotationPolicy {
  return Object.freeze({ maxBytes: keys.max_size_kb * 1024, maxAgeMs: keys.max_age_secs * 1000, period: keys.rotate_period });
}
export { OutputAccounting, type RotatingDiscard } from './accounting.js';
