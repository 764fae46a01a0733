// The Axigen dialect: Log Service lines (`YYYY-MM-DD HH:MM:SS +ZZZZ LL host SERVICE:SESSIONID:
// message`) and the bare `SERVICE:SESSIONID: message` tail a syslog record may carry.

import type { Dialect, DialectError, DialectResult } from '../types.js';
import { axigenDisposition } from './disposition.js';
import type { AxigenFields } from './fields.js';
import { formatAxigen } from './format.js';
import { looksLikeAxigen, parseAxigenLine } from './parse.js';

export type {
  AxigenAddresses, AxigenBare, AxigenEndpoint, AxigenErrorReason, AxigenFields, AxigenLine, AxigenStamp,
} from './fields.js';
export { axigenDisposition } from './disposition.js';
export { formatAxigen, formatAxigenLine, type AxigenLineInput } from './format.js';
export { looksLikeAxigen, parseAxigenLine } from './parse.js';
export { readAddresses } from './facts.js';
// The level-mask decision is the levels module's; a rule file output takes it from here too.
export { axigenPasses, recordAxigenBit } from '../../levels/axigen.js';

function parse(line: Buffer): DialectResult<AxigenFields> | DialectError {
  const fields = parseAxigenLine(line);
  if ('ok' in fields) return fields;
  return { ok: true, fields, disposition: axigenDisposition(fields) };
}

export const axigenDialect: Dialect<AxigenFields> = {
  name: 'axigen',
  looksLike: looksLikeAxigen,
  parse,
  format: formatAxigen,
};
