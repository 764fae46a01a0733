import assert from 'node:assert/strict';
import fc from 'fast-check';
import { daysFromCivil, stampOf, stampText, zoneOffsetOf, zoneText } from './stamp.js';

describe('dialects/axigen stamp', () => {
  it('counts days like Date for years 0000..9999', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
      const days = daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      assert.equal(days, Math.floor(d.getTime() / 86_400_000));
    }), { numRuns: 2000 });
  });

  it('writes and reads ±HHMM zones', () => {
    assert.deepEqual([0, 345, -210, -1439].map(zoneText), ['+0000', '+0545', '-0330', '-2359']);
    assert.deepEqual(['+0000', '+0545', '-0330', '-0000', '+2400', '+0060', '0545', 'Z'].map(zoneOffsetOf),
      [0, 345, -210, 0, null, null, null, null]);
  });

  it('writes the stamp of an instant at an offset', () => {
    assert.equal(stampText(stampOf(Date.UTC(2026, 6, 6, 7, 25, 8), 345)), '2026-07-06 13:10:08 +0545');
    assert.equal(stampText(stampOf(Date.UTC(2026, 0, 1, 0, 0, 0), -210)), '2025-12-31 20:30:00 -0330');
    assert.equal(stampText(stampOf(new Date('0005-03-01T00:00:00Z').getTime(), 0)), '0005-03-01 00:00:00 +0000');
  });
});
