// The memoised router against a naive evaluation written straight from the documented rule
// semantics, for random rule sets and records.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LogRecord } from '../record.js';
import type { Counter } from '../telemetry/counters.js';
import { compileRouter } from './router.js';
import { DIALECT_VALUES, DISPOSITION_VALUES, type RuleConfig } from './rules.js';

const DIALECT_ALL = (1 << DIALECT_VALUES.length) - 1;
const DISPOSITION_ALL = (1 << DISPOSITION_VALUES.length) - 1;
import { FACILITY_ALL, SEVERITY_ALL } from './selectors.js';

const OUTPUTS = ['o0', 'o1', 'o2', 'o3'];
const INPUTS = ['udp', 'tcp', 'axigen'];
const HOSTS = ['mx1.example.com', 'MX2.example.com', 'relay.example.org', 'localhost', ''];
const APPS = ['postfix/smtpd', 'postfix/qmgr', 'SMTP-IN', 'PROCESSING', 'sendmail', ''];
const HOST_GLOBS = ['*', '*.example.com', 'mx?.example.com', 'MX1*', 'relay.example.org', '*example*', 'local?ost'];
const APP_GLOBS = ['*', 'postfix', 'postfix*', 'postfix/smtpd', 'postfix/', 'smtp-*', '*in', 'p*g', 'sendmail', '*/*'];
const AXIGEN_BITS = [1, 2, 4, 8, 16];
const SEVERITY_BIT = [1, 1, 1, 2, 4, 8, 8, 16];

const globList = (globs: string[]) => fc.oneof(fc.constant(['*']), fc.uniqueArray(fc.constantFrom(...globs), { minLength: 1, maxLength: 3 }));
const ruleArb: fc.Arbitrary<RuleConfig> = fc.record({
  name: fc.constant('r'),
  priority: fc.integer({ min: 0, max: 4 }),
  enabled: fc.boolean(),
  inputs: fc.oneof(fc.constant(['*']), fc.uniqueArray(fc.constantFrom(...INPUTS), { minLength: 1, maxLength: 2 })),
  host: globList(HOST_GLOBS),
  app: globList(APP_GLOBS),
  module: fc.oneof(fc.constant(['*']), fc.constant(['*']), globList(APP_GLOBS)),
  facility: fc.oneof(fc.constant(FACILITY_ALL), fc.integer({ min: 0, max: FACILITY_ALL })),
  severity: fc.oneof(fc.constant(SEVERITY_ALL), fc.integer({ min: 0, max: SEVERITY_ALL })),
  axigen_level_mask: fc.oneof(fc.constant(31), fc.integer({ min: 0, max: 31 })),
  dialect: fc.oneof(fc.constant(DIALECT_ALL), fc.integer({ min: 0, max: DIALECT_ALL })),
  disposition: fc.oneof(fc.constant(DISPOSITION_ALL), fc.integer({ min: 0, max: DISPOSITION_ALL })),
  outputs: fc.uniqueArray(fc.constantFrom(...OUTPUTS), { minLength: 1, maxLength: 3 }),
  final: fc.boolean(),
});

// Small domains, so records share most fields and cached decisions are reused across records
// that differ in one field only.
const recArb = fc.record({
  input: fc.constantFrom(...INPUTS),
  hostname: fc.constantFrom(...HOSTS),
  app: fc.constantFrom(...APPS),
  // A dialect may set a program that is not the APP-NAME's prefix.
  // (`=` stands for the whole APP-NAME, slash included.)
  program: fc.oneof(fc.constant(null), fc.constant(null), fc.constantFrom('postfix', 'SMTP-IN', '', '=')),
  facility: fc.constantFrom(2, 2, 16),
  severity: fc.constantFrom(3, 5, 6, 7),
  axigen: fc.oneof(fc.constant(null), fc.constant(null), fc.constantFrom(...AXIGEN_BITS)),
  axigenMask: fc.constantFrom(31, 31, 31, 15, 0),
  dialect: fc.constantFrom(null, null, 'momentum', 'emg'),
  disposition: fc.constantFrom(null, null, 'reception', 'delivery', 'error'),
}).map((f) => {
  const r = new LogRecord(Buffer.alloc(0), 0, f.input, '');
  r.hostname = f.hostname;
  r.app = f.app;
  r.program = f.program === '=' ? f.app : f.program ?? f.app.split('/')[0]!;
  r.facility = f.facility;
  r.severity = f.severity;
  r.level = f.axigen === null ? null : { scheme: 'axigen', value: f.axigen };
  r.axigenMask = f.axigenMask;
  r.dialect = f.dialect;
  r.disposition = f.disposition;
  return r;
});

function globRe(p: string): RegExp {
  const body = p.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[^a-z0-9]/i, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Which outputs a record reaches, from the rule semantics with no compilation or cache. */
function naive(rules: RuleConfig[], r: LogRecord, unmatched: string | null): string[] {
  const ordered = rules.filter((x) => x.enabled).sort((a, b) => a.priority - b.priority); // sort is stable
  const bit = r.level?.scheme === 'axigen' ? r.level.value : SEVERITY_BIT[r.severity]!;
  const any = (globs: readonly string[], ...names: string[]) => globs.some((g) => names.some((n) => globRe(g).test(n)));
  const out = new Set<string>();
  let matched = false;
  for (const x of ordered) {
    if (!x.inputs.includes('*') && !x.inputs.includes(r.input)) continue;
    if (!any(x.host, r.hostname)) continue;
    if (!any(x.app, r.app, r.program) || !any(x.module, r.app, r.program)) continue;
    if (!((x.facility >> r.facility) & 1) || !((x.severity >> r.severity) & 1)) continue;
    if ((bit & r.axigenMask & x.axigen_level_mask) === 0) continue;
    if (!((x.dialect >> DIALECT_VALUES.indexOf((r.dialect ?? 'none') as 'none')) & 1)) continue;
    if (!((x.disposition >> DISPOSITION_VALUES.indexOf((r.disposition ?? 'none'))) & 1)) continue;
    matched = true;
    for (const o of x.outputs) out.add(o);
    if (x.final) break;
  }
  if (!matched && unmatched !== null) out.add(unmatched);
  return OUTPUTS.filter((o) => out.has(o));
}

const counter = (): Counter => ({ scope: 'engine', name: 'discarded', reason: 'unmatched', value: 0 });

describe('engine/router (property)', () => {
  it('routes every record where the naive evaluation does, cached or not', () => {
    fc.assert(fc.property(
      fc.array(ruleArb, { maxLength: 8 }),
      fc.array(recArb, { minLength: 1, maxLength: 150 }),
      fc.option(fc.constantFrom(...OUTPUTS)),
      fc.constantFrom(0, 3, 10_000),
      (rules, batch, unmatched, cacheEntries) => {
        // Repeat the batch so the second half is served from the cache.
        const records = [...batch, ...batch];
        const discarded = counter();
        const router = compileRouter(rules, OUTPUTS, unmatched, discarded, { cacheEntries });
        const out: LogRecord[][] = OUTPUTS.map(() => []);
        router.route(records, out);
        let expectDiscarded = 0;
        for (const r of records) {
          const want = naive(rules, r, unmatched);
          if (want.length === 0) expectDiscarded++;
          const got = OUTPUTS.filter((_, i) => out[i]!.includes(r));
          assert.deepEqual(got, want);
        }
        // Each output holds each record at most once per time it was routed.
        for (const o of out) assert.ok(o.length <= records.length);
        assert.equal(out.reduce((n, o) => n + o.length, 0), records.reduce((n, r) => n + naive(rules, r, unmatched).length, 0));
        assert.equal(discarded.value, unmatched === null ? expectDiscarded : 0);
      }), { numRuns: 500 });
  });
});
