import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sinon from 'sinon';
import { LogRecord } from '../../record.js';
import { createFileOutput } from './index.js';
import { count, harness, lines, listTree, numbered, openFds, record, waitFor, type Harness } from './file.testkit.js';

describe('file output', () => {
  let h: Harness;
  beforeEach(() => { h = harness(); });
  afterEach(async () => {
    sinon.restore();
    await h.cleanup();
  });

  it('writes every record of every batch, in order', async () => {
    const out = h.output({ path: 'mail.log' });
    await out.open();
    for (let i = 0; i < 100; i++) out.write(numbered(i * 10, 10));
    await out.flush();
    assert.deepEqual(lines(path.join(h.root, 'mail.log')), Array.from({ length: 1000 }, (_, i) => String(i)));
    assert.equal(count(h, 'written'), 1000);
    assert.equal(count(h, 'bytes'), fs.statSync(path.join(h.root, 'mail.log')).size);
    assert.equal(count(h, 'discarded'), 0);
    await out.close();
  });

  it('createFileOutput writes the line format the config names', async () => {
    const line = '<22>Sep 11 22:34:34 mx1 postfix/smtpd[42]: hello';
    const rec = new LogRecord(Buffer.from(line), Date.now(), 'udp', '');
    Object.assign(rec, {
      format: 'rfc3164', facility: 2, severity: 6, hostname: 'mx1', app: 'postfix/smtpd', program: 'postfix', procid: '42',
      msgOffset: line.indexOf('hello'),
    });
    for (const format of ['traditional', 'raw', 'rfc5424', 'json']) {
      const out = createFileOutput(h.config({ path: `${format}.log`, format }), h.ctx);
      await out.open();
      out.write([rec]);
      await out.close();
    }
    assert.match(lines(path.join(h.root, 'traditional.log'))[0]!, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d mx1 postfix\/smtpd\[42\]: hello$/);
    assert.deepEqual(lines(path.join(h.root, 'raw.log')), ['<22>Sep 11 22:34:34 mx1 postfix/smtpd[42]: hello']);
    assert.match(lines(path.join(h.root, 'rfc5424.log'))[0]!, /^<22>1 \S+ mx1 postfix\/smtpd 42 - - hello$/);
    assert.equal((JSON.parse(lines(path.join(h.root, 'json.log'))[0]!) as Record<string, unknown>).host, 'mx1');
  });

  describe('paths', () => {
    it('keeps files made from hostile values inside the root', async () => {
      const out = h.output({ path: '%{host}/%{app}.log' });
      await out.open();
      const hostile = ['../../etc', '/x', '..', '.', '', 'a\0b', 'a\\b', 'x'.repeat(1000), '..\n..', '/../../../tmp'];
      out.write(hostile.map((host, i) => record(String(i), { hostname: host, app: i % 2 ? '../passwd' : '/' })));
      await out.flush();
      // Nothing appeared beside the root.
      assert.deepEqual(fs.readdirSync(h.base), ['root']);
      const tree = listTree(h.root);
      for (const p of tree) assert.ok(path.resolve(h.root, p).startsWith(h.root + path.sep), p);
      const files = tree.filter((p) => fs.statSync(path.join(h.root, p)).isFile());
      assert.equal(files.length, hostile.length - 1); // '..' and '' both become '_' (with the same app)
      for (const want of ['.._.._etc/_.log', '_x/.._passwd.log', '_/_.log', 'a_b/.._passwd.log', 'a_b/_.log',
        `${'x'.repeat(200)}/.._passwd.log`, '.._../_.log', '_.._.._.._tmp/.._passwd.log']) {
        assert.ok(files.includes(want), `${want} in ${files.join(' ')}`);
      }
      const total = files.reduce((n, f) => n + lines(path.join(h.root, f)).length, 0);
      assert.equal(total, hostile.length);
      assert.equal(count(h, 'written'), hostile.length);
    });

    it('accepts an absolute path inside the root and refuses one outside at open', async () => {
      const inside = h.output({ path: path.join(h.root, 'abs', '%{host}.log') });
      await inside.open();
      inside.write([record('1', { hostname: 'mx' })]);
      await inside.flush();
      assert.deepEqual(lines(path.join(h.root, 'abs', 'mx.log')), ['1']);

      const outside = h.output({ path: path.join(h.base, 'elsewhere.log') });
      await assert.rejects(outside.open(), /output\.t: path: .*outside the log root/);
      outside.write([record('x')]);
      await outside.flush();
      assert.equal(count(h, 'discarded', 'path_outside_root'), 1);
      assert.deepEqual(fs.readdirSync(h.base).sort(), ['root']);
    });

    it('splits one batch by file and keeps the order within each file', async () => {
      const out = h.output({ path: '%{host}/%Y/%m/%d.log' });
      await out.open();
      const t = new Date(2026, 2, 4, 5, 6, 7).getTime();
      const batch = numbered(0, 300).map((r, i) => Object.assign(r, { hostname: `h${i % 3}`, time: t }));
      out.write(batch);
      await out.flush();
      for (let k = 0; k < 3; k++) {
        const got = lines(path.join(h.root, `h${k}`, '2026', '03', '04.log'));
        assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => String(i * 3 + k)));
      }
    });
  });

  describe('modes', () => {
    for (const umask of [0o077, 0o000]) {
      for (const [fileMode, dirMode] of [[0o644, 0o755], [0o622, 0o711], [0o640, 0o750]] as const) {
        it(`creates files ${fileMode.toString(8)} and dirs ${dirMode.toString(8)} exactly under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
          const old = process.umask(umask);
          try {
            const out = h.output({ path: 'a/b/%{host}.log', file_mode: `0${fileMode.toString(8)}`, dir_mode: `0${dirMode.toString(8)}` });
            await out.open();
            out.write([record('x', { hostname: 'mx' })]);
            await out.close();
          } finally {
            process.umask(old);
          }
          const mode = (p: string) => fs.statSync(path.join(h.root, p)).mode & 0o7777;
          assert.equal(mode('a/b/mx.log').toString(8), fileMode.toString(8));
          assert.equal(mode('a').toString(8), dirMode.toString(8));
          assert.equal(mode('a/b').toString(8), dirMode.toString(8));
        });
      }
    }

    it('leaves the mode of a file that already exists alone', async () => {
      const file = path.join(h.root, 'mail.log');
      fs.writeFileSync(file, 'old\n', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      const out = h.output({ path: 'mail.log', file_mode: '0644' });
      await out.open();
      out.write([record('new')]);
      await out.close();
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(lines(file), ['old', 'new']);
    });
  });

  describe('batching', () => {
    it('issues one write per file per batch, not one per record', async () => {
      const write = sinon.spy(fs, 'write');
      const out = h.output({ path: '%{host}.log' });
      await out.open();
      for (let b = 0; b < 20; b++) {
        out.write(numbered(b * 100, 100).map((r, i) => Object.assign(r, { hostname: i % 2 ? 'a' : 'b' })));
        await out.flush();
      }
      assert.equal(write.callCount, 40);
      assert.equal(lines(path.join(h.root, 'a.log')).length + lines(path.join(h.root, 'b.log')).length, 2000);
    });

    it('with flush_interval_ms = 0, gathers batches that arrive during a write into the next write', async () => {
      const out = h.output({ path: 'mail.log', flush_interval_ms: 0 });
      await out.open();
      const write = sinon.spy(fs, 'write');
      for (let b = 0; b < 50; b++) out.write(numbered(b * 10, 10));
      await out.flush();
      assert.equal(write.callCount, 2); // the first batch, then the other 49 together
      assert.equal(lines(path.join(h.root, 'mail.log')).length, 500);
    });

    it('with flush_interval_ms, gathers for that long before writing', async () => {
      const out = h.output({ path: 'mail.log', flush_interval_ms: 40 });
      await out.open();
      const write = sinon.spy(fs, 'write');
      const started = Date.now();
      for (let b = 0; b < 10; b++) out.write(numbered(b * 10, 10));
      assert.equal(write.callCount, 0);
      await waitFor(() => count(h, 'written') === 100);
      assert.ok(Date.now() - started >= 35);
      assert.equal(write.callCount, 1);
    });

    it('by default gathers for 2 ms: batches in one turn are one write', async () => {
      const out = h.output({ path: 'mail.log' });
      await out.open();
      const write = sinon.spy(fs, 'write');
      for (let b = 0; b < 50; b++) out.write(numbered(b * 10, 10));
      assert.equal(write.callCount, 0);
      await waitFor(() => count(h, 'written') === 500);
      assert.equal(write.callCount, 1);
    });

    it('flush() does not wait for flush_interval_ms', async () => {
      const out = h.output({ path: 'mail.log', flush_interval_ms: 60_000 });
      await out.open();
      out.write(numbered(0, 10));
      await out.flush();
      assert.equal(lines(path.join(h.root, 'mail.log')).length, 10);
    });

    it('with fsync, syncs after each write', async () => {
      const sync = sinon.spy(fs, 'fdatasync');
      const out = h.output({ path: 'mail.log', fsync: true });
      await out.open();
      for (let b = 0; b < 5; b++) {
        out.write(numbered(b, 1));
        await out.flush();
      }
      assert.equal(sync.callCount, 5);
    });
  });

  describe('reopen', () => {
    it('loses and repeats nothing while the file is renamed and reopened 50 times', async function () {
      this.timeout(60_000);
      const out = h.output({ path: 'mail.log' });
      await out.open();
      const file = path.join(h.root, 'mail.log');
      const total = 100_000;
      const batch = 100;
      let rotations = 0;
      let reopened = Promise.resolve();
      for (let n = 0; n < total; n += batch) {
        out.write(numbered(n, batch));
        if (n % 2000 === 1000 && rotations < 50) {
          await waitFor(() => fs.existsSync(file));
          rotations++;
          fs.renameSync(file, `${file}.${rotations}`);
          // Not awaited yet: batches keep arriving, and writes keep going, while the reopen is under way.
          reopened = out.reopen();
        }
        if (n % 2000 === 1500) await reopened;
        await new Promise(setImmediate);
      }
      await out.close();
      assert.equal(rotations, 50);
      const all: string[] = [];
      for (let i = 1; i <= 50; i++) all.push(...lines(`${file}.${i}`));
      all.push(...lines(file));
      // Every number exactly once, and in order across the renamed files.
      assert.equal(all.length, total);
      for (let i = 0; i < total; i++) if (all[i] !== String(i)) assert.fail(`line ${i} is ${all[i]}`);
    });

    it('creates the file afresh, with file_mode, after it was moved away', async () => {
      const out = h.output({ path: 'mail.log', file_mode: '0604' });
      await out.open();
      const file = path.join(h.root, 'mail.log');
      out.write([record('1')]);
      await out.flush();
      fs.renameSync(file, `${file}.1`);
      await out.reopen();
      out.write([record('2')]);
      await out.flush();
      assert.deepEqual(lines(`${file}.1`), ['1']);
      assert.deepEqual(lines(file), ['2']);
      assert.equal(fs.statSync(file).mode & 0o777, 0o604);
    });
  });

  describe('queue', () => {
    const line50 = (n: number) => numbered(0, n, {}, 'x'.repeat(44)); // ~50 bytes a line

    it('drop: counts and drops the newest while full, never reports busy', async () => {
      const out = h.output({ path: 'mail.log', queue_max_bytes: 1000, when_full: 'drop' });
      await out.open();
      out.write(line50(100));
      assert.equal(out.busy, false);
      const dropped = count(h, 'discarded', 'queue_full');
      assert.ok(dropped >= 70 && dropped <= 85, String(dropped));
      await out.flush();
      const kept = lines(path.join(h.root, 'mail.log'));
      assert.equal(kept.length + dropped, 100);
      assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 'x'.repeat(44) + i)); // the oldest kept
      out.write(line50(10));
      await out.flush();
      assert.equal(count(h, 'discarded', 'queue_full'), dropped);
      assert.equal(count(h, 'written'), kept.length + 10);
    });

    it('block: reports busy above queue_max_bytes, drains below half, overflows past twice', async () => {
      const out = h.output({ path: 'mail.log', queue_max_bytes: 1000 });
      await out.open();
      let drained = 0;
      out.onDrain(() => drained++);
      await Promise.resolve();
      assert.equal(drained, 1); // not busy: called at once
      out.write(line50(30));
      assert.equal(out.busy, true);
      out.onDrain(() => drained++);
      out.write(line50(30));
      const overflow = count(h, 'discarded', 'queue_overflow');
      assert.ok(overflow > 0 && overflow < 30, String(overflow));
      await out.flush();
      assert.equal(out.busy, false);
      assert.equal(drained, 2);
      assert.equal(count(h, 'written') + overflow, 60);
    });
  });

  describe('errors', () => {
    it('counts a directory where the file should be, logs once a minute, keeps going', async () => {
      fs.mkdirSync(path.join(h.root, 'bad.log'));
      const out = h.output({ path: '%{host}.log' });
      await out.open();
      for (let b = 0; b < 5; b++) {
        assert.doesNotThrow(() => out.write([record('x', { hostname: 'bad' }), record(String(b), { hostname: 'good' })]));
        await out.flush();
      }
      assert.equal(count(h, 'errors', 'EISDIR'), 5);
      assert.equal(count(h, 'discarded', 'open_failed'), 5);
      assert.equal(count(h, 'written'), 5);
      assert.deepEqual(lines(path.join(h.root, 'good.log')), ['0', '1', '2', '3', '4']);
      assert.equal(h.messages.length, 1);
      assert.match(h.messages[0]!, /^error: output\.t: cannot open .*bad\.log: EISDIR/);
      // Once the obstacle is gone, the next batch gets through.
      fs.rmdirSync(path.join(h.root, 'bad.log'));
      out.write([record('late', { hostname: 'bad' })]);
      await out.flush();
      assert.deepEqual(lines(path.join(h.root, 'bad.log')), ['late']);
    });

    it('rejects open() when a fixed path cannot be opened', async () => {
      fs.mkdirSync(path.join(h.root, 'mail.log'));
      const out = h.output({ path: 'mail.log' });
      await assert.rejects(out.open(), /output\.t: cannot open .*mail\.log: EISDIR/);
    });

    it('counts a failing write as write_failed and retries on the next batch', async () => {
      const out = h.output({ path: 'mail.log' });
      await out.open();
      const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      sinon.stub(fs, 'write').onFirstCall().callsFake((...args: unknown[]) => {
        (args[args.length - 1] as (e: NodeJS.ErrnoException) => void)(enospc);
      }).callThrough();
      out.write(numbered(0, 3));
      await out.flush();
      out.write(numbered(3, 2));
      await out.flush();
      assert.equal(count(h, 'errors', 'ENOSPC'), 1);
      assert.equal(count(h, 'discarded', 'write_failed'), 3);
      assert.deepEqual(lines(path.join(h.root, 'mail.log')), ['3', '4']);
    });

    it('continues a short write, and after a write fails mid-line starts the next on a new line', async () => {
      const out = h.output({ path: 'mail.log' });
      await out.open();
      const real = fs.write.bind(fs) as (...args: unknown[]) => void;
      const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      const stub = sinon.stub(fs, 'write');
      // 1st: only 3 bytes get written ("aaa" of "aaaa\n"); 2nd: the disk is full; then normal.
      stub.onCall(0).callsFake((...args: unknown[]) => real(args[0], args[1], args[2], 3, args[4], args[5]));
      stub.onCall(1).callsFake((...args: unknown[]) => {
        (args[args.length - 1] as (e: NodeJS.ErrnoException) => void)(enospc);
      });
      stub.callThrough();
      out.write([record('aaaa'), record('bbbb')]);
      await out.flush();
      assert.equal(count(h, 'discarded', 'write_failed'), 2);
      out.write([record('cccc')]);
      await out.flush();
      assert.deepEqual(lines(path.join(h.root, 'mail.log')), ['aaa', 'cccc']);

      stub.resetBehavior();
      stub.resetHistory();
      stub.onCall(0).callsFake((...args: unknown[]) => real(args[0], args[1], args[2], 7, args[4], args[5]));
      stub.callThrough();
      out.write([record('dddd'), record('eeee')]);
      await out.flush();
      assert.equal(stub.callCount, 2);
      assert.deepEqual(lines(path.join(h.root, 'mail.log')), ['aaa', 'cccc', 'dddd', 'eeee']);
      assert.equal(count(h, 'written'), 3);
    });
  });

  describe('open files', () => {
    it('keeps at most max_open_files open and loses nothing when one is evicted', async () => {
      const out = h.output({ path: '%{host}.log', max_open_files: 2 });
      await out.open();
      for (let b = 0; b < 100; b++) {
        out.write(numbered(b * 10, 10).map((r, i) => Object.assign(r, { hostname: `h${(b + i) % 5}` })));
        if (b % 10 === 0) await new Promise(setImmediate);
      }
      await out.flush();
      let open = 0;
      for (let k = 0; k < 5; k++) {
        const file = path.join(h.root, `h${k}.log`);
        open += openFds(file);
        const got = lines(file).map(Number);
        assert.equal(got.length, 200);
        assert.deepEqual(got, [...got].sort((a, b) => a - b)); // order kept per file
      }
      assert.ok(open <= 2, String(open));
    });

    it('closes a file idle for idle_close_secs', async function () {
      this.timeout(10_000);
      const out = h.output({ path: 'mail.log', idle_close_secs: 1 });
      await out.open();
      const file = path.join(h.root, 'mail.log');
      out.write([record('1')]);
      await out.flush();
      assert.equal(openFds(file), 1);
      await waitFor(() => openFds(file) === 0, 5000);
      out.write([record('2')]);
      await out.flush();
      assert.deepEqual(lines(file), ['1', '2']);
    });
  });

  describe('lifecycle', () => {
    it('close() is safe before open and twice; later batches are counted as discarded', async () => {
      const out = h.output({ path: 'mail.log' });
      await out.close();
      await out.close();
      out.write([record('x')]);
      assert.equal(count(h, 'discarded', 'closed'), 1);
      assert.deepEqual(fs.readdirSync(h.root), []);
    });

    it('close() writes what is queued and releases every fd', async () => {
      const out = h.output({ path: '%{host}.log' });
      await out.open();
      out.write(numbered(0, 100).map((r, i) => Object.assign(r, { hostname: `h${i % 4}` })));
      const closing = out.close();
      await Promise.all([closing, out.close()]);
      for (let k = 0; k < 4; k++) {
        const file = path.join(h.root, `h${k}.log`);
        assert.equal(lines(file).length, 25);
        assert.equal(openFds(file), 0);
      }
    });
  });
});
