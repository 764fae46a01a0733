import assert from 'node:assert/strict';
import fs from 'node:fs';
import sinon from 'sinon';
import { FIXTURES } from '../../dialects/momentum/fixtures.js';
import type { LogRecord } from '../../record.js';
import { lines, listTree, waitFor } from '../file/file.testkit.js';
import { legacy, momentumHarness, plain, T0, T0_EPOCH, type MomentumHarness } from './momentum.testkit.js';

const E = T0_EPOCH;
const EMG_RECEIVE = 'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3';
const MMDF_END_OK = ' 4/29  9:02:16 DL-1234:  end msg.aa12345 (OK) local udel.edu steve [0: 0: 1]';
const ALL_ON = { importlog: 'ecelerity/importlog.ec' };

function fixtureLines(log: string): string[] {
  return FIXTURES.filter((f) => f.log === log).map((f) => f.line);
}

/** A delivery whose message id is `n`, to count records through rotations. */
function numberedDelivery(n: number): LogRecord {
  return legacy(`1064871280@${n}@00/00-03736-F4101B54@00/00-04532-A3456B54@D@postalengine.com@266@group-a@binding-a@0@0.393@10.0.0.1`);
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o7777;
}

describe('momentum output', () => {
  let h: MomentumHarness;
  beforeEach(() => {
    h = momentumHarness();
  });
  afterEach(async () => {
    sinon.restore();
    await h.cleanup();
  });

  it('writes every Momentum line to its own log byte for byte, and other dialects as mainlog records', async () => {
    const out = h.output(ALL_ON);
    await out.open();
    out.write([...FIXTURES.map((f) => legacy(f.line)), legacy(EMG_RECEIVE), legacy(MMDF_END_OK)]);
    await out.flush();
    assert.deepEqual(lines(h.file('ecelerity/mainlog.ec')), [
      ...fixtureLines('mainlog'),
      `${E}@71@@2@R@1234@@@@@3@@@mgp`,
      `${E}@msg.aa12345@@@D@udel.edu@0@@local@0@1@`,
    ]);
    for (const log of ['rejectlog', 'paniclog', 'acctlog', 'importlog']) {
      assert.deepEqual(lines(h.file(`ecelerity/${log}.ec`)), fixtureLines(log), log);
    }
    assert.equal(h.count('written', 'mainlog'), fixtureLines('mainlog').length + 2);
    assert.equal(h.count('written', 'acctlog'), 3);
    assert.equal(h.counters.total('output.m', 'discarded'), 0);
  });

  it('creates the four default logs at open; importlog is off unless configured', async () => {
    const out = h.output();
    await out.open();
    assert.deepEqual(listTree(h.root), ['ecelerity', 'ecelerity/acctlog.ec', 'ecelerity/mainlog.ec', 'ecelerity/paniclog.ec', 'ecelerity/rejectlog.ec']);
    out.write([legacy(FIXTURES.find((f) => f.log === 'importlog')!.line)]);
    await out.flush();
    assert.equal(h.count('discarded', 'log_off'), 1);
    assert.ok(!fs.existsSync(h.file('ecelerity/importlog.ec')));
  });

  it('counts records with no disposition, and does not write them', async () => {
    const out = h.output();
    await out.open();
    out.write([plain('just a syslog line'), legacy('Sep 11 22:34:34.316 (2) LOGIN OK (info="emguser")')]);
    await out.flush();
    assert.equal(h.count('discarded', 'no_disposition'), 2);
    assert.deepEqual(lines(h.file('ecelerity/mainlog.ec')), []);
  });

  describe('switches', () => {
    const cases: [string, string, string][] = [
      ['log_receptions', FIXTURES[0]!.line, 'mainlog'],
      ['log_deliveries', FIXTURES[1]!.line, 'mainlog'],
      ['log_transient_failures', FIXTURES[2]!.line, 'mainlog'],
      ['log_permanent_failures', FIXTURES[3]!.line, 'mainlog'],
      ['log_rejections', FIXTURES[6]!.line, 'rejectlog'],
      ['log_errors', FIXTURES[8]!.line, 'paniclog'],
    ];
    for (const [key, line, log] of cases) {
      it(`${key} = false drops only its kind, from any dialect, counted as switched_off`, async () => {
        const out = h.output({ [key]: 'false' });
        await out.open();
        const others = cases.filter(([k]) => k !== key).map(([, l]) => l);
        const heartbeats = ['1251470342@@@@M', '1252064908: Marker 1', FIXTURES[10]!.line];
        out.write([legacy(line), ...others.map((l) => legacy(l)), ...heartbeats.map((l) => legacy(l))]);
        if (key === 'log_receptions') out.write([legacy(EMG_RECEIVE)]);
        if (key === 'log_deliveries') out.write([legacy(MMDF_END_OK)]);
        await out.flush();
        const expectDropped = key === 'log_receptions' || key === 'log_deliveries' ? 2 : 1;
        assert.equal(h.count('discarded', 'switched_off'), expectDropped);
        assert.ok(!lines(h.file(`ecelerity/${log}.ec`)).includes(line));
        const written = ['mainlog', 'rejectlog', 'paniclog', 'acctlog'].reduce((n, l) => n + h.count('written', l), 0);
        assert.equal(written, others.length + heartbeats.length);
      });
    }
  });

  describe('file modes, applied exactly whatever the umask', () => {
    const modes = { mainlog_mode: '0640', rejectlog_mode: '0600', paniclog_mode: '0644', acctlog_mode: '0604', importlog_mode: '0666', dir_mode: '0750' };
    for (const umask of [0o077, 0o000]) {
      it(`umask ${umask.toString(8).padStart(3, '0')}`, async () => {
        const old = process.umask(umask);
        try {
          const out = h.output({ ...ALL_ON, ...modes });
          await out.open();
          assert.equal(mode(h.file('ecelerity')), 0o750);
          assert.equal(mode(h.file('ecelerity/mainlog.ec')), 0o640);
          assert.equal(mode(h.file('ecelerity/rejectlog.ec')), 0o600);
          assert.equal(mode(h.file('ecelerity/paniclog.ec')), 0o644);
          assert.equal(mode(h.file('ecelerity/acctlog.ec')), 0o604);
          assert.equal(mode(h.file('ecelerity/importlog.ec')), 0o666);
          const dflt = h.output({ mainlog: 'other/mainlog.ec', rejectlog: 'other/rejectlog.ec', paniclog: '', acctlog: '' });
          await dflt.open();
          assert.equal(mode(h.file('other')), 0o755);
          assert.equal(mode(h.file('other/mainlog.ec')), 0o644);
          assert.equal(mode(h.file('other/rejectlog.ec')), 0o644);
        } finally {
          process.umask(old);
        }
      });
    }

    it('keeps the mode of a log that already exists', async () => {
      fs.mkdirSync(h.file('ecelerity'));
      fs.writeFileSync(h.file('ecelerity/mainlog.ec'), 'old\n', { mode: 0o600 });
      fs.chmodSync(h.file('ecelerity/mainlog.ec'), 0o600);
      const out = h.output();
      await out.open();
      out.write([legacy(FIXTURES[0]!.line)]);
      await out.flush();
      assert.equal(mode(h.file('ecelerity/mainlog.ec')), 0o600);
      assert.deepEqual(lines(h.file('ecelerity/mainlog.ec')), ['old', FIXTURES[0]!.line]);
    });
  });

  describe('heartbeat', () => {
    it('writes `epoch@@@@M` to the mainlog and `epoch: Marker 1` to the rejectlog every heartbeat_secs', async () => {
      const out = h.output({ heartbeat_secs: 1 });
      await out.open();
      const main = h.file('ecelerity/mainlog.ec');
      const reject = h.file('ecelerity/rejectlog.ec');
      await waitFor(() => lines(main).length >= 1 && lines(reject).length >= 1, 5000);
      assert.match(lines(main)[0]!, /^\d{10}@@@@M$/);
      assert.match(lines(reject)[0]!, /^\d{10}: Marker 1$/);
      assert.deepEqual(lines(h.file('ecelerity/paniclog.ec')), []);
    });

    it('beats on schedule with the current epoch, and stops on close', async () => {
      const clock = sinon.useFakeTimers({ now: T0, toFake: ['setInterval', 'clearInterval', 'Date'] });
      const out = h.output({ heartbeat_secs: 60 });
      await out.open();
      clock.tick(59_999);
      await out.flush();
      assert.deepEqual(lines(h.file('ecelerity/mainlog.ec')), []);
      clock.tick(1);
      clock.tick(60_000);
      await out.flush();
      assert.deepEqual(lines(h.file('ecelerity/mainlog.ec')), [`${E + 60}@@@@M`, `${E + 120}@@@@M`]);
      assert.deepEqual(lines(h.file('ecelerity/rejectlog.ec')), [`${E + 60}: Marker 1`, `${E + 120}: Marker 1`]);
      await out.close();
      clock.tick(600_000);
      assert.equal(lines(h.file('ecelerity/mainlog.ec')).length, 2);
      assert.equal(clock.countTimers(), 0);
    });

    it('heartbeat_secs = 0 writes none and keeps no timer', async () => {
      const clock = sinon.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
      const out = h.output({ heartbeat_secs: 0 });
      await out.open();
      assert.equal(clock.countTimers(), 0);
    });
  });

  describe('reopen', () => {
    it('loses nothing across a rename: lines before the reopen are in the renamed file, the rest in the new one', async () => {
      const out = h.output();
      await out.open();
      const main = h.file('ecelerity/mainlog.ec');
      let n = 0;
      const batch = (size: number) => out.write(Array.from({ length: size }, () => numberedDelivery(n++)));
      for (let round = 0; round < 5; round++) {
        batch(100);
        fs.renameSync(main, `${main}.${round + 1}`);
        batch(100); // written to the renamed file until the reopen
        const reopened = out.reopen();
        batch(100);
        await reopened;
        batch(100);
      }
      await out.flush();
      const seen: number[] = [];
      for (let g = 1; g <= 5; g++) for (const l of lines(`${main}.${g}`)) seen.push(Number(l.split('@')[1]));
      for (const l of lines(main)) seen.push(Number(l.split('@')[1]));
      assert.deepEqual(seen, Array.from({ length: n }, (_, i) => i));
      assert.equal(h.count('written', 'mainlog'), n);
    });

    it('creates every log again at once, with its mode, even before anything is written', async () => {
      const out = h.output({ rejectlog_mode: '0600' });
      await out.open();
      for (const log of ['mainlog', 'rejectlog', 'paniclog', 'acctlog']) fs.renameSync(h.file(`ecelerity/${log}.ec`), h.file(`ecelerity/${log}.ec.1`));
      await out.reopen();
      assert.equal(listTree(h.file('ecelerity')).length, 8);
      assert.equal(mode(h.file('ecelerity/rejectlog.ec')), 0o600);
    });

    it('a log that cannot be opened again is logged and counted, and its records counted as open_failed', async () => {
      const out = h.output();
      await out.open();
      fs.rmSync(h.file('ecelerity'), { recursive: true });
      fs.writeFileSync(h.file('ecelerity'), 'not a directory');
      await out.reopen();
      out.write([legacy(FIXTURES[0]!.line)]);
      await out.flush();
      assert.equal(h.count('discarded', 'open_failed'), 1);
      assert.ok(h.counters.total('output.m', 'errors') >= 1);
      assert.ok(h.messages.some((m) => m.startsWith('error: output.m: cannot open')), h.messages.join('\n'));
    });
  });

  describe('lifecycle', () => {
    it('refuses to open with a log outside the log root', async () => {
      const out = h.output({ mainlog: '../escape.ec' });
      await assert.rejects(out.open(), /mainlog: \.\.\/escape\.ec is outside the log root/);
    });

    it('refuses to open when a log cannot be created', async () => {
      fs.writeFileSync(h.file('ecelerity'), 'in the way');
      const out = h.output();
      await assert.rejects(out.open(), /output\.m: cannot open [a-z]+log .*\/ecelerity\/[a-z]+log\.ec: ENOTDIR/);
    });

    it('close is safe before open and twice; records after close are counted', async () => {
      const out = h.output();
      await out.close();
      await out.close();
      out.write([legacy(FIXTURES[0]!.line)]);
      assert.equal(h.count('discarded', 'closed'), 1);
    });

    it('writes one line per record even when a field holds a line break', async () => {
      const out = h.output();
      await out.open();
      out.write([legacy('1251465322:scriptlet: first\nsecond')]);
      await out.flush();
      assert.deepEqual(lines(h.file('ecelerity/paniclog.ec')), ['1251465322:scriptlet: first second']);
    });
  });
});
