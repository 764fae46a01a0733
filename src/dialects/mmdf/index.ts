// The MMDF dialect: ll_log lines from msg.log, chan.log and auth.log (any prefix form), read into
// fields and written back byte for byte; plus the writers the `mmdf` output builds lines with and
// the reader of the tailor file's log settings.

import type { Dialect, DialectError, DialectResult } from '../types.js';
import { mmdfDisposition } from './disposition.js';
import type { MmdfFields } from './fields.js';
import { formatLineText, looksLikeMmdf, readLine } from './line.js';

export const mmdfDialect: Dialect<MmdfFields> = {
  name: 'mmdf',
  looksLike: looksLikeMmdf,
  parse(line: Buffer): DialectResult<MmdfFields> | DialectError {
    const f = readLine(line);
    if ('ok' in f) return f;
    return { ok: true, fields: f, disposition: mmdfDisposition(f.entry) };
  },
  format(fields: MmdfFields): Buffer {
    return Buffer.from(formatLineText(fields), 'utf8');
  },
};

export type * from './fields.js';
export { MMDF_MARKERS, MMDF_PHASES } from './fields.js';
export { MMDF_REASONS, type MmdfReason } from './errors.js';
export { MMDF_STATUSES, codeClass, statusClass, statusCode, statusText, type MmdfStatus, type MmdfStatusClass } from './status.js';
export { formatPrefix, longPrefixAt, shortPrefixAt } from './prefix.js';
export { describeTag, hdinitTag, type MmdfTagInfo, type MmdfTagRole } from './tag.js';
export { formatEntry, authEntry } from './entry.js';
export { formatLatency } from './msglog.js';
export { formatLineText } from './line.js';
export { mmdfDisposition } from './disposition.js';
export {
  MMDF_LOG_DEFAULTS, MMDF_STAT, applyLogSettings, parseTailor, parseTailorLine, resolveLogPath, sizeLimitBytes,
  type MmdfLogName, type MmdfLogSettings, type MmdfEffectiveLog, type MmdfTailor, type MmdfTailorError,
  type MmdfTailorEntry, type MmdfTailorLineResult, type MmdfTailorResult,
} from './tailor.js';
