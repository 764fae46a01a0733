import assert from 'node:assert/strict';
import { heartbeatLine, isHeartbeat, momentumDialect, parseMomentum, type MomentumFields } from './index.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('momentum dialect', () => {
  it('looks like Momentum: 10 or 16 digits, then `@` or `:`', () => {
    for (const s of ['1064868656@x', '1251465322:x', '1064868656123456@', '1064868656:']) assert.equal(momentumDialect.looksLike(b(s)), true, s);
    for (const s of ['', '1064868656', '106486865@x', '10648686561@x', '10648686561234567@x', '1064868656 x', 'a064868656@x', '<13>1064868656@x']) {
      assert.equal(momentumDialect.looksLike(b(s)), false, s);
    }
  });

  it('tells the logs apart from the line alone', () => {
    const log = (s: string) => (parseMomentum(b(s)) as MomentumFields).log;
    assert.equal(log('1160172232@N@l@p@u@1'), 'acctlog');
    assert.equal(log('1160172232@?'), 'acctlog');
    assert.equal(log('1160503811@a@I@b@1@/d'), 'importlog');
    assert.equal(log('1251470342@@@@M'), 'mainlog');
    assert.equal(log('1252064908: Marker 1'), 'rejectlog');
    assert.equal(log('1252064908: E=550 x'), 'rejectlog');
    assert.equal(log('1252064908: relaying denied'), 'paniclog');
    assert.equal(log('1252064908:Marker 1'), 'paniclog');
    assert.equal(log('1252064908:'), 'paniclog');
  });

  it('writes heartbeats that read back as heartbeats', () => {
    assert.deepEqual(heartbeatLine(1251470342, 'mainlog'), b('1251470342@@@@M'));
    assert.deepEqual(heartbeatLine(1252064908, 'rejectlog'), b('1252064908: Marker 1'));
    assert.deepEqual(heartbeatLine(1252064908, 'mainlog', 42), b('1252064908000042@@@@M'));
    for (const line of [heartbeatLine(1, 'mainlog'), heartbeatLine(1, 'rejectlog')]) {
      const r = momentumDialect.parse(line);
      assert.ok(r.ok && isHeartbeat(r.fields) && r.disposition === 'other');
    }
    const r = momentumDialect.parse(b('1251465322:x'));
    assert.ok(r.ok && !isHeartbeat(r.fields));
  });

  it('pads an epoch to its fixed width', () => {
    const r = momentumDialect.parse(b('0000000042@@@@M1'));
    assert.ok(r.ok);
    assert.equal(r.fields.epoch, 42);
    assert.deepEqual(momentumDialect.format(r.fields), b('0000000042@@@@M1'));
  });
});
