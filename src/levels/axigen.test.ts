import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AXIGEN_FACILITY, AXIGEN_LEVELS, axigenBitToSeverity, axigenPasses, formatAxigenLevel, parseAxigenLevel,
  parseAxigenMask, recordAxigenBit, severityToAxigenBit,
} from './axigen.js';

const BITS = [1, 2, 4, 8, 16];
const passing = (client: number, rule: number) => BITS.filter((b) => axigenPasses(b, client, rule));

describe('levels/axigen', () => {
  it('maps each bit to the syslog severity Axigen uses with logtype=system', () => {
    assert.deepEqual(BITS.map(axigenBitToSeverity), [2, 3, 4, 6, 7]);
    assert.equal(AXIGEN_FACILITY, 2);
  });

  it('sends nothing for level 0 and refuses combined masks as a line level', () => {
    assert.equal(axigenBitToSeverity(0), null);
    assert.equal(axigenBitToSeverity(3), null);
    assert.deepEqual(passing(0, 31), []);
    assert.deepEqual(passing(31, 0), []);
  });

  it('maps every syslog severity to its bit', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(severityToAxigenBit), [1, 1, 1, 2, 4, 8, 8, 16]);
    assert.equal(severityToAxigenBit(8), null);
  });

  it('passes only bits in both masks: client 15, rule 9 → 1 and 8', () => {
    assert.deepEqual(passing(15, 9), [1, 8]);
    assert.deepEqual(passing(31, 31), BITS);
    assert.deepEqual(passing(16, 15), []);
  });

  it('agrees with the mask intersection for every pair of masks', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 31 }), (c, r) => {
      assert.deepEqual(passing(c, r), BITS.filter((b) => (c & r & b) !== 0));
    }));
  });

  it('reads the LL field of a Log Service line and level names', () => {
    assert.equal(parseAxigenLevel('08'), 8);
    assert.equal(parseAxigenLevel('16'), 16);
    assert.equal(parseAxigenLevel('1'), 1);
    assert.equal(parseAxigenLevel('INFO'), 8);
    assert.equal(parseAxigenLevel('protocol'), 16);
    assert.equal(parseAxigenLevel('03'), null);
    assert.equal(parseAxigenLevel('00'), null);
    assert.equal(parseAxigenLevel('x'), null);
    for (const l of AXIGEN_LEVELS) assert.equal(parseAxigenLevel(formatAxigenLevel(l.bit)!), l.bit);
    assert.equal(formatAxigenLevel(8), '08');
  });

  it('parses loglevel masks 0..31', () => {
    assert.equal(parseAxigenMask('15'), 15);
    assert.equal(parseAxigenMask('0'), 0);
    assert.equal(parseAxigenMask('32'), null);
    assert.equal(parseAxigenMask('a'), null);
  });

  it('takes a record\'s native Axigen level over its severity', () => {
    assert.equal(recordAxigenBit({ scheme: 'axigen', value: 16 }, 2), 16);
    assert.equal(recordAxigenBit({ scheme: 'mmdf', value: 25 }, 6), 8);
    assert.equal(recordAxigenBit(null, 3), 2);
  });
});
