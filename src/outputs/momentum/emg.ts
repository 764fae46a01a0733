// EMG connector entries in Momentum's terms. EMG logs messages as MGP options (`NNN:value`); the
// ones used here:
//   008 DESTADDR  recipient (an MSISDN): the R record's recipient, the D/T/P record's domain
//   017           message length: R size, D/T/P bytes
//   059 CONNECTOR connector the message came in on (EMG 3.1 guide, appendix C): R binding
//   001           message id: INFERRED, EMG's samples carry the same `001:71` on the RECEIVE and
//                 the SEND of one message
//   093/094       receive time, seconds and ms: INFERRED from the samples' values (the RECEIVE
//                 entry's time); with 095/096 (ENDSECS/ENDMSECS, final entries) they give the
//                 seconds since reception
// The connector instance `(n)` is the connection id; a rejection's module is `emg`. A failure's text is the event as logged
// (`SEND ERR (pdu=1/1,info="72")`); EMG does not say at which SMTP-like stage, so stage 22.

import type { EmgConnectorFields } from '../../dialects/emg/index.js';
import { formatInfo, mgpOption } from '../../dialects/emg/index.js';
import { countOf, oneLine } from './event.js';
import type { Translator } from './translate.js';

const DESTADDR = 8;
const LENGTH = 17;
const CONNECTOR = 59;
const MESSAGE_ID = 1;
const RECEIVED_SECS = 93;
const RECEIVED_MSECS = 94;
const END_SECS = 95;
const END_MSECS = 96;

/** `SEND ERR (pdu=1/1,info="72")`: the event as the line has it, without time and options. */
function eventText(f: EmgConnectorFields): string {
  const head = `${f.event} ${f.ok ? 'OK' : 'ERR'}`;
  return oneLine(f.info.length > 0 ? `${head} (${formatInfo(f.info)})` : head);
}

/** ENDSECS.ENDMSECS minus the receive time, when the entry carries both; else 0. */
function secondsSinceReception(f: EmgConnectorFields): number {
  const end = [mgpOption(f.options, END_SECS), mgpOption(f.options, END_MSECS)];
  const start = [mgpOption(f.options, RECEIVED_SECS), mgpOption(f.options, RECEIVED_MSECS)];
  if (end[0] === null || start[0] === null) return 0;
  const ms = (countOf(end[0]) - countOf(start[0])) * 1000 + countOf(end[1]) - countOf(start[1]);
  return ms > 0 ? ms / 1000 : 0;
}

export const emgTranslator: Translator = {
  event(rec, e) {
    const f = rec.fields as unknown as EmgConnectorFields;
    e.messageId = mgpOption(f.options, MESSAGE_ID) ?? '';
    e.connectionId = f.instance;
    const dest = mgpOption(f.options, DESTADDR) ?? '';
    const length = countOf(mgpOption(f.options, LENGTH));
    if (f.event === 'RECEIVE') {
      e.rcptLocalpart = dest;
      e.sizeBytes = length;
      e.binding = mgpOption(f.options, CONNECTOR) ?? '';
      return;
    }
    e.domain = dest;
    e.bytes = length;
    e.secondsSinceReception = secondsSinceReception(f);
    e.error = eventText(f);
  },
  rejection(rec, epoch) {
    const f = rec.fields as unknown as EmgConnectorFields;
    return { epoch, connectionId: f.instance, module: 'emg', reason: eventText(f) };
  },
  panicText(rec) {
    const f = rec.fields as unknown as EmgConnectorFields;
    return `emg: (${oneLine(f.instance)}) ${eventText(f)}`;
  },
};
