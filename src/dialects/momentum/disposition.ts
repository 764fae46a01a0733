// What each Momentum record kind means in the disposition words every dialect shares.

import type { Disposition } from '../types.js';
import type { MomentumFields } from './fields.js';

export function dispositionOf(f: MomentumFields): Disposition {
  switch (f.log) {
    case 'mainlog':
      switch (f.type) {
        case 'R': return 'reception';
        case 'D':
        case 'X': return 'delivery';
        case 'T': return 'transient_failure';
        case 'P': return 'permanent_failure';
        default: return 'other'; // heartbeat
      }
    case 'rejectlog': return f.type === 'rejection' ? 'rejection' : 'other';
    case 'paniclog': return 'error';
    default: return 'other'; // acctlog, importlog
  }
}
