// The journal's API: append, read and commit across reopens, group commit (counted fsyncs, a failing
// fsync), segment rolls and deletion, subscribers and their names.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { crc32 } from './crc32.js';
import { io } from './io.js';
import { Journal, UnknownSubscriberError, type JournalOptions } from './index.js';

const payload = (seq: number): Buffer => Buffer.from(`record ${seq} ${'x'.repeat(seq % 37)}`);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'));
}

function segmentFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
}

/** Appends records first..last (payload(seq)), waits until they are durable. */
async function fill(j: Journal, count: number, make = payload): Promise<number> {
  let seq = 0;
  for (let i = 0; i < count; i++) seq = j.append(make(j.lastSeq + 1));
  if (seq) await j.durable(seq);
  return seq;
}

function readAll(j: Journal, name: string, batch = 1000): { seq: number; text: string }[] {
  const all: { seq: number; text: string }[] = [];
  for (;;) {
    const got = j.read(name, batch);
    if (got.length === 0) return all;
    for (const e of got) all.push({ seq: e.seq, text: e.payload.toString() });
    j.commit(name, got[got.length - 1]!.seq);
  }
}

describe('journal/crc32', () => {
  it('gives the standard check value and continues over split input', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
    const b = Buffer.from('The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog');
    assert.equal(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
    for (const k of [0, 1, 7, 8, 9, 50, b.length]) assert.equal(crc32(b, k, b.length, crc32(b, 0, k)), crc32(b));
  });
});

describe('journal', () => {
  let root: string;
  let dir: string;
  const open: Journal[] = [];
  const openJournal = (options?: JournalOptions): Journal => {
    const j = Journal.open(dir, options);
    open.push(j);
    return j;
  };
  beforeEach(() => {
    root = dir = tempDir();
  });
  afterEach(async () => {
    for (const j of open.splice(0)) await j.close().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('round-trips records through read and commit, across a reopen', async () => {
    let j = openJournal();
    assert.deepEqual(j.recovered, { segments: 0, records: 0, cutBytes: 0, errors: [] });
    j.addSubscriber('out', 'begin');
    const before = Date.now();
    await fill(j, 10);
    const first = j.read('out', 4);
    assert.deepEqual(first.map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual(first.map((e) => e.payload.toString()), [1, 2, 3, 4].map((s) => payload(s).toString()));
    assert.ok(first.every((e) => e.time >= before && e.time <= Date.now()));
    // Without a commit, the same records again.
    assert.deepEqual(j.read('out', 2).map((e) => e.seq), [1, 2]);
    j.commit('out', 4);
    assert.deepEqual(j.read('out', 3).map((e) => e.seq), [5, 6, 7]);
    j.commit('out', 6);
    await j.close();

    j = openJournal();
    assert.deepEqual(j.recovered, { segments: 1, records: 10, cutBytes: 0, errors: [] });
    assert.equal(j.lastSeq, 10);
    assert.equal(j.durableSeq, 10);
    assert.deepEqual(j.subscribers(), [{ name: 'out', checkpoint: 6 }]);
    assert.deepEqual(readAll(j, 'out').map((e) => e.seq), [7, 8, 9, 10]);
  });

  it('reads ahead of the checkpoint with readAfter, never behind it', async () => {
    const j = openJournal({ segmentMaxBytes: 512 });
    j.addSubscriber('fw', 'begin');
    await fill(j, 40);
    assert.deepEqual(j.readAfter('fw', 0, 3).map((e) => e.seq), [1, 2, 3]);
    assert.deepEqual(j.readAfter('fw', 3, 3).map((e) => e.seq), [4, 5, 6]);
    assert.deepEqual(j.readAfter('fw', 38, 5).map((e) => e.seq), [39, 40], 'across segments, up to the last');
    assert.deepEqual(j.readAfter('fw', 40, 5), []);
    j.commit('fw', 10);
    assert.deepEqual(j.readAfter('fw', 2, 2).map((e) => e.seq), [11, 12], 'a position behind the checkpoint starts after it');
    assert.deepEqual(j.read('fw', 1).map((e) => e.seq), [11]);
  });

  it('goes on with the next seq after a reopen, and after every segment was deleted', async () => {
    let j = openJournal({ segmentMaxBytes: 512 });
    await fill(j, 30);
    await j.close();
    j = openJournal({ segmentMaxBytes: 512 });
    assert.equal(j.append(payload(31)), 31);
    j.addSubscriber('a', 'begin');
    await j.durable(31);
    readAll(j, 'a');
    await j.close();
    for (const f of segmentFiles(dir)) fs.rmSync(path.join(dir, f));
    j = openJournal();
    assert.equal(j.append(Buffer.from('after')), 32, 'the checkpoint keeps seqs from going back');
  });

  it('keeps payloads of any size, empty and larger than the write buffer', async () => {
    const j = openJournal({ segmentMaxBytes: 64 * 1024 });
    j.addSubscriber('s', 'begin');
    const big = Buffer.alloc(700 * 1024, 7);
    big[12345] = 1;
    const sizes = [Buffer.alloc(0), big, Buffer.from('small'), Buffer.alloc(70 * 1024, 3)];
    for (const p of sizes) j.append(p);
    await j.durable(j.lastSeq);
    const got = j.read('s', 10);
    assert.deepEqual(got.map((e) => e.payload), sizes);
    await j.close();
    const j2 = openJournal({ segmentMaxBytes: 64 * 1024 });
    assert.deepEqual(j2.read('s', 10).map((e) => e.payload), sizes);
  });

  it('reads only durable records', async () => {
    const j = openJournal({ fsyncIntervalMs: 200, fsyncEveryRecords: 1_000_000 });
    j.addSubscriber('s');
    const seq = j.append(Buffer.from('a'));
    await tick();
    assert.equal(j.durableSeq, 0);
    assert.deepEqual(j.read('s', 10), []);
    await j.durable(seq);
    assert.deepEqual(j.read('s', 10).map((e) => e.seq), [1]);
  });

  describe('group commit', () => {
    let real: typeof io.fdatasync;
    let calls: number;
    beforeEach(() => {
      real = io.fdatasync;
      calls = 0;
      io.fdatasync = (fd, done) => {
        calls++;
        real(fd, done);
      };
    });
    afterEach(() => {
      io.fdatasync = real;
    });

    it('makes many appends durable with few fsyncs, as a server acknowledging batches would', async () => {
      const j = openJournal();
      const waits: Promise<void>[] = [];
      let acked = 0;
      for (let round = 0; round < 100; round++) {
        let last = 0;
        for (let i = 0; i < 50; i++) last = j.append(payload(i));
        waits.push(j.durable(last).then(() => { acked = Math.max(acked, last); }));
        await tick();
      }
      await Promise.all(waits);
      assert.equal(acked, 5000);
      assert.equal(j.durableSeq, 5000);
      assert.ok(calls > 0 && calls <= 100, `${calls} fsyncs for 5000 records`);
    });

    it('fsyncs at once when fsyncEveryRecords are pending, else within fsyncIntervalMs', async () => {
      const j = openJournal({ fsyncIntervalMs: 60_000, fsyncEveryRecords: 100 });
      let last = 0;
      for (let i = 0; i < 100; i++) last = j.append(payload(i));
      const t0 = Date.now();
      await j.durable(last);
      assert.ok(Date.now() - t0 < 1000);
      await j.close();

      const k = openJournal({ fsyncIntervalMs: 40, fsyncEveryRecords: 1_000_000 });
      const t1 = Date.now();
      const seq = k.append(Buffer.from('one'));
      await tick();
      assert.equal(k.durableSeq, seq - 1);
      await k.durable(seq);
      const took = Date.now() - t1;
      assert.ok(took >= 35 && took < 2000, `${took} ms`);
    });

    it('fails durable() and every later append when an fsync fails, and never claims the records durable', async () => {
      const j = openJournal({ fsyncIntervalMs: 1 });
      await fill(j, 3);
      io.fdatasync = (_fd, done) => setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      const seq = j.append(Buffer.from('lost'));
      await assert.rejects(j.durable(seq), /fsync failed: EIO/);
      assert.equal(j.durableSeq, 3);
      await j.durable(3);
      assert.throws(() => j.append(Buffer.from('more')), /fsync failed/);
      await assert.rejects(j.close(), /fsync failed/);
    });

    it('rejects durable() for a seq never appended', async () => {
      const j = openJournal();
      await assert.rejects(j.durable(5), RangeError);
    });
  });

  it('rolls segments and deletes one only when every subscriber has passed it', async () => {
    const j = openJournal({ segmentMaxBytes: 1024 });
    j.addSubscriber('a', 'begin');
    j.addSubscriber('b', 'begin');
    await fill(j, 200);
    const segs = segmentFiles(dir);
    assert.ok(segs.length >= 10, `${segs.length} segments`);
    for (const f of segs) assert.ok(fs.statSync(path.join(dir, f)).size <= 1024);

    assert.equal(readAll(j, 'a').length, 200);
    assert.deepEqual(segmentFiles(dir), segs, 'b has not read anything: nothing goes');

    const part = j.read('b', 57);
    j.commit('b', part[part.length - 1]!.seq);
    const left = segmentFiles(dir);
    assert.ok(left.length < segs.length && left.length > 1);
    const st = j.stats();
    assert.ok(st.firstSeq <= 58 && st.firstSeq > 1, `first seq ${st.firstSeq}`);
    assert.deepEqual(readAll(j, 'b', 13).map((e) => e.seq), Array.from({ length: 143 }, (_, k) => 58 + k));
    assert.deepEqual(segmentFiles(dir), [segs[segs.length - 1]], 'all passed: only the active segment stays');
    assert.deepEqual(j.stats().subscribers, [{ name: 'a', checkpoint: 200, behind: 0 }, { name: 'b', checkpoint: 200, behind: 0 }]);
  });

  it('gives space back when a subscriber that never reads is removed', async () => {
    const j = openJournal({ segmentMaxBytes: 2048 });
    j.addSubscriber('fast', 'begin');
    j.addSubscriber('stalled', 'begin');
    await fill(j, 300);
    readAll(j, 'fast');
    const before = j.stats();
    assert.ok(before.segments > 5);
    assert.deepEqual(before.subscribers.map((s) => [s.name, s.behind]), [['fast', 0], ['stalled', 300]]);
    j.removeSubscriber('stalled');
    const after = j.stats();
    assert.equal(after.segments, 1);
    assert.ok(after.bytes < before.bytes / 5);
    assert.deepEqual(j.subscribers(), [{ name: 'fast', checkpoint: 300 }]);
    assert.throws(() => j.removeSubscriber('stalled'), UnknownSubscriberError);
  });

  it('drops closed segments at once when there is no subscriber, as jlog does', async () => {
    const j = openJournal({ segmentMaxBytes: 1024 });
    await fill(j, 200);
    assert.equal(segmentFiles(dir).length, 1);
    assert.equal(j.stats().lastSeq, 200);
  });

  it('starts a subscriber at the end by default, at the oldest record kept with begin, and keeps an existing one', async () => {
    const j = openJournal();
    j.addSubscriber('keep', 'begin');
    await fill(j, 5);
    j.addSubscriber('late');
    j.addSubscriber('all', 'begin');
    await fill(j, 2);
    assert.deepEqual(j.read('late', 10).map((e) => e.seq), [6, 7]);
    assert.deepEqual(j.read('all', 10).map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
    j.commit('keep', 3);
    j.addSubscriber('keep', 'begin');
    assert.equal(j.subscribers().find((s) => s.name === 'keep')!.checkpoint, 3);
    assert.throws(() => j.commit('keep', 8), RangeError);
    assert.throws(() => j.read('nobody', 1), UnknownSubscriberError);
    assert.throws(() => j.commit('nobody', 1), UnknownSubscriberError);
  });

  it('sees subscribers another process adds or removes', async () => {
    const j = openJournal();
    await fill(j, 3);
    fs.writeFileSync(path.join(dir, 'subscribers', 'ext.cp'), '1\n');
    assert.deepEqual(j.read('ext', 10).map((e) => e.seq), [2, 3]);
    fs.rmSync(path.join(dir, 'subscribers', 'ext.cp'));
    assert.deepEqual(j.subscribers(), []);
  });

  it('refuses hostile subscriber names and never writes outside its directory', async () => {
    const parent = root;
    dir = path.join(parent, 'j');
    const j = openJournal();
    await fill(j, 2);
    const bad = ['', '../escape', 'a/b', '/etc/passwd', '..\\x', 'a\0b', 'x'.repeat(65), 'ünï', 'new\nline', ' sp'];
    for (const name of bad) {
      assert.throws(() => j.addSubscriber(name), /bad subscriber name/, name);
      assert.throws(() => j.read(name, 1), /bad subscriber name/, name);
      assert.throws(() => j.commit(name, 1), /bad subscriber name/, name);
      assert.throws(() => j.removeSubscriber(name), /bad subscriber name/, name);
    }
    // Dots alone are a name like any other, inside subscribers/.
    j.addSubscriber('..');
    j.addSubscriber('x'.repeat(64));
    assert.deepEqual(fs.readdirSync(parent), ['j']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'subscribers')).sort(), ['...cp', `${'x'.repeat(64)}.cp`]);
  });

  it('refuses appends after close and takes its options only in range', async () => {
    const j = openJournal();
    await j.close();
    assert.throws(() => j.append(Buffer.from('x')), /closed/);
    assert.throws(() => Journal.open(dir, { segmentMaxBytes: 10 }), RangeError);
    assert.throws(() => Journal.open(dir, { fsyncEveryRecords: 0 }), RangeError);
    assert.throws(() => Journal.open(dir, { fsyncIntervalMs: 1.5 }), RangeError);
  });

  it('reads a long backlog in batches without rescanning from the start of a segment', async () => {
    const j = openJournal();
    j.addSubscriber('s', 'begin');
    await fill(j, 20_000);
    const t0 = process.hrtime.bigint();
    const seqs = readAll(j, 's', 100).map((e) => e.seq);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(seqs.length, 20_000);
    assert.ok(seqs.every((s, i) => s === i + 1));
    assert.ok(ms < 3000, `${ms} ms`);
  });
});
