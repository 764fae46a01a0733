import assert from 'node:assert/strict';
import { AXIGEN_SAMPLES } from './fixtures.js';
import { formatAxigen, formatAxigenLine } from './format.js';
import { parseAxigenLine } from './parse.js';

const text = (b: Buffer) => b.toString('latin1');

describe('dialects/axigen format', () => {
  for (const s of AXIGEN_SAMPLES) {
    it(`writes ${s.name} byte for byte`, () => {
      assert.equal(text(formatAxigen(s.fields)), s.line);
    });
  }

  it('writes the canonical zone and LL when the kept text no longer agrees', () => {
    const f = AXIGEN_SAMPLES[0]!.fields;
    assert.ok(f.shape === 'line');
    const changed = { ...f, level: 2 as const, stamp: { ...f.stamp, zoneOffsetMin: -210 } };
    assert.ok(text(formatAxigen(changed)).startsWith('2026-01-15 10:00:00 -0330 02 mail.example.test IMAP:'));
  });

  it('writes -0000 and a one-digit LL as read', () => {
    const line = '2026-01-15 10:00:00 -0000 8 h S:1: m';
    const r = parseAxigenLine(Buffer.from(line));
    assert.ok(!('ok' in r));
    assert.equal(text(formatAxigen(r)), line);
  });

  describe('formatAxigenLine', () => {
    const base = {
      time: Date.UTC(2026, 6, 6, 7, 25, 8, 999), zoneOffsetMin: 345, levelBit: 8,
      host: 'axigen', service: 'PROCESSING', session: '002C2605', message: Buffer.from('...'),
    };

    it('writes the reference example from record fields', () => {
      assert.equal(text(formatAxigenLine(base)), '2026-07-06 13:10:08 +0545 08 axigen PROCESSING:002C2605: ...');
    });

    it('writes zones +0000 and -0330, and UTC when the record has no offset', () => {
      const t = Date.UTC(2027, 0, 1, 2, 15, 0);
      assert.ok(text(formatAxigenLine({ ...base, time: t, zoneOffsetMin: -210 })).startsWith('2026-12-31 22:45:00 -0330 '));
      assert.ok(text(formatAxigenLine({ ...base, time: t, zoneOffsetMin: 0 })).startsWith('2027-01-01 02:15:00 +0000 '));
      assert.ok(text(formatAxigenLine({ ...base, time: t, zoneOffsetMin: null })).startsWith('2027-01-01 02:15:00 +0000 '));
      assert.ok(text(formatAxigenLine({ ...base, time: t, zoneOffsetMin: 24 * 60 })).startsWith('2027-01-01 02:15:00 +0000 '));
    });

    it('makes host, service and session writable and picks a single level bit', () => {
      const line = formatAxigenLine({ ...base, levelBit: 6, host: 'a b', service: 'SMTP:IN', session: '', message: Buffer.alloc(0) });
      assert.equal(text(line), '2026-07-06 13:10:08 +0545 02 a_b SMTP_IN:-: ');
      assert.ok(text(formatAxigenLine({ ...base, levelBit: 0 })).includes(' 08 '));
      assert.ok(text(formatAxigenLine({ ...base, levelBit: 16 })).includes(' 16 '));
    });

    it('clamps times outside four-digit years', () => {
      for (const time of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, NaN, 8.64e15]) {
        const r = parseAxigenLine(formatAxigenLine({ ...base, time }));
        assert.ok(!('ok' in r), `time ${time}`);
      }
      assert.ok(text(formatAxigenLine({ ...base, time: 8.64e15, zoneOffsetMin: 0 })).startsWith('9999-12-31 '));
    });
  });
});
