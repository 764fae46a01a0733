// Connector events onto the shared disposition vocabulary. A SEND entry is final when it carries
// ENDSECS/ENDMSECS (095/096): EMG writes those only when it is done with the message. So a
// final SEND OK is the delivery, a non-final SEND OK is a step on the way (other), a non-final
// SEND ERR will be retried (transient) and a final SEND ERR is given up on (permanent).

import type { Disposition } from '../types.js';
import type { EmgConnectorFields } from './connector.js';
import type { EmgEvent } from './events.js';
import { isFinal } from './mgp-options.js';

/** Events whose failure is a session error rather than a message outcome. */
const SESSION_EVENTS: ReadonlySet<EmgEvent> = new Set<EmgEvent>(['CONNECT', 'LOGIN', 'LOGOUT', 'DISCONNECT']);

export function connectorDisposition(f: EmgConnectorFields): Disposition {
  switch (f.event) {
    case 'RECEIVE':
      return f.ok ? 'reception' : 'other';
    case 'SEND':
      if (f.ok) return isFinal(f.options) ? 'delivery' : 'other';
      return isFinal(f.options) ? 'permanent_failure' : 'transient_failure';
    case 'REJECT':
      return 'rejection';
    case 'MAXFAIL':
    case 'EXPIRE':
      return 'permanent_failure';
    default:
      return !f.ok && SESSION_EVENTS.has(f.event) ? 'error' : 'other';
  }
}
