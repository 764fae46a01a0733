// rsyslog's omrelp → maillogd's relp input, 100,000 numbered messages, with maillogd killed by
// SIGKILL twice in the middle and started again on the same port: every number ends up in the
// file (acks wait for the journal; what the outputs had not written is routed again at start).
// Duplicates are possible by design (RELP resends what was not acked); they are counted.

import assert from 'node:assert/strict';
import path from 'node:path';
import { lines, startDaemon, tempDir, type RunningDaemon } from './support/daemon.js';
import { feedTcp, numberOf, numberedText } from './support/feed.js';
import { haveRsyslog, startRsyslog, type Rsyslog } from './support/rsyslog.js';
import { waitFor } from './support/wait.js';

const COUNT = 100_000;

describe('rsyslog omrelp → maillogd relp, SIGKILLed twice', function () {
  this.timeout(240_000);
  let daemon: RunningDaemon | null = null;
  let rsyslog: Rsyslog | null = null;
  before(function () {
    if (!haveRsyslog()) this.skip();
  });
  after(async () => {
    await rsyslog?.stop();
    await daemon?.stop();
  });

  it('delivers every number at least once and reports duplicates', async () => {
    const dir = tempDir('maillogd-relp-');
    const ini = (port: number | string) => `[input.relp]
type = relp
port = ${port}
port_file = {PORT:relp}
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`;
    daemon = await startDaemon(ini(0), { dir });
    const port = daemon.ports.relp!;
    const rsDir = tempDir('maillogd-relp-rs-');
    rsyslog = await startRsyslog(rsDir,
      `action(type="omrelp" target="127.0.0.1" port="${port}" windowSize="1024" action.resumeRetryCount="-1" action.resumeInterval="1"
        queue.type="LinkedList" queue.size="200000" template="RSYSLOG_ForwardFormat")`,
      'module(load="omrelp")');
    const file = path.join(daemon.logRoot, 'all.log');
    const feeding = feedTcp(rsyslog.port, COUNT, (i) => `<22>Nov 22 10:00:00 mx1 app[1]: ${numberedText(i)}\n`, 20_000);

    for (const at of [25_000, 60_000]) {
      await waitFor(`${at} lines before the kill`, () => lines(file).length >= at, 60_000, 100);
      daemon.proc.kill('SIGKILL');
      await new Promise((r) => daemon!.proc.once('exit', r));
      daemon = await startDaemon(ini(port), { dir });
    }
    await feeding;
    const seen = new Map<number, number>();
    await waitFor('every number', () => {
      seen.clear();
      for (const l of lines(file)) {
        const n = numberOf(l);
        if (n !== null) seen.set(n, (seen.get(n) ?? 0) + 1);
      }
      return seen.size === COUNT;
    }, 120_000, 500);
    const duplicates = [...seen.values()].reduce((a, v) => a + (v - 1), 0);
    console.log(`      ${COUNT} numbers delivered; ${duplicates} duplicate line(s) after 2 SIGKILLs; replayed: ${/routed again/.test(daemon.stderr()) ? 'yes' : 'no'}`);
    for (let i = 1; i <= COUNT; i++) assert.ok(seen.has(i), `number ${i} missing`);
    assert.equal(await daemon.stop(), 0);
    daemon = null;
  });
});
