import assert from 'node:assert/strict';
import { formatPrefix, longPrefixAt, readPrefix, shortPrefixAt } from './prefix.js';
import { describeTag, hdinitTag } from './tag.js';

describe('dialects/mmdf prefix', () => {
  const t = Date.UTC(2024, 3, 9, 7, 5, 3);

  it('writes the long form as ll_time() does', () => {
    assert.equal(formatPrefix(longPrefixAt(t, 'SB-1234')), ' 4/ 9  7:05:03 SB-1234:  ');
    assert.equal(formatPrefix(longPrefixAt(t, 'BG-0042', 14 * 60 + 30)), ' 4/ 9 21:35:03 BG-0042:  ');
    assert.equal(formatPrefix(longPrefixAt(Date.UTC(2024, 11, 31, 23, 0, 0), 'x', 60)), ' 1/ 1  0:00:00 x:  ');
  });

  it('writes the short form', () => {
    assert.equal(formatPrefix(shortPrefixAt(t)), ' 5:03 ');
    assert.equal(formatPrefix(shortPrefixAt(t + 40 * 60_000)), '45:03 ');
  });

  it('ends the tag at the first colon and two spaces', () => {
    const r = readPrefix('10/10 10:10:10 a: b:  c:  d');
    assert.ok(r.ok && r.value.form === 'long');
    assert.equal(r.value.tag, 'a: b');
    assert.equal(r.end, 22);
  });

  it('keeps a trimmed first field', () => {
    const r = readPrefix('4/29  9:02:15 AU-0000:  x');
    assert.ok(r.ok && r.value.form === 'long' && r.value.trimmed);
  });
});

describe('dialects/mmdf tags', () => {
  it('reads the documented conventions and ll_hdinit tags', () => {
    assert.deepEqual(describeTag('SB-1234'), { role: 'submit', program: '', pid: 1234 });
    assert.deepEqual(describeTag('DL-0007'), { role: 'deliver', program: '', pid: 7 });
    assert.deepEqual(describeTag('BG-0042'), { role: 'background_deliver', program: '', pid: 42 });
    assert.deepEqual(describeTag('XX-0000'), { role: 'default', program: '', pid: null });
    assert.deepEqual(describeTag('submit1234'), { role: 'program', program: 'submit', pid: 1234 });
    assert.deepEqual(describeTag('smtp  0042'), { role: 'program', program: 'smtp', pid: 42 });
    assert.equal(describeTag('custom'), null);
  });

  it('writes %-6.6s%04d', () => {
    assert.equal(hdinitTag('deliver', 123456), 'delive3456');
    assert.equal(hdinitTag('smtp', 42), 'smtp  0042');
  });
});
