// acctlog: authentication (`N`, timeout `T`) and authorization (`Z`) of ESMTP_Listener and
// Control_Listener clients, `@`-separated with backslash escapes inside fields (escape.ts).
//   epoch@N@listener@peer@user@1|0
//   epoch@Z@listener@peer@user@1|0|-1@command[@role]
// `?` marks an entry of unknown type; its fields are kept as a list.

import type { DialectError } from '../types.js';
import type { AcctlogFields } from './fields.js';
import { escapeField, splitEscaped, unescapeField } from './escape.js';
import { decode, encode, epochText, fail, isError, readEpoch, readSigned, signedText, stampOf } from './lex.js';

/** The acctlog record types: the one-character field after the epoch. */
export const ACCTLOG_TYPES: ReadonlySet<string> = new Set(['N', 'T', 'Z', '?']);

function isAcctType(t: string): t is AcctlogFields['type'] {
  return ACCTLOG_TYPES.has(t);
}

export function parseAcctlog(line: Buffer): AcctlogFields | DialectError {
  const { text, latin1 } = decode(line);
  return readAcctlog(text, latin1);
}

export function readAcctlog(text: string, latin1: boolean): AcctlogFields | DialectError {
  const ts = readEpoch(text);
  if (isError(ts)) return ts;
  if (text[ts.end] !== '@') return fail('bad_separator', `acctlog epoch followed by ${JSON.stringify(text[ts.end])}`);
  const raw = splitEscaped(text.slice(ts.end + 1));
  const type = raw[0]!;
  if (!isAcctType(type)) return fail('unknown_type', `acctlog record type ${JSON.stringify(type.slice(0, 20))}`);
  const f: string[] = [];
  for (let i = 1; i < raw.length; i++) {
    const v = unescapeField(raw[i]!);
    if (v === null) return fail('bad_escape', `acctlog field ${i + 1}: ${JSON.stringify(raw[i]!.slice(0, 40))}`);
    f.push(v);
  }
  const stamp = stampOf(ts, latin1);
  if (type === '?') return { log: 'acctlog', type, ...stamp, fields: f };
  // Counts exclude the epoch and the type: N 4, T 3 or 4, Z 5 or 6.
  const [min, max] = type === 'N' ? [4, 4] : type === 'T' ? [3, 4] : [5, 6];
  if (f.length < min || f.length > max) {
    return fail('field_count', `acctlog ${type}: ${f.length + 2} fields, ${min + 2}${max > min ? `-${max + 2}` : ''} expected`);
  }
  const who = { listener: f[0]!, peer: f[1]!, user: f[2]! };
  if (f.length === 3) return { log: 'acctlog', type: 'T', ...stamp, ...who, result: null };
  const result = readSigned(f[3]!, 'result');
  if (isError(result)) return result;
  if (type === 'Z') return { log: 'acctlog', type, ...stamp, ...who, result, command: f[4]!, role: f[5] ?? null };
  return { log: 'acctlog', type, ...stamp, ...who, result };
}

function fieldsOf(r: AcctlogFields): string[] {
  switch (r.type) {
    case '?': return r.fields;
    case 'Z': {
      const f = [r.listener, r.peer, r.user, signedText(r.result), r.command];
      return r.role === null ? f : [...f, r.role];
    }
    default: {
      const f = [r.listener, r.peer, r.user];
      return r.result === null ? f : [...f, signedText(r.result)];
    }
  }
}

/** The line as text (no LF), fields escaped. */
export function acctlogText(r: AcctlogFields): string {
  const head = `${epochText(r.epoch, r.epochMicros)}@${r.type}`;
  const f = fieldsOf(r);
  return f.length === 0 ? head : `${head}@${f.map(escapeField).join('@')}`;
}

/** The line as bytes (no LF): byte for byte what `parseAcctlog` read. */
export function formatAcctlog(r: AcctlogFields): Buffer {
  return encode(acctlogText(r), r.latin1);
}
