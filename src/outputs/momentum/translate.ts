// How a record of a dialect other than Momentum's becomes a Momentum line: each dialect fills in
// the event, rejection or panic text from the fields it parsed. The generic translator reads only
// what every record has (time, app, MSG) and serves records of no known dialect and Axigen's.

import type { LogRecord } from '../../record.js';
import type { RejectionInput } from '../../dialects/momentum/index.js';
import type { AxigenFields } from '../../dialects/axigen/fields.js';
import type { EventParts } from './event.js';
import { oneLine } from './event.js';

export interface Translator {
  /** Fills `e` (already blank, epoch set) for a reception, delivery or failure. */
  event(rec: LogRecord, e: EventParts): void;
  /** The rejectlog entry of a rejection. */
  rejection(rec: LogRecord, epoch: number): RejectionInput;
  /** The text after `epoch:` in the paniclog. */
  panicText(rec: LogRecord): string;
}

/** The MSG as text, on one line. */
export function msgText(rec: LogRecord): string {
  return oneLine(rec.msg.toString('utf8'));
}

/** Records of no known dialect: the MSG is the failure text, the rejection reason and the panic text. */
export const genericTranslator: Translator = {
  event(rec, e) {
    e.error = msgText(rec);
  },
  rejection(rec, epoch) {
    return { epoch, module: rec.app === '' ? null : rec.app, reason: msgText(rec) };
  },
  panicText(rec) {
    const text = msgText(rec);
    return rec.app === '' ? text : `${oneLine(rec.app)}: ${text}`;
  },
};

/** Axigen: the session id is the connection id; the panic text is `SERVICE:SESSIONID: message` as logged. */
export const axigenTranslator: Translator = {
  event(rec, e) {
    const f = rec.fields as AxigenFields;
    e.connectionId = f.session;
    e.error = oneLine(f.message.toString('utf8'));
  },
  rejection(rec, epoch) {
    const f = rec.fields as AxigenFields;
    return { epoch, connectionId: f.session, module: f.service, reason: oneLine(f.message.toString('utf8')) };
  },
  panicText(rec) {
    const f = rec.fields as AxigenFields;
    return oneLine(`${f.service}:${f.session}: ${f.message.toString('utf8')}`);
  },
};
