// util-linux logger, the tool admins test a syslog target with, against the built daemon:
// UDP and TCP, LF framing and octet counting, RFC 3164 and RFC 5424.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startDaemon, lines, type RunningDaemon } from './support/daemon.js';
import { waitFor } from './support/wait.js';

const cases: { name: string; args: string[] }[] = [
  { name: 'UDP RFC 3164', args: ['-d', '--rfc3164'] },
  { name: 'UDP RFC 5424', args: ['-d', '--rfc5424'] },
  { name: 'TCP RFC 3164 LF', args: ['-T', '--rfc3164'] },
  { name: 'TCP RFC 5424 LF', args: ['-T', '--rfc5424'] },
  { name: 'TCP RFC 3164 octet-count', args: ['-T', '--rfc3164', '--octet-count'] },
  { name: 'TCP RFC 5424 octet-count', args: ['-T', '--rfc5424', '--octet-count'] },
];

describe('util-linux logger → maillogd', function () {
  this.timeout(60_000);
  let daemon: RunningDaemon;
  before(async () => {
    daemon = await startDaemon(`
[input.udp]
type = udp
port = 0
port_file = {PORT:udp}
[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.all]
type = file
path = all.log
[output.mail]
type = file
path = mail.log
format = rfc5424
[rule.mail]
priority = 10
facility = mail
outputs = mail
[rule.all]
priority = 20
outputs = all
`);
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('reads UDP with recvmmsg when the build made the addon (the bundled daemon finds it)', function () {
    // Without a C compiler the build warns and the input reads through node:dgram; CI and the
    // packages build with MAILLOGD_NATIVE=required, where the addon must be there and found.
    if (process.env.MAILLOGD_NATIVE !== 'required') this.skip();
    assert.match(daemon.stderr(), /input\.udp: listening on udp \S+, reading with recvmmsg/);
  });

  const host = os.hostname().split('.')[0]!;
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const text = `case ${i} ${c.name} \u00e9t\u00e9 [x] "y"`;
      const port = c.args.includes('-T') ? daemon.ports.tcp! : daemon.ports.udp!;
      execFileSync('logger', ['-n', '127.0.0.1', '-P', String(port), ...c.args, '-p', 'mail.warning', '-t', 'postfix/smtpd', '-i', text]);
      const file = path.join(daemon.logRoot, 'all.log');
      const line = await waitFor(`"${text}" in all.log`, () => lines(file).find((l) => l.endsWith(`: ${text}`)));
      // logger -i puts its own pid in the tag: postfix/smtpd[PID]
      assert.match(line, new RegExp(`^[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d ${host} postfix/smtpd\\[\\d+\\]: `));
      const mail = await waitFor('the same record in mail.log', () =>
        lines(path.join(daemon.logRoot, 'mail.log')).find((l) => l.endsWith(` ${text}`)));
      // mail.warning = facility 2, severity 4 → PRI 20
      assert.match(mail, new RegExp(`^<20>1 \\d{4}-\\d\\d-\\d\\dT\\S+ ${host} postfix/smtpd \\d+ - `));
    });
  });
});
