import assert from 'node:assert/strict';
import { validateSection, type ConfigProblem } from '../config/schema.js';
import { LogRecord, type NativeLevel } from '../record.js';
import type { Counter } from '../telemetry/counters.js';
import { compileRouter, type RouterOptions } from './router.js';
import { ruleSpec, type RuleConfig } from './rules.js';

const OUTPUTS = ['a', 'b', 'c', 'rest'];

function rule(name: string, keys: Record<string, unknown>): RuleConfig {
  const problems: ConfigProblem[] = [];
  const v = validateSection(ruleSpec, keys, `rule.${name}`, problems, []);
  assert.deepEqual(problems, []);
  return { ...v, name };
}

interface RecFields {
  input?: string; hostname?: string; app?: string; program?: string;
  facility?: number; severity?: number; level?: NativeLevel | null; axigenMask?: number;
}
function rec(f: RecFields = {}): LogRecord {
  const r = new LogRecord(Buffer.from('x'), 0, f.input ?? 'udp', '192.0.2.1');
  r.hostname = f.hostname ?? 'mx1.example.com';
  r.app = f.app ?? 'postfix/smtpd';
  r.program = f.program ?? r.app.split('/')[0]!;
  r.facility = f.facility ?? 2;
  r.severity = f.severity ?? 6;
  r.level = f.level ?? null;
  r.axigenMask = f.axigenMask ?? 31;
  return r;
}

const counter = (): Counter => ({ scope: 'engine', name: 'discarded', reason: 'unmatched', value: 0 });

/** Routes the batch and returns, per record, the names of the outputs it reached. */
function routeNames(rules: RuleConfig[], batch: LogRecord[], unmatched: string | null = null,
  options: RouterOptions = {}, discarded = counter()): string[][] {
  const router = compileRouter(rules, OUTPUTS, unmatched, discarded, options);
  const out: LogRecord[][] = OUTPUTS.map(() => []);
  router.route(batch, out);
  return batch.map((r) => OUTPUTS.filter((_, i) => out[i]!.includes(r)));
}

describe('engine/router', () => {
  it('routes by dialect and disposition, also when the cache has seen the same sender', () => {
    const kinds = (dialect: string | null, disposition: string | null) => {
      const r = rec();
      r.dialect = dialect;
      r.disposition = disposition as LogRecord['disposition'];
      return r;
    };
    const rules = [
      rule('legacy', { priority: 1, dialect: 'momentum, mmdf', outputs: 'a' }),
      rule('bounces', { priority: 2, disposition: 'permanent_failure, rejection', outputs: 'b' }),
      rule('plain', { priority: 3, dialect: 'none', disposition: 'none', outputs: 'c' }),
    ];
    const batch = [kinds(null, null), kinds('momentum', 'delivery'), kinds('emg', 'permanent_failure'),
      kinds('mmdf', 'rejection'), kinds(null, null), kinds('emg', 'reception')];
    assert.deepEqual(routeNames(rules, batch), [['c'], ['a'], ['b'], ['a', 'b'], ['c'], []]);
    assert.deepEqual(routeNames(rules, batch, null, { cacheEntries: 0 }), [['c'], ['a'], ['b'], ['a', 'b'], ['c'], []]);
  });

  it('passes Axigen bits in both masks only: client 15, rule 9 → 1 and 8', () => {
    const batch = [1, 2, 4, 8, 16].map((bit) => rec({ level: { scheme: 'axigen', value: bit }, axigenMask: 15 }));
    const got = routeNames([rule('ax', { axigen_level_mask: 9, outputs: 'a' })], batch);
    assert.deepEqual(got, [['a'], [], [], ['a'], []]);
  });

  it('filters records without an Axigen level by the bit of their severity', () => {
    const batch = [0, 2, 3, 4, 5, 6, 7].map((severity) => rec({ severity }));
    const got = routeNames([rule('info', { axigen_level_mask: 8, outputs: 'a' })], batch);
    assert.deepEqual(got.map((g) => g.length), [0, 0, 0, 0, 1, 1, 0]);
    const crit = routeNames([rule('crit', { axigen_level_mask: 1, outputs: 'a' })], batch);
    assert.deepEqual(crit.map((g) => g.length), [1, 1, 0, 0, 0, 0, 0]);
  });

  it('sends nothing from a sender whose Axigen mask is 0', () => {
    assert.deepEqual(routeNames([rule('all', { outputs: 'a' })], [rec({ axigenMask: 0 })]), [[]]);
  });

  it('runs rules by priority and stops at a matching final rule', () => {
    const rules = [
      rule('late', { priority: 100, outputs: 'c' }),
      rule('stop', { priority: 50, host: 'mx1.*', final: true, outputs: 'b' }),
      rule('first', { priority: 10, outputs: 'a' }),
    ];
    const got = routeNames(rules, [rec({ hostname: 'mx1.example.com' }), rec({ hostname: 'mx2.example.com' })]);
    assert.deepEqual(got, [['a', 'b'], ['a', 'c']]);
  });

  it('breaks priority ties by file order', () => {
    const rules = [
      rule('one', { priority: 5, final: true, outputs: 'a' }),
      rule('two', { priority: 5, outputs: 'b' }),
    ];
    assert.deepEqual(routeNames(rules, [rec()]), [['a']]);
    assert.deepEqual(routeNames([rules[1]!, rules[0]!], [rec()]), [['a', 'b']]);
  });

  it('gives an output each record once, however many rules name it', () => {
    const rules = [rule('x', { outputs: 'a, b' }), rule('y', { outputs: 'a' }), rule('z', { outputs: 'b, a' })];
    const router = compileRouter(rules, OUTPUTS, null, counter());
    const out: LogRecord[][] = OUTPUTS.map(() => []);
    router.route([rec(), rec()], out);
    assert.deepEqual(out.map((o) => o.length), [2, 2, 0, 0]);
  });

  it('ignores disabled rules', () => {
    const rules = [rule('off', { enabled: false, final: true, outputs: 'a' }), rule('on', { outputs: 'b' })];
    assert.deepEqual(routeNames(rules, [rec()]), [['b']]);
  });

  it('sends unmatched records to the unmatched output, or counts them as discarded', () => {
    const rules = [rule('mail', { facility: 'mail', outputs: 'a' })];
    const batch = [rec({ facility: 2 }), rec({ facility: 3 }), rec({ facility: 4 })];
    const discarded = counter();
    const unmatched = { ...counter(), name: 'unmatched', reason: '' };
    assert.deepEqual(routeNames(rules, batch, 'rest', { unmatched }, discarded), [['a'], ['rest'], ['rest']]);
    assert.equal(discarded.value, 0);
    assert.equal(unmatched.value, 2);
    assert.deepEqual(routeNames(rules, batch, null, {}, discarded), [['a'], [], []]);
    assert.equal(discarded.value, 2);
  });

  it('matches app globs against the APP-NAME and the program name', () => {
    const batch = [rec({ app: 'postfix/smtpd' }), rec({ app: 'postfix/qmgr' }), rec({ app: 'SMTP-IN', program: 'SMTP-IN' }), rec({ app: 'dovecot' })];
    assert.deepEqual(routeNames([rule('p', { app: 'postfix', outputs: 'a' })], batch).map((g) => g.length), [1, 1, 0, 0]);
    assert.deepEqual(routeNames([rule('p', { app: 'postfix/smtpd', outputs: 'a' })], batch).map((g) => g.length), [1, 0, 0, 0]);
    assert.deepEqual(routeNames([rule('p', { app: 'postfix*', outputs: 'a' })], batch).map((g) => g.length), [1, 1, 0, 0]);
    assert.deepEqual(routeNames([rule('m', { module: 'smtp-*', outputs: 'a' })], batch).map((g) => g.length), [0, 0, 1, 0]);
    assert.deepEqual(routeNames([rule('both', { app: 'postfix', module: '*qmgr', outputs: 'a' })], batch).map((g) => g.length), [0, 1, 0, 0]);
  });

  it('keys the cache on the program when it is not the APP-NAME up to its first /', () => {
    const rules = [rule('p', { app: 'postfix', outputs: 'a' })];
    const batch = [
      rec({ app: 'postfix/smtpd', program: 'postfix' }),
      rec({ app: 'postfix/smtpd', program: 'postfix/smtpd' }),
      rec({ app: 'postfix/smtpd', program: 'postfix' }),
      rec({ app: 'x/postfix/y', program: 'x/postfix' }),
      rec({ app: 'x/postfix/y', program: 'x' }),
      rec({ app: 'postfix', program: 'postfix' }),
      rec({ app: 'postfix', program: '' }),
    ];
    const want = [1, 0, 1, 0, 0, 1, 1];
    assert.deepEqual(routeNames(rules, batch).map((g) => g.length), want);
    assert.deepEqual(routeNames(rules, [...batch].reverse()).map((g) => g.length), [...want].reverse());
  });

  it('filters by input, host, facility and severity selectors', () => {
    const rules = [rule('r', { inputs: 'axigen', host: '*.example.com', facility: 'mail, local0', severity: 'warning, !err', outputs: 'a' })];
    const got = routeNames(rules, [
      rec({ input: 'axigen', severity: 4 }),
      rec({ input: 'axigen', severity: 3 }),
      rec({ input: 'axigen', severity: 2, facility: 16 }),
      rec({ input: 'udp', severity: 4 }),
      rec({ input: 'axigen', severity: 4, hostname: 'mx.example.org' }),
      rec({ input: 'axigen', severity: 5 }),
      rec({ input: 'axigen', severity: 4, facility: 3 }),
    ]);
    assert.deepEqual(got.map((g) => g.length), [1, 0, 1, 0, 0, 0, 0]);
  });

  it('decides the same with a tiny cache, across generations', () => {
    const rules = [rule('r', { host: 'mx1*', severity: 'err', outputs: 'a' }), rule('s', { app: 'postfix*', outputs: 'b' })];
    const batch: LogRecord[] = [];
    for (let i = 0; i < 400; i++) {
      batch.push(rec({ hostname: `mx${i % 13}.example.com`, app: i % 3 ? 'postfix/smtpd' : 'dovecot', severity: i % 8 }));
    }
    assert.deepEqual(routeNames(rules, batch, 'rest', { cacheEntries: 5 }), routeNames(rules, batch, 'rest', { cacheEntries: 0 }));
  });

  it('refuses a rule that names an unknown output', () => {
    assert.throws(() => compileRouter([rule('r', { outputs: 'nope' })], OUTPUTS, null, counter()), /no output named "nope"/);
    assert.throws(() => compileRouter([], OUTPUTS, 'nope', counter()), /no output named "nope"/);
  });
});
