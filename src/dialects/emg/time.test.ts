import assert from 'node:assert/strict';
import { formatTime, readTime, type EmgTime } from './time.js';

function read(s: string): EmgTime {
  const r = readTime(s);
  assert.ok(r.ok, s);
  assert.equal(r.end, s.length);
  assert.equal(formatTime(r.value), s);
  return r.value;
}

describe('dialects/emg/time', () => {
  it('reads the default format without inventing a year', () => {
    assert.deepEqual(read('Sep 11 22:34:34.306'), {
      year: null, month: 9, day: 11, hour: 22, minute: 34, second: 34, micros: 306000, fracDigits: 3, spaceDay: false,
    });
  });

  it('reads LOGYEAR stamps', () => {
    assert.deepEqual(read('2026-09-11 22:34:34.306'), {
      year: 2026, month: 9, day: 11, hour: 22, minute: 34, second: 34, micros: 306000, fracDigits: 3, spaceDay: false,
    });
  });

  it('reads microseconds in both formats and keeps the digit count', () => {
    assert.equal(read('Sep 11 22:34:34.306123').micros, 306123);
    assert.equal(read('2026-01-02 00:00:00.000001').micros, 1);
    assert.equal(read('Jan 01 00:00:00.000100').fracDigits, 6);
  });

  it('keeps zero- and space-padded days apart', () => {
    assert.equal(read('Sep 01 00:00:00.000').spaceDay, false);
    assert.equal(read('Sep  1 00:00:00.000').spaceDay, true);
  });

  it('refuses malformed stamps', () => {
    for (const s of [
      '', 'Sep 11', 'Sep 11 22:34:34', 'Sep 11 22:34:34.30', 'Sep 11 22:34:34.3061', 'Sep 11 22:34:34.3061234',
      'sep 11 22:34:34.306', 'Sept 11 22:34:34.306', 'Sep 32 22:34:34.306', 'Sep 00 22:34:34.306', 'Sep  0 22:34:34.306',
      'Sep 11 24:00:00.000', 'Sep 11 22:60:00.000', '2026-13-01 00:00:00.000', '2026-00-01 00:00:00.000',
      '2026/09/11 22:34:34.306', '26-09-11 22:34:34.306', 'Sep 11 22-34-34.306',
    ]) {
      const r = readTime(s);
      assert.equal(r.ok, false, s);
    }
    const empty = readTime('');
    assert.ok(!empty.ok && empty.reason === 'truncated');
  });
});
