import assert from 'node:assert/strict';
import type { RejectlogRejection } from './fields.js';
import { parseRejectlog, rejectlogText } from './rejectlog.js';
import { rejectionFields } from './rejection.js';

const parse = (s: string) => parseRejectlog(Buffer.from(s, 'utf8')) as RejectlogRejection;

describe('momentum rejectlog', () => {
  it('keeps unknown keys in order, and a context holding `]` inside quotes', () => {
    const line = '1236672125: R="10.0.0.1:42601" XYZ=7 E=421 FOO="a b" CTXCONN=[ehlo_string="EHLO [10.0.0.2]",x=y] CTXMESS=[] too many';
    const r = parse(line);
    assert.deepEqual(r.items.map((i) => `${i.key}:${i.style}`), ['R:quoted', 'XYZ:bare', 'E:bare', 'FOO:quoted', 'CTXCONN:bracketed', 'CTXMESS:bracketed']);
    assert.equal(r.ctxConn, 'ehlo_string="EHLO [10.0.0.2]",x=y');
    assert.equal(r.ctxMess, '');
    assert.equal(r.code, 421);
    assert.equal(r.local, null);
    assert.equal(r.reason, 'too many');
    assert.equal(rejectlogText(r), line);
  });

  it('falls back to the first `] ` when quotes in a context do not pair up', () => {
    const line = '1236672125: CTXCONN=[ehlo_string="EHLO x] reason';
    const r = parse(line);
    assert.equal(r.ctxConn, 'ehlo_string="EHLO x');
    assert.equal(r.reason, 'reason');
    assert.equal(rejectlogText(r), line);
  });

  it('tells a line ending after its pairs (reason null) from an empty reason', () => {
    assert.equal(parse('1236672125: E=550').reason, null);
    assert.equal(parse('1236672125: E=550 ').reason, '');
    assert.equal(parse('1236672125: E=550  x').reason, ' x');
    for (const l of ['1236672125: E=550', '1236672125: E=550 ', '1236672125: E=550  x', '1236672125: ']) assert.equal(rejectlogText(parse(l)), l);
  });

  it('a quoted value ends at a `"` followed by a space or the end', () => {
    const r = parse('1236672125: P="say "hi"" E=550 no');
    assert.equal(r.phase, 'say "hi"');
    assert.equal(r.code, 550);
  });

  it('builds a rejection from named values in Momentum\'s order, values made safe', () => {
    const f = rejectionFields({
      epoch: 1700000000, remote: '192.0.2.1:1234', phase: 'awaiting "rcpt"', code: 554, module: 'spf check',
      ctxConn: 'a=]b', extra: [{ key: 'x-id', value: 'v', style: 'quoted' }, { key: 'E', value: '1', style: 'bare' }],
      reason: 'policy\nrejection',
    });
    const text = rejectlogText(f);
    assert.equal(text, `1700000000: R="192.0.2.1:1234" P="awaiting 'rcpt'" E=554 M=spf_check CTXCONN=[a=)b] X_ID="v" policy rejection`);
    assert.deepEqual(parse(text), f);
  });

  it('builds a rejection with no pairs', () => {
    const f = rejectionFields({ epoch: 1700000000 });
    assert.equal(rejectlogText(f), '1700000000: ');
    assert.deepEqual(parse('1700000000: '), f);
  });
});
