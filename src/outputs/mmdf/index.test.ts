import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sinon from 'sinon';
import type { ConfigProblem } from '../../config/schema.js';
import { validateConfig } from '../../config/validate.js';
import { CYCLED, CYCLING } from './layout.js';
import { createMmdfOutput } from './index.js';
import { T0, harness, mmdfRecord, openFds, record, sized, type Harness } from './mmdf.testkit.js';

const LONG = ' 9/11  9:02:15 submit1234:  ';

function text(file: string): string {
  return fs.readFileSync(file, 'latin1');
}

describe('mmdf output', () => {
  let h: Harness;
  let file: string;
  beforeEach(() => {
    h = harness();
    file = path.join(h.root, 'msg.log');
  });
  afterEach(async () => {
    sinon.restore();
    await h.cleanup();
  });

  it('writes entries byte for byte: MMDF lines as read, other records with the long prefix', async () => {
    const out = h.output({ path: 'msg.log' });
    await out.open();
    const lin = ' 4/29  9:02:15 SB-1234:  lin msg.aa12345 (1, 2573) local steve';
    const end = ' 4/29  9:03:01 DL-1234:  end msg.aa12345 (OK) local localhost steve [0: 0:46]';
    out.write([mmdfRecord(lin), record('hello world'), mmdfRecord(end)]);
    out.write([record('second batch', { program: 'deliver', procid: '42' })]);
    await out.flush();
    assert.equal(text(file), `${lin}\n${LONG}hello world\n${end}\n 9/11  9:02:15 delive0042:  second batch\n`);
    assert.equal(h.count('written'), 4);
    assert.equal(h.count('bytes'), fs.statSync(file).size);
    assert.equal(h.count('discarded'), 0);
    assert.equal(openFds(file), 0, 'stat some closes after each write');
    await out.close();
  });

  it('writes an entry only when its MMDF value is <= level', async () => {
    const sev = { emerg: 0, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };
    const batch = () => [
      ...Object.entries(sev).map(([name, severity]) => record(name, { severity })),
      ...[-1, 5, 10, 20, 25, 40, 50, 55, 56].map((v) => {
        const r = record(`mmdf${v}`, { severity: 7 });
        r.level = { scheme: 'mmdf', value: v };
        return r;
      }),
    ];
    const want: Record<string, string[]> = {
      FAT: ['emerg', 'crit', 'mmdf-1'],
      TMP: ['emerg', 'crit', 'err', 'warning', 'mmdf-1', 'mmdf5'],
      GEN: ['emerg', 'crit', 'err', 'warning', 'notice', 'mmdf-1', 'mmdf5', 'mmdf10'],
      FST: ['emerg', 'crit', 'err', 'warning', 'notice', 'info', 'mmdf-1', 'mmdf5', 'mmdf10', 'mmdf20', 'mmdf25'],
      FTR: ['emerg', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'mmdf-1', 'mmdf5', 'mmdf10', 'mmdf20', 'mmdf25', 'mmdf40', 'mmdf50', 'mmdf55'],
      '-1': ['emerg', 'crit', 'mmdf-1'],
      '30': ['emerg', 'crit', 'err', 'warning', 'notice', 'info', 'mmdf-1', 'mmdf5', 'mmdf10', 'mmdf20', 'mmdf25'],
    };
    for (const [level, names] of Object.entries(want)) {
      const out = h.output({ path: `${level}.log`, level });
      await out.open();
      out.write(batch());
      await out.close();
      const got = text(path.join(h.root, `${level}.log`)).split('\n').filter((l) => l !== '').map((l) => l.slice(LONG.length));
      assert.deepEqual(got, names, level);
    }
    const total = Object.values(want).reduce((n, v) => n + v.length, 0);
    assert.equal(h.count('written'), total);
    assert.equal(h.count('discarded', 'level'), Object.keys(want).length * 16 - total);
  });

  describe('size limit', () => {
    it('stops at the exact byte: size=1 takes entries up to 24,576 bytes, the crossing one, then nothing', async () => {
      const out = h.output({ path: 'msg.log', size: 1 });
      await out.open();
      out.write(sized(24, 1024));
      await out.flush();
      assert.equal(fs.statSync(file).size, 24 * 1024, 'just below: 24 of 25 blocks');
      assert.equal(h.messages.length, 0);
      out.write(sized(1, 1024, 24));
      await out.flush();
      assert.equal(fs.statSync(file).size, 25 * 1024, 'the crossing entry is written whole');
      for (let i = 0; i < 10; i++) out.write(sized(3, 100, 100 + i * 3));
      await out.flush();
      assert.equal(fs.statSync(file).size, 25 * 1024, 'nothing after it');
      assert.equal(h.count('written'), 25);
      assert.equal(h.count('discarded', 'log_full'), 30);
      const warnings = h.messages.filter((m) => m.startsWith('warning:'));
      assert.equal(warnings.length, 1, h.messages.join('\n'));
      assert.match(warnings[0]!, /output\.mm: .*msg\.log is full \(25600 bytes, limit 25600\)/);
      await out.close();
    });

    it('is full one byte into the last block, counting what other writers appended', async () => {
      const out = h.output({ path: 'msg.log', size: 1 });
      await out.open();
      out.write(sized(23, 1024));
      await out.flush();
      fs.appendFileSync(file, 'x'.repeat(1024)); // another MMDF process sharing the log
      out.write([...sized(1, 1024), ...sized(1, 1024)]);
      await out.flush();
      assert.equal(fs.statSync(file).size, 25 * 1024);
      assert.equal(h.count('discarded', 'log_full'), 1);
      await out.close();

      const h2 = harness();
      try {
        const f2 = path.join(h2.root, 'msg.log');
        fs.writeFileSync(f2, 'y'.repeat(24 * 1024 + 1));
        const o2 = h2.output({ path: 'msg.log', size: 1 });
        await o2.open();
        o2.write(sized(2, 50));
        await o2.flush();
        assert.equal(fs.statSync(f2).size, 24 * 1024 + 1);
        assert.equal(h2.count('discarded', 'log_full'), 2);
      } finally {
        await h2.cleanup();
      }
    });

    it('resumes after a reopen that finds the file rotated or smaller, and says so again if still full', async () => {
      const out = h.output({ path: 'msg.log', size: 1, stat: 'timed' });
      await out.open();
      out.write(sized(26, 1024));
      await out.flush();
      assert.equal(h.count('discarded', 'log_full'), 1);
      await out.reopen();
      out.write(sized(1, 100));
      await out.flush();
      assert.equal(h.count('discarded', 'log_full'), 2, 'still full after a reopen');
      assert.equal(h.messages.filter((m) => m.includes('is full')).length, 2);
      // setlogs: mv msg.log omsg.log; cp /dev/null msg.log; chmod 622.
      fs.renameSync(file, path.join(h.root, 'omsg.log'));
      fs.writeFileSync(file, '');
      await out.reopen();
      out.write(sized(2, 100, 50));
      await out.flush();
      assert.equal(fs.statSync(file).size, 200);
      assert.equal(h.count('written'), 27);
      await out.close();
    });

    it('cycles: CYCLING over the last 20 bytes, CYCLED at 0, entries after it, the close marker at the end', async () => {
      const old = Buffer.alloc(24 * 1024 + 1, 0x2e);
      fs.writeFileSync(file, old);
      const out = h.output({ path: 'msg.log', size: 1, stat: 'cycle' });
      await out.open();
      const entries = [record('first after the wrap'), record('second')];
      out.write(entries);
      await out.flush();
      const data = fs.readFileSync(file);
      assert.equal(data.length, old.length, 'the file keeps its size');
      assert.equal(data.subarray(old.length - 20).toString('latin1'), '\n\n***  CYCLING  ***\n');
      const head = data.subarray(0, 200).toString('latin1');
      assert.match(head, /^\*\*\* {2}CYCLED {2}\*\*\*\n 9\/11 {2}9:02:15 submit1234: {2}--- {2}OPEN {2}---\(\d+\)\n 2:15 first after the wrap\n 2:15 second\n\.\.\./);
      const end = head.indexOf('second\n') + 'second\n'.length;
      assert.equal(h.count('cycles'), 1);
      await out.close();
      const closed = fs.readFileSync(file);
      assert.equal(closed.subarray(end, end + 12).toString('latin1'), 'CYCLED  ***\n');
      assert.equal(closed[end + 12], 0x2e);
      assert.equal(closed.length, old.length);
    });

    it('keeps cycling: the file never exceeds the limit by more than one entry', async () => {
      const out = h.output({ path: 'msg.log', size: 1, stat: 'cycle' });
      await out.open();
      let n = 0;
      for (let round = 0; round < 60; round++) {
        out.write(Array.from({ length: 20 }, () => record(`entry ${n++} ${'z'.repeat(n % 120)}`)));
        await out.flush();
        assert.ok(fs.statSync(file).size <= 24 * 1024 + 140, `size ${fs.statSync(file).size}`);
      }
      assert.ok(h.count('cycles') >= 2, `cycles ${h.count('cycles')}`);
      assert.equal(h.count('written'), 1200);
      assert.equal(h.count('discarded'), 0);
      const data = fs.readFileSync(file, 'latin1');
      assert.ok(data.startsWith(CYCLED.toString()));
      assert.ok(data.includes(CYCLING.toString()));
      // The newest entry sits just before the first marker that follows it, or at the end.
      assert.ok(data.includes(`entry ${n - 1} `));
      await out.close();
    });

    it('gives up a cycled log that something else grew past limit + 1 block, once', async () => {
      fs.writeFileSync(file, Buffer.alloc(24 * 1024 + 1, 0x2e));
      const out = h.output({ path: 'msg.log', size: 1, stat: 'cycle' });
      await out.open();
      out.write([record('a')]);
      await out.flush();
      assert.equal(h.count('cycles'), 1);
      fs.appendFileSync(file, Buffer.alloc(2048, 0x2d));
      out.write([record('b')]);
      out.write([record('c')]);
      await out.flush();
      assert.equal(h.count('discarded', 'log_full'), 2);
      assert.equal(h.messages.filter((m) => m.includes('grew past its limit + 1 block')).length, 1);
      await out.close();
    });

    it('does not cycle a close-mode log: close with cycle stops when full, as MMDF does', async () => {
      fs.writeFileSync(file, Buffer.alloc(24 * 1024 + 1, 0x2e));
      const out = h.output({ path: 'msg.log', size: 1, stat: 'close,cycle' });
      await out.open();
      out.write([record('a')]);
      await out.flush();
      assert.equal(h.count('cycles'), 0);
      assert.equal(h.count('discarded', 'log_full'), 1);
      await out.close();
    });
  });

  describe('stat modes', () => {
    it('held open: an OPEN header at each open, short prefixes, the fd kept', async () => {
      const out = h.output({ path: 'chan.log', stat: '0' });
      const chan = path.join(h.root, 'chan.log');
      await out.open();
      out.write([record('rcv'), record('rend')]);
      await out.flush();
      assert.equal(openFds(chan), 1);
      await out.reopen();
      assert.equal(openFds(chan), 0);
      out.write([record('wend', { time: T0 + 61_000 })]);
      await out.close();
      const lines = text(chan).split('\n');
      assert.match(lines[0]!, /^ 9\/11 {2}9:02:15 submit1234: {2}--- {2}OPEN {2}---\(\d+\)$/);
      assert.deepEqual(lines.slice(1, 3), [' 2:15 rcv', ' 2:15 rend']);
      assert.match(lines[3]!, /^ 9\/11 {2}9:03:16 submit1234: {2}--- {2}OPEN {2}---\(\d+\)$/);
      assert.deepEqual(lines.slice(4), [' 3:16 wend', '']);
    });

    it('timed: long prefixes, held open, reopened once older than timed_reopen_secs', async () => {
      const out = h.output({ path: 'msg.log', stat: 'timed', timed_reopen_secs: 300 });
      await out.open();
      out.write([record('one')]);
      await out.flush();
      assert.equal(openFds(file), 1);
      fs.renameSync(file, path.join(h.root, 'moved.log'));
      out.write([record('two')]);
      await out.flush();
      const now = Date.now();
      sinon.stub(Date, 'now').returns(now + 301_000);
      out.write([record('three')]);
      await out.flush();
      sinon.restore();
      assert.equal(text(path.join(h.root, 'moved.log')), `${LONG}one\n${LONG}two\n`);
      assert.equal(text(file), `${LONG}three\n`);
      await out.close();
      assert.equal(openFds(file), 0);
    });

    it('wait changes nothing: some and close write the same bytes', async () => {
      for (const stat of ['close', 'some', '05']) {
        const out = h.output({ path: `${stat}.log`, stat });
        await out.open();
        out.write([record('x'), record('y')]);
        await out.close();
        assert.equal(text(path.join(h.root, `${stat}.log`)), `${LONG}x\n${LONG}y\n`);
      }
    });
  });

  describe('files', () => {
    for (const umask of [0o077, 0o000]) {
      it(`creates the log 0622 and its directories 0755 under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
        const before = process.umask(umask);
        try {
          const out = h.output({ path: 'mmdf/log/msg.log' });
          await out.open();
          out.write([record('x')]);
          await out.close();
        } finally {
          process.umask(before);
        }
        assert.equal(fs.statSync(path.join(h.root, 'mmdf/log/msg.log')).mode & 0o7777, 0o622);
        assert.equal(fs.statSync(path.join(h.root, 'mmdf/log')).mode & 0o7777, 0o755);
        assert.equal(fs.statSync(path.join(h.root, 'mmdf')).mode & 0o7777, 0o755);
      });
    }

    it('applies file_mode exactly and leaves an existing file\'s mode alone', async () => {
      const before = process.umask(0o077);
      try {
        const out = h.output({ path: 'a.log', file_mode: '0664' });
        await out.open();
        await out.close();
      } finally {
        process.umask(before);
      }
      assert.equal(fs.statSync(path.join(h.root, 'a.log')).mode & 0o7777, 0o664);
      fs.writeFileSync(file, '', { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      const out = h.output({ path: 'msg.log' });
      await out.open();
      out.write([record('x')]);
      await out.close();
      assert.equal(fs.statSync(file).mode & 0o7777, 0o600);
    });

    it('with create = false a missing log is off, counted, said once, and found when it appears', async () => {
      const out = h.output({ path: 'msg.log', create: false });
      await out.open();
      out.write([record('a')]);
      out.write([record('b')]);
      await out.flush();
      assert.equal(fs.existsSync(file), false);
      assert.equal(h.count('discarded', 'missing'), 2);
      assert.equal(h.messages.filter((m) => m.includes('does not exist')).length, 1);
      fs.writeFileSync(file, '');
      out.write([record('c')]);
      await out.close();
      assert.equal(text(file), `${LONG}c\n`);
    });

    it('refuses to start on a path it cannot open, and on bad settings', async () => {
      fs.mkdirSync(path.join(h.root, 'dir.log'));
      await assert.rejects(h.output({ path: 'dir.log' }).open(), /output\.mm: cannot open .*dir\.log/);
      await assert.rejects(h.output({ path: '../x.log' }).open(), /output\.mm: path: .*outside the log root/);
      const bad = h.output({ path: '../x.log' });
      bad.write([record('x')]);
      assert.equal(h.count('discarded', 'closed'), 1);
    });
  });

  it('reads an admin\'s tailor file as it is and writes where and what it says', async () => {
    const tailor = path.join(h.base, 'mmdftailor');
    fs.writeFileSync(tailor, [
      '; log tailoring at the end, as the guide advises',
      'MLOCMACHINE mx',
      `MLOGDIR ${path.join(h.root, 'mmdf')}`,
      'MMSGLOG msg.log, level=BST, size=40, stat=SOME',
      'MCHANLOG chan.log, level=PTR, stat=CYCLE',
      '',
    ].join('\n'));
    const out = createMmdfOutput(h.config({ tailor_file: tailor }), h.ctx);
    await out.open();
    out.write([record('info is BST', { severity: 6 }), record('debug is PTR', { severity: 7 })]);
    await out.close();
    assert.equal(text(path.join(h.root, 'mmdf', 'msg.log')), `${LONG}info is BST\n`);
    assert.equal(h.count('discarded', 'level'), 1);
    assert.equal(fs.statSync(path.join(h.root, 'mmdf', 'msg.log')).mode & 0o777, 0o622);

    // Through the whole config: the section's keys over the tailor file, its errors with lines.
    const problems: ConfigProblem[] = [];
    const raw = (keys: Record<string, string>) => ({
      files: ['t.ini'],
      sections: [
        { kind: 'daemon' as const, name: '', file: 't.ini', keys: { log_root: h.root } },
        { kind: 'input' as const, name: 'udp', file: 't.ini', keys: { type: 'udp', port: '0' } },
        { kind: 'output' as const, name: 'mmdf', file: 't.ini', keys: { type: 'mmdf', ...keys } },
        { kind: 'rule' as const, name: 'all', file: 't.ini', keys: { outputs: 'mmdf' } },
      ],
    });
    validateConfig(raw({ tailor_file: tailor, tailor_log: 'chan' }), problems);
    assert.equal(problems.length, 0, JSON.stringify(problems));
    fs.appendFileSync(tailor, 'AUTHLOG level=noisy\n');
    const again: ConfigProblem[] = [];
    validateConfig(raw({ tailor_file: tailor }), again);
    assert.deepEqual(again.map((p) => [p.key, p.message.replace(tailor, 'T')]), [['tailor_file', "T line 6: AUTHLOG: level 'noisy': not a level name (fat, tmp, gen, bst, fst, ptr, btr, ftr) or number"]]);
  });

  it('writes everything queued before close and counts records written after it', async () => {
    const out = h.output({ path: 'msg.log', stat: '0' });
    await out.open();
    for (let i = 0; i < 50; i++) out.write(Array.from({ length: 20 }, (_, j) => record(`n${i * 20 + j}`)));
    await out.close();
    out.write([record('late')]);
    const lines = text(file).split('\n').slice(1, -1).map((l) => l.slice(6));
    assert.deepEqual(lines, Array.from({ length: 1000 }, (_, i) => `n${i}`));
    assert.equal(h.count('written'), 1000);
    assert.equal(h.count('discarded', 'closed'), 1);
    await out.close();
  });
});
