import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberedIndex, rotateOut, rotatedFiles, stampKey, stampSuffix } from './naming.js';

describe('rotation naming', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-naming-'));
    file = path.join(dir, 'everything.txt');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const put = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  const names = () => fs.readdirSync(dir).sort();

  it('reads the names it writes and nothing else', () => {
    assert.equal(numberedIndex('x', 'x.3'), 3);
    for (const n of ['x.0', 'x.03', 'x', 'x.', 'x.1a', 'y.1', 'x.1.gz']) assert.equal(numberedIndex('x', n), null, n);
    assert.ok(stampKey('x', 'x.20260115-100000')! < stampKey('x', 'x.20260115-100000.2')!);
    assert.ok(stampKey('x', 'x.20260115-100000.2')! < stampKey('x', 'x.20260115-100000.10')!);
    assert.ok(stampKey('x', 'x.20260115-100000.10')! < stampKey('x', 'x.20260115-100001')!);
    for (const n of ['x.2026011-100000', 'x.20260115-100000.0', 'x.20260115', 'y.20260115-100000']) assert.equal(stampKey('x', n), null, n);
  });

  it('writes the stamp in local time', () => {
    assert.equal(stampSuffix(new Date(2026, 0, 5, 7, 8, 9).getTime()), '20260105-070809');
  });

  it('numbered: shifts X to X.1 and older ones up, deleting beyond N', async () => {
    put('everything.txt', 'new');
    put('everything.txt.1', 'one');
    put('everything.txt.2', 'two');
    put('everything.txt.3', 'three');
    put('everything.txt.7', 'stale');
    put('everything.txt.old', 'other');
    assert.equal(await rotateOut(file, { kind: 'numbered', keep: 3 }, 0), `${file}.1`);
    assert.deepEqual(names(), ['everything.txt.1', 'everything.txt.2', 'everything.txt.3', 'everything.txt.old']);
    assert.deepEqual(['1', '2', '3'].map((i) => read(`everything.txt.${i}`)), ['new', 'one', 'two']);
  });

  it('numbered: fills gaps without losing a file', async () => {
    put('everything.txt', 'new');
    put('everything.txt.2', 'two');
    await rotateOut(file, { kind: 'numbered', keep: 5 }, 0);
    assert.deepEqual(names(), ['everything.txt.1', 'everything.txt.3']);
  });

  it('keep 0 deletes the file; a missing file is left alone', async () => {
    put('everything.txt', 'x');
    assert.equal(await rotateOut(file, { kind: 'numbered', keep: 0 }, 0), null);
    assert.deepEqual(names(), []);
    assert.equal(await rotateOut(file, { kind: 'timestamped', keep: 3 }, 0), null);
  });

  it('timestamped: adds the stamp, a counter when taken, and keeps the N newest', async () => {
    const t = new Date(2026, 0, 15, 10, 0, 0).getTime();
    for (let i = 0; i < 5; i++) {
      put('everything.txt', String(i));
      await rotateOut(file, { kind: 'timestamped', keep: 3 }, t + (i < 3 ? 0 : 1000));
    }
    assert.deepEqual(names(), ['everything.txt.20260115-100000.2', 'everything.txt.20260115-100001', 'everything.txt.20260115-100001.1']);
    assert.deepEqual((await rotatedFiles(file, 'timestamped')).map((f) => fs.readFileSync(f, 'utf8')), ['2', '3', '4']);
  });
});
