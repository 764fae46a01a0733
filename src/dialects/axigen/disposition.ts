// Axigen lines onto the shared disposition vocabulary. Only the level is used: bits 1 (critical)
// and 2 (errors) are `error`. The reference gives no SMTP-IN or SMTP-OUT message texts for a
// message received or delivered (its samples are connection, authentication and SPF lines), so
// `reception` and `delivery` are not guessed from wording: every other line is `other`. A bare
// tail has no level and is `other`.

import type { Disposition } from '../types.js';
import type { AxigenFields } from './fields.js';

const ERROR_BITS = 1 | 2;

export function axigenDisposition(f: AxigenFields): Disposition {
  return f.shape === 'line' && (f.level & ERROR_BITS) !== 0 ? 'error' : 'other';
}
