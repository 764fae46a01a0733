import assert from 'node:assert/strict';
import { ByteSink } from '../../util/bytesink.js';
import { EntryFormatter, mmdfValueOf } from './entry.js';
import { T0, mmdfRecord, record } from './mmdf.testkit.js';

function line(f: EntryFormatter, rec: ReturnType<typeof record>): string {
  const out = new ByteSink(64);
  f.append(rec, out);
  return out.buf.toString('utf8', 0, out.len);
}

describe('outputs/mmdf entries', () => {
  it('writes the long prefix with the ll_hdinit tag of the record\'s program and pid', () => {
    const f = new EntryFormatter(true, null);
    assert.equal(line(f, record('lin msg.aa12345 (1, 2573) local steve')),
      ' 9/11  9:02:15 submit1234:  lin msg.aa12345 (1, 2573) local steve\n');
    assert.equal(line(f, record('hello', { program: 'deliver', procid: '123456' })), ' 9/11  9:02:15 delive3456:  hello\n');
    assert.equal(line(f, record('hello', { program: 'smtp', procid: '' })), ' 9/11  9:02:15 smtp  0000:  hello\n');
    assert.equal(line(f, record('hello', { program: '' })), ' 9/11  9:02:15 XXXXXX1234:  hello\n');
    const dec = new Date(2026, 11, 24, 23, 5, 9).getTime();
    assert.equal(line(f, record('x', { time: dec })), '12/24 23:05:09 submit1234:  x\n');
  });

  it('writes a configured tag verbatim', () => {
    const f = new EntryFormatter(true, 'SB-1234');
    assert.equal(line(f, record('x')), ' 9/11  9:02:15 SB-1234:  x\n');
  });

  it('writes the short prefix while held open', () => {
    const f = new EntryFormatter(false, null);
    assert.equal(line(f, record('wmsg    1a       2573c')), ' 2:15 wmsg    1a       2573c\n');
  });

  it('writes an MMDF line exactly as read, whatever the mode', () => {
    for (const text of [
      ' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local steve',
      '4/29  9:02:15 AU-0000:  msg.a000427: END size=\'2573\', sender=\'steve\'',
      '11/ 3 14:07:09 SB-0815:  rin msg.aa00417 (2, 18342) smtp relay.udel.edu crocker@udel.edu ESMTP',
      '12:07 wmsg    1a       2573c',
      '***  CYCLED  ***',
    ]) {
      assert.equal(line(new EntryFormatter(true, 'XX-0000'), mmdfRecord(text)), `${text}\n`);
      assert.equal(line(new EntryFormatter(false, null), mmdfRecord(text)), `${text}\n`);
    }
  });

  it('keeps one record on one line', () => {
    const f = new EntryFormatter(true, null);
    assert.equal(line(f, record('a\nb\rc')), ' 9/11  9:02:15 submit1234:  a#012b#015c\n');
    assert.equal(line(f, record('x', { program: 'a\nb' })), ' 9/11  9:02:15 a#012b   1234:  x\n');
  });

  it('gives the OPEN header with the long prefix', () => {
    assert.equal(EntryFormatter.openHeader(T0, 'SB-1234', 7).toString(), ' 9/11  9:02:15 SB-1234:  ---  OPEN  ---(7)\n');
  });

  it('takes a record\'s MMDF value from its native level, else from its severity', () => {
    const rec = record('x', { severity: 6 });
    assert.equal(mmdfValueOf(rec), 20);
    rec.level = { scheme: 'mmdf', value: 55 };
    assert.equal(mmdfValueOf(rec), 55);
    rec.level = { scheme: 'axigen', value: 1 };
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((severity) => mmdfValueOf(record('x', { severity }))), [-1, -1, -1, 5, 5, 10, 20, 40]);
  });
});
