// The journal under SIGKILL: a real process appends as fast as it can and prints each seq once
// durable() has resolved for it; it is killed at random points 50 times. After each kill the
// journal is opened again and every acknowledged record must be there, with its exact payload,
// seqs contiguous, and no acknowledged record cut off as a torn tail. Once, the tail is also
// damaged by hand, and exactly the damage must be cut.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { crashPayload } from '../src/journal/crash-writer.testkit.js';
import { Journal } from '../src/journal/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRITER = path.join(ROOT, 'src/journal/crash-writer.testkit.ts');
const SEGMENT_BYTES = 256 * 1024;
const RUNS = 50;
const BUDGET_MS = 60_000;

/** A small seeded generator, so that a failing sequence of kill points can be run again (JOURNAL_CRASH_SEED). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Run { acked: number; recoveredLine: string | null; stderr: string }

/** Starts the writer, kills it `killAfterMs` after its first acknowledgement (or after its start when `early`). */
function runWriter(dir: string, killAfterMs: number, early: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(SEGMENT_BYTES)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { acked: 0, recoveredLine: null, stderr: '' };
    let timer: NodeJS.Timeout | null = null;
    const kill = () => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    };
    if (early) kill();
    const safety = setTimeout(() => child.kill('SIGKILL'), 10_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('R ')) {
        run.recoveredLine = line;
      } else if (line.startsWith('A ')) {
        const seq = Number(line.slice(2));
        if (seq <= run.acked) reject(new Error(`acknowledgements out of order: ${seq} after ${run.acked}`));
        run.acked = seq;
        kill();
      }
    });
    child.stderr.on('data', (d: Buffer) => { run.stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(safety);
      if (timer) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the writer ended on its own (${signal ?? 'no signal'}): ${run.stderr}`));
      else resolve(run);
    });
  });
}

describe('journal under SIGKILL', function () {
  this.timeout(BUDGET_MS + 30_000);
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'journal-crash-')), 'j');
  after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  const seed = Number(process.env.JOURNAL_CRASH_SEED ?? Date.now() % 1_000_000);
  const rnd = random(seed);
  let verified = 0; // every seq up to this was read back, in order, with its payload
  let maxAcked = 0;

  /** Opens the journal as a restarted daemon would and reads what the last check has not seen. */
  function verify(context: string): Journal {
    const j = Journal.open(dir, { segmentMaxBytes: SEGMENT_BYTES });
    assert.deepEqual(j.recovered.errors, [], `${context}: ${j.recovered.errors.join('; ')}`);
    assert.ok(j.lastSeq >= maxAcked, `${context}: last seq ${j.lastSeq} after recovery, but ${maxAcked} was acknowledged (cut ${j.recovered.cutBytes} bytes)`);
    assert.equal(j.durableSeq, j.lastSeq);
    for (;;) {
      const got = j.read('verify', 5000);
      if (got.length === 0) break;
      for (const e of got) {
        assert.equal(e.seq, verified + 1, `${context}: seq ${e.seq} after ${verified}`);
        assert.ok(e.payload.equals(crashPayload(e.seq)), `${context}: payload of seq ${e.seq}`);
        verified = e.seq;
      }
      j.commit('verify', verified);
    }
    assert.equal(verified, j.lastSeq, `${context}: read up to ${verified} of ${j.lastSeq}`);
    return j;
  }

  before(async () => {
    const j = Journal.open(dir, { segmentMaxBytes: SEGMENT_BYTES });
    j.addSubscriber('verify', 'begin');
    await j.close();
  });

  it(`keeps every acknowledged record through ${RUNS} kills at random points (seed ${seed})`, async () => {
    const t0 = Date.now();
    let runs = 0;
    let cut = 0;
    let early = 0;
    for (; runs < RUNS && Date.now() - t0 < BUDGET_MS; runs++) {
      const kill = rnd() < 0.2;
      const wait = kill ? 300 + Math.floor(rnd() * 300) : Math.floor(rnd() * 250);
      const run = await runWriter(dir, wait, kill);
      if (kill) early++;
      const context = `run ${runs + 1} (seed ${seed}, kill ${kill ? 'after start' : 'after first ack'} +${wait} ms)`;
      assert.ok(run.acked === 0 || run.acked > maxAcked, `${context}: acknowledged ${run.acked}, not above ${maxAcked}`);
      if (run.recoveredLine) {
        const last = Number(run.recoveredLine.split(' ')[4]);
        assert.ok(last >= maxAcked, `${context}: the writer recovered up to ${last}, ${maxAcked} acknowledged`);
      }
      maxAcked = Math.max(maxAcked, run.acked);
      const j = verify(context);
      cut += j.recovered.cutBytes;
      await j.close();
    }
    assert.equal(runs, RUNS, `only ${runs} runs in ${BUDGET_MS} ms`);
    assert.ok(maxAcked > 1000, `only ${maxAcked} records acknowledged in all`);
    console.log(`      ${runs} kills (${early} soon after start) in ${Date.now() - t0} ms; ${maxAcked} records acknowledged, ${verified} read back; ${cut} bytes of torn tails cut`);
  });

  it('cuts exactly a tail damaged by hand, and goes on after it', async () => {
    const run = await runWriter(dir, Math.floor(rnd() * 100), false);
    maxAcked = Math.max(maxAcked, run.acked);
    let j = verify('after the last kill');
    const lastSeq = j.lastSeq;
    await j.close();
    const segs = fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
    const file = path.join(dir, segs[segs.length - 1]!);
    const size = fs.statSync(file).size;
    // A record header claiming 400 bytes with only 57 of them, then bytes of no record at all.
    const torn = Buffer.alloc(28 + 57, 0x41);
    torn.write('MLJR', 0, 'latin1');
    torn.writeUInt32LE(lastSeq + 1, 4);
    torn.writeUInt32LE(400, 20);
    const damage = Buffer.concat([torn, Buffer.from('\x00\xffgarbage after a torn record\x00', 'latin1')]);
    fs.appendFileSync(file, damage);

    j = Journal.open(dir, { segmentMaxBytes: SEGMENT_BYTES });
    assert.equal(j.recovered.cutBytes, damage.length);
    assert.deepEqual(j.recovered.errors, []);
    assert.equal(j.lastSeq, lastSeq);
    assert.equal(fs.statSync(file).size, size);
    await j.close();

    const again = await runWriter(dir, 50, false);
    assert.ok(again.recoveredLine?.startsWith('R ') && again.recoveredLine.endsWith(` 0 ${lastSeq}`), again.recoveredLine ?? 'no recovery line');
    maxAcked = Math.max(maxAcked, again.acked);
    await verify('after the damaged tail').close();
  });
});
