// The Momentum (Ecelerity) dialect: the lines of its mainlog, rejectlog, paniclog, acctlog and
// importlog, read into typed fields and written back byte for byte.

import type { Dialect, DialectError, DialectResult } from '../types.js';
import { dispositionOf } from './disposition.js';
import type { MomentumFields } from './fields.js';
import { isError } from './lex.js';
import { formatMomentum, parseMomentum } from './read.js';

const MAX_DIGITS = 16;

/** 10 or 16 digits, then `@` or `:`: the start of every Momentum line. */
export function looksLikeMomentum(line: Buffer): boolean {
  let n = 0;
  while (n < line.length && n <= MAX_DIGITS) {
    const b = line[n]!;
    if (b < 0x30 || b > 0x39) break;
    n++;
  }
  if (n !== 10 && n !== MAX_DIGITS) return false;
  const sep = line[n];
  return sep === 0x40 || sep === 0x3a;
}

export const momentumDialect: Dialect<MomentumFields> = {
  name: 'momentum',
  looksLike: looksLikeMomentum,
  parse(line: Buffer): DialectResult<MomentumFields> | DialectError {
    const f = parseMomentum(line);
    return isError(f) ? f : { ok: true, fields: f, disposition: dispositionOf(f) };
  },
  format: formatMomentum,
};

export type * from './fields.js';
export { dispositionOf } from './disposition.js';
export { heartbeatLine, isHeartbeat } from './heartbeat.js';
export type { MomentumReason } from './lex.js';
export { CONNECTION_STAGES, stageName } from './stages.js';
export { formatMomentum, parseMomentum } from './read.js';
export { formatMainlog, mainlogText, parseMainlog } from './mainlog.js';
export { formatRejectlog, parseRejectlog, rejectlogText } from './rejectlog.js';
export { rejectionFields, type RejectionInput } from './rejection.js';
export { formatPaniclog, paniclogText, parsePaniclog } from './paniclog.js';
export { formatAcctlog, acctlogText, parseAcctlog } from './acctlog.js';
export { escapeField, unescapeField } from './escape.js';
export { formatImportlog, importlogText, parseImportlog } from './importlog.js';
