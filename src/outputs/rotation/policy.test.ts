import assert from 'node:assert/strict';
import { inZone } from './rotation.testkit.js';
import { nextPeriodStart, rotateBefore, rotates, timeLimit, type RotationPolicy } from './policy.js';

const policy = (p: Partial<RotationPolicy>): RotationPolicy => ({ maxBytes: 0, maxAgeMs: 0, period: 'none', ...p });

describe('rotation policy', () => {
  it('finds the next local day, month and year', async () => {
    await inZone('Asia/Kathmandu', () => {
      const t = new Date(2026, 0, 31, 23, 59, 59, 999).getTime();
      assert.equal(nextPeriodStart(t, 'daily'), new Date(2026, 1, 1).getTime());
      assert.equal(nextPeriodStart(t, 'monthly'), new Date(2026, 1, 1).getTime());
      assert.equal(nextPeriodStart(t, 'yearly'), new Date(2027, 0, 1).getTime());
      assert.equal(nextPeriodStart(new Date(2026, 1, 1).getTime(), 'daily'), new Date(2026, 1, 2).getTime());
      assert.equal(nextPeriodStart(t, 'none'), Infinity);
    });
  });

  it('counts local days across a DST change (23 and 25 hour days)', async () => {
    await inZone('Europe/Berlin', () => {
      const spring = new Date(2026, 2, 29, 0, 30).getTime();
      assert.equal(nextPeriodStart(spring, 'daily') - spring, 23 * 3600_000 - 30 * 60_000);
      const autumn = new Date(2026, 9, 25, 0, 0).getTime();
      assert.equal(nextPeriodStart(autumn, 'daily') - autumn, 25 * 3600_000);
    });
  });

  it('keeps years below 100 as written', () => {
    const t = new Date(0);
    t.setFullYear(50, 5, 1);
    const next = new Date(nextPeriodStart(t.getTime(), 'yearly'));
    assert.equal(next.getFullYear(), 51);
  });

  it('takes whichever time limit comes first', () => {
    const start = new Date(2026, 4, 10, 23, 0).getTime();
    assert.deepEqual(timeLimit(policy({ maxAgeMs: 600_000, period: 'daily' }), start), { at: start + 600_000, reason: 'age' });
    assert.deepEqual(timeLimit(policy({ maxAgeMs: 7200_000, period: 'daily' }), start),
      { at: new Date(2026, 4, 11).getTime(), reason: 'period' });
    assert.equal(timeLimit(policy({}), start).at, Infinity);
  });

  it('rotates before a record that would take the file over its size', () => {
    const p = policy({ maxBytes: 100 });
    const never = timeLimit(p, 0);
    assert.equal(rotateBefore(p, 90, never, 0, 10), null);
    assert.equal(rotateBefore(p, 90, never, 0, 11), 'size');
    // An empty file takes any record, however large.
    assert.equal(rotateBefore(p, 0, never, 0, 1000), null);
    assert.equal(rotateBefore(policy({}), 1e12, never, 0, 1000), null);
  });

  it('rotates a file that holds something once its time is up, size first', () => {
    const p = policy({ maxBytes: 100, maxAgeMs: 1000 });
    const limit = timeLimit(p, 5000);
    assert.equal(rotateBefore(p, 10, limit, 5999, 1), null);
    assert.equal(rotateBefore(p, 10, limit, 6000, 1), 'age');
    assert.equal(rotateBefore(p, 0, limit, 6000, 1), null);
    assert.equal(rotateBefore(p, 99, limit, 6000, 2), 'size');
  });

  it('says whether a policy rotates at all', () => {
    assert.equal(rotates(policy({})), false);
    assert.equal(rotates(policy({ period: 'yearly' })), true);
    assert.equal(rotates(policy({ maxBytes: 1 })), true);
  });
});
