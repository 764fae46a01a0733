// The file output end to end: 1,000,000 records of about 200 bytes, handed over in batches the way
// an input does (one batch per event-loop turn, pausing while the output is busy), written to a
// real file in a temp dir in the traditional format. Median of 5 runs per case.
// Run: node --import tsx bench/file-output.bench.ts

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateSection, type ConfigProblem } from '../src/config/schema.js';
import { fileOutputSpec } from '../src/outputs/file/config.js';
import { createFileOutput } from '../src/outputs/file/index.js';
import { LogRecord } from '../src/record.js';
import { Counters } from '../src/telemetry/counters.js';
import { InternalLog } from '../src/telemetry/log.js';

const RECORDS = 1_000_000;
const RUNS = 5;
const CASES = [
  { name: 'batch 64, one file', batch: 64, path: 'mail.log' },
  { name: 'batch 512, one file', batch: 512, path: 'mail.log' },
  { name: 'batch 512, %{host}/mail.log, 16 hosts', batch: 512, path: '%{host}/mail.log' },
];

/** A pool of parsed-looking records; batches are cut from it over and over. */
function makeRecords(n: number): LogRecord[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const host = `mx${i % 16}.example.com`;
    const header = `<22>Sep 11 22:34:34 ${host} postfix/smtpd[${10000 + i}]: `;
    const msg = `${(0x4f1a2b3c + i).toString(16).toUpperCase()}: client=mail${i % 97}.example.net[192.0.2.${i % 250}], ` +
      `sasl_method=PLAIN, sasl_username=user${i}@example.org, size=${1000 + i}, nrcpt=1 (queue active)`;
    const raw = Buffer.from(header + msg);
    const rec = new LogRecord(raw, now, 'udp', '192.0.2.1');
    Object.assign(rec, {
      format: 'rfc3164', facility: 2, severity: 6, time: now + i, hostname: host, app: 'postfix/smtpd',
      program: 'postfix', procid: String(10000 + i), msgOffset: header.length,
    });
    return rec;
  });
}

async function run(pool: LogRecord[], batchSize: number, template: string) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-bench-'));
  const counters = new Counters();
  const problems: ConfigProblem[] = [];
  const config = validateSection(fileOutputSpec, { path: template, format: 'traditional' }, 'output.bench', problems);
  if (problems.length) throw new Error(JSON.stringify(problems));
  const ctx = {
    id: 'bench', logRoot: base, stateDir: base, counters, log: new InternalLog(), shutdown: new AbortController().signal,
  };
  const out = createFileOutput(config, ctx);
  await out.open();
  const batches: LogRecord[][] = [];
  for (let i = 0; i + batchSize <= pool.length; i += batchSize) batches.push(pool.slice(i, i + batchSize));

  const realWrite = fs.write;
  let writes = 0;
  (fs as { write: unknown }).write = (...args: unknown[]) => {
    writes++;
    return (realWrite as (...a: unknown[]) => void)(...args);
  };
  const started = process.hrtime.bigint();
  try {
    let sent = 0;
    for (let b = 0; sent < RECORDS; b++) {
      const batch = batches[b % batches.length]!;
      const part = sent + batch.length > RECORDS ? batch.slice(0, RECORDS - sent) : batch;
      out.write(part);
      sent += part.length;
      if (out.busy) await new Promise<void>((resolve) => out.onDrain(resolve));
      else await new Promise(setImmediate); // the next batch comes in a later event-loop turn
    }
    await out.flush();
  } finally {
    fs.write = realWrite;
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  await out.close();
  const bytes = counters.total('output.bench', 'bytes');
  const written = counters.total('output.bench', 'written');
  fs.rmSync(base, { recursive: true, force: true });
  if (written !== RECORDS) throw new Error(`wrote ${written} of ${RECORDS} records`);
  return { rps: RECORDS / secs, mbps: bytes / secs / 1e6, writesPer1000: (writes / RECORDS) * 1000, lineBytes: bytes / RECORDS };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const pool = makeRecords(8192);
console.log(`file output: ${RECORDS.toLocaleString('en')} records, traditional format (FORMATTERS.traditional), median of ${RUNS} runs, node ${process.version}`);
for (const c of CASES) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) runs.push(await run(pool, c.batch, c.path));
  console.log(`${c.name.padEnd(40)} ${Math.round(median(runs.map((x) => x.rps))).toLocaleString('en').padStart(10)} records/s ` +
    `${median(runs.map((x) => x.mbps)).toFixed(1).padStart(7)} MB/s ` +
    `${median(runs.map((x) => x.writesPer1000)).toFixed(2).padStart(7)} writes/1000 records ` +
    `(line ${median(runs.map((x) => x.lineBytes)).toFixed(0)} B)`);
}
