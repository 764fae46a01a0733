// The EMG dialect: connector log lines (`connector.<name>`), the files that carry message
// outcomes. Server log lines (`general`, `debug`) have a parser of their own in ./server.ts,
// exported here, because their shape is inferred and too loose to recognise a line by.

import type { Dialect } from '../types.js';
import { formatConnectorLine, parseConnectorLine, type EmgConnectorFields } from './connector.js';
import { connectorDisposition } from './disposition.js';
import { readTime } from './time.js';

export type EmgFields = EmgConnectorFields;

/** Enough of a line to hold the longest timestamp and ` (`. */
const HEAD_BYTES = 32;

export const emgDialect: Dialect<EmgFields> = {
  name: 'emg',
  looksLike(line: Buffer): boolean {
    const head = line.toString('latin1', 0, HEAD_BYTES);
    const t = readTime(head);
    return t.ok && head[t.end] === ' ' && head[t.end + 1] === '(';
  },
  parse(line: Buffer) {
    const r = parseConnectorLine(line);
    return r.ok ? { ok: true, fields: r.fields, disposition: connectorDisposition(r.fields) } : r;
  },
  format: formatConnectorLine,
};

export { EMG_REASONS, type EmgReason } from './errors.js';
export { EMG_EVENTS, emgEventCode, emgEventName, parseEmgEvent, type EmgEvent } from './events.js';
export { INFO_KEYS, formatInfo, type EmgInfoItem } from './info.js';
export { MGP_ENDMSECS, MGP_ENDSECS, MGP_OPTIONS, isFinal, mgpOption, mgpOptionName, type MgpOption } from './mgp-options.js';
export { formatTime, MONTH_NAMES, readTime, type EmgTime } from './time.js';
export { formatConnectorLine, formatConnectorText, parseConnectorLine, parseConnectorText, type EmgConnectorFields } from './connector.js';
export { connectorDisposition } from './disposition.js';
export { connectorRow, type ConnectorLogRow } from './row.js';
export { formatServerLine, parseServerLine, parseServerText, type EmgServerFields } from './server.js';
