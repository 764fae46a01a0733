// importlog: the outcome of a spool import, `epoch@origid@I@newid@result@spooldir`. The result is
// 1 to 4; the spool directory is the rest of the line.

import type { DialectError } from '../types.js';
import type { ImportlogFields } from './fields.js';
import { atFree, countText, decode, encode, epochText, fail, isError, readCount, readEpoch, stampOf } from './lex.js';

export function parseImportlog(line: Buffer): ImportlogFields | DialectError {
  const { text, latin1 } = decode(line);
  return readImportlog(text, latin1);
}

export function readImportlog(text: string, latin1: boolean): ImportlogFields | DialectError {
  const ts = readEpoch(text);
  if (isError(ts)) return ts;
  if (text[ts.end] !== '@') return fail('bad_separator', `importlog epoch followed by ${JSON.stringify(text[ts.end])}`);
  const f = text.split('@');
  if (f.length >= 3 && f[2] !== 'I') return fail('unknown_type', `importlog record type ${JSON.stringify(f[2]!.slice(0, 20))}`);
  if (f.length < 6) return fail('field_count', `importlog: ${f.length} fields, 6 expected`);
  const result = readCount(f[4]!, 'result');
  if (isError(result)) return result;
  const stamp = stampOf(ts, latin1);
  return {
    log: 'importlog', type: 'I', ...stamp, origId: f[1]!, newId: f[3]!, result,
    spoolDir: f.length === 6 ? f[5]! : f.slice(5).join('@'),
  };
}

/** The line as text (no LF). An `@` inside an id becomes `_`. */
export function importlogText(r: ImportlogFields): string {
  return `${epochText(r.epoch, r.epochMicros)}@${atFree(r.origId)}@I@${atFree(r.newId)}@${countText(r.result)}@${r.spoolDir}`;
}

/** The line as bytes (no LF): byte for byte what `parseImportlog` read. */
export function formatImportlog(r: ImportlogFields): Buffer {
  return encode(importlogText(r), r.latin1);
}
