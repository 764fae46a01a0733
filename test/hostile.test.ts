// Hostile input: oversize frames, invalid UTF-8, NUL bytes, bad PRI, empty datagrams, a peer
// sending random bytes for 10 s and 2,000 idle connections, while a well-behaved peer keeps
// sending numbered messages. The daemon must keep serving it, lose none of its messages, and
// write nothing outside its log root whatever the hostnames say.

import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startDaemon, lines, tempDir, type RunningDaemon } from './support/daemon.js';
import { waitFor } from './support/wait.js';
import { numberedText, numberOf } from './support/feed.js';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect({ port, host: '127.0.0.1' });
  s.on('error', () => { /* the daemon may close hostile connections */ });
  await once(s, 'connect');
  return s;
}

describe('hostile peers', function () {
  this.timeout(120_000);
  let daemon: RunningDaemon;
  let outer: string;
  before(async () => {
    outer = tempDir('maillogd-hostile-');
    // The log root sits two levels down so that an escape such as ../../x would land in `outer`.
    daemon = await startDaemon(`
[input.udp]
type = udp
port = 0
port_file = {PORT:udp}
[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
max_connections = 2500
[output.byhost]
type = file
path = hosts/%{host}/%{app}.log
[output.all]
type = file
path = all.log
[rule.byhost]
outputs = byhost, all
`, { dir: path.join(outer, 'a', 'b') });
  });
  after(async () => {
    assert.equal(await daemon.stop(), 0);
  });

  it('serves a good peer through oversize, malformed and random input and 2,000 idle connections', async () => {
    const { udp, tcp } = daemon.ports as { udp: number; tcp: number };
    const idle: net.Socket[] = [];
    for (let i = 0; i < 2000; i++) idle.push(await connect(tcp));

    const u = dgram.createSocket('udp4');
    const hostile = [
      Buffer.alloc(0),
      Buffer.from('<999>Nov 22 04:00:00 host app: bad pri'),
      Buffer.from('<13>Nov 22 04:00:00 ../../escape ../../app[1]: traversal'),
      Buffer.from('<13>Nov 22 04:00:00 /etc passwd: absolute'),
      Buffer.from('<13>1 2026-11-22T04:00:00Z .. .. - - - dots'),
      Buffer.concat([Buffer.from('<13>Nov 22 04:00:00 host app: bad utf8 '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0, 1, 0x1b])]),
      Buffer.from([0, 0, 0]),
      Buffer.from('<>'),
      Buffer.from('<13>'),
    ];
    for (const h of hostile) u.send(h, udp, '127.0.0.1');

    const big = await connect(tcp);
    big.write(Buffer.alloc(1024 * 1024, 0x41));
    big.write('\n<13>Nov 22 04:00:00 bighost app: after the big frame\n');
    const head = '<13>Nov 22 04:00:00 bighost app: ';
    big.write(`1048576 ${head}${'B'.repeat(1024 * 1024 - head.length)}`);
    big.write('<13>Nov 22 04:00:00 bighost app: after the big counted frame\n');
    big.end();

    // Random bytes for 10 s (bounded in time and in volume), while the good peer sends.
    const noise = await connect(tcp);
    const noiseUntil = Date.now() + 10_000;
    let noiseBytes = 0;
    const noiseDone = (async () => {
      while (Date.now() < noiseUntil && noiseBytes < 200 * 1024 * 1024 && !noise.destroyed) {
        noiseBytes += 64 * 1024;
        if (!noise.write(randomBytes(64 * 1024))) await once(noise, 'drain');
      }
      noise.destroy();
    })();

    const good = await connect(tcp);
    const GOOD = 20_000;
    for (let i = 1; i <= GOOD; i++) {
      if (!good.write(`<22>Nov 22 04:00:00 goodhost postfix/smtpd[7]: ${numberedText(i)}\n`)) await once(good, 'drain');
      if (i % 1000 === 0) await new Promise((r) => setTimeout(r, 400));
    }
    good.end();
    await noiseDone;

    const goodFile = path.join(daemon.logRoot, 'hosts/goodhost/postfix_smtpd.log');
    await waitFor(`${GOOD} good lines`, () => lines(goodFile).length >= GOOD, 60_000, 200);
    const nums = lines(goodFile).map(numberOf);
    assert.equal(nums.length, GOOD);
    nums.forEach((n, i) => assert.equal(n, i + 1));

    const all = path.join(daemon.logRoot, 'all.log');
    await waitFor('the line after the big frame', () => lines(all).some((l) => l.endsWith('after the big frame')));
    await waitFor('the line after the big counted frame', () => lines(all).some((l) => l.endsWith('after the big counted frame')));
    await waitFor('the bad-utf8 line', () => lines(all).some((l) => l.includes('bad utf8')));
    const text = daemon.read('all.log');
    assert.ok(!text.includes('\0'), 'a NUL byte reached the output');
    assert.ok(lines(all).some((l) => l.endsWith('bad pri')), 'the <999> line was lost');

    // Still serving after all that: the idle connections are open and a new message gets through.
    u.send('<13>Nov 22 04:00:00 lasthost app: still alive', udp, '127.0.0.1');
    await waitFor('a message after the attack', () => lines(all).some((l) => l.endsWith('still alive')));
    for (const s of idle) s.destroy();
    u.close();

    // Nothing outside the log root: every file under `outer` is the daemon's own or under log/.
    const stray = walk(outer).filter((f) => {
      const rel = path.relative(path.join(outer, 'a', 'b'), f);
      return !rel.startsWith('log' + path.sep) && !rel.startsWith('state' + path.sep) && !/^(maillogd\.ini|port\.\w+|control\.sock)$/.test(rel);
    });
    assert.deepEqual(stray, []);
  });
});
