import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { createUdpInput } from './index.js';
import { udpInputSpec } from './config.js';
import { validateSection } from '../../config/schema.js';
import { fakeInputContext } from '../input.testkit.js';
import { compileAccess } from '../../engine/access.js';
import { waitFor } from '../../../test/support/wait.js';
import { loadUdpRecv } from './native.js';
import { BATCH_SLOTS } from './receivers.js';

let method = 'dgram';
function config(keys: Record<string, string>) {
  return validateSection(udpInputSpec, { port: '0', receive_method: method, ...keys }, 'input.udp', []);
}

async function send(family: 'udp4' | 'udp6', port: number, host: string, msgs: (string | Buffer)[]) {
  const s = dgram.createSocket(family);
  for (const m of msgs) await new Promise<void>((r) => s.send(m, port, host, () => r()));
  s.close();
}

function portOf(describe: string): number {
  return Number(/:(\d+)$/.exec(describe)![1]);
}

// `npm run build` makes the addon wherever a C compiler exists; without one only dgram is tested.
const addon = loadUdpRecv();
const haveCompiler = spawnSync('cc', ['--version']).status === 0;
const methods = addon instanceof Error && !haveCompiler ? ['dgram'] : ['recvmmsg', 'dgram'];

for (const m of methods) describe(`udp input (receive_method = ${m})`, () => {
  before(() => {
    method = m;
  });

  it('receives one record per datagram over IPv4, strips a trailing LF, cuts oversize datagrams', async () => {
    const ctx = fakeInputContext('udp');
    const input = createUdpInput(config({ max_message_bytes: '100' }), ctx);
    await input.start();
    await send('udp4', portOf(input.describe()), '127.0.0.1', [
      '<13>Nov 22 04:00:00 h app: one\n', '<13>Nov 22 04:00:00 h app: two', '', `<13>Nov 22 04:00:00 h app: ${'x'.repeat(200)}`,
    ]);
    await waitFor('3 records', () => ctx.records.length === 3);
    await input.close();
    assert.deepEqual(ctx.messages.slice(0, 2), ['one', 'two']);
    assert.equal(ctx.records[2]!.raw.length, 100);
    assert.equal(ctx.counters.total('input.udp', 'received'), 3);
    assert.equal(ctx.counters.get('input.udp', 'discarded', 'empty').value, 1);
    assert.equal(ctx.counters.get('input.udp', 'truncated').value, 1);
    assert.equal(ctx.records[0]!.peer, '127.0.0.1');
    assert.match(ctx.logLines.join('\n'), /receive buffer \d+ bytes/);
  });

  it('listens on IPv6', async () => {
    const ctx = fakeInputContext('udp6');
    const input = createUdpInput(config({ address: '::1' }), ctx);
    await input.start();
    assert.match(input.describe(), /^udp \[::1\]:\d+$/);
    await send('udp6', portOf(input.describe()), '::1', ['<13>Nov 22 04:00:00 h app: over v6']);
    await waitFor('the record', () => ctx.records.length === 1);
    await input.close();
    assert.equal(ctx.records[0]!.peer, '::1');
    assert.equal(ctx.messages[0], 'over v6');
  });

  it('drops and counts datagrams from denied peers', async () => {
    const access = compileAccess([{ action: 'deny', sources: ['127.0.0.2'], priority: 10, enabled: true }]);
    const ctx = fakeInputContext('udp', access);
    const input = createUdpInput(config({ address: '0.0.0.0' }), ctx);
    await input.start();
    const port = portOf(input.describe());
    const denied = dgram.createSocket('udp4');
    await new Promise<void>((r) => denied.bind(0, '127.0.0.2', r));
    await new Promise<void>((r) => denied.send('<13>Nov 22 04:00:00 h app: denied', port, '127.0.0.1', () => r()));
    denied.close();
    await send('udp4', port, '127.0.0.1', ['<13>Nov 22 04:00:00 h app: allowed']);
    await waitFor('the allowed record and the denial', () => ctx.records.length === 1 && ctx.counters.get('input.udp', 'denied').value === 1);
    await input.close();
    assert.deepEqual(ctx.messages, ['allowed']);
  });

  it('reports a port in use clearly', async () => {
    const a = createUdpInput(config({}), fakeInputContext('a'));
    await a.start();
    const b = createUdpInput(config({ port: String(portOf(a.describe())) }), fakeInputContext('b'));
    await assert.rejects(b.start(), /input\.b: cannot listen on udp 127\.0\.0\.1:\d+: bind EADDRINUSE/);
    await b.close();
    await a.close();
  });

  it('keeps order and count over many batches, and names IPv4 peers of a dual-stack socket as dgram does', async () => {
    const ctx = fakeInputContext('udp');
    const input = createUdpInput(config({ address: '::' }), ctx);
    await input.start();
    const port = portOf(input.describe());
    const n = BATCH_SLOTS * 20 + 7;
    const s = dgram.createSocket('udp4');
    // Sent in bursts, so that the receiver finds many datagrams waiting (well under the buffer).
    for (let i = 0; i < n; i += 200) {
      const sent = [];
      for (let j = i; j < Math.min(n, i + 200); j++) {
        sent.push(new Promise<void>((r) => s.send(`<13>Nov 22 04:00:00 h app: n=${j}`, port, '127.0.0.1', () => r())));
      }
      await Promise.all(sent);
    }
    s.close();
    await waitFor(`${n} records`, () => ctx.records.length === n);
    await input.close();
    assert.deepEqual(ctx.messages, Array.from({ length: n }, (_, i) => `n=${i}`));
    assert.equal(ctx.records[0]!.peer, '::ffff:127.0.0.1');
    assert.match(ctx.logLines.join('\n'), new RegExp(`reading with ${m}`));
  });

  it('counts datagrams the kernel dropped for a full receive buffer (recvmmsg only)', async function () {
    if (m !== 'recvmmsg') this.skip(); // node:dgram cannot see the kernel's drop count
    const ctx = fakeInputContext('udp');
    const input = createUdpInput(config({ receive_buffer_bytes: '0' }), ctx); // the kernel default
    await input.start();
    const port = portOf(input.describe());
    const sent = 4000;
    // The child sends while this process's event loop is blocked in spawnSync: ~4 MB against a
    // receive buffer of ~200 KiB, so most are dropped by the kernel.
    const child = spawnSync(process.execPath, ['-e', `
      const s = require('node:dgram').createSocket('udp4');
      const body = Buffer.alloc(1000, 0x61);
      let i = 0;
      const next = () => i === ${sent} ? s.close() : s.send(Buffer.concat([Buffer.from('<13>Nov 22 04:00:00 h app: n=' + i++ + ' '), body]), ${port}, '127.0.0.1', next);
      next();`], { timeout: 30_000 });
    assert.equal(child.status, 0, String(child.stderr));
    const dropped = () => ctx.counters.get('input.udp', 'discarded', 'receive_buffer_full').value;
    await waitFor('every datagram read or counted as dropped', () => ctx.records.length + dropped() === sent);
    await input.close();
    assert.ok(dropped() > 0, 'some datagrams were dropped');
    assert.match(ctx.logLines.join('\n'), /the kernel dropped \d+ datagrams/);
  });

  it('reads a socket it is handed (systemd) and closes it at close', async function () {
    if (addon instanceof Error) this.skip(); // the addon makes the bound fd to hand over
    const fd = openSync('/dev/null', 'r'); // not a socket: refused clearly
    const ctx0 = { ...fakeInputContext('bad'), inheritedFd: fd };
    await assert.rejects(createUdpInput(config({}), ctx0).start(), /input\.bad: cannot listen on udp/);
    closeSync(fd);
    const [handed, donorPort] = addon.bind('127.0.0.1', 0);
    const ctx = { ...fakeInputContext('sd'), inheritedFd: handed };
    const input = createUdpInput(config({}), ctx);
    await input.start();
    assert.equal(input.describe(), `udp 127.0.0.1:${donorPort} (fd ${handed} from systemd)`);
    await send('udp4', donorPort, '127.0.0.1', ['<13>Nov 22 04:00:00 h app: via fd']);
    await waitFor('the record', () => ctx.messages.length === 1);
    await input.close();
    assert.deepEqual(ctx.messages, ['via fd']);
    assert.throws(() => fstatSync(handed), /EBADF/);
  });
});
