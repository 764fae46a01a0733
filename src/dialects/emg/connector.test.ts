import assert from 'node:assert/strict';
import { parseConnectorLine, formatConnectorLine, type EmgConnectorFields } from './connector.js';
import { SAMPLE_LINES, SEND_ERR_EXAMPLE } from './fixtures.js';
import { formatInfo } from './info.js';
import { formatOptions } from './mgp-options.js';

function parse(line: string): EmgConnectorFields {
  const r = parseConnectorLine(Buffer.from(line));
  assert.ok(r.ok, `${line}: ${r.ok ? '' : r.detail}`);
  assert.deepEqual(formatConnectorLine(r.fields), Buffer.from(line));
  return r.fields;
}

function reason(line: string | Buffer): string {
  const r = parseConnectorLine(typeof line === 'string' ? Buffer.from(line) : line);
  assert.equal(r.ok, false, String(line));
  return r.ok ? '' : r.reason;
}

describe('dialects/emg/connector', () => {
  describe('documentation samples, both ways', () => {
    for (const s of SAMPLE_LINES) {
      it(s.line, () => {
        const f = parse(s.line);
        assert.equal(f.instance, s.instance);
        assert.equal(f.event, s.event);
        assert.equal(f.ok, s.ok);
        assert.equal(formatInfo(f.info), s.info);
        assert.equal(formatOptions(f.options), s.options);
      });
    }
  });

  it('reads the RECEIVE sample into its parts', () => {
    const f = parse(SAMPLE_LINES[2]!.line);
    assert.deepEqual(f.info, [{ key: 'orphaned', value: null, quoted: false }]);
    assert.deepEqual(f.options.slice(0, 2), [{ number: 1, value: '71' }, { number: 34, value: '127.0.0.1' }]);
    assert.deepEqual(f.options.at(-1), { number: 17, value: '3' });
    assert.deepEqual(f.time, { year: null, month: 9, day: 11, hour: 22, minute: 34, second: 34, micros: 433000, fracDigits: 3, spaceDay: false });
  });

  it('reads the documented failed send: pdu 1 of 1, protocol error 72', () => {
    const f = parse(SEND_ERR_EXAMPLE);
    assert.equal(f.ok, false);
    assert.deepEqual(f.info, [{ key: 'pdu', value: '1/1', quoted: false }, { key: 'info', value: '72', quoted: true }]);
  });

  it('reads every sample with LOGYEAR and with microseconds, byte for byte', () => {
    for (const s of SAMPLE_LINES) {
      const rest = s.line.slice('Sep 11 22:34:34.306'.length);
      const year = parse(`2002-09-11 22:34:34.306${rest}`);
      assert.equal(year.time.year, 2002);
      assert.equal(parse(`Sep 11 22:34:34.306123${rest}`).time.micros, 306123);
      assert.equal(parse(`2002-09-11 22:34:34.000007${rest}`).time.micros, 7);
    }
  });

  it('reads named instances, empty and quoted values, keys it does not know', () => {
    const f = parse('Sep  1 00:00:00.000 (smpp-out:3) REJECT ERR (info="a, b (c)",dlr,x=,custom=1) 008:46700000000 099:');
    assert.equal(f.instance, 'smpp-out:3');
    assert.deepEqual(f.info.map((i) => [i.key, i.value, i.quoted]), [['info', 'a, b (c)', true], ['dlr', null, false], ['x', '', false], ['custom', '1', false]]);
    assert.deepEqual(f.options, [{ number: 8, value: '46700000000' }, { number: 99, value: '' }]);
    parse('Sep 11 22:34:34.306 (2) MAXFAIL ERR 008:1234 020:a:b:c');
    parse('Sep 11 22:34:34.306 (ä ö) EXPIRE OK (info="")');
  });

  it('gives a reason for each kind of malformed line and never throws', () => {
    const ts = 'Sep 11 22:34:34.306';
    const cases: [string, string][] = [
      ['', 'truncated'],
      [ts, 'truncated'],
      [`${ts} (2)`, 'truncated'],
      [`${ts} (2) `, 'truncated'],
      [`${ts} (2) SEND`, 'truncated'],
      [`${ts} (2) SEND `, 'truncated'],
      ['Sep 11 22:34', 'timestamp'],
      ['Sep 11 22:34:34.3 (2) SEND OK', 'timestamp'],
      [`${ts} 2 SEND OK`, 'instance'],
      [`${ts} (2 SEND OK`, 'instance'],
      [`${ts} () SEND OK`, 'instance'],
      [`${ts} ((2) SEND OK`, 'instance'],
      [`${ts} (2)SEND OK`, 'instance'],
      [`${ts} (2) SENT OK`, 'event'],
      [`${ts} (2) send OK`, 'event'],
      [`${ts} (2)  SEND OK`, 'event'],
      [`${ts} (2) SEND FAIL`, 'status'],
      [`${ts} (2) SEND ok`, 'status'],
      [`${ts} (2) SEND OK(pdu=1/1)`, 'status'],
      [`${ts} (2) SEND OK ()`, 'info'],
      [`${ts} (2) SEND OK (pdu=1/1`, 'info'],
      [`${ts} (2) SEND OK (info="72)`, 'info'],
      [`${ts} (2) SEND OK (info="72"x)`, 'info'],
      [`${ts} (2) SEND OK (info=7"2)`, 'info'],
      [`${ts} (2) SEND OK (pdu=1/1,)`, 'info'],
      [`${ts} (2) SEND OK (pdu=1/1)001:71`, 'info'],
      [`${ts} (2) SEND OK 01:71`, 'option'],
      [`${ts} (2) SEND OK 0001:71`, 'option'],
      [`${ts} (2) SEND OK abc:71`, 'option'],
      [`${ts} (2) SEND OK 001=71`, 'option'],
      [`${ts} (2) SEND OK 001:71  034:x`, 'option'],
      [`${ts} (2) SEND OK 001:71 `, 'option'],
      [`${ts} (2) SEND OK (pdu=1/1) `, 'option'],
      [`${ts} (2) SEND OK `, 'option'],
    ];
    for (const [line, want] of cases) assert.equal(reason(line), want, line);
    assert.equal(reason(Buffer.from([...Buffer.from(`${ts} (`), 0xff, 0x29, 0x20, 0x53])), 'encoding');
  });
});
