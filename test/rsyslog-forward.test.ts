// A real rsyslogd forwards 100,000 numbered messages to the built daemon over UDP, TCP with
// LF framing and TCP with octet counting. Every number must arrive exactly once, in order over
// TCP, with the message text byte for byte.

import assert from 'node:assert/strict';
import path from 'node:path';
import { startDaemon, tempDir, lines, type RunningDaemon } from './support/daemon.js';
import { haveRsyslog, startRsyslog, type Rsyslog } from './support/rsyslog.js';
import { feedTcp, numberedText, numberOf } from './support/feed.js';
import { waitFor } from './support/wait.js';

const COUNT = 100_000;
const STAMP = 'Nov 22 04:00:00';
const expectedLine = (n: number) => `${STAMP} mailhost postfix/smtpd[4242]: ${numberedText(n)}`;

const modes = [
  { name: 'UDP', action: 'protocol="udp"', perSec: 20_000, ordered: false },
  { name: 'TCP, LF framing', action: 'protocol="tcp" TCP_Framing="traditional"', perSec: 0, ordered: true },
  { name: 'TCP, octet counting', action: 'protocol="tcp" TCP_Framing="octet-counted"', perSec: 0, ordered: true },
];

describe('rsyslog omfwd → maillogd, 100,000 numbered messages', function () {
  this.timeout(180_000);
  before(function () {
    if (!haveRsyslog()) throw new Error('rsyslogd not installed (apt-get install rsyslog)');
  });

  for (const mode of modes) {
    describe(mode.name, () => {
      let daemon: RunningDaemon | undefined;
      let rsyslog: Rsyslog | undefined;
      after(async () => {
        await rsyslog?.stop();
        await daemon?.stop();
      });

      it('delivers every number exactly once, byte-faithful', async () => {
        const proto = mode.name === 'UDP' ? 'udp' : 'tcp';
        daemon = await startDaemon(`
[input.in]
type = ${proto}
address = 127.0.0.1
port = 0
port_file = {PORT:in}
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`);
        const dir = tempDir('maillogd-rsyslog-');
        rsyslog = await startRsyslog(dir, `action(type="omfwd" target="127.0.0.1" port="${daemon.ports.in}" ${mode.action}
  queue.type="LinkedList" queue.size="300000" action.resumeRetryCount="-1")`);
        await feedTcp(rsyslog.port, COUNT, (i) => `<22>${STAMP} mailhost postfix/smtpd[4242]: ${numberedText(i)}\n`, mode.perSec);
        const file = path.join(daemon.logRoot, 'all.log');
        await waitFor(`${COUNT} lines in all.log`, () => lines(file).length >= COUNT, 120_000, 200);
        await rsyslog.stop();
        assert.equal(await daemon.stop(), 0);

        const got = lines(file);
        const seen = new Uint8Array(COUNT + 1);
        let prev = 0;
        let disorder = 0;
        for (const l of got) {
          const n = numberOf(l);
          assert.ok(n !== null && n >= 1 && n <= COUNT, `unexpected line: ${l}`);
          assert.equal(l, expectedLine(n));
          seen[n]!++;
          if (n < prev) disorder++;
          prev = n;
        }
        const missing = [];
        const dup = [];
        for (let n = 1; n <= COUNT; n++) {
          if (seen[n] === 0) missing.push(n);
          if (seen[n]! > 1) dup.push(n);
        }
        assert.deepEqual({ missing: missing.slice(0, 10), missingCount: missing.length, dupCount: dup.length },
          { missing: [], missingCount: 0, dupCount: 0 });
        assert.equal(got.length, COUNT);
        if (mode.ordered) assert.equal(disorder, 0, 'lines out of order on one TCP connection');
      });
    });
  }
});
