// Routing cost per record as the rule count grows. Records model a mail estate: ~200 hosts, each
// sending through one input from 4..6 of 20 apps with a realistic severity mix; every record's
// strings are fresh (as a parser makes them), so no string hash is cached between runs. Each
// case routes 1,000,000 records in batches of 128 and prints the median of 5 runs.
//   node --import tsx bench/rules.bench.ts

import { compileRouter, type Router } from '../src/engine/router.js';
import type { RuleConfig } from '../src/engine/rules.js';
import { FACILITY_ALL, SEVERITY_ALL, parseFacilitySelector, parseSeveritySelector } from '../src/engine/selectors.js';
import { LogRecord } from '../src/record.js';

const RECORDS = 1_000_000;
const UNCACHED_RECORDS = 100_000;
const BATCH = 128;
const RUNS = 5;
const OUTPUTS = ['all', 'mail', 'errors', 'axigen', 'postfix', 'edge', 'debug', 'audit', 'rest'];

const APPS = ['postfix/smtpd', 'postfix/qmgr', 'postfix/cleanup', 'postfix/smtp', 'postfix/bounce', 'dovecot',
  'sendmail', 'SMTP-IN', 'SMTP-OUT', 'PROCESSING', 'IMAP', 'POP3', 'WEBMAIL', 'ecelerity', 'emg', 'deliver',
  'amavis', 'spamd', 'opendkim', 'CRON'];
const DOMAINS = ['example.com', 'mail.example.net', 'example.org', 'corp.example'];
const INPUTS = ['udp', 'tcp', 'axigen'];
const SEVERITY_MIX = [6, 6, 6, 6, 6, 6, 6, 5, 4, 3, 7, 6, 5, 6, 4, 6, 6, 7, 6, 2];

/** Deterministic PRNG, so every run and every machine sees the same records and rules. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sender { host: string; input: string; apps: string[] }

function senders(count: number, appsPerHost: [number, number]): Sender[] {
  const r = rng(1);
  return Array.from({ length: count }, (_, i) => {
    const kind = ['mx', 'relay', 'edge', 'axigen', 'mta'][i % 5]!;
    const n = appsPerHost[0] + Math.floor(r() * (appsPerHost[1] - appsPerHost[0] + 1));
    const apps = new Set<string>();
    while (apps.size < n) apps.add(APPS[Math.floor(r() * APPS.length)]!);
    return { host: `${kind}${i}.${DOMAINS[i % DOMAINS.length]}`, input: INPUTS[i % 3]!, apps: [...apps] };
  });
}

/** Fresh records: strings are cut from a buffer per record, as a parser would. */
function records(from: Sender[], count: number, seed: number): LogRecord[] {
  const r = rng(seed);
  const text = Buffer.from(from.map((s) => s.host).join('') + APPS.join(''), 'latin1');
  const hostAt: number[] = [];
  let off = 0;
  for (const s of from) {
    hostAt.push(off);
    off += s.host.length;
  }
  const appAt = new Map<string, number>();
  for (const a of APPS) {
    appAt.set(a, off);
    off += a.length;
  }
  const raw = Buffer.from('x');
  const out: LogRecord[] = [];
  for (let i = 0; i < count; i++) {
    const si = Math.floor(from.length * r() * r()); // a few senders are much busier than the rest
    const s = from[si]!;
    const app = s.apps[Math.floor(r() * s.apps.length)]!;
    const rec = new LogRecord(raw, 0, s.input, '192.0.2.1');
    rec.hostname = text.toString('latin1', hostAt[si], hostAt[si]! + s.host.length);
    const a = appAt.get(app)!;
    rec.app = text.toString('latin1', a, a + app.length);
    const slash = app.indexOf('/');
    rec.program = slash < 0 ? rec.app : text.toString('latin1', a, a + slash);
    rec.facility = app === 'CRON' ? 9 : app.startsWith('SMTP') || app === 'IMAP' ? 16 : 2;
    rec.severity = SEVERITY_MIX[Math.floor(r() * SEVERITY_MIX.length)]!;
    if (s.input === 'axigen') rec.axigenMask = 15;
    out.push(rec);
  }
  return out;
}

function rule(name: string, keys: Partial<Omit<RuleConfig, 'facility' | 'severity'>> & { facility?: string[]; severity?: string[] }): RuleConfig {
  const mask = (v: number | string) => {
    if (typeof v === 'string') throw new Error(v);
    return v;
  };
  return {
    name, priority: 100, enabled: true, inputs: ['*'], host: ['*'], app: ['*'], module: ['*'],
    axigen_level_mask: 31, dialect: 0b11111, disposition: 0xff, outputs: ['all'], final: false, ...keys,
    facility: keys.facility ? mask(parseFacilitySelector(keys.facility)) : FACILITY_ALL,
    severity: keys.severity ? mask(parseSeveritySelector(keys.severity)) : SEVERITY_ALL,
  };
}

/**
 * N rules of the kinds an admin writes: per host group and app, per severity, per input, one
 * Axigen mask rule; all look at host, app, facility and severity, so every rule count keys the
 * cache on the same fields. The last is the catch-all. Each record reaches one to three outputs.
 */
function ruleSet(n: number): RuleConfig[] {
  const rules: RuleConfig[] = [];
  const kinds = ['mx', 'relay', 'edge', 'axigen', 'mta'];
  for (let i = 0; rules.length < n - 1; i++) {
    const out = OUTPUTS[1 + (i % 7)]!;
    switch (i % 5) {
      case 0: rules.push(rule(`host${i}`, { priority: 10 + i, host: [`${kinds[i % 5]}${i}.*`], app: ['postfix*'], outputs: [out] })); break;
      case 1: rules.push(rule(`err${i}`, { priority: 10 + i, severity: ['err'], host: [`*.${DOMAINS[i % 4]}`], outputs: ['errors'] })); break;
      case 2: rules.push(rule(`app${i}`, { priority: 10 + i, app: [APPS[i % APPS.length]!], facility: ['mail', 'local0'], outputs: [out] })); break;
      case 3: rules.push(rule(`ax${i}`, { priority: 10 + i, inputs: ['axigen'], module: ['SMTP-*', 'PROCESSING'], axigen_level_mask: 9, outputs: ['axigen'] })); break;
      default: rules.push(rule(`dbg${i}`, { priority: 10 + i, severity: ['=debug'], host: [`mx${i}?.*`], outputs: ['debug'], final: true })); break;
    }
  }
  rules.push(rule('all', { priority: 1000, host: ['*.*'], app: ['?*'], severity: ['debug'], facility: ['*'], outputs: ['all'] }));
  return rules;
}

const counter = () => ({ scope: 'engine', name: 'discarded', reason: 'unmatched', value: 0 });

let fanOut = 0;

/** ns per record; sets `fanOut` to the mean number of outputs a record reached. */
function routeAll(router: Router, recs: LogRecord[], out: LogRecord[][]): number {
  let routed = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < recs.length; i += BATCH) {
    router.route(recs.slice(i, i + BATCH), out);
    for (const o of out) {
      routed += o.length;
      o.length = 0;
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (routed === 0) throw new Error('nothing routed');
  fanOut = routed / recs.length;
  return ns / recs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(label: string, rules: RuleConfig[], from: Sender[], count: number, cacheEntries?: number): number {
  const router = compileRouter(rules, OUTPUTS, 'rest', counter(), cacheEntries === undefined ? {} : { cacheEntries });
  const out: LogRecord[][] = OUTPUTS.map(() => []);
  routeAll(router, records(from, count, 99), out); // warm-up: JIT and a warm cache, as in a running daemon
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(routeAll(router, records(from, count, 100 + run), out));
  const m = median(times);
  // The minimum is printed too: on a shared machine it shows the cost with the least interference.
  console.log(`${label.padEnd(46)} ${m.toFixed(1).padStart(8)} ns/record  min ${Math.min(...times).toFixed(1).padStart(7)}` +
    `  outputs/record ${fanOut.toFixed(2)}   (runs ${times.map((t) => t.toFixed(0)).join(' ')})`);
  return m;
}

function tuples(recs: LogRecord[]): number {
  return new Set(recs.map((r) => `${r.input} ${r.hostname} ${r.app} ${r.facility} ${r.severity}`)).size;
}

const estate = senders(200, [4, 6]);
const wide = senders(200, [20, 20]);
console.log(`node ${process.version}; ${RECORDS} records per run, batches of ${BATCH}, median of ${RUNS}`);
console.log(`estate: 200 hosts x 4..6 of 20 apps, ${tuples(records(estate, RECORDS, 1))} distinct routing tuples`);
const results = new Map<number, number>();
for (const n of [1, 10, 50, 100]) results.set(n, bench(`${n} rules`, ruleSet(n), estate, RECORDS));
bench('1 rule, catch-all * (cache keyed on nothing)', [rule('all', {})], estate, RECORDS);
console.log(`ratio 100 rules / 1 rule (medians): ${(results.get(100)! / results.get(1)!).toFixed(2)}`);
console.log(`wide: 200 hosts x all 20 apps, ${tuples(records(wide, RECORDS, 1))} distinct tuples (more than one cache generation holds)`);
bench('100 rules, wide', ruleSet(100), wide, RECORDS);
bench('1 rule, uncached', ruleSet(1), estate, UNCACHED_RECORDS, 0);
bench('100 rules, uncached', ruleSet(100), estate, UNCACHED_RECORDS, 0);
