// Properties over generated input: fields → format → parse gives the fields back, record-like
// input always gives a line that reads back, and no bytes make the parser throw.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { daysFromCivil } from './stamp.js';
import { readAddresses } from './facts.js';
import type { AxigenFields, AxigenStamp } from './fields.js';
import { AXIGEN_SAMPLES } from './fixtures.js';
import { formatAxigen, formatAxigenLine } from './format.js';
import { axigenDialect } from './index.js';

const RUNS = 20_000;
const BITS = [1, 2, 4, 8, 16] as const;

const visible = (noColon: boolean, maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).filter((c) => !noColon || c !== 0x3a).map((c) => String.fromCharCode(c)), minLength: 1, maxLength });
const upperService = fc.tuple(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'), maxLength: 12 }),
).map(([a, b]) => a + b);
// Messages: arbitrary bytes, or the connection form so the address facts are exercised.
const message = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((u) => Buffer.from(u)),
  fc.tuple(fc.ipV4(), fc.nat(65535), fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat(65535)).map(([a, p, b, q]) =>
    Buffer.from(`[${a}:${p}] connection accepted from [${b}:${q}]`)),
);

const stamp: fc.Arbitrary<AxigenStamp> = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  sign: fc.constantFrom('+', '-'),
  zh: fc.integer({ min: 0, max: 23 }),
  zm: fc.integer({ min: 0, max: 59 }),
}).map((s) => {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const day = Math.min(s.day, new Date(Date.UTC(2000 + (s.year % 400), s.month, 0)).getUTCDate());
  const zoneOffsetMin = (s.sign === '-' ? -1 : 1) * (s.zh * 60 + s.zm) + 0;
  const local = daysFromCivil(s.year, s.month, day) * 86_400_000 + ((s.hour * 60 + s.minute) * 60 + s.second) * 1000;
  return {
    year: s.year, month: s.month, day, hour: s.hour, minute: s.minute, second: s.second,
    zoneOffsetMin, zone: s.sign + p2(s.zh) + p2(s.zm), time: local - zoneOffsetMin * 60_000 + 0,
  };
});

const lineFields: fc.Arbitrary<AxigenFields> = fc.record({
  stamp, bit: fc.constantFrom(...BITS), short: fc.boolean(), host: visible(false, 24),
  service: fc.oneof(upperService, visible(true, 12)), session: visible(true, 12), message,
}).map((f) => ({
  shape: 'line', stamp: f.stamp, level: f.bit,
  levelText: f.short && f.bit < 10 ? String(f.bit) : String(f.bit).padStart(2, '0'),
  host: f.host, service: f.service, session: f.session, message: f.message, addresses: readAddresses(f.message),
}));

const bareFields: fc.Arbitrary<AxigenFields> = fc.record({ service: upperService, session: visible(true, 12), message })
  .map((f) => ({ shape: 'bare', ...f, addresses: readAddresses(f.message) }));

describe('dialects/axigen properties', function () {
  this.timeout(60_000);

  it('reads back every line it writes, both shapes', () => {
    fc.assert(fc.property(fc.oneof({ weight: 4, arbitrary: lineFields }, { weight: 1, arbitrary: bareFields }), (f) => {
      const line = axigenDialect.format(f);
      assert.ok(axigenDialect.looksLike(line));
      const r = axigenDialect.parse(line);
      assert.ok(r.ok, r.ok ? '' : r.detail);
      assert.deepEqual(r.fields, f);
      assert.ok(axigenDialect.format(r.fields).equals(line));
    }), { numRuns: RUNS });
  });

  it('writes a line that reads back for any record-like input', () => {
    const input = fc.record({
      time: fc.oneof(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double()),
      zoneOffsetMin: fc.oneof(fc.constant(null), fc.integer({ min: -1500, max: 1500 }), fc.double()),
      levelBit: fc.integer({ min: -64, max: 64 }),
      host: fc.string({ maxLength: 12, unit: 'binary' }),
      service: fc.string({ maxLength: 12, unit: 'binary' }),
      session: fc.string({ maxLength: 12, unit: 'binary' }),
      message: fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
    });
    fc.assert(fc.property(input, (rec) => {
      const line = formatAxigenLine(rec);
      const r = axigenDialect.parse(line);
      assert.ok(r.ok && r.fields.shape === 'line', r.ok ? '' : r.detail);
      assert.ok(r.fields.message.equals(rec.message));
      assert.ok(formatAxigen(r.fields).equals(line));
      const off = rec.zoneOffsetMin;
      if (off !== null && Number.isInteger(off) && Math.abs(off) < 1440) assert.equal(r.fields.stamp.zoneOffsetMin, off + 0);
      // Inside years 0001..9998 nothing is clamped.
      if (rec.time > -6.2e13 && rec.time < 2.5e14) {
        assert.equal(r.fields.stamp.time, Math.floor(rec.time / 1000) * 1000 + 0);
      }
      if ([1, 2, 4, 8, 16].includes(rec.levelBit)) assert.equal(r.fields.level, rec.levelBit);
    }), { numRuns: RUNS });
  });

  it('never throws on arbitrary bytes or damaged lines', () => {
    const samples = AXIGEN_SAMPLES.map((s) => Buffer.from(s.line, 'latin1'));
    const damaged = fc.tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }), fc.nat())
      .map(([s, edits, cut]) => {
        const b = Buffer.from(s);
        for (const [at, v] of edits) b[at % b.length] = v;
        return b.subarray(0, cut % (b.length + 1));
      });
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 120 }).map((u) => Buffer.from(u)), damaged);
    fc.assert(fc.property(bytes, (line) => {
      const looks = axigenDialect.looksLike(line);
      assert.equal(typeof looks, 'boolean');
      const r = axigenDialect.parse(line);
      if (r.ok) assert.ok(looks && axigenDialect.format(r.fields).equals(line));
      else assert.ok(['timestamp', 'zone', 'level', 'host', 'service', 'truncated'].includes(r.reason));
    }), { numRuns: RUNS });
  });
});
