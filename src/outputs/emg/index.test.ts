import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { validateSection, type ConfigProblem } from '../../config/schema.js';
import { DialectRecogniser } from '../../dialects/recognise.js';
import { LogRecord } from '../../record.js';
import { parseRecord } from '../../syslog/parse.js';
import { Counters } from '../../telemetry/counters.js';
import { harness as fileHarness } from '../file/file.testkit.js';
import { family, fileLines, inZone } from '../rotation/rotation.testkit.js';
import { checkEmgOutput, createEmgOutput, EmgOutput, emgLogDir, emgOutputSpec, instanceName, type EmgOutputConfig } from './index.js';

const recogniser = new DialectRecogniser('auto', new Counters(), 'input.t');

function received(frame: string): LogRecord {
  const rec = new LogRecord(Buffer.from(frame, 'utf8'), Date.UTC(2026, 8, 11, 22, 34, 34), 'tcp', '192.0.2.1');
  parseRecord(rec, 'local');
  recogniser.apply(rec);
  return rec;
}

const CONNECTOR_IN = [
  'Sep 11 22:34:34.306 (2) CONNECT OK (info="127.0.0.1")',
  'Sep 11 22:34:34.316 (2) LOGIN OK (info="emguser")',
  'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3',
  'Sep 11 22:34:34.468 (2) LOGOUT OK',
  'Sep 11 22:34:34.471 (2) DISCONNECT OK',
];
const CONNECTOR_OUT = [
  'Sep 11 22:35:28.664 (4) CONNECT OK',
  '2026-09-11 22:35:30.275 (4) SEND OK (pdu=1/1) 001:71 034:127.0.0.1 022:stenor 059:mgp 093:1031776474 094:393 008:1234 095:1031776530 096:269 017:3',
];

describe('emg output', () => {
  let h: ReturnType<typeof fileHarness>;
  const outputs: EmgOutput[] = [];
  beforeEach(() => { h = fileHarness('emg'); });
  afterEach(async () => {
    await Promise.all(outputs.splice(0).map((o) => o.close()));
    await h.cleanup();
  });

  function config(keys: Record<string, unknown>): EmgOutputConfig {
    const problems: ConfigProblem[] = [];
    const c = validateSection(emgOutputSpec, keys, 'output.emg', problems);
    if (problems.length) throw new Error(JSON.stringify(problems));
    return c;
  }
  function output(keys: Record<string, unknown> = {}, opts: { clock?: () => number; env?: NodeJS.ProcessEnv } = {}): EmgOutput {
    const out = new EmgOutput(config(keys), h.ctx, opts.clock, opts.env ?? {});
    outputs.push(out);
    return out;
  }
  const logFile = (name: string) => path.join(h.root, 'emg/log', name);
  const count = (name: string, reason = '') => (reason === '' ? h.counters.total('output.emg', name) : h.counters.get('output.emg', name, reason).value);

  describe('config', () => {
    it('has the documented defaults', () => {
      assert.deepEqual({ ...config({}) }, {
        dir: 'emg/log', log_year: false, max_size_kb: 0, rotate_interval_secs: 0, max_files: 10, max_open_files: 64,
        file_mode: 0o640, dir_mode: 0o750, fsync: false, queue_max_bytes: 64 * 1024 * 1024,
      });
    });

    it('EMGLOGDIR overrides dir, and must lie inside the log root as dir must', () => {
      const c = config({});
      assert.deepEqual(emgLogDir(c, h.root, { EMGLOGDIR: 'emg2/logs' }), { ok: true, dir: path.join(h.root, 'emg2/logs') });
      assert.deepEqual(emgLogDir(c, h.root, { EMGLOGDIR: path.join(h.root, 'x') }), { ok: true, dir: path.join(h.root, 'x') });
      assert.deepEqual(emgLogDir(c, h.root, { EMGLOGDIR: '' }), { ok: true, dir: path.join(h.root, 'emg/log') });
      const bad = emgLogDir(c, h.root, { EMGLOGDIR: '/etc/emg/log' });
      assert.ok(!bad.ok && /EMGLOGDIR \(\/etc\/emg\/log\) is outside the log root/.test(bad.error));
      assert.equal(emgLogDir(config({ dir: '../log' }), h.root, {}).ok, false);
    });

    it('checks the directory with the environment the daemon runs in, and one rotation at a time', () => {
      const before = process.env.EMGLOGDIR;
      process.env.EMGLOGDIR = '/var/tmp/emg';
      try {
        assert.deepEqual(checkEmgOutput(config({}), h.root).map((p) => p[0]), ['dir']);
      } finally {
        if (before === undefined) delete process.env.EMGLOGDIR;
        else process.env.EMGLOGDIR = before;
      }
      assert.deepEqual(checkEmgOutput(config({ max_size_kb: 1, rotate_interval_secs: 60 }), h.root).map((p) => p[0]), ['rotate_interval_secs']);
      const problems: ConfigProblem[] = [];
      validateSection(emgOutputSpec, { max_files: 'x', max_open_files: '1', log_year: 'maybe' }, 'output.emg', problems);
      assert.deepEqual(problems.map((p) => p.key), ['log_year', 'max_files', 'max_open_files']);
    });

    it('open fails for a directory outside the root and creates nothing', async () => {
      await assert.rejects(output({}, { env: { EMGLOGDIR: path.join(h.base, 'elsewhere') } }).open(), /outside the log root/);
      assert.deepEqual(fs.readdirSync(h.base), ['root']);
    });
  });

  describe('files', () => {
    it('writes connector lines exactly to connector.<instance>, bare or inside syslog', async () => {
      const out = createEmgOutput(config({}), h.ctx);
      await out.open();
      out.write([...CONNECTOR_IN.map(received), ...CONNECTOR_OUT.map((l) => received(`<22>Sep 11 22:35:30 gw emgd[12]: ${l}`))]);
      await out.close();
      assert.deepEqual(fileLines(logFile('connector.2')), CONNECTOR_IN);
      assert.deepEqual(fileLines(logFile('connector.4')), CONNECTOR_OUT);
      assert.deepEqual(fs.readdirSync(path.join(h.root, 'emg/log')).sort(), ['connector.2', 'connector.4', 'debug', 'general']);
    });

    it('writes pdu lines exactly to pdu.<instance>', async () => {
      const out = output();
      await out.open();
      const lines = ['Sep 11 22:35:28.664 (smsc1) Read 0000001000000009 bind_transceiver', 'Sep 11 22:35:28.700 (smsc1) Write resp'];
      out.write(lines.map(received));
      await out.flush();
      assert.deepEqual(fileLines(logFile('pdu.smsc1')), lines);
    });

    it('INFO and more severe go to general, DEBUG and DEBUG2 to debug; EMG server lines exactly', async () => {
      await inZone('UTC', async () => {
        const out = output();
        await out.open();
        const recs = [0, 3, 4, 5, 6, 7].map((sev) => received(`<${16 + sev}>1 2026-09-11T22:34:34.306123Z gw emgd 77 - - sev${sev}`));
        const emgLevel = received('<30>Sep 11 22:34:34 gw emgd: plain');
        emgLevel.level = { scheme: 'emg', value: 6 };
        const server = ['Sep 11 22:34:34.306 [DEBUG2] queue empty', '2026-09-11 22:34:34.306123 [WARNING] low disk', 'Sep 11 22:34:34.306 no level'];
        out.write([...recs, emgLevel, ...server.map(received)]);
        await out.flush();
        assert.deepEqual(fileLines(logFile('general')), [
          'Sep 11 22:34:34.306123 [ERROR] emgd[77]: sev0',
          'Sep 11 22:34:34.306123 [ERROR] emgd[77]: sev3',
          'Sep 11 22:34:34.306123 [WARNING] emgd[77]: sev4',
          'Sep 11 22:34:34.306123 [INFO] emgd[77]: sev5',
          'Sep 11 22:34:34.306123 [INFO] emgd[77]: sev6',
          server[1], server[2],
        ]);
        assert.deepEqual(fileLines(logFile('debug')), [
          'Sep 11 22:34:34.306123 [DEBUG] emgd[77]: sev7',
          `${fileLines(logFile('debug'))[1]!.slice(0, 22)} [DEBUG2] emgd: plain`,
          server[0],
        ]);
        assert.match(fileLines(logFile('debug'))[1]!, /^Sep 11 \d\d:\d\d:\d\d\.\d{6} /);
      });
    });

    it('log_year writes YYYY-MM-DD; microseconds below the millisecond are kept', async () => {
      await inZone('Asia/Kathmandu', async () => {
        const out = output({ log_year: true });
        await out.open();
        const rec = received('<14>1 2026-01-02T03:04:05.678901Z gw app - - - text\twith tab\nand LF');
        out.write([rec]);
        await out.flush();
        assert.deepEqual(fileLines(logFile('general')), ['2026-01-02 08:49:05.678901 [INFO] app: text\twith tab#012and LF']);
      });
    });

    it('keeps files named from hostile instances inside the directory', async () => {
      const out = output();
      await out.open();
      out.write(['..', '../../etc', 'a/b', '.'].map((i) => received(`Sep 11 22:34:34.306 (${i}) Read x`)));
      await out.flush();
      assert.deepEqual(fs.readdirSync(h.base), ['root']);
      assert.deepEqual(fs.readdirSync(path.join(h.root, 'emg/log')).sort(), ['debug', 'general', 'pdu._', 'pdu.______etc', 'pdu.a_b']);
      assert.deepEqual(fileLines(logFile('pdu._')).length, 2);
    });

    it('names no instance file so that it could be taken for a rotated one', async () => {
      const out = output({ max_size_kb: 1, max_files: 1 });
      await out.open();
      const lines = (inst: string) => Array.from({ length: 40 }, (_, i) => `Sep 11 22:34:34.306 (${inst}) SEND OK 001:${i}`);
      out.write([...lines('a.1'), ...lines('a')].map(received));
      await out.flush();
      assert.deepEqual(fs.readdirSync(path.join(h.root, 'emg/log')).sort(), ['connector.a', 'connector.a.1', 'connector.a_1', 'connector.a_1.1', 'debug', 'general']);
      assert.equal(instanceName('smsc.example.1'), 'smsc_example_1');
    });

    it('with max_open_files reached, closes the least recently used file and loses nothing', async () => {
      const out = output({ max_open_files: 2 });
      await out.open();
      const want = new Map<string, string[]>();
      for (let i = 0; i < 300; i++) {
        const inst = String(i % 7);
        const line = `Sep 11 22:34:34.306 (${inst}) SEND OK 001:${i}`;
        want.set(inst, [...(want.get(inst) ?? []), line]);
        out.write([received(line)]);
      }
      await out.flush();
      for (const [inst, lines] of want) assert.deepEqual(fileLines(logFile(`connector.${inst}`)), lines);
      assert.equal(count('written'), 300);
    });
  });

  describe('rotation', () => {
    it('by size keeps .1 (newest) to .N', async () => {
      const out = output({ max_size_kb: 1, max_files: 3 });
      await out.open();
      for (let i = 0; i < 100; i++) out.write([received(`Sep 11 22:34:34.306 (9) SEND OK 001:${String(i).padStart(4, '0')}`)]);
      await out.flush();
      const files = await family(logFile('connector.9'), 'numbered');
      assert.deepEqual(files.map((f) => path.basename(f)), ['connector.9.3', 'connector.9.2', 'connector.9.1', 'connector.9']);
      for (const f of files) assert.ok(fs.statSync(f).size <= 1024);
      const nums = files.flatMap(fileLines).map((l) => Number(l.slice(-4)));
      assert.deepEqual(nums, Array.from({ length: nums.length }, (_, i) => 100 - nums.length + i));
    });

    it('by time renames with a timestamp suffix', async () => {
      let now = new Date(2026, 8, 11, 22, 0, 0).getTime();
      const out = output({ rotate_interval_secs: 3600, max_files: 5 }, { clock: () => now });
      await out.open();
      for (let i = 0; i < 10; i++) {
        out.write([received(`<14>Sep 11 22:00:00 gw emgd: tick ${i}`)]);
        now += 1800_000;
      }
      await out.flush();
      const files = await family(logFile('general'), 'timestamped');
      assert.deepEqual(files.map((f) => path.basename(f)), [
        'general.20260911-230000', 'general.20260912-000000', 'general.20260912-010000', 'general.20260912-020000', 'general',
      ]);
      assert.deepEqual(files.map((f) => fileLines(f).length), [2, 2, 2, 2, 2]);
      assert.equal(count('rotations', 'age'), 4);
    });
  });
});
