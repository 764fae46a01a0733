import assert from 'node:assert/strict';
import type { Dialect } from '../types.js';
import { axigenDialect, axigenPasses, recordAxigenBit, type AxigenFields } from './index.js';
import { axigenPasses as levelsPasses, recordAxigenBit as levelsRecordBit } from '../../levels/axigen.js';
import { AXIGEN_BAD_LINES, AXIGEN_SAMPLES } from './fixtures.js';

const d: Dialect<AxigenFields> = axigenDialect;
const buf = (s: string) => Buffer.from(s, 'latin1');

describe('dialects/axigen dialect', () => {
  it('is named axigen', () => {
    assert.equal(d.name, 'axigen');
  });

  it('parses and formats every sample both ways', () => {
    for (const s of AXIGEN_SAMPLES) {
      const r = d.parse(buf(s.line));
      assert.ok(r.ok, s.name);
      assert.deepEqual(r.fields, s.fields);
      assert.equal(d.format(r.fields).toString('latin1'), s.line);
    }
  });

  it('returns a DialectError for every bad line', () => {
    for (const bad of AXIGEN_BAD_LINES) {
      const r = d.parse(buf(bad.line));
      assert.ok(!r.ok);
      assert.equal(r.reason, bad.reason);
    }
  });

  it('looks like Axigen: the date prefix or an uppercase SERVICE:SESSIONID: opening', () => {
    for (const s of AXIGEN_SAMPLES) assert.ok(d.looksLike(buf(s.line)), s.name);
    assert.ok(d.looksLike(buf('2026-13-99 99:99:99 x')), 'shape only, not ranges');
    for (const no of ['', '2026-01-15 10:00:00', 'imap:session-a: x', 'IMAP:session-a x', 'IMAP:: x',
      'Note: something: else', '1234567890@abc', 'postfix/smtpd[12]: x', 'IMAP:a b: x',
      `IMAP:${'a'.repeat(65)}: x`, `${'A'.repeat(33)}:1: x`]) {
      assert.equal(d.looksLike(buf(no)), false, no);
    }
  });

  it('maps levels 1 and 2 to error and everything else to other', () => {
    const disp = (ll: string, svc = 'SMTP-IN') => {
      const r = d.parse(buf(`2026-01-15 10:00:00 +0000 ${ll} h ${svc}:00000001: message accepted`));
      assert.ok(r.ok);
      return r.disposition;
    };
    assert.deepEqual(['01', '02', '04', '08', '16'].map((ll) => disp(ll)), ['error', 'error', 'other', 'other', 'other']);
    assert.equal(disp('08', 'SMTP-OUT'), 'other');
    const bare = d.parse(buf('SMTP-IN:00000001: x'));
    assert.ok(bare.ok);
    assert.equal(bare.disposition, 'other');
  });

  it('re-exports the level-mask decision of src/levels', () => {
    assert.equal(axigenPasses, levelsPasses);
    assert.equal(recordAxigenBit, levelsRecordBit);
  });
});
