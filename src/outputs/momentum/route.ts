// Which Momentum log a record belongs in, which ec_logger switch governs it, and its line. Pure.
//
// A Momentum record (any of its five logs) goes to its own log as the exact line it was read as.
// A record of any other dialect goes by its disposition:
//   reception, delivery, transient_failure, permanent_failure → mainlog R, D, T, P
//   rejection → rejectlog        error → paniclog `epoch:text`        other, none → not written
// The epoch is the record's time (whole seconds). What each dialect fills in:
//
//   field             | EMG connector entry           | MMDF msg.log / auth.log     | Axigen, others
//   ------------------+-------------------------------+-----------------------------+----------------
//   message-id        | option 001                    | message name (msg.aa12345)  | ''
//   connection-id     | instance `(n)`                | ''                          | Axigen session id
//   R rcpt localpart  | option 008 DESTADDR           | ''                          | ''
//   R sender          | ''                            | lin login; rin sender       | ''
//   R source IP       | ''                            | rin relaying host           | ''
//   R size            | option 017                    | bytes                       | 0
//   R protocol        | ''                            | protocol, lower case        | ''
//   R binding         | option 059 CONNECTOR          | queue                       | ''
//   D/T/P domain      | option 008 DESTADDR           | destination host            | ''
//   D/T/P bytes       | option 017                    | 0                           | 0
//   D/T/P binding     | ''                            | channel (or queue)          | ''
//   D/T/P seconds     | 095.096 minus 093.094         | [H:MM:SS] time in queue     | 0
//   T/P stage         | 22 (unknown)                  | 22                          | 22
//   T/P error text    | `SEND ERR (info)`             | status (`NO`, `AGN`)        | the message
//   rejectlog         | C=instance M=emg, reason =    | M=mmdf, reason =            | M=service (Axigen) or app,
//                     | the event                     | `<msg>: <text>`             | reason = the message
//   paniclog text     | `emg: (n) EVENT ERR (info)`   | `<app>: <MSG>`              | Axigen `SERVICE:SESSION: message`
// Batch-id, retry count, remote IP and binding group are never told by these systems: ''/0.
// Details and sources: emg.ts, mmdf.ts, translate.ts.

import type { LogRecord } from '../../record.js';
import type { Disposition } from '../../dialects/types.js';
import type { MomentumFields } from '../../dialects/momentum/index.js';
import {
  dispositionOf, formatMainlog, formatMomentum, formatPaniclog, formatRejectlog, rejectionFields,
} from '../../dialects/momentum/index.js';
import type { MomentumLogName } from './config.js';
import { blankEvent, mainlogEvent, type EventKind } from './event.js';
import { emgTranslator } from './emg.js';
import { mmdfTranslator } from './mmdf.js';
import { axigenTranslator, genericTranslator, type Translator } from './translate.js';

export type MomentumSwitch = 'log_receptions' | 'log_deliveries' | 'log_transient_failures' |
  'log_permanent_failures' | 'log_rejections' | 'log_errors';

const SWITCH: Readonly<Record<Disposition, MomentumSwitch | null>> = {
  reception: 'log_receptions',
  delivery: 'log_deliveries',
  transient_failure: 'log_transient_failures',
  permanent_failure: 'log_permanent_failures',
  rejection: 'log_rejections',
  error: 'log_errors',
  other: null,
};

const LOG_OF: Readonly<Record<Disposition, MomentumLogName | null>> = {
  reception: 'mainlog', delivery: 'mainlog', transient_failure: 'mainlog', permanent_failure: 'mainlog',
  rejection: 'rejectlog', error: 'paniclog', other: null,
};

const TRANSLATORS: Readonly<Record<string, Translator>> = {
  emg: emgTranslator,
  mmdf: mmdfTranslator,
  axigen: axigenTranslator,
};

export interface Target {
  readonly log: MomentumLogName;
  /** The switch that must be on for the record to be written; null: always written (heartbeats, acctlog). */
  readonly switch: MomentumSwitch | null;
  /** For records of other dialects: what the record says happened. */
  readonly disposition: Disposition;
}

function isMomentum(rec: LogRecord): boolean {
  return rec.dialect === 'momentum' && rec.fields !== null;
}

/** Where a record goes; null when it carries no disposition a Momentum log records. */
export function targetOf(rec: LogRecord): Target | null {
  if (isMomentum(rec)) {
    const f = rec.fields as unknown as MomentumFields;
    const disposition = dispositionOf(f);
    return { log: f.log, switch: SWITCH[disposition], disposition };
  }
  const d = rec.disposition;
  if (d === null) return null;
  const log = LOG_OF[d];
  return log === null ? null : { log, switch: SWITCH[d], disposition: d };
}

/** The line (no LF) for a record `targetOf` placed. Throws only on fields that are not what their dialect makes. */
export function lineOf(rec: LogRecord, target: Target): Buffer {
  if (isMomentum(rec)) return formatMomentum(rec.fields as unknown as MomentumFields);
  const t = (rec.dialect !== null ? TRANSLATORS[rec.dialect] : undefined) ?? genericTranslator;
  const epoch = Math.floor(rec.time / 1000);
  switch (target.disposition) {
    case 'rejection':
      return formatRejectlog(rejectionFields(t.rejection(rec, epoch)));
    case 'error':
      return formatPaniclog({ log: 'paniclog', type: 'text', epoch, epochMicros: null, text: t.panicText(rec) });
    default: {
      const e = blankEvent(epoch);
      t.event(rec, e);
      return formatMainlog(mainlogEvent(target.disposition as EventKind, e));
    }
  }
}
