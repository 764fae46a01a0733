// MMDF msg.log and auth.log entries in Momentum's terms. The message name (`msg.aa12345`) is the
// message id. The queue (channel) is the binding: it is the path MMDF chose for the message.
//   lin  → R: sender local part = the submitting login, size = bytes, protocol = as logged, lower case
//   rin  → R: sender split at its last `@`, source = the relaying host as logged (a name, not
//          always an IP), size = bytes, protocol = as logged, lower case
//   end  → D/T/P: domain = the destination host, binding = the channel (or the queue), seconds
//          since reception = the [H:MM:SS] time in queue, failure text = the status (`NO`, `AGN`)
//   end ... error → T/P: binding = the channel name, failure text = `<status> <channel> (<name>) error`
//   BAD AUTH → rejectlog: M=mmdf, reason `<msg>: <text>`
// MMDF does not log recipients on these lines, nor the SMTP stage of a failure (stage 22).

import type { MmdfFields } from '../../dialects/mmdf/index.js';
import { oneLine, splitAddress } from './event.js';
import { genericTranslator, type Translator } from './translate.js';

export const mmdfTranslator: Translator = {
  event(rec, e) {
    const entry = (rec.fields as unknown as MmdfFields).entry;
    switch (entry.kind) {
      case 'lin':
      case 'rin':
        e.messageId = entry.msg;
        e.sizeBytes = entry.bytes;
        e.protocol = (entry.protocol ?? '').toLowerCase();
        e.binding = entry.queue;
        if (entry.kind === 'lin') e.senderLocalpart = entry.login;
        else {
          [e.senderLocalpart, e.senderDomain] = splitAddress(entry.sender);
          e.sourceIp = entry.host;
        }
        return;
      case 'end':
        e.messageId = entry.msg;
        e.domain = entry.host;
        e.binding = entry.chan ?? entry.queue;
        e.secondsSinceReception = entry.latencySecs;
        e.error = entry.status;
        return;
      case 'end_error':
        e.messageId = entry.msg;
        e.binding = entry.chanName;
        e.error = `${entry.status} ${entry.chanShow} (${entry.chanName}) error`;
        return;
      default:
        genericTranslator.event(rec, e);
    }
  },
  rejection(rec, epoch) {
    const entry = (rec.fields as unknown as MmdfFields).entry;
    if (entry.kind !== 'auth') return genericTranslator.rejection(rec, epoch);
    return { epoch, module: 'mmdf', reason: oneLine(`${entry.msg}: ${entry.text}`) };
  },
  panicText: (rec) => genericTranslator.panicText(rec),
};
