import assert from 'node:assert/strict';
import { DISPOSITIONS, type Disposition } from '../types.js';
import { EMG_EVENTS, EMG_REASONS, MGP_OPTIONS, connectorRow, emgDialect, emgEventCode, emgEventName, mgpOptionName } from './index.js';
import { SAMPLE_LINES, SEND_ERR_EXAMPLE } from './fixtures.js';

const ts = 'Sep 11 22:35:30.275';
const FINAL = '095:1031776530 096:269';

function disposition(line: string): string {
  const r = emgDialect.parse(Buffer.from(line));
  return r.ok ? r.disposition : `error:${r.reason}`;
}

describe('dialects/emg', () => {
  it('recognises connector lines cheaply', () => {
    for (const s of SAMPLE_LINES) assert.equal(emgDialect.looksLike(Buffer.from(s.line)), true, s.line);
    assert.equal(emgDialect.looksLike(Buffer.from('2002-09-11 22:34:34.306123 (x) SEND OK')), true);
    for (const line of ['', 'Sep 11 22:34:34.306 [INFO] started', 'Sep 11 22:34:34 host app: (x)', '<13>Sep 11 22:34:34.306 (2)', '01/02 12:00:00 DL-1234:  x']) {
      assert.equal(emgDialect.looksLike(Buffer.from(line)), false, line);
    }
    assert.equal(emgDialect.name, 'emg');
  });

  it('maps events onto dispositions; finality (095 and 096) decides SEND', () => {
    const table: [string, Disposition][] = [
      ['RECEIVE OK (orphaned) 008:1234', 'reception'],
      [`SEND OK (pdu=1/1) 008:1234 ${FINAL}`, 'delivery'],
      ['SEND OK (pdu=1/1) 008:1234 095:1031776530', 'other'],
      ['SEND ERR (pdu=1/1,info="72") 008:1234', 'transient_failure'],
      [`SEND ERR (pdu=1/1,info="72") 008:1234 ${FINAL}`, 'permanent_failure'],
      ['REJECT OK 008:1234', 'rejection'],
      ['REJECT ERR', 'rejection'],
      ['MAXFAIL OK', 'permanent_failure'],
      ['EXPIRE ERR 008:1234', 'permanent_failure'],
      ['CONNECT ERR (info="111")', 'error'],
      ['LOGIN ERR', 'error'],
      ['LOGOUT ERR', 'error'],
      ['DISCONNECT ERR', 'error'],
      ['CONNECT OK', 'other'],
      ['RECEIVE ERR', 'other'],
    ];
    for (const [rest, want] of table) assert.equal(disposition(`${ts} (4) ${rest}`), want, rest);
    assert.equal(disposition(SEND_ERR_EXAMPLE), 'transient_failure');
    for (const [, d] of table) assert.ok(DISPOSITIONS.includes(d));
  });

  it('formats what it parsed, byte for byte', () => {
    for (const s of SAMPLE_LINES) {
      const r = emgDialect.parse(Buffer.from(s.line));
      assert.ok(r.ok);
      assert.deepEqual(emgDialect.format(r.fields), Buffer.from(s.line));
    }
  });

  it('gives the connectorlog row with EMG event numbers', () => {
    const r = emgDialect.parse(Buffer.from(SAMPLE_LINES[7]!.line));
    assert.ok(r.ok);
    assert.deepEqual(connectorRow(r.fields), {
      year: null, month: 9, day: 11, hour: 22, minute: 35, second: 30, micros: 275000,
      instance: '4', event: 4, ok: true, info: 'pdu=1/1', options: SAMPLE_LINES[7]!.options,
    });
    assert.deepEqual(EMG_EVENTS.map((e) => [e.name, emgEventCode(e.name)]), [
      ['CONNECT', 0], ['DISCONNECT', 1], ['LOGIN', 2], ['LOGOUT', 3], ['SEND', 4], ['RECEIVE', 5], ['REJECT', 7], ['MAXFAIL', 9], ['EXPIRE', 10],
    ]);
    assert.equal(emgEventName(6), null);
    assert.equal(emgEventName(10), 'EXPIRE');
  });

  it('names the documented MGP options and numbers the rest', () => {
    assert.deepEqual([8, 95, 96, 17, 1].map(mgpOptionName), ['DESTADDR', 'ENDSECS', 'ENDMSECS', '017', '001']);
    assert.equal(new Set(MGP_OPTIONS.map((o) => o.number)).size, MGP_OPTIONS.length);
  });

  it('only gives reasons from its catalogue', () => {
    const reasons = new Set<string>();
    const bytes = Buffer.from(`${SEND_ERR_EXAMPLE} 001:71 034:127.0.0.1`);
    // Every prefix and every single-byte change of a full line.
    for (let n = 0; n <= bytes.length; n++) {
      const r = emgDialect.parse(bytes.subarray(0, n));
      if (!r.ok) reasons.add(r.reason);
      for (const b of [0x20, 0x28, 0x29, 0x22, 0x2c, 0x3a, 0x41, 0x30, 0xff]) {
        const m = Buffer.from(bytes);
        if (n < m.length) m[n] = b;
        const q = emgDialect.parse(m);
        if (!q.ok) reasons.add(q.reason);
      }
    }
    for (const r of reasons) assert.ok((EMG_REASONS as readonly string[]).includes(r), r);
    assert.deepEqual([...reasons].sort(), [...EMG_REASONS].sort());
  });
});
