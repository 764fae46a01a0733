import assert from 'node:assert/strict';
import { acctlogText, parseAcctlog } from './acctlog.js';
import { escapeField, splitEscaped, unescapeField } from './escape.js';
import type { AcctlogFields } from './fields.js';

const parse = (s: string) => parseAcctlog(Buffer.from(s, 'utf8')) as AcctlogFields;

describe('momentum acctlog', () => {
  it('escapes `@`, `\\`, newline and control characters, one spelling each', () => {
    assert.equal(escapeField('a@b\\c\nd\re\tf\x00g\x7fh\x1bé'), 'a\\@b\\\\c\\nd\\re\\tf\\x00g\\x7fh\\x1bé');
    assert.equal(unescapeField('a\\@b\\\\c\\nd\\re\\tf\\x00g\\x7fh\\x1bé'), 'a@b\\c\nd\re\tf\x00g\x7fh\x1bé');
    assert.equal(escapeField('plain'), 'plain');
    assert.deepEqual(splitEscaped('a\\@b@c\\\\@d'), ['a\\@b', 'c\\\\', 'd']);
  });

  it('reads escaped fields and writes them back the same', () => {
    const line = '1160503811@Z@<scratch>/2025@@ops\\@example.com@-1@show\\\\x\\n@ad\\x01min';
    const r = parse(line);
    assert.deepEqual(r, {
      log: 'acctlog', type: 'Z', epoch: 1160503811, epochMicros: null, listener: '<scratch>/2025', peer: '',
      user: 'ops@example.com', result: -1, command: 'show\\x\n', role: 'ad\x01min',
    });
    assert.equal(acctlogText(r), line);
  });

  it('reads a timeout with or without a result', () => {
    assert.deepEqual(parse('1160172232@T@*:2025@10.0.0.1:1@@0'), {
      log: 'acctlog', type: 'T', epoch: 1160172232, epochMicros: null, listener: '*:2025', peer: '10.0.0.1:1', user: '', result: 0,
    });
    const r = parse('1160172232@T@*:2025@10.0.0.1:1@');
    assert.equal(r.type === 'T' && r.result, null);
    assert.equal(acctlogText(r), '1160172232@T@*:2025@10.0.0.1:1@');
  });

  it('keeps the fields of an unknown (`?`) entry', () => {
    for (const line of ['1160172232@?', '1160172232@?@', '1160172232@?@a\\@b@@c']) assert.equal(acctlogText(parse(line)), line);
    assert.deepEqual(parse('1160172232@?@a\\@b@@c'), { log: 'acctlog', type: '?', epoch: 1160172232, epochMicros: null, fields: ['a@b', '', 'c'] });
  });
});
