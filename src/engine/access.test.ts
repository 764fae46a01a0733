import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateSection, type ConfigProblem } from '../config/schema.js';
import { accessSpec, checkSource, compileAccess, type AccessRuleConfig } from './access.js';

const rule = (action: 'allow' | 'deny', sources: string[], priority = 100, enabled = true): AccessRuleConfig =>
  ({ action, sources, priority, enabled });

describe('engine/access', () => {
  it('allows every peer when no rule exists (Axigen\'s "allow any")', () => {
    const acl = compileAccess([]);
    assert.equal(acl.decide('192.0.2.1', null), true);
    assert.equal(acl.usesHostnames, false);
  });

  it('denies by default when told to', () => {
    const acl = compileAccess([rule('allow', ['10.0.0.0/8'])], { defaultPolicy: 'deny' });
    assert.equal(acl.decide('10.1.1.1', null), true);
    assert.equal(acl.decide('192.0.2.1', null), false);
    assert.equal(compileAccess([], { defaultPolicy: 'deny' }).decide('10.1.1.1', null), false);
  });

  it('lets the lowest priority number decide', () => {
    const acl = compileAccess([rule('deny', ['10.0.0.0/8'], 20), rule('allow', ['10.1.0.0/16'], 10)]);
    assert.equal(acl.decide('10.1.2.3', null), true);
    assert.equal(acl.decide('10.2.0.1', null), false);
    assert.equal(acl.decide('192.0.2.1', null), true);
  });

  it('lets deny win over allow at the same priority, whatever the order', () => {
    for (const rules of [[rule('allow', ['10.0.0.0/8'], 5), rule('deny', ['10.1.0.0/16'], 5)],
      [rule('deny', ['10.1.0.0/16'], 5), rule('allow', ['10.0.0.0/8'], 5)]]) {
      const acl = compileAccess(rules);
      assert.equal(acl.decide('10.1.0.1', null), false);
      assert.equal(acl.decide('10.2.0.1', null), true);
    }
  });

  it('ignores disabled rules', () => {
    const acl = compileAccess([rule('deny', ['*'], 1, false), rule('allow', ['192.0.2.0/24'], 2)], { defaultPolicy: 'deny' });
    assert.equal(acl.decide('192.0.2.5', null), true);
    assert.equal(acl.decide('198.51.100.5', null), false);
  });

  it('matches IPv6 CIDRs and IPv4-mapped peers', () => {
    const acl = compileAccess([rule('deny', ['2001:db8::/32', '192.0.2.0/24'])]);
    assert.equal(acl.decide('2001:db8:1::5', null), false);
    assert.equal(acl.decide('2001:db9::5', null), true);
    assert.equal(acl.decide('::ffff:192.0.2.44', null), false);
    assert.equal(acl.decide('::ffff:198.51.100.1', null), true);
  });

  it('matches host globs only when the name is known', () => {
    const acl = compileAccess([rule('allow', ['*.example.com'], 1), rule('deny', ['*'], 2)]);
    assert.equal(acl.usesHostnames, true);
    assert.equal(acl.decide('192.0.2.1', 'mx1.EXAMPLE.com'), true);
    assert.equal(acl.decide('192.0.2.1', 'mx1.example.org'), false);
    assert.equal(acl.decide('192.0.2.1', null), false);
    assert.equal(acl.decide('192.0.2.1', 'mx1.example.com'), true, 'the name is part of the cache key');
  });

  it('denies local peers only through host rules or *', () => {
    const acl = compileAccess([rule('deny', ['0.0.0.0/0', '::/0'])]);
    assert.equal(acl.decide('', null), true);
    assert.equal(acl.decide('unix', null), true);
    assert.equal(compileAccess([rule('deny', ['*'])]).decide('unix', null), false);
  });

  it('caches decisions without changing them, also past the cache size', () => {
    const rules = [rule('deny', ['10.0.0.0/9'], 2), rule('allow', ['10.0.0.0/8'], 1), rule('deny', ['10.128.0.0/9'], 1)];
    const cached = compileAccess(rules, { cacheEntries: 8 });
    const fresh = compileAccess(rules, { cacheEntries: 8 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 3 }), (b, c) => {
      const ip = `10.${b}.${c}.1`;
      assert.equal(cached.decide(ip, null), fresh.evaluate(ip, null));
      assert.equal(cached.decide(ip, null), b < 128);
    }), { numRuns: 500 });
  });

  describe('[access.NAME] section', () => {
    const validate = (keys: Record<string, unknown>) => {
      const problems: ConfigProblem[] = [];
      const v = validateSection(accessSpec, keys, 'access.x', problems, []);
      return { v, problems: problems.map((p) => `${p.key}: ${p.message}`) };
    };

    it('fills in defaults', () => {
      const { v, problems } = validate({ action: 'deny', sources: '192.0.2.0/24, *.example.com' });
      assert.deepEqual(problems, []);
      assert.deepEqual({ ...v, sources: [...v.sources], inputs: [...v.inputs] },
        { inputs: ['*'], action: 'deny', sources: ['192.0.2.0/24', '*.example.com'], priority: 100, enabled: true });
    });

    it('reports every problem with a clear message', () => {
      const { problems } = validate({ action: 'reject', sources: '10.0.0.1/8', priority: '-1', enabled: 'maybe' });
      assert.equal(problems.length, 4);
      assert.match(problems[0]!, /^action: expected one of allow, deny/);
      assert.match(problems[1]!, /^sources: "10\.0\.0\.1\/8": host bits are set; did you mean 10\.0\.0\.0\/8\?/);
      assert.match(problems[2]!, /^priority: must be >= 0/);
      assert.match(problems[3]!, /^enabled: expected true or false/);
    });

    it('requires at least one source', () => {
      assert.deepEqual(validate({ action: 'allow', sources: '' }).problems, ['sources: must list at least one value']);
      assert.deepEqual(validate({ action: 'allow' }).problems, ['sources: is required']);
    });

    it('tells addresses from host patterns', () => {
      assert.equal(checkSource('192.0.2.1'), null);
      assert.equal(checkSource('2001:db8::/48'), null);
      assert.equal(checkSource('mx*.example.com'), null);
      assert.equal(checkSource('*'), null);
      assert.match(checkSource('192.0.2')!, /not an IPv4 or IPv6 address/);
      assert.match(checkSource('bad!host')!, /not a CIDR, an IP address or a host-name pattern/);
    });
  });
});
