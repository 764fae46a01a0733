import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord, RecordFlag } from '../record.js';
import { parseRecord } from './parse.js';
import { RECEIVED, parse } from './syslog.testkit.js';

describe('parseRecord', () => {
  it('dispatches on `1 ` after the PRI', () => {
    assert.equal(parse('<13>1 2026-01-01T00:00:00Z h a - - - x').format, 'rfc5424');
    assert.equal(parse('<13>Jan  1 00:00:00 h a: x').format, 'rfc3164');
    assert.equal(parse('<13>10 apples').format, 'unparsed');
  });

  it('keeps a line with an invalid PRI whole after the PRI, unparsed', () => {
    const r = parse('<999>Nov 22 04:00:00 host app: bad pri', 'peer');
    assert.equal(r.format, 'unparsed');
    assert.equal(r.flags, RecordFlag.PRI_INVALID | RecordFlag.PARSE_ERROR | RecordFlag.NO_HOSTNAME | RecordFlag.NO_TIMESTAMP);
    assert.deepEqual([r.facility, r.severity, r.hostname, r.time, r.msg.toString()], [1, 5, 'peer', RECEIVED, 'Nov 22 04:00:00 host app: bad pri']);
    assert.equal(parse('<abc').msg.toString(), '<abc', 'unreadable brackets: the whole frame is MSG');
  });

  it('handles empty input, a bare PRI and NUL bytes', () => {
    for (const [line, flags, msg] of [
      ['', RecordFlag.PRI_MISSING, ''],
      ['<13>', 0, ''],
      ['<>', RecordFlag.PRI_INVALID, ''],
      ['\0\0\0', RecordFlag.PRI_MISSING, '\0\0\0'],
    ] as const) {
      const r = parse(line, 'peer');
      assert.equal(r.format, 'unparsed', JSON.stringify(line));
      assert.equal(r.flags & ~(RecordFlag.PARSE_ERROR | RecordFlag.NO_HOSTNAME | RecordFlag.NO_TIMESTAMP), flags);
      assert.equal(r.msg.toString('latin1'), msg);
      assert.equal(r.hostname, 'peer');
    }
  });

  it('leaves raw untouched', () => {
    const bytes = Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0x00, 0x0a, 0x1b]);
    const copy = Buffer.from(bytes);
    const r = parse(bytes);
    assert.ok(r.raw === bytes);
    assert.deepEqual(r.raw, copy);
    assert.deepEqual(r.msg, copy.subarray(4));
  });

  // Arbitrary bytes, often behind a header that gets the parser deep into its paths.
  const HEADS = ['', '<13>', '<13>1 ', '<13>1 2026-01-01T00:00:00', '<13>1 - h a p m [', '<13>1 - h a p m [x a="', '<13>Oct 11 22:14:15 ',
    '<13>Oct 11 22:14:15 host ', '<13>Oct  1 22:14:15.123', '<13>2026-01-05T10:00:01.', '<189>123: *Mar  1 18:46:11', '<1', '<999>', 'Jan 05 20'];
  const frame = fc.tuple(fc.constantFrom(...HEADS), fc.uint8Array({ maxLength: 60 }), fc.constantFrom('', ' ', ':', ']:', '[', '"', '\\', '-'), fc.uint8Array({ maxLength: 20 }))
    .map(([head, a, mid, b]) => Buffer.concat([Buffer.from(head), Buffer.from(a), Buffer.from(mid), Buffer.from(b)]));

  it('never throws and always leaves a consistent record, whatever the bytes (property)', () => {
    fc.assert(fc.property(frame, fc.integer({ min: 0, max: 4_102_444_800_000 }), (bytes, now) => {
      const rec = new LogRecord(bytes, now, 'test', '');
      parseRecord(rec, 'peer');
      assert.ok(rec.msgOffset >= 0 && rec.msgOffset <= bytes.length);
      assert.ok(rec.facility >= 0 && rec.facility <= 23 && rec.severity >= 0 && rec.severity <= 7);
      assert.equal(rec.format === 'unparsed', (rec.flags & RecordFlag.PARSE_ERROR) !== 0);
      assert.ok(Number.isFinite(rec.time) && rec.timeMicros >= 0 && rec.timeMicros < 1000);
      assert.ok(rec.hostname !== '');
      for (const s of [rec.app, rec.program, rec.procid, rec.msgid, rec.sd]) assert.equal(typeof s, 'string');
    }), { numRuns: 100_000 });
  });
});
