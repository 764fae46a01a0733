// fast-check arbitraries for Momentum records and for lines that are almost Momentum lines, shared
// by the property tests.

import fc from 'fast-check';
import type {
  AcctlogFields, ImportlogFields, MainlogFields, PaniclogFields, RejectItem,
} from './fields.js';
import { FIXTURES } from './fixtures.js';
import type { RejectionInput } from './rejection.js';
import { stageName } from './stages.js';

const text = fc.string({ unit: 'binary', maxLength: 24 });
const noAt = text.map((s) => s.replaceAll('@', ''));
const count = fc.integer({ min: 0, max: 999_999_999_999_999 });
const stamp = fc.record({
  epoch: fc.integer({ min: 0, max: 9_999_999_999 }),
  epochMicros: fc.option(fc.integer({ min: 0, max: 999_999 })),
});
const seconds = fc.stringMatching(/^[0-9]{1,15}(\.[0-9]{1,9})?$/).map((t) => ({ secondsText: t, secondsSinceReception: Number(t) }));

const ids = { messageId: noAt, batchId: noAt, connectionId: noAt };
const attempt = { domain: noAt, bytes: count, bindingGroup: noAt, binding: noAt, retries: count, remoteIp: noAt };

export const mainlogArb: fc.Arbitrary<MainlogFields> = fc.oneof(
  fc.record({ log: fc.constant('mainlog' as const), type: fc.constantFrom('M' as const, 'M1' as const) }),
  fc.record({
    log: fc.constant('mainlog' as const), type: fc.constant('R' as const), ...ids, rcptLocalpart: noAt, rcptDomain: noAt,
    senderLocalpart: noAt, senderDomain: noAt, sourceIp: noAt, sizeBytes: count, protocol: noAt, bindingGroup: noAt, binding: noAt,
  }),
  fc.record({ log: fc.constant('mainlog' as const), type: fc.constantFrom('D' as const, 'X' as const), ...ids, ...attempt, s: seconds })
    .map(({ s, ...r }) => ({ ...r, ...s })),
  fc.record({
    log: fc.constant('mainlog' as const), type: fc.constantFrom('T' as const, 'P' as const), ...ids, ...attempt,
    stage: fc.oneof(fc.integer({ min: 0, max: 30 }), count), s: seconds, error: text,
  }).map(({ s, ...r }) => ({ ...r, ...s, stageName: stageName(r.stage) })),
).chain((r) => stamp.map((st) => ({ ...st, ...r })));

const styled = (style: RejectItem['style']) => fc.record({ key: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/), value: text, style: fc.constant(style) });

export const rejectionInputArb: fc.Arbitrary<RejectionInput> = fc.record({
  epoch: fc.integer({ min: 0, max: 9_999_999_999 }),
  epochMicros: fc.option(fc.integer({ min: 0, max: 999_999 })),
  remote: fc.option(text), local: fc.option(text), connectionId: fc.option(text), path: fc.option(text),
  pathGroup: fc.option(text), phase: fc.option(text), code: fc.option(fc.integer({ min: 0, max: 999 })),
  module: fc.option(text), ctxConn: fc.option(text), ctxMess: fc.option(text),
  extra: fc.array(fc.oneof(styled('quoted'), styled('bare'), styled('bracketed')), { maxLength: 3 }),
  reason: fc.option(text),
}, { requiredKeys: ['epoch'] });

const token = fc.stringMatching(/^[!-~]{1,12}$/);
const ms = fc.stringMatching(/^[0-9]{1,15}(\.[0-9]{1,9})?$/);

export const paniclogArb: fc.Arbitrary<PaniclogFields> = fc.oneof(
  fc.record({ log: fc.constant('paniclog' as const), type: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 60 }) }),
  fc.record({
    log: fc.constant('paniclog' as const), type: fc.constant('http' as const), ip: token, method: token, path: token, version: token,
    status: count, bytes: count, msText: ms,
  }).map((r) => ({ ...r, ms: Number(r.msText) })),
).chain((r) => stamp.map((st) => ({ ...st, ...r })));

// Fields full of the characters acctlog escapes.
const escapy = fc.string({ unit: fc.oneof(fc.constantFrom('@', '\\', '\n', '\r', '\t', '\x00', '\x1f', '\x7f', 'x', 'n'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 16 });
const signed = fc.integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 });

export const acctlogArb: fc.Arbitrary<AcctlogFields> = fc.oneof(
  fc.record({ log: fc.constant('acctlog' as const), type: fc.constant('N' as const), listener: escapy, peer: escapy, user: escapy, result: signed }),
  fc.record({ log: fc.constant('acctlog' as const), type: fc.constant('T' as const), listener: escapy, peer: escapy, user: escapy, result: fc.option(signed) }),
  fc.record({
    log: fc.constant('acctlog' as const), type: fc.constant('Z' as const), listener: escapy, peer: escapy, user: escapy, result: signed,
    command: escapy, role: fc.option(escapy),
  }),
  fc.record({ log: fc.constant('acctlog' as const), type: fc.constant('?' as const), fields: fc.array(escapy, { maxLength: 6 }) }),
).chain((r) => stamp.map((st) => ({ ...st, ...r })));

export const importlogArb: fc.Arbitrary<ImportlogFields> = fc.record({
  log: fc.constant('importlog' as const), type: fc.constant('I' as const), origId: noAt, newId: noAt, result: count, spoolDir: text,
}).chain((r) => stamp.map((st) => ({ ...st, ...r })));

// Lines that are almost Momentum lines: the pieces its parsers branch on, in random order.
const TOKENS = [
  '@', '@', '@', ':', ': ', ' ', '"', '[', ']', '=', '\\', '\\@', '\\x0', '\\x01', 'E=', 'R="', 'CTXCONN=[', 'Marker 1', 'N', 'T',
  'Z', '?', 'I', 'R', 'D', 'X', 'P', 'M', 'M1', '0', '1', '-1', '0.5', '12', '007', 'abc', '\n', '\x01', 'é', 'HTTP/1.1" 200 ',
].map((t) => Buffer.from(t, 'utf8'));
const RAW = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0x80]), Buffer.from([0xed, 0xa0, 0x80])];

const epochBytes = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[0-9]{10}$/) },
  { weight: 3, arbitrary: fc.stringMatching(/^[0-9]{16}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{0,18}$/) },
).map((s) => Buffer.from(s, 'latin1'));
const separator = fc.constantFrom('@', '@', ':', ': ', '').map((s) => Buffer.from(s, 'latin1'));

const soup = fc.tuple(
  epochBytes,
  separator,
  fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 1, arbitrary: fc.constantFrom(...RAW) }), { maxLength: 40 }),
).map(([e, sep, parts]) => Buffer.concat([e, sep, ...parts]));

// `@`-separated fields drawn from what each field of each log holds.
const FIELD = ['', 'R', 'D', 'X', 'T', 'P', 'M', 'M1', 'N', 'Z', '?', 'I', 'B', '0', '1', '-1', '15', '0.393', '18.', '01', 'a b', 'x\\@y', '\\', '\\x01', '\\n', '\xff'];
const fieldsLine = fc.tuple(epochBytes, fc.array(fc.constantFrom(...FIELD), { minLength: 1, maxLength: 16 }))
  .map(([e, f]) => Buffer.concat([e, Buffer.from(`@${f.join('@')}`, 'latin1')]));

export const nearLineArb: fc.Arbitrary<Buffer> = fc.oneof(soup, fieldsLine);

/** A documented line with a few bytes replaced, inserted or deleted. */
export const mutatedFixtureArb: fc.Arbitrary<Buffer> = fc.tuple(
  fc.constantFrom(...FIXTURES.map((f) => Buffer.from(f.line, 'utf8'))),
  fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete'), fc.noBias(fc.nat({ max: 1000 })), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x40, 0x3a, 0x20, 0x22, 0x5b, 0x5d, 0x5c))), { minLength: 1, maxLength: 4 }),
).map(([line, edits]) => {
  const bytes = [...line];
  for (const [op, at, b] of edits) {
    const i = at % (bytes.length + 1);
    if (op === 'insert') bytes.splice(i, 0, b);
    else if (op === 'delete') bytes.splice(i, 1);
    else if (i < bytes.length) bytes[i] = b;
  }
  return Buffer.from(bytes);
});
