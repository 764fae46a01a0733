// paniclog: `epoch:text`, system events for debugging. A request an HTTP_Listener logged
// (`log_requests_to_paniclog`) has its own shape, `ip "METHOD path version" status bytes ms`, and
// is read into fields; any other text is kept whole.

import type { DialectError } from '../types.js';
import type { PaniclogFields } from './fields.js';
import { countText, decimalText, decode, encode, epochText, fail, isError, readEpoch, stampOf } from './lex.js';

// Numbers as lex.ts reads them: counts without leading zeros, ms as a plain decimal.
const HTTP = /^(\S+) "(\S+) (\S+) (\S+)" (0|[1-9][0-9]{0,14}) (0|[1-9][0-9]{0,14}) ([0-9]{1,15}(?:\.[0-9]{1,9})?)$/;

export function parsePaniclog(line: Buffer): PaniclogFields | DialectError {
  const { text, latin1 } = decode(line);
  return readPaniclog(text, latin1);
}

export function readPaniclog(text: string, latin1: boolean): PaniclogFields | DialectError {
  const ts = readEpoch(text);
  if (isError(ts)) return ts;
  if (text[ts.end] !== ':') return fail('bad_separator', `paniclog epoch followed by ${JSON.stringify(text[ts.end])}`);
  const stamp = stampOf(ts, latin1);
  const rest = text.slice(ts.end + 1);
  const m = HTTP.exec(rest);
  if (m === null) return { log: 'paniclog', type: 'text', ...stamp, text: rest };
  return {
    log: 'paniclog', type: 'http', ...stamp, ip: m[1]!, method: m[2]!, path: m[3]!, version: m[4]!,
    status: Number(m[5]), bytes: Number(m[6]), ms: Number(m[7]), msText: m[7]!,
  };
}

/** The line as text (no LF). */
export function paniclogText(r: PaniclogFields): string {
  const head = `${epochText(r.epoch, r.epochMicros)}:`;
  if (r.type === 'text') return head + r.text;
  const ms = decimalText(r.ms, r.msText, 3, true);
  return `${head}${r.ip} "${r.method} ${r.path} ${r.version}" ${countText(r.status)} ${countText(r.bytes)} ${ms}`;
}

/** The line as bytes (no LF): byte for byte what `parsePaniclog` read. */
export function formatPaniclog(r: PaniclogFields): Buffer {
  return encode(paniclogText(r), r.latin1);
}
