import assert from 'node:assert/strict';
import { DEFAULT_FACILITY, DEFAULT_SEVERITY, LogRecord, RecordFlag } from '../record.js';
import { parsePri } from './pri.js';

function pri(text: string): { offset: number; rec: LogRecord } {
  const rec = new LogRecord(Buffer.from(text), 0, 'test', '');
  return { offset: parsePri(rec.raw, rec), rec };
}

describe('parsePri', () => {
  it('reads 0..191 into facility and severity', () => {
    for (const [text, fac, sev, off] of [['<0>x', 0, 0, 3], ['<13>x', 1, 5, 4], ['<22>', 2, 6, 4], ['<191>x', 23, 7, 5], ['<165>1', 20, 5, 5]] as const) {
      const { offset, rec } = pri(text);
      assert.deepEqual([rec.facility, rec.severity, rec.flags, offset], [fac, sev, 0, off], text);
    }
  });

  it('flags a missing PRI and keeps the defaults', () => {
    for (const text of ['', 'Oct 11 22:14:15 host app: x', '13>x', ' <13>x']) {
      const { offset, rec } = pri(text);
      assert.equal(rec.flags, RecordFlag.PRI_MISSING, text);
      assert.deepEqual([rec.facility, rec.severity, offset], [DEFAULT_FACILITY, DEFAULT_SEVERITY, 0]);
    }
  });

  it('flags out-of-range and malformed PRIs; MSG starts after the `>`', () => {
    for (const [text, off] of [['<999>x', 5], ['<192>x', 5], ['<>x', 2], ['<01>x', 4], ['<00>x', 4], ['<abc>x', 5], ['<1a>x', 4], ['<1234>x', 6], ['<-1>x', 4]] as const) {
      const { offset, rec } = pri(text);
      assert.equal(rec.flags, RecordFlag.PRI_INVALID, text);
      assert.deepEqual([rec.facility, rec.severity, offset], [DEFAULT_FACILITY, DEFAULT_SEVERITY, off], text);
    }
  });

  it('takes a `<` with no `>` close by as no PRI at all: the whole frame is MSG', () => {
    for (const text of ['<', '<13', '<12345>x', '<hello>x']) {
      const { offset, rec } = pri(text);
      assert.equal(rec.flags, RecordFlag.PRI_INVALID, text);
      assert.equal(offset, 0, text);
    }
  });
});
