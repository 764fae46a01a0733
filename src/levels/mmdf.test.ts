import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MMDF_LEVELS, formatMmdfLevel, mmdfToSeverity, mmdfWritten, parseMmdfLevel, severityToMmdf,
} from './mmdf.js';

describe('levels/mmdf', () => {
  it('has the ll_log values', () => {
    assert.deepEqual(MMDF_LEVELS.map((l) => [l.name, l.value]),
      [['FAT', -1], ['TMP', 5], ['GEN', 10], ['BST', 20], ['FST', 25], ['PTR', 40], ['BTR', 50], ['FTR', 55]]);
  });

  it('parses names in any case and decimal numbers', () => {
    assert.equal(parseMmdfLevel('fst'), 25);
    assert.equal(parseMmdfLevel('FAT'), -1);
    assert.equal(parseMmdfLevel('Ptr'), 40);
    assert.equal(parseMmdfLevel('30'), 30);
    assert.equal(parseMmdfLevel('-1'), -1);
    assert.equal(parseMmdfLevel('127'), null);
    assert.equal(parseMmdfLevel('-2'), null);
    assert.equal(parseMmdfLevel('llogfat'), null);
  });

  it('writes an entry when its value is at most the log level', () => {
    assert.equal(mmdfWritten(25, 25), true);
    assert.equal(mmdfWritten(40, 25), false);
    assert.equal(mmdfWritten(-1, -1), true);
  });

  it('maps levels to syslog severities as documented', () => {
    assert.deepEqual(MMDF_LEVELS.map((l) => mmdfToSeverity(l.value)), [2, 4, 5, 6, 6, 7, 7, 7]);
    assert.equal(mmdfToSeverity(15), 6);
    assert.equal(mmdfToSeverity(0), 4);
    assert.equal(mmdfToSeverity(126), 7);
    assert.equal(mmdfToSeverity(127), null);
  });

  it('maps severities back to the value to log at', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(severityToMmdf), [-1, -1, -1, 5, 5, 10, 20, 40]);
  });

  it('never makes a more verbose level more severe', () => {
    fc.assert(fc.property(fc.integer({ min: -1, max: 126 }), fc.integer({ min: -1, max: 126 }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      assert.ok(mmdfToSeverity(lo)! <= mmdfToSeverity(hi)!);
    }));
  });

  it('keeps the severity of every level it produces', () => {
    for (let s = 2; s <= 7; s++) {
      if (s === 3) continue; // err has no MMDF level: it is logged as TMP (warning)
      assert.equal(mmdfToSeverity(severityToMmdf(s)!), s);
    }
  });

  it('formats named values by name and others as numbers', () => {
    assert.equal(formatMmdfLevel(25), 'FST');
    assert.equal(formatMmdfLevel(30), '30');
  });
});
