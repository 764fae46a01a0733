// mainlog: one `@`-separated line per message event. Fields 0-3 are epoch, message-id, batch-id
// and connection-id, field 4 the record type. The error text of a failure is the rest of the line
// and may itself hold `@`; every other field is free of `@`.

import type { DialectError } from '../types.js';
import type { MainlogDelivery, MainlogFailure, MainlogFields, MainlogHeartbeat } from './fields.js';
import {
  atFree, countText, decimalText, decode, encode, epochText, fail, isError, readCount, readDecimal, readEpoch, stampOf,
} from './lex.js';
import { stageName } from './stages.js';

/** Fields per record type, epoch included (`T`/`P`: at least, the error text may hold `@`). */
const FIELD_COUNT = { R: 14, D: 12, X: 12, T: 14, P: 14, M: 5, M1: 5 } as const;

export function parseMainlog(line: Buffer): MainlogFields | DialectError {
  const { text, latin1 } = decode(line);
  return readMainlog(text, latin1);
}

/** Reads a decoded mainlog line. */
export function readMainlog(text: string, latin1: boolean): MainlogFields | DialectError {
  const ts = readEpoch(text);
  if (isError(ts)) return ts;
  if (text[ts.end] !== '@') return fail('bad_separator', `mainlog epoch followed by ${JSON.stringify(text[ts.end])}`);
  const f = text.split('@');
  if (f.length < 5) return fail('truncated', `line ends after ${f.length} fields, before the record type`);
  const type = f[4]!;
  if (!Object.hasOwn(FIELD_COUNT, type)) return fail('unknown_type', `mainlog record type ${JSON.stringify(type.slice(0, 20))}`);
  const want = FIELD_COUNT[type as keyof typeof FIELD_COUNT];
  const failure = type === 'T' || type === 'P';
  if (failure ? f.length < want : f.length !== want) {
    return fail('field_count', `mainlog ${type}: ${f.length} fields, ${failure ? 'at least ' : ''}${want} expected`);
  }
  const stamp = stampOf(ts, latin1);
  if (type === 'M' || type === 'M1') {
    if (f[1] !== '' || f[2] !== '' || f[3] !== '') return fail('bad_heartbeat', 'heartbeat with ids filled in');
    return { log: 'mainlog', type, ...stamp };
  }
  const ids = { log: 'mainlog' as const, ...stamp, messageId: f[1]!, batchId: f[2]!, connectionId: f[3]! };
  if (type === 'R') {
    const sizeBytes = readCount(f[10]!, 'size');
    if (isError(sizeBytes)) return sizeBytes;
    return {
      ...ids, type, rcptLocalpart: f[5]!, rcptDomain: f[6]!, senderLocalpart: f[7]!, senderDomain: f[8]!,
      sourceIp: f[9]!, sizeBytes, protocol: f[11]!, bindingGroup: f[12]!, binding: f[13]!,
    };
  }
  const bytes = readCount(f[6]!, 'bytes');
  if (isError(bytes)) return bytes;
  if (type === 'D' || type === 'X') {
    const retries = readCount(f[9]!, 'retry count');
    if (isError(retries)) return retries;
    const secs = readDecimal(f[10]!, 'seconds since reception');
    if (isError(secs)) return secs;
    return {
      ...ids, type, domain: f[5]!, bytes, bindingGroup: f[7]!, binding: f[8]!, retries,
      secondsSinceReception: secs, secondsText: f[10]!, remoteIp: f[11]!,
    };
  }
  const stage = readCount(f[9]!, 'connection stage');
  if (isError(stage)) return stage;
  const retries = readCount(f[10]!, 'retry count');
  if (isError(retries)) return retries;
  const secs = readDecimal(f[11]!, 'seconds since reception');
  if (isError(secs)) return secs;
  return {
    ...ids, type: type as 'T' | 'P', domain: f[5]!, bytes, bindingGroup: f[7]!, binding: f[8]!, stage,
    stageName: stageName(stage), retries, secondsSinceReception: secs, secondsText: f[11]!, remoteIp: f[12]!,
    error: f.length === want ? f[13]! : f.slice(13).join('@'),
  };
}

function secondsOf(r: MainlogDelivery | MainlogFailure): string {
  return decimalText(r.secondsSinceReception, r.secondsText, 3, false);
}

function body(r: Exclude<MainlogFields, MainlogHeartbeat>): string[] {
  const head = [r.messageId, r.batchId, r.connectionId, r.type];
  switch (r.type) {
    case 'R':
      return [...head, r.rcptLocalpart, r.rcptDomain, r.senderLocalpart, r.senderDomain, r.sourceIp,
        countText(r.sizeBytes), r.protocol, r.bindingGroup, r.binding];
    case 'D':
    case 'X':
      return [...head, r.domain, countText(r.bytes), r.bindingGroup, r.binding, countText(r.retries), secondsOf(r), r.remoteIp];
    case 'T':
    case 'P':
      return [...head, r.domain, countText(r.bytes), r.bindingGroup, r.binding, countText(r.stage), countText(r.retries),
        secondsOf(r), r.remoteIp];
  }
}

/** The line as text (no LF). An `@` inside a field other than the error text becomes `_`. */
export function mainlogText(r: MainlogFields): string {
  const epoch = epochText(r.epoch, r.epochMicros);
  if (r.type === 'M' || r.type === 'M1') return `${epoch}@@@@${r.type}`;
  const line = `${epoch}@${body(r as Exclude<MainlogFields, MainlogHeartbeat>).map(atFree).join('@')}`;
  return r.type === 'T' || r.type === 'P' ? `${line}@${r.error}` : line;
}

/** The line as bytes (no LF): byte for byte what `parseMainlog` read. */
export function formatMainlog(r: MainlogFields): Buffer {
  return encode(mainlogText(r), r.latin1);
}
