import assert from 'node:assert/strict';
import { formatServerLine, parseServerLine, type EmgServerFields } from './server.js';

function parse(line: string): EmgServerFields {
  const r = parseServerLine(Buffer.from(line));
  assert.ok(r.ok, line);
  assert.equal(formatServerLine(r.fields).toString(), line);
  return r.fields;
}

describe('dialects/emg/server', () => {
  it('reads a level in brackets when it is an EMG level name', () => {
    const f = parse('Sep 11 22:34:34.306123 [INFO] Server started');
    assert.equal(f.level, 'INFO');
    assert.equal(f.text, 'Server started');
    assert.equal(parse('2026-09-11 22:34:34.306 [DEBUG2] x').level, 'DEBUG2');
    assert.equal(parse('Sep 11 22:34:34.306 [WARNING] ').text, '');
  });

  it('keeps anything else as text', () => {
    assert.deepEqual(
      [parse('Sep 11 22:34:34.306 Server started'), parse('Sep 11 22:34:34.306 [info] x'), parse('Sep 11 22:34:34.306 [INFO]'), parse('Sep 11 22:34:34.306 [NOTICE] x'), parse('Sep 11 22:34:34.306 ')]
        .map((f) => [f.level, f.text]),
      [[null, 'Server started'], [null, '[info] x'], [null, '[INFO]'], [null, '[NOTICE] x'], [null, '']],
    );
  });

  it('refuses a line without a timestamp and a space', () => {
    for (const [line, reason] of [['Server started', 'timestamp'], ['Sep 11 22:34:34.306', 'truncated'], ['Sep 11 22:34:34.306x', 'timestamp']] as const) {
      const r = parseServerLine(Buffer.from(line));
      assert.ok(!r.ok && r.reason === reason, line);
    }
    const bad = parseServerLine(Buffer.from([0x53, 0x65, 0x70, 0xc3]));
    assert.ok(!bad.ok && bad.reason === 'encoding');
  });
});
