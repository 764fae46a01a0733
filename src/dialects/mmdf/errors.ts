// Why an MMDF line could not be read: the reason catalogue counters are keyed on, and the small
// step type the field readers return (a value and where it ended, or a DialectError).

import { dialectError, type DialectError } from '../types.js';

/** Every reason the MMDF parser gives; a test checks that no other reason escapes. */
export const MMDF_REASONS = [
  /** Not valid UTF-8, so it could not be written back byte for byte. */
  'encoding',
  /** The date/time/tag prefix is not one ll_time() writes. */
  'prefix',
  /** A literal part of a known entry (`(`, `, `, `[`, `a `, ...) is missing or misplaced. */
  'syntax',
  /** A known entry has too few or too many space-separated fields. */
  'field_count',
  /** A number is not in the form its printf conversion writes (sign, padding, leading zeros). */
  'bad_number',
  /** A status is neither in rp_valstr()'s table nor `*** Illegal:  0bcs`. */
  'status',
  /** The `[H:MM:SS]` queue latency is malformed or out of range. */
  'latency',
] as const;
export type MmdfReason = (typeof MMDF_REASONS)[number];

export { step, type Step } from '../types.js';

export function fail(reason: MmdfReason, detail: string): DialectError {
  return dialectError(reason, detail);
}
