import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord, RecordFlag } from '../record.js';
import { parseRecord } from '../syslog/parse.js';
import { decodeRecord, encodeRecord } from './journal.js';

describe('daemon/journal records', () => {
  it('decodes what it encoded: frame, input, peer, receive time, a given host and the truncated flag', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }),
      fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.boolean(), fc.boolean(), fc.string({ minLength: 1, maxLength: 20 }),
      (bytes, input, peer, at, noHost, truncated, host) => {
        const rec = new LogRecord(Buffer.from(bytes), at, input, peer);
        parseRecord(rec, host);
        if (noHost) {
          rec.flags |= RecordFlag.NO_HOSTNAME;
          rec.hostname = host;
        }
        if (truncated) rec.flags |= RecordFlag.TRUNCATED;
        const back = decodeRecord(encodeRecord(rec), 'fallback', 42)!;
        assert.deepEqual(back.raw, rec.raw);
        assert.equal(back.input, input);
        assert.equal(back.peer, peer);
        assert.equal(back.receivedAt, at);
        assert.equal(back.journalSeq, 42);
        assert.equal(Boolean(back.flags & RecordFlag.TRUNCATED), truncated);
        if (noHost && back.flags & RecordFlag.NO_HOSTNAME) assert.equal(back.hostname, host);
      }), { numRuns: 5000 });
  });

  it('returns null for a payload that is not a record', () => {
    assert.equal(decodeRecord(Buffer.from('no newline'), 'h'), null);
    assert.equal(decodeRecord(Buffer.from('{bad json\n<13>x'), 'h'), null);
  });
});
