import assert from 'node:assert/strict';
import { RecordFlag } from '../record.js';
import { formatSd, parseSd } from './rfc5424.js';
import { parse } from './syslog.testkit.js';

describe('RFC 5424', () => {
  it('reads the RFC examples', () => {
    const a = parse('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u00ef\u00bb\u00bf\'su root\' failed for lonvick on /dev/pts/8');
    assert.deepEqual([a.format, a.facility, a.severity, a.time, a.timeFracDigits, a.tzOffsetMin], ['rfc5424', 4, 2, Date.UTC(2003, 9, 11, 22, 14, 15, 3), 3, 0]);
    assert.deepEqual([a.hostname, a.app, a.procid, a.msgid, a.sd], ['mymachine.example.com', 'su', '', 'ID47', '']);
    const b = parse('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.');
    assert.deepEqual([b.time, b.timeMicros, b.timeFracDigits, b.tzOffsetMin], [Date.UTC(2003, 7, 24, 12, 14, 15, 0), 3, 6, -420]);
    assert.deepEqual([b.hostname, b.app, b.procid, b.msg.toString()], ['192.0.2.1', 'myproc', '8710', '%% It\'s time to make the do-nuts.']);
    const c = parse('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]');
    assert.equal(c.sd, '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]');
    assert.equal(c.msg.length, 0);
    assert.deepEqual(parseSd(c.sd), [
      { id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] },
      { id: 'examplePriority@32473', params: [['class', 'high']] },
    ]);
  });

  it('strips a BOM at MSG start and flags it', () => {
    const r = parse(Buffer.concat([Buffer.from('<13>1 - h a - - - '), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('text')]));
    assert.equal(r.flags, RecordFlag.BOM | RecordFlag.NO_TIMESTAMP);
    assert.equal(r.msg.toString(), 'text');
  });

  it('reads logger --rfc5424 and rsyslog SyslogProtocol23 output', () => {
    const l = parse('<13>1 2026-11-22T02:55:07.123456+00:00 myhost root - - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="118500"] hello');
    assert.deepEqual([l.time, l.timeMicros, l.hostname, l.app, l.sd, l.msg.toString()],
      [Date.UTC(2026, 10, 22, 2, 55, 7, 123), 456, 'myhost', 'root', '[timeQuality tzKnown="1" isSynced="1" syncAccuracy="118500"]', 'hello']);
    const p = parse('<22>1 2026-01-05T10:00:01+00:00 mailhost postfix 123 - -  connect from x');
    assert.deepEqual([p.app, p.procid, p.msg.toString()], ['postfix', '123', ' connect from x']);
  });

  it('maps NILVALUE to empty and a NILVALUE host to the fallback', () => {
    const r = parse('<13>1 - - - - - - msg', 'peer');
    assert.deepEqual([r.flags, r.time, r.hostname, r.app, r.procid, r.msgid, r.sd], [RecordFlag.NO_TIMESTAMP | RecordFlag.NO_HOSTNAME, r.receivedAt, 'peer', '', '', '', '']);
  });

  it('keeps escaped and unescaped `]` inside SD values verbatim, unescapes on request', () => {
    const sd = '[x@1 a="q\\"uote" b="back\\\\slash" c="close\\]" d="raw]bracket" e="other\\n"]';
    const r = parse(`<13>1 2026-01-01T00:00:00Z h a - - ${sd} the msg`);
    assert.equal(r.sd, sd);
    assert.equal(r.msg.toString(), 'the msg');
    assert.deepEqual(parseSd(r.sd), [{ id: 'x@1', params: [['a', 'q"uote'], ['b', 'back\\slash'], ['c', 'close]'], ['d', 'raw]bracket'], ['e', 'other\\n']] }]);
    assert.equal(formatSd(parseSd(r.sd)), '[x@1 a="q\\"uote" b="back\\\\slash" c="close\\]" d="raw\\]bracket" e="other\\\\n"]');
  });

  it('accepts up to 9 fraction digits (keeps 6), lowercase t/z, and a zone-less stamp as local time', () => {
    const n = parse('<13>1 2026-01-01t00:00:00.123456789z h a - - - x');
    assert.deepEqual([n.time, n.timeMicros, n.timeFracDigits], [Date.UTC(2026, 0, 1, 0, 0, 0, 123), 456, 6]);
    const l = parse('<13>1 2026-01-01T10:00:00 h a - - - x');
    assert.deepEqual([l.time, l.tzOffsetMin], [new Date(2026, 0, 1, 10).getTime(), null]);
  });

  it('flags an unreadable timestamp but keeps the other fields', () => {
    for (const ts of ['2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00.Z', 'yesterday']) {
      const r = parse(`<13>1 ${ts} h a - - - x`);
      assert.deepEqual([r.format, r.flags, r.time, r.hostname, r.msg.toString()], ['rfc5424', RecordFlag.NO_TIMESTAMP, r.receivedAt, 'h', 'x'], ts);
    }
  });

  it('leaves a malformed header unparsed, MSG after the PRI', () => {
    for (const line of ['<13>1 2026-01-01T00:00:00Z h a -', '<13>1 2026-01-01T00:00:00Z h a - - x msg', '<13>1 2026-01-01T00:00:00Z h a - - [x a="b" msg',
      '<13>1 2026-01-01T00:00:00Z h a - - [x a=b] msg', '<13>1 2026-01-01T00:00:00Z h a - - [] msg', '<13>1 2026-01-01T00:00:00Z h a - - -x', '<13>1 2026-01-01T00:00:00Z  h a - - - m']) {
      const r = parse(line);
      assert.equal(r.format, 'unparsed', line);
      assert.equal(r.flags & RecordFlag.PARSE_ERROR, RecordFlag.PARSE_ERROR);
      assert.equal(r.msgOffset, 4);
    }
  });

  it('takes a header that ends at MSGID as having no SD and no MSG', () => {
    const r = parse('<13>1 2026-01-01T00:00:00Z h a p m');
    assert.deepEqual([r.format, r.msgid, r.sd, r.msg.length], ['rfc5424', 'm', '', 0]);
  });
});
