// Properties: any record formats to a line that parses back to the same record; any bytes parse
// without throwing, and whatever parses formats back to exactly those bytes.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ACCTLOG_TYPES, parseAcctlog } from './acctlog.js';
import type { MomentumFields } from './fields.js';
import { parseImportlog } from './importlog.js';
import { momentumDialect } from './index.js';
import { parseMainlog } from './mainlog.js';
import {
  acctlogArb, importlogArb, mainlogArb, mutatedFixtureArb, nearLineArb, paniclogArb, rejectionInputArb,
} from './momentum.testkit.js';
import { parsePaniclog } from './paniclog.js';
import { looksLikeRejectBody, parseRejectlog } from './rejectlog.js';
import { rejectionFields } from './rejection.js';

const RUNS = 20_000;

/** Format, then read back with the log's own parser and with the dialect's detection. */
function roundTrip(f: MomentumFields, own: (b: Buffer) => unknown, detected: boolean): void {
  const line = momentumDialect.format(f);
  assert.deepEqual(own(line), f);
  if (!detected) return;
  const r = momentumDialect.parse(line);
  assert.ok(r.ok, line.toString('latin1'));
  assert.deepEqual(r.fields, f);
}

describe('momentum properties', function () {
  this.timeout(60_000);

  it('mainlog: format → parse is the identity', () => {
    fc.assert(fc.property(mainlogArb, (f) => {
      // Real ids are never an acctlog type letter or the importlog's `I`.
      const plain = !('messageId' in f) || (!ACCTLOG_TYPES.has(f.messageId) && f.batchId !== 'I');
      roundTrip(f, parseMainlog, plain);
    }), { numRuns: RUNS });
  });

  it('rejectlog: a built rejection formats and parses back to itself', () => {
    fc.assert(fc.property(rejectionInputArb, (input) => {
      const f = rejectionFields(input);
      // With no pairs, the body is plain text: detection reads it as the paniclog, by design.
      roundTrip(f, parseRejectlog, f.items.length > 0);
    }), { numRuns: RUNS });
  });

  it('paniclog: format → parse is the identity', () => {
    fc.assert(fc.property(paniclogArb, (f) => {
      // Text shaped like an HTTP request reads as one, by design.
      fc.pre((parsePaniclog(momentumDialect.format(f)) as MomentumFields).type === f.type);
      // Text like a rejectlog body is read as one when the log is not known.
      roundTrip(f, parsePaniclog, !(f.type === 'text' && f.text.startsWith(' ') && looksLikeRejectBody(f.text.slice(1))));
    }), { numRuns: RUNS });
  });

  it('acctlog: format → parse is the identity, escapes included', () => {
    fc.assert(fc.property(acctlogArb, (f) => roundTrip(f, parseAcctlog, true)), { numRuns: RUNS });
  });

  it('importlog: format → parse is the identity', () => {
    fc.assert(fc.property(importlogArb, (f) => roundTrip(f, parseImportlog, true)), { numRuns: RUNS });
  });

  const byteExact = (line: Buffer): void => {
    const looks = momentumDialect.looksLike(line);
    const r = momentumDialect.parse(line);
    if (!r.ok) {
      assert.equal(typeof r.reason, 'string');
      return;
    }
    assert.ok(looks, 'a line that parses looks like Momentum');
    assert.deepEqual(momentumDialect.format(r.fields), line);
  };

  it('any bytes: parse never throws; what parses formats back byte for byte', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)), byteExact), { numRuns: RUNS });
  });

  it('near-Momentum lines: parse never throws; what parses formats back byte for byte', () => {
    fc.assert(fc.property(nearLineArb, byteExact), { numRuns: RUNS });
  });

  it('mutated documented lines: parse never throws; what parses formats back byte for byte', () => {
    fc.assert(fc.property(mutatedFixtureArb, byteExact), { numRuns: RUNS });
  });
});
