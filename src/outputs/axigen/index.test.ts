import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { validateSection, type ConfigProblem } from '../../config/schema.js';
import { DialectRecogniser } from '../../dialects/recognise.js';
import { AXIGEN_SAMPLES } from '../../dialects/axigen/fixtures.js';
import { LogRecord } from '../../record.js';
import { parseRecord } from '../../syslog/parse.js';
import { Counters } from '../../telemetry/counters.js';
import { family, fileLines, inZone } from '../rotation/rotation.testkit.js';
import { harness, type Harness } from './axigen.testkit.js';
import { AxigenOutput, axigenOutputSpec, checkAxigenOutput, createAxigenOutput } from './index.js';

const auto = new DialectRecogniser('auto', new Counters(), 'input.t');
// An input set to `dialect = axigen` also reads the bare `SERVICE:SESSIONID: message` tail.
const axigenOnly = new DialectRecogniser('axigen', new Counters(), 'input.t');

/** A frame as an input hands it on: syslog header parsed, dialect recognised. */
function received(frame: string | Buffer, at = Date.UTC(2026, 0, 15, 10, 0, 0), recogniser = auto): LogRecord {
  const rec = new LogRecord(Buffer.isBuffer(frame) ? frame : Buffer.from(frame, 'latin1'), at, 'udp', '192.0.2.1');
  parseRecord(rec, 'local');
  recogniser.apply(rec);
  return rec;
}

/** A plain syslog record at an Axigen bit, sent with a client mask. */
function atBit(bit: number, clientMask: number, text: string): LogRecord {
  const rec = received(`<22>Jan 15 10:00:00 mx1 smtpd[7]: ${text}`);
  rec.level = { scheme: 'axigen', value: bit };
  rec.axigenMask = clientMask;
  return rec;
}

describe('axigen output', () => {
  let h: Harness;
  const outputs: AxigenOutput[] = [];
  beforeEach(() => { h = harness(); });
  afterEach(async () => {
    await Promise.all(outputs.splice(0).map((o) => o.close()));
    h.cleanup();
  });

  function output(keys: Record<string, unknown>, clock?: () => number): AxigenOutput {
    const out = new AxigenOutput(h.config(keys), h.ctx, clock);
    outputs.push(out);
    return out;
  }
  const file = (p: string) => path.join(h.root, p);

  describe('config', () => {
    it('has the documented defaults', () => {
      const c = h.config({ path: 'axigen/everything.txt' });
      assert.deepEqual({ ...c }, {
        path: 'axigen/everything.txt', level_mask: 31, max_size_kb: 0, max_age_secs: 0, rotate_period: 'none', max_files: 10,
        rotate_naming: 'numbered', file_mode: 0o640, dir_mode: 0o750, fsync: false, queue_max_bytes: 64 * 1024 * 1024,
      });
    });

    it('reports every bad key at once', () => {
      const problems: ConfigProblem[] = [];
      validateSection(axigenOutputSpec, { level_mask: '32', rotate_period: 'weekly', max_files: '-1', max_size: '5' }, 'output.ax', problems);
      assert.deepEqual(problems.map((p) => p.key).sort(), ['level_mask', 'max_files', 'max_size', 'path', 'rotate_period']);
    });

    it('keeps the file inside the log root', () => {
      for (const p of ['../x.txt', '/etc/x.txt', 'a/../../x.txt', '.', 'dir/']) {
        assert.equal(checkAxigenOutput(h.config({ path: p }), h.root).length, 1, p);
      }
      assert.deepEqual(checkAxigenOutput(h.config({ path: path.join(h.root, 'a/x.txt') }), h.root), []);
      assert.deepEqual(checkAxigenOutput(h.config({ path: 'a/../x.txt' }), h.root), []);
    });

    it('open fails with the reason for a path outside the root', async () => {
      await assert.rejects(output({ path: '../escape.txt' }).open(), /not a file inside the log root/);
      assert.deepEqual(fs.readdirSync(h.base), ['root']);
    });
  });

  describe('level mask', () => {
    it('client 15 and rule 9: only bits 1 and 8 are written', async () => {
      const out = output({ path: 'x.txt', level_mask: 9 });
      await out.open();
      out.write([1, 2, 4, 8, 16].map((bit) => atBit(bit, 15, `bit${bit}`)));
      await out.flush();
      assert.deepEqual(fileLines(file('x.txt')).map((l) => l.split(': ').at(-1)), ['bit1', 'bit8']);
      assert.equal(h.count('filtered', 'level_mask'), 3);
      assert.equal(h.count('written'), 2);
    });

    it('every client mask and rule mask: written exactly when the bit is in both', async () => {
      const out = output({ path: 'x.txt', level_mask: 21 });
      await out.open();
      const batch: LogRecord[] = [];
      const want: string[] = [];
      for (let client = 0; client < 32; client++) {
        for (const bit of [1, 2, 4, 8, 16]) {
          batch.push(atBit(bit, client, `${client}/${bit}`));
          if (bit & client & 21) want.push(`${client}/${bit}`);
        }
      }
      out.write(batch);
      await out.flush();
      assert.deepEqual(fileLines(file('x.txt')).map((l) => l.split(': ').at(-1)), want);
      assert.equal(h.count('filtered', 'level_mask') + h.count('written'), 32 * 5);
    });

    it('filters a plain syslog record by the bit of its severity; mask 0 writes nothing', async () => {
      const out = output({ path: 'x.txt', level_mask: 6 });
      const none = output({ path: 'none.txt', level_mask: 0 });
      await out.open();
      await none.open();
      const recs = [0, 1, 2, 3, 4, 5, 6, 7].map((sev) => received(`<${16 + sev}>Jan 15 10:00:00 mx1 app: sev${sev}`));
      out.write(recs);
      none.write(recs);
      await out.flush();
      await none.flush();
      assert.deepEqual(fileLines(file('x.txt')).map((l) => l.split(': ').at(-1)), ['sev3', 'sev4']);
      assert.deepEqual(fileLines(file('none.txt')), []);
    });
  });

  describe('lines', () => {
    it('passes Axigen Log Service lines through byte for byte, as frames of their own or inside syslog', async () => {
      const out = createAxigenOutput(h.config({ path: 'all.txt' }), h.ctx);
      await out.open();
      const lines = AXIGEN_SAMPLES.filter((s) => s.fields.shape === 'line').map((s) => s.line);
      const latin = '2026-01-15 10:00:00 -0330 02 mx1 SMTP-IN:0000002A: caf\xe9 \t tab';
      assert.equal(received(Buffer.from(latin, 'latin1')).dialect, 'axigen');
      out.write([...lines.map((l) => received(l)), ...lines.map((l) => received(`<22>Jan 15 10:00:00 mx1 axigen: ${l}`)),
        received(Buffer.from(latin, 'latin1'))]);
      await out.close();
      assert.deepEqual(fs.readFileSync(file('all.txt')), Buffer.from([...lines, ...lines, latin].map((l) => `${l}\n`).join(''), 'latin1'));
    });

    it('writes other records in the Axigen shape, in the local zone', async () => {
      await inZone('Asia/Kathmandu', async () => {
        const out = output({ path: 'x.txt' });
        await out.open();
        const plain = received('<19>1 2026-01-15T10:00:00.123Z mx1.example.test postfix/smtpd 4242 - - lost connection');
        const noProc = received('<22>Jan 15 10:00:00 mx1 cron: job done');
        const bare = received('<22>Jan 15 10:00:00 mx1 axigen: SMTP-OUT:00000022: delivered', undefined, axigenOnly);
        assert.equal(bare.dialect, 'axigen');
        bare.severity = 4;
        const multi = received('<22>Jan 15 10:00:00 mx1 app: two\nlines');
        out.write([plain, noProc, bare, multi]);
        await out.flush();
        const stamp = (t: number) => {
          const d = new Date(t);
          const p = (n: number) => String(n).padStart(2, '0');
          return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} +0545`;
        };
        assert.deepEqual(fileLines(file('x.txt')), [
          '2026-01-15 15:45:00 +0545 02 mx1.example.test POSTFIX/SMTPD:4242: lost connection',
          `${stamp(noProc.time)} 08 mx1 CRON:-: job done`,
          `${stamp(bare.time)} 04 mx1 SMTP-OUT:00000022: delivered`,
          `${stamp(multi.time)} 08 mx1 APP:-: two#012lines`,
        ]);
      });
    });
  });

  describe('rotation', () => {
    const rec = (i: number) => received(`2026-01-15 10:00:00 +0000 08 mx1 SMTP-IN:${String(i).padStart(8, '0')}: message ${i}`);

    it('by size: no file over max_size_kb, max_files old files kept, the rest deleted', async () => {
      const out = output({ path: 'logs/smtp.txt', max_size_kb: 1, max_files: 3 });
      await out.open();
      for (let i = 0; i < 200; i++) out.write([rec(i)]);
      await out.flush();
      const files = await family(file('logs/smtp.txt'), 'numbered');
      assert.deepEqual(files.map((f) => path.basename(f)), ['smtp.txt.3', 'smtp.txt.2', 'smtp.txt.1', 'smtp.txt']);
      for (const f of files) assert.ok(fs.statSync(f).size <= 1024);
      const kept = files.flatMap(fileLines).map((l) => Number(l.split(' ').at(-1)));
      assert.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 200 - kept.length + i));
      assert.ok(h.count('rotations', 'size') > 5);
      assert.equal(h.count('written'), 200);
    });

    it('by age, since the file was created, with timestamped names', async () => {
      let now = new Date(2026, 0, 15, 10, 0, 0).getTime();
      const out = output({ path: 'x.txt', max_age_secs: 60, rotate_naming: 'timestamped', max_files: 100 }, () => now);
      await out.open();
      for (let i = 0; i < 10; i++) {
        out.write([rec(i)]);
        now += 25_000;
      }
      await out.flush();
      const files = await family(file('x.txt'), 'timestamped');
      assert.deepEqual(files.map((f) => path.basename(f)), ['x.txt.20260115-100115', 'x.txt.20260115-100230', 'x.txt.20260115-100345', 'x.txt']);
      assert.deepEqual(files.map((f) => fileLines(f).length), [3, 3, 3, 1]);
      assert.equal(h.count('rotations', 'age'), 3);
    });

    it('by period: a new file each local day, month or year', async () => {
      await inZone('Europe/Berlin', async () => {
        for (const [period, step, files] of [['daily', 3600_000 * 5, 5], ['monthly', 86_400_000 * 9, 7], ['yearly', 86_400_000 * 60, 4]] as const) {
          let now = new Date(2026, 9, 27, 12).getTime();
          const out = output({ path: `${period}.txt`, rotate_period: period, max_files: 100 }, () => now);
          await out.open();
          const written: number[] = [];
          for (let i = 0; i < 20; i++) {
            out.write([received(`<22>Jan 15 10:00:00 mx1 app: ${now}`)]);
            written.push(now);
            now += step;
          }
          await out.flush();
          const got = (await family(file(`${period}.txt`), 'numbered')).map((f) => fileLines(f).map((l) => Number(l.split(' ').at(-1))));
          assert.equal(got.length, files, period);
          assert.deepEqual(got.flat(), written);
          const key = (t: number) => {
            const d = new Date(t);
            return period === 'daily' ? d.toDateString() : period === 'monthly' ? `${d.getFullYear()}-${d.getMonth()}` : String(d.getFullYear());
          };
          for (let i = 0; i < got.length; i++) {
            assert.equal(new Set(got[i]!.map(key)).size, 1, `${period} file ${i}`);
            if (i > 0) assert.notEqual(key(got[i]![0]!), key(got[i - 1]![0]!));
          }
        }
      });
    });

    it('max_files 0 keeps no old file', async () => {
      const out = output({ path: 'x.txt', max_size_kb: 1, max_files: 0 });
      await out.open();
      for (let i = 0; i < 50; i++) out.write([rec(i)]);
      await out.flush();
      assert.deepEqual(fs.readdirSync(h.root), ['x.txt']);
      assert.equal(fileLines(file('x.txt')).at(-1), '2026-01-15 10:00:00 +0000 08 mx1 SMTP-IN:00000049: message 49');
    });
  });

  describe('lifecycle', () => {
    it('creates the file and its directories with the configured modes', async () => {
      const umask = process.umask(0o077);
      try {
        const out = output({ path: 'a/b/x.txt', file_mode: '0604', dir_mode: '0755' });
        await out.open();
      } finally {
        process.umask(umask);
      }
      assert.equal(fs.statSync(file('a/b/x.txt')).mode & 0o777, 0o604);
      assert.equal(fs.statSync(file('a')).mode & 0o777, 0o755);
    });

    it('reopens after logrotate moved the file, and counts records written after close', async () => {
      const out = output({ path: 'x.txt' });
      await out.open();
      out.write([received('<22>Jan 15 10:00:00 mx1 app: one')]);
      await out.flush();
      fs.renameSync(file('x.txt'), file('x.txt.old'));
      await out.reopen();
      out.write([received('<22>Jan 15 10:00:00 mx1 app: two')]);
      await out.close();
      await out.close();
      out.write([received('<22>Jan 15 10:00:00 mx1 app: three')]);
      assert.equal(fileLines(file('x.txt.old')).length, 1);
      assert.match(fileLines(file('x.txt'))[0]!, /APP:-: two$/);
      assert.equal(h.count('discarded', 'closed'), 1);
    });

    it('close before open is safe and creates nothing', async () => {
      const out = output({ path: 'x.txt' });
      await out.close();
      assert.deepEqual(fs.readdirSync(h.root), []);
    });
  });
});
