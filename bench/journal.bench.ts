// The journal's append path: records of 200 bytes appended in batches the way a relp server does
// (one batch per event-loop turn, durable() awaited per batch, several batches in flight), with the
// default group commit; then with an fsync for every record, each awaited before the next append;
// then reading the backlog back through a subscriber. A temp dir on the disk under os.tmpdir().
// Median of 3 runs per case. Run: node --import tsx bench/journal.bench.ts

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { Journal, type JournalOptions } from '../src/journal/index.js';
import { io } from '../src/journal/io.js';

const PAYLOAD = 200;
const RUNS = 3;
const GROUP_RECORDS = 500_000;
const PER_RECORD_SECONDS = 3;
const IN_FLIGHT = 16;

interface Result { records: number; seconds: number; fsyncs: number; bytes: number }

const payloads = Array.from({ length: 1024 }, (_, i) => Buffer.from(`<22>Nov 22 10:00:00 mx${i % 16} postfix/smtpd[${1000 + i}]: `.padEnd(PAYLOAD, 'x')));

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-journal-bench-'));
}

let fsyncs = 0;
const realSync = io.fdatasync;
io.fdatasync = (fd, done) => {
  fsyncs++;
  realSync(fd, done);
};

/** Batches of `batch` records, one per event-loop turn, at most IN_FLIGHT of them not yet durable. */
async function grouped(batch: number, options: JournalOptions): Promise<Result> {
  const dir = tempDir();
  const j = Journal.open(dir, options);
  j.addSubscriber('bench');
  fsyncs = 0;
  const t0 = process.hrtime.bigint();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < GROUP_RECORDS;) {
    let seq = 0;
    for (let i = 0; i < batch; i++, n++) seq = j.append(payloads[n & 1023]!);
    inFlight.push(j.durable(seq));
    if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    await tick();
  }
  await Promise.all(inFlight);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const result = { records: GROUP_RECORDS, seconds, fsyncs, bytes: j.stats().bytes };
  await j.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** One record at a time, each durable before the next: what an fsync per record costs. */
async function perRecord(): Promise<Result> {
  const dir = tempDir();
  const j = Journal.open(dir, { fsyncEveryRecords: 1, fsyncIntervalMs: 0 });
  j.addSubscriber('bench');
  fsyncs = 0;
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(PER_RECORD_SECONDS * 1e9);
  let n = 0;
  while (process.hrtime.bigint() < end) {
    await j.durable(j.append(payloads[n & 1023]!));
    n++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const result = { records: n, seconds, fsyncs, bytes: j.stats().bytes };
  await j.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

/** Reads a backlog of GROUP_RECORDS back, 1000 at a time, committing after each batch. */
async function readBack(): Promise<Result> {
  const dir = tempDir();
  const j = Journal.open(dir);
  j.addSubscriber('bench', 'begin');
  for (let n = 0; n < GROUP_RECORDS; n++) j.append(payloads[n & 1023]!);
  await j.durable(j.lastSeq);
  fsyncs = 0;
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (;;) {
    const got = j.read('bench', 1000);
    if (got.length === 0) break;
    n += got.length;
    j.commit('bench', got[got.length - 1]!.seq);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (n !== GROUP_RECORDS) throw new Error(`read ${n} of ${GROUP_RECORDS}`);
  const result = { records: n, seconds, fsyncs, bytes: 0 };
  await j.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

async function median(fn: () => Promise<Result>): Promise<Result> {
  const all: Result[] = [];
  for (let i = 0; i < RUNS; i++) all.push(await fn());
  all.sort((a, b) => b.records / b.seconds - a.records / a.seconds);
  return all[Math.floor(RUNS / 2)]!;
}

function line(name: string, r: Result): string {
  const rate = r.records / r.seconds;
  const mb = (rate * PAYLOAD) / 1e6;
  const sync = r.fsyncs ? `${(r.records / r.fsyncs).toFixed(0).padStart(7)} records/fsync` : '';
  return `${name.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(10)} records/s ${mb.toFixed(1).padStart(7)} MB/s  ${sync}`;
}

console.log(`journal, ${PAYLOAD}-byte payloads, median of ${RUNS}; Node ${process.version}, ${os.cpus().length} CPUs, ${os.tmpdir()}`);
console.log(line('group commit (defaults), batches of 64', await median(() => grouped(64, {}))));
console.log(line('group commit (defaults), batches of 512', await median(() => grouped(512, {}))));
console.log(line('fsync per record, each awaited', await median(perRecord)));
console.log(line('read back by a subscriber, 1000 per read', await median(readBack)));
io.fdatasync = realSync;
