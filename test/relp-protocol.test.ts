// The relp input's answers on the wire, byte for byte, as librelp's client expects them: the open
// offers, acks in order (also when many are pipelined in one segment), 500 on a second open,
// close answered then followed by serverclose, and serverclose for an unknown command.

import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startDaemon, type RunningDaemon } from './support/daemon.js';
import { waitFor } from './support/wait.js';

/** Connects, sends `data`, and collects what comes back until the server closes or `until` holds. */
async function exchange(port: number, data: string, until: (got: string) => boolean): Promise<{ got: string; closed: boolean }> {
  const sock = net.connect(port, '127.0.0.1');
  await once(sock, 'connect');
  let got = '';
  let closed = false;
  sock.on('data', (d: Buffer) => { got += d.toString('latin1'); });
  sock.on('close', () => { closed = true; });
  sock.write(data);
  await waitFor('answers', () => closed || until(got), 10_000, 5);
  // The server ends the connection after serverclose.
  if (got.endsWith('0 serverclose 0\n')) await waitFor('the server to close', () => closed, 5_000, 5);
  sock.destroy();
  return { got, closed };
}

const frame = (txnr: number, cmd: string, data = ''): string =>
  data === '' ? `${txnr} ${cmd} 0\n` : `${txnr} ${cmd} ${Buffer.byteLength(data)} ${data}\n`;
const OPEN = frame(1, 'open', 'relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog');

describe('relp input on the wire', function () {
  this.timeout(60_000);
  let d: RunningDaemon;
  before(async () => {
    d = await startDaemon(`[input.relp]
type = relp
port = 0
port_file = {PORT:relp}
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`);
  });
  after(async () => {
    await d.stop();
  });

  it('answers open with its offers, then acks 2,000 pipelined messages in order, then close and serverclose', async () => {
    let msgs = '';
    for (let i = 2; i <= 2001; i++) msgs += frame(i, 'syslog', `<13>Nov 22 10:00:00 h app: m${i}`);
    const { got, closed } = await exchange(d.ports.relp!, OPEN + msgs + frame(2002, 'close'), (g) => g.endsWith('0 serverclose 0\n'));
    const open = /^1 rsp (\d+) (200 OK\nrelp_version=0\nrelp_software=maillogd,[^\n]+\ncommands=syslog)\n/.exec(got);
    assert.ok(open, got.slice(0, 200));
    assert.equal(Number(open[1]), Buffer.byteLength(open[2]!));
    let want = '';
    for (let i = 2; i <= 2001; i++) want += `${i} rsp 6 200 OK\n`;
    assert.equal(got.slice(open[0].length), `${want}2002 rsp 6 200 OK\n0 serverclose 0\n`);
    assert.ok(closed);
    await waitFor('the messages in the file', () => d.read('all.log').split('\n').length > 2000, 10_000);
  });

  it('refuses a second open with 500 and ends the session', async () => {
    const { got, closed } = await exchange(d.ports.relp!, OPEN + frame(2, 'syslog', '<13>x') + OPEN.replace(/^1 /, '3 '), () => false);
    assert.ok(closed);
    assert.match(got, /\n2 rsp 6 200 OK\n3 rsp \d+ 500 protocol error: connection already open\n$/);
  });

  it('ends the session with serverclose on an unknown command, after acking what came before', async () => {
    const { got, closed } = await exchange(d.ports.relp!, OPEN + frame(2, 'syslog', '<13>y') + frame(3, 'bogus'), () => false);
    assert.ok(closed);
    assert.match(got, /\n2 rsp 6 200 OK\n0 serverclose 0\n$/);
  });
});
