import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkGlob, compileGlob, globMatches } from './glob.js';

const m = (pattern: string, s: string) => globMatches(compileGlob(pattern), s.toLowerCase());

describe('engine/glob', () => {
  it('picks the cheapest exact test', () => {
    assert.deepEqual(['*', '**', 'mx1', 'postfix*', '*.example.com', '*smtp*', 'mx?', 'a*b'].map((p) => compileGlob(p).kind),
      ['any', 'any', 'exact', 'prefix', 'suffix', 'contains', 'regexp', 'regexp']);
  });

  it('matches host and app names ignoring case', () => {
    assert.ok(m('*.example.com', 'MX1.Example.COM'));
    assert.ok(!m('*.example.com', 'example.com'));
    assert.ok(m('postfix*', 'postfix/smtpd'));
    assert.ok(m('SMTP-IN', 'smtp-in'));
    assert.ok(m('mx?.example.com', 'mx2.example.com'));
    assert.ok(!m('mx?.example.com', 'mx12.example.com'));
    assert.ok(m('a*b*c', 'axxbyyc'));
    assert.ok(!m('a*b*c', 'axxbyy'));
  });

  it('treats regular-expression characters literally', () => {
    assert.ok(m('a.b', 'a.b'));
    assert.ok(!m('a.b', 'axb'));
    assert.ok(m('(x)+?', '(x)+!'));
    assert.ok(!m('[ab]', 'a'));
  });

  it('refuses empty patterns and spaces', () => {
    assert.equal(checkGlob(''), 'empty pattern');
    assert.notEqual(checkGlob('a b'), null);
    assert.equal(checkGlob('*.example.com'), null);
  });

  it('gives the same answers through the fast paths as through a RegExp', () => {
    const piece = fc.constantFrom('a', 'b', '.', '/', '*', '?', 'ab');
    const word = fc.array(fc.constantFrom('a', 'b', '.', '/'), { maxLength: 6 }).map((a) => a.join(''));
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 5 }).map((a) => a.join('')), word, (p, s) => {
      const body = p.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
      assert.equal(m(p, s), new RegExp(`^${body}$`, 's').test(s), `${p} vs ${s}`);
    }), { numRuns: 2000 });
  });
});
