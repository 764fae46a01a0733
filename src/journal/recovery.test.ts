// Journal recovery on damaged files: torn tails cut exactly, damage further in reported and
// skipped without losing what follows in other segments, real I/O errors thrown.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, type JournalOptions } from './index.js';
import { checkLimits } from './store.js';

// Fixed-size records, so that offsets can be computed: a 28-byte segment header, then 68 bytes a record.
const SEG_HEADER = 28;
const REC = 68;
const payload = (seq: number): Buffer => Buffer.from(`record ${String(seq).padStart(6, '0')} `.padEnd(40, '.'));
const defaultFullCheck = checkLimits.fullCheckBytes;
const at = (k: number): number => SEG_HEADER + (k - 1) * REC; // offset of the k-th record of a segment

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'journal-recovery-'));
}

const seg = (dir: string, num: number): string => path.join(dir, `${String(num).padStart(10, '0')}.seg`);

async function write(dir: string, count: number, options?: JournalOptions): Promise<void> {
  const j = Journal.open(dir, options);
  j.addSubscriber('all', 'begin');
  for (let i = 1; i <= count; i++) j.append(payload(i));
  await j.close();
}

function flipByte(file: string, offset: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0x5a;
  fs.writeSync(fd, b, 0, 1, offset);
  fs.closeSync(fd);
}

/** Every record the subscriber `all` can read, checked against payload(seq). */
function readSeqs(j: Journal): number[] {
  const seqs: number[] = [];
  for (;;) {
    const got = j.read('all', 500);
    if (got.length === 0) return seqs;
    for (const e of got) {
      assert.deepEqual(e.payload, payload(e.seq), `payload of ${e.seq}`);
      seqs.push(e.seq);
    }
    j.commit('all', got[got.length - 1]!.seq);
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe('journal recovery', () => {
  let dir: string;
  let j: Journal | null = null;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await j?.close().catch(() => undefined);
    j = null;
    checkLimits.fullCheckBytes = defaultFullCheck;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('cuts a record torn in the middle, and nothing before it', async () => {
    await write(dir, 20);
    fs.truncateSync(seg(dir, 1), at(20) + 30);
    j = Journal.open(dir);
    assert.deepEqual(j.recovered, { segments: 1, records: 19, cutBytes: 30, errors: [] });
    assert.equal(fs.statSync(seg(dir, 1)).size, at(20));
    assert.equal(j.lastSeq, 19);
    assert.equal(j.append(payload(20)), 20);
    await j.durable(20);
    assert.deepEqual(readSeqs(j), range(1, 20));
  });

  it('cuts a torn header, and garbage appended after the last record', async () => {
    await write(dir, 20);
    fs.truncateSync(seg(dir, 1), at(20) + 11);
    j = Journal.open(dir);
    assert.equal(j.recovered.cutBytes, 11);
    await j.close();

    const garbage = Buffer.alloc(999);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) & 0xff;
    fs.appendFileSync(seg(dir, 1), garbage);
    j = Journal.open(dir);
    assert.deepEqual(j.recovered, { segments: 1, records: 19, cutBytes: 999, errors: [] });
    assert.deepEqual(readSeqs(j), range(1, 19));
  });

  it('cuts the last record when its checksum does not match, and a zero-filled tail', async () => {
    await write(dir, 20);
    flipByte(seg(dir, 1), at(20) + 24);
    j = Journal.open(dir);
    assert.deepEqual(j.recovered, { segments: 1, records: 19, cutBytes: REC, errors: [] });
    await j.close();

    fs.appendFileSync(seg(dir, 1), Buffer.alloc(4096));
    j = Journal.open(dir);
    assert.deepEqual(j.recovered, { segments: 1, records: 19, cutBytes: 4096, errors: [] });
    assert.deepEqual(readSeqs(j), range(1, 19));
  });

  it('does not cut good records after damage in the last segment: reports it and starts a new segment', async () => {
    await write(dir, 20);
    flipByte(seg(dir, 1), at(5) + 35);
    const size = fs.statSync(seg(dir, 1)).size;
    j = Journal.open(dir);
    assert.equal(j.recovered.cutBytes, 0);
    assert.equal(j.recovered.errors.length, 1);
    assert.match(j.recovered.errors[0]!, /0000000001\.seg: record checksum mismatch at offset 300, with good records after it \(up to seq 20\)/);
    assert.equal(fs.statSync(seg(dir, 1)).size, size, 'the damaged file is left as it is');
    assert.equal(j.append(payload(21)), 21, 'seqs stay above everything in the damaged segment');
    await j.durable(21);
    assert.deepEqual(readSeqs(j), [1, 2, 3, 4, 21]);
    // Once passed, the damaged segment is set aside, not deleted.
    assert.ok(fs.existsSync(`${seg(dir, 1)}.damaged`));
    assert.ok(!fs.existsSync(seg(dir, 1)));
  });

  for (const full of [true, false]) {
    it(`reports damage in the middle of an older segment and reads on in the next (${full ? 'checked in full at open' : 'found while reading'})`, async () => {
      await write(dir, 100, { segmentMaxBytes: 1024 });
      const perSegment = Math.floor((1024 - SEG_HEADER - 36) / REC);
      assert.ok(fs.existsSync(seg(dir, 3)));
      flipByte(seg(dir, 2), at(5) + 40);
      if (!full) checkLimits.fullCheckBytes = 0;
      j = Journal.open(dir, { segmentMaxBytes: 1024 });
      assert.equal(j.recovered.cutBytes, 0);
      assert.equal(j.recovered.errors.length, full ? 1 : 0);
      const seqs = readSeqs(j);
      const lostFrom = perSegment + 5;
      assert.deepEqual(seqs, [...range(1, lostFrom - 1), ...range(2 * perSegment + 1, 100)]);
      assert.equal(j.recovered.errors.length, 1);
      assert.match(j.recovered.errors[0]!, /0000000002\.seg: record checksum mismatch at offset 300/);
      assert.equal(j.append(payload(101)), 101);
    });
  }

  it('reads an older segment whose header is damaged, taking its first seq from its first record', async () => {
    await write(dir, 40, { segmentMaxBytes: 1024 });
    flipByte(seg(dir, 1), 10);
    j = Journal.open(dir, { segmentMaxBytes: 1024 });
    assert.match(j.recovered.errors.join('\n'), /0000000001\.seg: damaged segment header/);
    assert.deepEqual(readSeqs(j), range(1, 40));
  });

  it('starts over a segment file whose creation a crash cut short', async () => {
    await write(dir, 30, { segmentMaxBytes: 1024 });
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
    const next = path.join(dir, `${String(files.length + 1).padStart(10, '0')}.seg`);
    fs.writeFileSync(next, Buffer.from('MLJS\x01\x00'));
    j = Journal.open(dir, { segmentMaxBytes: 1024 });
    assert.deepEqual(j.recovered, { segments: files.length + 1, records: 30, cutBytes: 6, errors: [] });
    assert.equal(j.append(payload(31)), 31);
    await j.durable(31);
    assert.deepEqual(readSeqs(j), range(1, 31));
  });

  it('goes on after a sealed last segment (a crash between closing one segment and starting the next)', async () => {
    await write(dir, 30, { segmentMaxBytes: 1024 });
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
    fs.rmSync(path.join(dir, files[files.length - 1]!));
    j = Journal.open(dir, { segmentMaxBytes: 1024 });
    assert.deepEqual(j.recovered.errors, []);
    const last = j.lastSeq;
    assert.ok(last < 30);
    assert.equal(j.append(payload(last + 1)), last + 1);
    await j.durable(last + 1);
    assert.deepEqual(readSeqs(j), range(1, last + 1));
  });

  it('starts a subscriber with an unreadable checkpoint over, and removes temporary checkpoint files', async () => {
    await write(dir, 5);
    fs.writeFileSync(path.join(dir, 'subscribers', 'all.cp'), 'garbage');
    fs.writeFileSync(path.join(dir, 'subscribers', 'all.cp.tmp'), '3\n');
    j = Journal.open(dir);
    assert.match(j.recovered.errors.join('\n'), /subscriber all: unreadable checkpoint/);
    assert.ok(!fs.existsSync(path.join(dir, 'subscribers', 'all.cp.tmp')));
    assert.deepEqual(readSeqs(j), range(1, 5));
  });

  it('throws on a real I/O error, naming the journal', () => {
    const file = path.join(dir, 'plain-file');
    fs.writeFileSync(file, '');
    assert.throws(() => Journal.open(path.join(file, 'journal')), (err: Error) => {
      assert.match(err.message, /^journal .*plain-file\/journal: ENOTDIR/);
      return true;
    });
  });

  it('throws EACCES with a clear message when the directory cannot be read', function () {
    if (process.getuid?.() === 0) this.skip();
    fs.mkdirSync(path.join(dir, 'locked'));
    fs.chmodSync(path.join(dir, 'locked'), 0);
    try {
      assert.throws(() => Journal.open(path.join(dir, 'locked', 'j')), /^Error: journal .*: EACCES/);
    } finally {
      fs.chmodSync(path.join(dir, 'locked'), 0o700);
    }
  });
});
