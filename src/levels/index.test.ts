import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LEVEL_SCHEMES, formatLevel, fromSeverity, levelSeverity, nativeLevel, parseLevel, toSeverity, type LevelScheme } from './index.js';

const SAMPLES: Record<LevelScheme, readonly string[]> = {
  syslog: ['emerg', 'err', 'debug'],
  axigen: ['01', '08', '16'],
  mmdf: ['FAT', 'FST', 'FTR'],
  emg: ['ERROR', 'INFO', 'DEBUG2'],
  momentum: ['R', 'T', 'M'],
};

describe('levels/index', () => {
  it('covers every scheme a record can carry', () => {
    assert.deepEqual([...LEVEL_SCHEMES].sort(), ['axigen', 'emg', 'mmdf', 'momentum', 'syslog']);
  });

  it('formats what it parses, for every scheme', () => {
    for (const scheme of LEVEL_SCHEMES) {
      for (const text of SAMPLES[scheme]) {
        const v = parseLevel(scheme, text);
        assert.notEqual(v, null, `${scheme} ${text}`);
        assert.equal(formatLevel(scheme, v!), text);
        assert.equal(parseLevel(scheme, text.toLowerCase()), v);
      }
    }
  });

  it('gives the same severity through nativeLevel and toSeverity', () => {
    assert.equal(levelSeverity(nativeLevel('axigen', '08')!), 6);
    assert.equal(levelSeverity(nativeLevel('mmdf', 'tmp')!), 4);
    assert.equal(levelSeverity(nativeLevel('emg', 'DEBUG')!), 7);
    assert.equal(levelSeverity(nativeLevel('momentum', 'P')!), 5);
    assert.equal(nativeLevel('syslog', 'loud'), null);
  });

  it('returns null for values outside a scheme', () => {
    assert.equal(toSeverity('syslog', 8), null);
    assert.equal(toSeverity('axigen', 0), null);
    assert.equal(toSeverity('emg', 0), null);
    assert.equal(formatLevel('mmdf', 200), null);
    assert.equal(fromSeverity('momentum', 3), null);
  });

  it('maps a severity to a native value at most one step less severe', () => {
    // emerg and alert exist only in syslog: the other schemes start at crit.
    fc.assert(fc.property(fc.constantFrom(...LEVEL_SCHEMES), fc.integer({ min: 0, max: 7 }), (scheme, sev) => {
      const native = fromSeverity(scheme, sev);
      if (scheme === 'momentum') return assert.equal(native, null);
      const back = toSeverity(scheme, native!)!;
      const floor = scheme === 'syslog' ? sev : Math.max(sev, 2);
      assert.ok(back >= floor && back <= floor + 1, `${scheme} ${sev} → ${back}`);
    }));
    assert.equal(toSeverity('syslog', fromSeverity('syslog', 5)!), 5);
  });
});
