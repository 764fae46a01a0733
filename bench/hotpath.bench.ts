// The TCP hot path without sockets: 64 KiB chunks of loggen-like lines → TcpConnection (deframe,
// decode, dialect check) → Pipeline (route, one catch-all rule) → the traditional formatter into
// a ByteSink, as the file output formats a batch. Prints ns per message, median of the runs.
// Run: node --import tsx bench/hotpath.bench.ts [--count N] [--runs R] [--warmup W] [--format 3164|5424] [--dist]
// --dist loads the compiled modules from dist/ (npm run build first), so that the script can run
// under `valgrind --tool=callgrind` without paying for tsx: compare Ir of --count 300000 against
// --count 100000 (--runs 1) to get the cost of 200,000 warm messages.

import type net from 'node:net';
import type { InputContext, Output } from '../src/component.js';
import type { LogRecord } from '../src/record.js';
import { option } from './options.js';

type Modules = [
  typeof import('../src/inputs/decode.js'),
  typeof import('../src/engine/router.js'),
  typeof import('../src/engine/rules.js'),
  typeof import('../src/config/schema.js'),
  typeof import('../src/telemetry/counters.js'),
  typeof import('../src/syslog/format.js'),
  typeof import('../src/util/bytesink.js'),
  typeof import('../src/daemon/pipeline.js'),
  typeof import('../src/inputs/tcp/conn.js'),
];

const COUNT = Number(option('--count', '1000000'));
const RUNS = Number(option('--runs', '5'));
const WARMUP = Number(option('--warmup', '200000'));
const FORMAT = option('--format', '3164');
const base = process.argv.includes('--dist') ? '../dist/' : '../src/';
if (FORMAT !== '3164' && FORMAT !== '5424') throw new Error('--format is 3164 or 5424');

const [{ Decoder }, { compileRouter }, { ruleSpec }, { validateSection }, { Counters }, { FORMATTERS },
  { ByteSink }, { Pipeline }, { TcpConnection }] = await Promise.all([
  import(base + 'inputs/decode.js'), import(base + 'engine/router.js'), import(base + 'engine/rules.js'),
  import(base + 'config/schema.js'), import(base + 'telemetry/counters.js'), import(base + 'syslog/format.js'),
  import(base + 'util/bytesink.js'), import(base + 'daemon/pipeline.js'), import(base + 'inputs/tcp/conn.js'),
]) as Modules;

// loggen's lines: one program, one pid, the stamp changing every 500 lines, ~200 bytes.
const LINES = 20_000;
const pad = 'PADD'.repeat(50);
const t0 = Date.UTC(2026, 10, 22, 4, 36, 21);
const lines: string[] = [];
for (let i = 0; i < LINES; i++) {
  const iso = new Date(t0 + Math.floor(i / 500) * 1000).toISOString().slice(0, 19);
  const body = `seq: ${String(i).padStart(10, '0')}, thread: 0000, runid: 1795322181, stamp: ${iso} `;
  if (FORMAT === '3164') {
    const l = `<38>${iso} localhost prg00000[1234]: ${body}`;
    lines.push(l + pad.slice(0, 199 - l.length) + '\n');
  } else {
    const l = `<38>1 ${iso}+00:00 localhost prg00000 1234 - - ${body}`;
    const msg = l + pad.slice(0, 199 - l.length);
    lines.push(`${Buffer.byteLength(msg)} ${msg}`);
  }
}
const stream = Buffer.from(lines.join(''));
const chunks: Buffer[] = [];
const CHUNK = Number(option('--chunk', '65536'));
for (let at = 0; at < stream.length; at += CHUNK) chunks.push(Buffer.from(stream.subarray(at, at + CHUNK)));

const counters = new Counters();
const rule = { ...validateSection(ruleSpec, { outputs: 'out' }, 'rule.all', []), name: 'all' };
const router = compileRouter([rule], ['out'], null, counters.get('engine', 'discarded'));
const sink = new ByteSink(1 << 20);
const format = FORMATTERS.traditional;
let bytesOut = 0;
const output = {
  busy: false,
  write(batch: readonly LogRecord[]): void {
    for (const rec of batch) format(rec, sink);
    bytesOut += sink.len;
    sink.reset();
  },
} as unknown as Output;
const pipeline = new Pipeline(router, [output]);
const decoder = new Decoder('in', { counters } as unknown as InputContext);

/** Sends at least `n` messages (whole passes over the 20,000 lines) through one connection. */
function run(n: number): number {
  const handlers: Record<string, (chunk?: Buffer) => void> = {};
  const socket = {
    on(ev: string, f: (chunk?: Buffer) => void) { handlers[ev] = f; },
    pause() {}, resume() {}, end() {}, destroyed: false,
  } as unknown as net.Socket;
  const ctx = { submit: pipeline.submit, onWritable: pipeline.onWritable } as unknown as InputContext;
  new TcpConnection(socket, '127.0.0.1', decoder, ctx, 64 * 1024);
  let sent = 0;
  while (sent < n) {
    for (const c of chunks) {
      const b = Buffer.allocUnsafeSlow(c.length); // each socket read is a fresh buffer
      c.copy(b);
      handlers.data!(b);
    }
    sent += LINES;
  }
  handlers.end!();
  return sent;
}

run(WARMUP);
const ns: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t = process.hrtime.bigint();
  const sent = run(COUNT);
  ns.push(Number(process.hrtime.bigint() - t) / sent);
}
ns.sort((a, b) => a - b);
if (RUNS > 0) {
  console.log(`hotpath ${FORMAT}: ${ns[ns.length >> 1]!.toFixed(0)} ns/message (median of ${RUNS} × ${COUNT}; ` +
    `runs ${ns.map((x) => x.toFixed(0)).join(' ')}), ${bytesOut} bytes out`);
}
