import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { LogRecord } from '../../record.js';
import { MAX_VALUE_BYTES, PathResolver, parseTemplate, sanitizeValue, templateProblem } from './path.js';

const ROOT = '/var/log/maillogd';

function rec(fields: Partial<LogRecord>): LogRecord {
  const r = new LogRecord(Buffer.from('x'), Date.UTC(2026, 0, 2, 3, 4, 5), 'udp', '');
  return Object.assign(r, fields);
}

describe('file output path templates', () => {
  describe('parseTemplate', () => {
    it('accepts every placeholder and %% as a literal %', () => {
      const t = parseTemplate('%{host}/%{app}-%{program}.%{facility}.%{severity}.%{input}/%Y-%m-%d-%H-100%%.log');
      assert.ok(t.ok);
    });
    for (const [text, why] of [
      ['', /empty/], ['%{nope}.log', /unknown placeholder %\{nope\}/], ['%q.log', /unknown placeholder %q/],
      ['%{host', /unknown placeholder/], ['x%', /unknown placeholder/], ['logs/', /ends with \//],
    ] as const) {
      it(`rejects ${JSON.stringify(text)}`, () => {
        const t = parseTemplate(text);
        assert.equal(t.ok, false);
        if (!t.ok) assert.match(t.error, why);
      });
    }
  });

  describe('templateProblem', () => {
    it('accepts relative paths and absolute paths inside the root', () => {
      assert.equal(templateProblem('mail.log', ROOT), null);
      assert.equal(templateProblem('%{host}/mail.log', ROOT), null);
      assert.equal(templateProblem(`${ROOT}/%{host}/mail.log`, ROOT), null);
      assert.equal(templateProblem('a/../b.log', ROOT), null);
    });
    it('rejects paths that leave the root or name the root itself', () => {
      for (const t of ['/etc/passwd', '../x.log', '%{host}/../../x', `${ROOT}-other/x.log`, '.', `${ROOT}`, 'a/..']) {
        assert.match(templateProblem(t, ROOT) ?? '', /outside the log root/, t);
      }
    });
  });

  describe('sanitizeValue', () => {
    const cases: [string, string][] = [
      ['../../etc', '.._.._etc'], ['/x', '_x'], ['..', '_'], ['.', '_'], ['', '_'], ['a\0b', 'a_b'],
      ['a\\b', 'a_b'], ['line\nbreak\r', 'line_break_'], ['\x7f\x85', '__'], ['mx1.example.com', 'mx1.example.com'],
      ['...', '...'], ['héllo', 'héllo'],
    ];
    for (const [input, want] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.equal(sanitizeValue(input), want));
    }
    it('cuts long values at a character boundary within MAX_VALUE_BYTES', () => {
      assert.equal(sanitizeValue('a'.repeat(5000)), 'a'.repeat(MAX_VALUE_BYTES));
      const cut = sanitizeValue('é'.repeat(300));
      assert.ok(Buffer.byteLength(cut) <= MAX_VALUE_BYTES);
      assert.equal(cut, 'é'.repeat(MAX_VALUE_BYTES / 2));
    });
  });

  describe('PathResolver', () => {
    it('resolves a template without placeholders once', () => {
      const r = new PathResolver('mail/all.log', ROOT);
      assert.equal(r.fixed, `${ROOT}/mail/all.log`);
      assert.equal(r.resolve(rec({})), `${ROOT}/mail/all.log`);
    });

    it('fills names, facility and severity names and local time', () => {
      const r = new PathResolver('%{host}/%{program}/%{app}.%{facility}.%{severity}.%{input}.%Y%m%d%H', ROOT);
      const t = new Date(2026, 8, 11, 22, 34, 34).getTime();
      const got = r.resolve(rec({ hostname: 'mx1', app: 'postfix/smtpd', program: 'postfix', facility: 2, severity: 6, time: t }));
      assert.equal(got, `${ROOT}/mx1/postfix/postfix_smtpd.mail.info.udp.2026091122`);
      const next = r.resolve(rec({ hostname: 'mx1', app: 'x', program: 'x', facility: 23, severity: 0, time: t + 3600_000 }));
      assert.equal(next, `${ROOT}/mx1/x/x.local7.emerg.udp.2026091123`);
    });

    it('keeps hostile values inside one segment', () => {
      const r = new PathResolver('%{host}/%{app}.log', ROOT);
      assert.equal(r.resolve(rec({ hostname: '../../etc', app: 'passwd' })), `${ROOT}/.._.._etc/passwd.log`);
      assert.equal(r.resolve(rec({ hostname: '/x', app: '..' })), `${ROOT}/_x/_.log`);
      assert.equal(r.resolve(rec({ hostname: '..', app: '' })), `${ROOT}/_/_.log`);
    });

    it('gives different paths to different values (no cache-key collisions)', () => {
      const r = new PathResolver('%{host}-%{app}', ROOT);
      const a = r.resolve(rec({ hostname: 'a\0', app: 'b' }));
      const b = r.resolve(rec({ hostname: 'a', app: '\0b' }));
      assert.notEqual(a, b);
      assert.equal(r.resolve(rec({ hostname: 'a\0', app: 'b' })), a);
    });

    it('returns null rather than a path outside the root', () => {
      assert.equal(new PathResolver('../x/%{host}', ROOT).resolve(rec({ hostname: 'h' })), null);
      assert.equal(new PathResolver('/etc/passwd', ROOT).fixed, null);
    });

    it('never leaves the root and keeps the template\'s segment count, whatever the values', () => {
      const r = new PathResolver('%{host}/%{app}/x%{program}.log', ROOT, 16);
      fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.string({ maxLength: 400 }), (host, app, program) => {
        const p = r.resolve(rec({ hostname: host, app, program }));
        assert.ok(p !== null);
        const rel = path.relative(ROOT, p);
        assert.ok(!rel.startsWith('..') && !path.isAbsolute(rel), p);
        const segs = rel.split('/');
        assert.equal(segs.length, 3);
        for (const s of segs) {
          assert.ok(s !== '' && s !== '.' && s !== '..');
          assert.ok(Buffer.byteLength(s) <= 255);
          assert.ok(!/[\x00-\x1f\\]/.test(s));
        }
      }), { numRuns: 2000 });
    });
  });
});
