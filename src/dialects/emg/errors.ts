// Why an EMG line could not be read: the reason catalogue counters are keyed on, and the small
// step type the field readers return (a value and where it ended, or a DialectError).

import { dialectError, type DialectError } from '../types.js';

/** Every reason an EMG parser gives; a test checks that no other reason escapes. */
export const EMG_REASONS = [
  /** The line is not valid UTF-8, so it could not be written back byte for byte. */
  'encoding',
  /** The line ends where a mandatory field should start. */
  'truncated',
  'timestamp',
  'instance',
  'event',
  'status',
  'info',
  'option',
] as const;
export type EmgReason = (typeof EMG_REASONS)[number];

export { step, type Step } from '../types.js';

export function fail(reason: EmgReason, detail: string): DialectError {
  return dialectError(reason, detail);
}
