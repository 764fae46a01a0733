import assert from 'node:assert/strict';
import { MOMENTUM_LOG_SEVERITY, MOMENTUM_TYPES, formatMomentumType, momentumToSeverity, parseMomentumType } from './momentum.js';

describe('levels/momentum', () => {
  it('gives each mainlog record type a severity', () => {
    const sev = Object.fromEntries(MOMENTUM_TYPES.map((t) => [t.type, momentumToSeverity(t.type.charCodeAt(0))]));
    assert.deepEqual(sev, { R: 6, D: 6, X: 6, T: 4, P: 5, M: 7 });
  });

  it('parses type letters, names and the 3.x heartbeat M1', () => {
    assert.equal(parseMomentumType('R'), 'R'.charCodeAt(0));
    assert.equal(parseMomentumType('t'), 'T'.charCodeAt(0));
    assert.equal(parseMomentumType('permanent_failure'), 'P'.charCodeAt(0));
    assert.equal(parseMomentumType('M1'), 'M'.charCodeAt(0));
    assert.equal(parseMomentumType('Q'), null);
    assert.equal(formatMomentumType('X'.charCodeAt(0)), 'X');
  });

  it('names the ec_logger switch that turns each type off', () => {
    assert.equal(MOMENTUM_TYPES.find((t) => t.type === 'T')?.option, 'log_transient_failures');
    assert.equal(MOMENTUM_TYPES.find((t) => t.type === 'M')?.option, null);
  });

  it('grades paniclog and rejectlog lines as a whole', () => {
    assert.deepEqual(MOMENTUM_LOG_SEVERITY, { paniclog: 3, rejectlog: 5 });
  });
});
