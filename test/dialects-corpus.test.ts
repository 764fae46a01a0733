// Mixed lines of the four legacy dialects go through the running daemon over TCP, inside syslog
// records and as bare lines; each must land byte for byte in its system's own file, and every
// record must carry the disposition its dialect gives it.

import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import path from 'node:path';
import { startDaemon, lines, type RunningDaemon } from './support/daemon.js';
import { waitFor } from './support/wait.js';
import { FIXTURES as MOMENTUM } from '../src/dialects/momentum/fixtures.js';
import { SAMPLE_LINES as EMG } from '../src/dialects/emg/fixtures.js';
import { MMDF_GOLDEN as MMDF } from '../src/dialects/mmdf/fixtures.js';
import { AXIGEN_SAMPLES as AXIGEN } from '../src/dialects/axigen/fixtures.js';

interface Case { dialect: string; line: string; disposition: string; bare: boolean }

const syslog = (app: string, line: string) => `<22>Nov 22 04:00:00 mailhost ${app}[77]: ${line}\n`;

describe('legacy dialects through the daemon', function () {
  this.timeout(60_000);
  let d: RunningDaemon;
  const cases: Case[] = [
    ...MOMENTUM.filter((f) => f.log === 'mainlog' && !f.type.startsWith('M')).map((f) => ({
      dialect: 'momentum', line: f.line, bare: false,
      disposition: ({ R: 'reception', D: 'delivery', X: 'delivery', T: 'transient_failure', P: 'permanent_failure' } as Record<string, string>)[f.type]!,
    })),
    ...EMG.map((f) => ({ dialect: 'emg', line: f.line, bare: false, disposition: '' })),
    ...MMDF.filter((f) => f.fields.prefix.form === 'long').map((f) => ({ dialect: 'mmdf', line: f.line, bare: false, disposition: f.disposition })),
    ...AXIGEN.filter((f) => f.fields.shape === 'line').map((f) => ({ dialect: 'axigen', line: f.line, bare: true, disposition: '' })),
  ];

  before(async () => {
    d = await startDaemon(`
[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.momentum]
type = momentum
heartbeat_secs = 0
[output.mmdf]
type = mmdf
path = mmdf/msg.log
level = FTR
size = 0
[output.emg]
type = emg
[output.axigen]
type = axigen
path = axigen/everything.txt
[output.json]
type = file
path = all.json
format = json
[rule.momentum]
dialect = momentum
outputs = momentum
[rule.mmdf]
dialect = mmdf
outputs = mmdf
[rule.emg]
dialect = emg
outputs = emg
[rule.axigen]
dialect = axigen
outputs = axigen
[rule.all]
outputs = json
`);
    const s = net.connect({ port: d.ports.tcp!, host: '127.0.0.1' });
    await once(s, 'connect');
    for (const c of cases) s.write(c.bare ? `${c.line}\n` : syslog(c.dialect, c.line));
    s.end();
    await once(s, 'close');
    await waitFor('every record in all.json', () => lines(path.join(d.logRoot, 'all.json')).length === cases.length);
  });
  after(async () => {
    assert.equal(await d.stop(), 0);
  });

  it('recognises every line and gives it its disposition', () => {
    const records = lines(path.join(d.logRoot, 'all.json')).map((l) => JSON.parse(l) as { dialect?: string; disposition?: string; flags?: string[] });
    assert.equal(records.length, cases.length);
    records.forEach((r, i) => {
      const c = cases[i]!;
      assert.equal(r.dialect, c.dialect, c.line);
      if (c.disposition) assert.equal(r.disposition, c.disposition, c.line);
      assert.ok(!r.flags?.includes('DIALECT_ERROR'), c.line);
    });
  });

  it('writes Momentum records to the mainlog byte for byte', async () => {
    const want = cases.filter((c) => c.dialect === 'momentum').map((c) => c.line);
    const file = path.join(d.logRoot, 'ecelerity/mainlog.ec');
    await waitFor('the mainlog', () => lines(file).length >= want.length);
    assert.deepEqual(lines(file), want);
  });

  it('writes MMDF entries to msg.log byte for byte', async () => {
    const want = cases.filter((c) => c.dialect === 'mmdf').map((c) => c.line);
    const file = path.join(d.logRoot, 'mmdf/msg.log');
    await waitFor('msg.log', () => lines(file).length >= want.length);
    assert.deepEqual(lines(file), want);
  });

  it('writes EMG connector lines to connector.<instance> byte for byte', async () => {
    for (const inst of ['2', '4']) {
      const want = cases.filter((c) => c.dialect === 'emg' && c.line.includes(` (${inst}) `)).map((c) => c.line);
      const file = path.join(d.logRoot, `emg/log/connector.${inst}`);
      await waitFor(`connector.${inst}`, () => lines(file).length >= want.length);
      assert.deepEqual(lines(file), want);
    }
  });

  it('writes Axigen log service lines to the rule file byte for byte', async () => {
    const want = cases.filter((c) => c.dialect === 'axigen').map((c) => c.line);
    const file = path.join(d.logRoot, 'axigen/everything.txt');
    await waitFor('everything.txt', () => lines(file).length >= want.length);
    assert.deepEqual(lines(file), want);
  });
});
