// The row a connector line becomes in the `connectorlog` table: the event as EMG's number, and
// info and options as the text the line carries. EMG's column names were not available, so
// these are ours; the output that writes the table maps them.

import type { EmgConnectorFields } from './connector.js';
import { emgEventCode } from './events.js';
import { formatInfo } from './info.js';
import { formatOptions } from './mgp-options.js';

export interface ConnectorLogRow {
  /** null unless the line was written with LOGYEAR: no year is invented. */
  readonly year: number | null;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly micros: number;
  readonly instance: string;
  /** CONNECT 0, DISCONNECT 1, LOGIN 2, LOGOUT 3, SEND 4, RECEIVE 5, REJECT 7, MAXFAIL 9, EXPIRE 10. */
  readonly event: number;
  readonly ok: boolean;
  /** Inside of the parentheses as written (`pdu=1/1,info="72"`); '' when none. */
  readonly info: string;
  /** Options as written (`001:71 034:127.0.0.1`); '' when none. */
  readonly options: string;
}

export function connectorRow(f: EmgConnectorFields): ConnectorLogRow {
  const t = f.time;
  return {
    year: t.year,
    month: t.month,
    day: t.day,
    hour: t.hour,
    minute: t.minute,
    second: t.second,
    micros: t.micros,
    instance: f.instance,
    event: emgEventCode(f.event),
    ok: f.ok,
    info: formatInfo(f.info),
    options: formatOptions(f.options),
  };
}
