// MMDF entries in the shared disposition words. Submit's lin/rin are receptions. An `end` line's
// status class decides: success → delivery, temporary → transient_failure, permanent →
// permanent_failure. The `** ... error **` form is written when a channel fails after addresses
// were accepted: with a permanent status the addresses were given up (permanent_failure), else they
// were queued again (transient_failure). A `BAD AUTH` auth entry is a rejection. The rest (phases,
// counts, session ends, free text) is other.

import type { Disposition } from '../types.js';
import { isBadAuth } from './authlog.js';
import type { MmdfEntry } from './fields.js';
import { statusClass, type MmdfStatusClass } from './status.js';

const BY_CLASS: Readonly<Record<MmdfStatusClass, Disposition>> = {
  success: 'delivery', temporary: 'transient_failure', permanent: 'permanent_failure',
};

export function mmdfDisposition(e: MmdfEntry): Disposition {
  switch (e.kind) {
    case 'lin':
    case 'rin': return 'reception';
    case 'end': {
      const c = statusClass(e.status);
      return c === null ? 'other' : BY_CLASS[c];
    }
    case 'end_error': return statusClass(e.status) === 'permanent' ? 'permanent_failure' : 'transient_failure';
    case 'auth': return isBadAuth(e) ? 'rejection' : 'other';
    default: return 'other';
  }
}
