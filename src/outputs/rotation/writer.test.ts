import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { LogRecord } from '../../record.js';
import { rawLine } from '../file/file.testkit.js';
import type { Naming } from './naming.js';
import type { RotationPolicy } from './policy.js';
import { eventLog, family, fileLines, inZone, WRITER_OPTS, type EventLog } from './rotation.testkit.js';
import { RotatingWriter } from './writer.js';

const TOTAL = 200_000;
const rec = (text: string) => new LogRecord(Buffer.from(text), 0, 't', '');
const policy = (p: Partial<RotationPolicy>): RotationPolicy => ({ maxBytes: 0, maxAgeMs: 0, period: 'none', ...p });
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('RotatingWriter', () => {
  let dir: string;
  let file: string;
  let events: EventLog;
  let writers: RotatingWriter[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-rot-'));
    file = path.join(dir, 'sub', 'mail.log');
    events = eventLog();
    writers = [];
  });
  afterEach(async () => {
    sinon.restore();
    await Promise.all(writers.map((w) => w.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function writer(p: RotationPolicy, naming: Naming, clock: () => number = Date.now): RotatingWriter {
    const w = new RotatingWriter(file, p, naming, WRITER_OPTS, events, clock);
    writers.push(w);
    return w;
  }

  /** Every line of every file of the family, oldest file first; and the largest file size. */
  async function readBack(kind: Naming['kind']): Promise<{ lines: string[]; files: string[] }> {
    const files = await family(file, kind);
    return { lines: files.flatMap(fileLines), files };
  }

  function assertAllOnceInOrder(lines: string[]): void {
    assert.equal(lines.length, TOTAL);
    for (let i = 0; i < TOTAL; i++) if (Number(lines[i]!.split(' ')[0]) !== i) assert.fail(`line ${i} is ${lines[i]}`);
  }

  it('200,000 records under a tiny size limit: each exactly once, in order, no file over the limit', async () => {
    const limit = 16 * 1024;
    const w = writer(policy({ maxBytes: limit }), { kind: 'numbered', keep: 100_000 });
    await w.open();
    for (let i = 0; i < TOTAL; i += 500) {
      for (let j = i; j < i + 500; j++) w.append(rec(String(j)), rawLine);
      w.kick();
      await tick(); // lets renames run while the next batch arrives
    }
    await w.flush();
    const { lines, files } = await readBack('numbered');
    assertAllOnceInOrder(lines);
    for (const f of files) assert.ok(fs.statSync(f).size <= limit, `${f} is ${fs.statSync(f).size} bytes`);
    assert.ok(files.length > 50, `${files.length} files`);
    assert.equal(events.rotations.length, w.rotations);
    assert.equal(events.rotations.length, files.length - 1);
    assert.ok(events.rotations.every((r) => r.reason === 'size'));
    assert.equal(events.written_, TOTAL);
    assert.deepEqual(events.errors, []);
  });

  it('200,000 records rotated by age on a fake clock and by size, timestamped names', async () => {
    const limit = 16 * 1024;
    const maxAge = 10_000;
    let now = new Date(2026, 0, 15, 10, 0, 0).getTime();
    const w = writer(policy({ maxBytes: limit, maxAgeMs: maxAge }), { kind: 'timestamped', keep: 100_000 }, () => now);
    await w.open();
    // Calm spells (rotated by age) and bursts (rotated by size).
    for (let i = 0, k = 0; i < TOTAL; k++) {
      const n = Math.min(TOTAL - i, k % 20 < 10 ? 50 : 2000);
      for (let j = i; j < i + n; j++) w.append(rec(`${j} ${now}`), rawLine);
      i += n;
      w.kick();
      now += 1500;
      await tick();
    }
    await w.flush();
    const { lines, files } = await readBack('timestamped');
    assertAllOnceInOrder(lines);
    const reasons = new Set(events.rotations.map((r) => r.reason));
    assert.deepEqual([...reasons].sort(), ['age', 'size']);
    for (const f of files) {
      assert.ok(fs.statSync(f).size <= limit);
      const times = fileLines(f).map((l) => Number(l.split(' ')[1]));
      assert.ok(times.at(-1)! - times[0]! < maxAge, `${f} spans ${times.at(-1)! - times[0]!} ms`);
    }
    // Several rotations in the same second: the later ones get a counter.
    assert.ok(files.some((f) => /\.\d{8}-\d{6}\.\d+$/.test(f)));
    assert.equal(files.length, events.rotations.length + 1);
  });

  it('rotates at each local midnight (daily), on a fake clock', async () => {
    await inZone('America/New_York', async () => {
      let now = new Date(2026, 2, 6, 12, 0).getTime(); // across the DST change of 8 March
      const w = writer(policy({ period: 'daily' }), { kind: 'timestamped', keep: 100 }, () => now);
      await w.open();
      for (let i = 0; i < 2000; i++) {
        w.append(rec(`${i} ${now}`), rawLine);
        if (i % 100 === 99) w.kick();
        now += 7 * 60_000 + 13_000;
      }
      await w.flush();
      const files = await family(file, 'timestamped');
      const days = files.map((f) => new Set(fileLines(f).map((l) => new Date(Number(l.split(' ')[1])).toDateString())));
      for (const d of days) assert.equal(d.size, 1);
      assert.equal(new Set(days.map((d) => [...d][0])).size, files.length);
      assert.equal(files.flatMap(fileLines).length, 2000);
      // A file is named by the moment it was rotated: midnight of the next day, local time.
      assert.match(path.basename(files[0]!), /^mail\.log\.20260307-00\d{4}$/);
    });
  });

  it('gives a record larger than the limit a file of its own', async () => {
    const w = writer(policy({ maxBytes: 10 }), { kind: 'numbered', keep: 10 });
    await w.open();
    for (const t of ['a', 'b', 'x'.repeat(50), 'c']) w.append(rec(t), rawLine);
    await w.flush();
    assert.deepEqual((await family(file, 'numbered')).map(fileLines), [['a', 'b'], ['x'.repeat(50)], ['c']]);
  });

  it('counts what an existing file holds and dates it from its birth', async () => {
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, 'x'.repeat(95) + '\n');
    const w = writer(policy({ maxBytes: 100 }), { kind: 'numbered', keep: 10 });
    await w.open();
    w.append(rec('1234'), rawLine);
    await w.flush();
    assert.deepEqual(fileLines(file), ['1234']);
    assert.equal(fileLines(`${file}.1`)[0]!.length, 95);

    // A clock a day after the file was born: the first record rotates it by age.
    const later = Date.now() + 86_400_000;
    const w2 = writer(policy({ maxAgeMs: 3600_000 }), { kind: 'numbered', keep: 10 }, () => later);
    await w.close();
    await w2.open();
    w2.append(rec('next'), rawLine);
    await w2.flush();
    assert.deepEqual(fileLines(file), ['next']);
    assert.deepEqual(fileLines(`${file}.1`), ['1234']);
    assert.equal(events.rotations.at(-1)!.reason, 'age');
  });

  it('does not rotate an empty file for time; its clock starts again', async () => {
    let now = 1_000_000;
    const w = writer(policy({ maxAgeMs: 1000 }), { kind: 'numbered', keep: 10 }, () => now);
    await w.open();
    now += 5000;
    w.append(rec('a'), rawLine);
    now += 999;
    w.append(rec('b'), rawLine);
    now += 1;
    w.append(rec('c'), rawLine);
    await w.flush();
    assert.deepEqual((await family(file, 'numbered')).map(fileLines), [['a', 'b'], ['c']]);
  });

  it('after reopen, writes a file moved away afresh and learns the size of one left in place', async () => {
    const w = writer(policy({ maxBytes: 20 }), { kind: 'numbered', keep: 10 });
    await w.open();
    w.append(rec('first'), rawLine);
    await w.flush();
    fs.renameSync(file, `${file}.moved`);
    await w.reopen();
    w.append(rec('second'), rawLine);
    await w.reopen(); // left in place: 7 bytes
    w.append(rec('third'), rawLine);
    w.append(rec('fourth!!'), rawLine); // 7 + 6 + 9 > 20
    await w.flush();
    assert.deepEqual(fileLines(`${file}.moved`), ['first']);
    assert.deepEqual(fileLines(`${file}.1`), ['second', 'third']);
    assert.deepEqual(fileLines(file), ['fourth!!']);
  });

  it('keeps the limit for records appended while a reopen is still learning the size', async () => {
    const w = writer(policy({ maxBytes: 40 }), { kind: 'numbered', keep: 10 });
    await w.open();
    w.append(rec('0123456789012345678'), rawLine); // 20 bytes
    await w.flush();
    const reopened = w.reopen(); // the file stays in place; its size is not known again yet
    w.append(rec('abcdefghijklmnopqr'), rawLine); // 19: 39 in the file
    w.append(rec('next'), rawLine); // 5 more would make 44 > 40: rotate first
    w.kick();
    await reopened;
    await w.flush();
    assert.deepEqual(fileLines(`${file}.1`), ['0123456789012345678', 'abcdefghijklmnopqr']);
    assert.deepEqual(fileLines(file), ['next']);
  });

  it('keeps writing into the same file when a rename fails, losing nothing', async () => {
    const real = fs.promises.rename;
    const stub = sinon.stub(fs.promises, 'rename');
    stub.onFirstCall().rejects(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    stub.callsFake((a, b) => real(a, b));
    const w = writer(policy({ maxBytes: 4 }), { kind: 'numbered', keep: 10 });
    await w.open();
    for (const t of ['a1', 'b1', 'c1']) w.append(rec(t), rawLine);
    await w.flush();
    assert.deepEqual(events.errors, ['rotate: EACCES: permission denied']);
    assert.deepEqual((await family(file, 'numbered')).map(fileLines), [['a1', 'b1'], ['c1']]);
  });

  it('rotateNow rotates a file that holds something, and nothing else', async () => {
    const w = writer(policy({}), { kind: 'numbered', keep: 2 });
    await w.open();
    await w.rotateNow();
    assert.equal(w.rotations, 0);
    w.append(rec('a'), rawLine);
    await w.rotateNow();
    w.append(rec('b'), rawLine);
    await w.flush();
    assert.deepEqual((await family(file, 'numbered')).map(fileLines), [['a'], ['b']]);
  });

  it('reports a formatter that throws and appends nothing', async () => {
    const w = writer(policy({ maxBytes: 4 }), { kind: 'numbered', keep: 2 });
    await w.open();
    assert.equal(w.append(rec('a'), () => { throw new Error('bad'); }), -1);
    assert.equal(w.append(rec('ok'), rawLine), 3);
    await w.flush();
    assert.deepEqual(fileLines(file), ['ok']);
  });
});
