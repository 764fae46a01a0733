import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { createUdpInput } from './index.js';
import { udpInputSpec } from './config.js';
import { validateSection } from '../../config/schema.js';
import { fakeInputContext } from '../input.testkit.js';
import { compileAccess } from '../../engine/access.js';
import { waitFor } from '../../../test/support/wait.js';

function config(keys: Record<string, string>) {
  return validateSection(udpInputSpec, { port: '0', ...keys }, 'input.udp', []);
}

async function send(family: 'udp4' | 'udp6', port: number, host: string, msgs: (string | Buffer)[]) {
  const s = dgram.createSocket(family);
  for (const m of msgs) await new Promise<void>((r) => s.send(m, port, host, () => r()));
  s.close();
}

function portOf(describe: string): number {
  return Number(/:(\d+)$/.exec(describe)![1]);
}

describe('udp input', () => {
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
});
