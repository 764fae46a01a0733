// Generate record fields → serialise → parse → the same fields, 100,000 times per format.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord, RecordFlag } from '../record.js';
import { programOf } from './bytes.js';
import { serializeRfc3164, serializeRfc5424 } from './format.js';
import { formatSd, parseSd } from './rfc5424.js';
import { msgBytes, parse, render, sdElements, token, wallClock } from './syslog.testkit.js';

const RUNS = 100_000;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function lineOf(rec: LogRecord, write: (r: LogRecord, out: import('../util/bytesink.js').ByteSink) => void): Buffer {
  const bytes = render(rec, write);
  assert.equal(bytes[bytes.length - 1], 0x0a);
  return bytes.subarray(0, -1);
}

/** Field lists compared as JSON text: much cheaper than a deep compare at 100,000 runs. */
function same(actual: unknown[], expected: unknown[]): void {
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
}

describe('round trip: fields → line → fields (property)', () => {
  it('RFC 5424, with NILVALUE, SD escapes, BOM and fractions', () => {
    const stamp = fc.record({
      sec: fc.integer({ min: 0, max: 7_258_118_399 }), // 1970 .. 2199
      digits: fc.integer({ min: 0, max: 6 }),
      frac: fc.integer({ min: 0, max: 999_999 }),
      offset: fc.oneof(fc.constant(0), fc.integer({ min: -1439, max: 1439 })),
    });
    const fields = fc.record({
      pri: fc.integer({ min: 0, max: 191 }),
      stamp: fc.option(stamp, { freq: 8 }),
      host: fc.oneof(fc.constant(''), token('', 40)),
      app: fc.oneof(fc.constant(''), token('', 20)),
      procid: fc.oneof(fc.constant(''), token('', 10)),
      msgid: fc.oneof(fc.constant(''), token('', 10)),
      sd: sdElements,
      bom: fc.boolean(),
      msg: msgBytes,
    }).filter((f) => ![f.host, f.app, f.procid, f.msgid].includes('-') && (f.bom || !f.msg.subarray(0, 3).equals(BOM)));

    fc.assert(fc.property(fields, (f) => {
      const rec = new LogRecord(f.msg, 1_000_000, 'test', '');
      rec.facility = f.pri >> 3;
      rec.severity = f.pri & 7;
      if (f.stamp) {
        const micros = Math.floor(f.stamp.frac / 10 ** (6 - f.stamp.digits)) * 10 ** (6 - f.stamp.digits);
        rec.time = f.stamp.sec * 1000 + Math.floor(micros / 1000);
        rec.timeMicros = micros % 1000;
        rec.timeFracDigits = f.stamp.digits;
        rec.tzOffsetMin = f.stamp.offset;
      } else {
        rec.flags |= RecordFlag.NO_TIMESTAMP;
      }
      if (f.bom) rec.flags |= RecordFlag.BOM;
      if (f.host === '') rec.flags |= RecordFlag.NO_HOSTNAME;
      [rec.hostname, rec.app, rec.procid, rec.msgid, rec.sd] = [f.host, f.app, f.procid, f.msgid, formatSd(f.sd)];

      const back = parse(lineOf(rec, serializeRfc5424), '', 1_000_000);
      assert.equal(back.format, 'rfc5424');
      same(
        [back.facility, back.severity, back.flags, back.time, back.timeMicros, back.timeFracDigits, back.tzOffsetMin,
          back.hostname, back.app, back.program, back.procid, back.msgid, back.sd, parseSd(back.sd)],
        [rec.facility, rec.severity, rec.flags, rec.time, rec.timeMicros, rec.timeFracDigits, f.stamp ? rec.tzOffsetMin : null,
          f.host, f.app, programOf(f.app), f.procid, f.msgid, rec.sd, f.sd]);
      assert.ok(back.msg.equals(f.msg));
    }), { numRuns: RUNS });
  });

  it('RFC 3164, with and without HOSTNAME, TAG and PROCID', () => {
    const receivedAt = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) });
    const fields = fc.record({
      pri: fc.integer({ min: 0, max: 191 }),
      receivedAt,
      // Within the window the year inference maps back: a month ahead, 11 months behind.
      deltaSec: fc.integer({ min: -330 * 86_400, max: 30 * 86_400 }),
      // Not tag-like (`x:`, `x[1]:x`) and not a year (`2024`), which the header would read as such.
      host: token(' ', 30).filter((h) => !h.endsWith(':') && !h.includes(']:') && !/^20\d\d$/.test(h)),
      hostless: fc.boolean(),
      app: fc.oneof(fc.constant(''), token(':[]', 20)),
      procid: fc.oneof(fc.constant(''), token('[]', 8)),
      msg: msgBytes,
    });

    fc.assert(fc.property(fields, (f) => {
      let msg = f.msg;
      if (f.app === '') {
        // A tag-less MSG must not start with something that reads as a tag.
        const sp = msg.indexOf(0x20);
        const first = msg.subarray(0, sp < 0 ? msg.length : sp);
        if (first.includes(0x3a)) msg = Buffer.from(msg.map((b, i) => (b === 0x3a && i < first.length ? 0x2e : b)));
      }
      const rec = new LogRecord(msg, f.receivedAt, 'test', '');
      rec.facility = f.pri >> 3;
      rec.severity = f.pri & 7;
      rec.time = Math.floor(f.receivedAt / 1000) * 1000 + f.deltaSec * 1000;
      rec.hostname = f.host;
      rec.app = f.app;
      rec.procid = f.app === '' ? '' : f.procid;
      const hostless = f.hostless && f.app !== '';
      if (hostless) rec.flags |= RecordFlag.NO_HOSTNAME;

      const line = lineOf(rec, serializeRfc3164);
      const back = parse(line, f.host, f.receivedAt);
      assert.equal(back.format, 'rfc3164', line.toString());
      same([back.facility, back.severity, back.flags, wallClock(back.time), back.hostname, back.app, back.program, back.procid],
        [rec.facility, rec.severity, rec.flags, wallClock(rec.time), f.host, rec.app, programOf(rec.app), rec.procid]);
      assert.ok(back.msg.equals(msg));
    }), { numRuns: RUNS });
  });
});
