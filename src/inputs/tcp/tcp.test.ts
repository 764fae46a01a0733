import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { createTcpInput } from './index.js';
import { tcpInputSpec } from './config.js';
import { validateSection } from '../../config/schema.js';
import { fakeInputContext } from '../input.testkit.js';
import { waitFor } from '../../../test/support/wait.js';

function config(keys: Record<string, string>) {
  return validateSection(tcpInputSpec, { port: '0', ...keys }, 'input.tcp', []);
}
function portOf(describe: string): number {
  return Number(/:(\d+)$/.exec(describe)![1]);
}
async function connect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  const s = net.connect({ port, host });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

describe('tcp input', () => {
  it('takes LF, NUL and octet-counted frames mixed on one connection', async () => {
    const ctx = fakeInputContext('tcp');
    const input = createTcpInput(config({}), ctx);
    await input.start();
    const s = await connect(portOf(input.describe()));
    const counted = '<13>Nov 22 04:00:00 h a: oc\n';
    s.end(`<13>Nov 22 04:00:00 h a: lf\n<13>Nov 22 04:00:00 h a: nul\0${counted.length} ${counted}<13>Nov 22 04:00:00 h a: last no newline`);
    await waitFor('4 records', () => ctx.records.length === 4);
    await input.close();
    assert.deepEqual(ctx.messages, ['lf', 'nul', 'oc', 'last no newline']);
  });

  it('pauses reading while the pipeline is busy and loses nothing when it resumes', async () => {
    const ctx = fakeInputContext('tcp');
    const input = createTcpInput(config({}), ctx);
    await input.start();
    ctx.busy = true;
    const s = await connect(portOf(input.describe()));
    const N = 200_000;
    let written = 0;
    let blocked = false;
    // Write until the kernel buffers are full: the client sees backpressure because the server stopped reading.
    while (written < N) {
      written++;
      if (!s.write(`<13>Nov 22 04:00:00 h a: ${written}\n`)) { blocked = true; break; }
    }
    await waitFor('the first batch', () => ctx.records.length > 0);
    const seenWhileBusy = ctx.records.length;
    assert.ok(blocked, 'the client never saw backpressure');
    assert.ok(seenWhileBusy < written, `all ${written} were read while busy`);
    ctx.busy = false;
    const rest = (async () => {
      while (written < N) {
        written++;
        if (!s.write(`<13>Nov 22 04:00:00 h a: ${written}\n`)) await once(s, 'drain');
      }
      s.end();
    })();
    await rest;
    await waitFor(`${N} records`, () => ctx.records.length === N, 20_000);
    await input.close();
    ctx.messages.forEach((m, i) => assert.equal(m, String(i + 1)));
  });

  it('refuses connections beyond max_connections and closes idle ones', async () => {
    const ctx = fakeInputContext('tcp');
    const input = createTcpInput(config({ max_connections: '2', idle_timeout_secs: '1' }), ctx);
    await input.start();
    const port = portOf(input.describe());
    const a = await connect(port);
    const b = await connect(port);
    await waitFor('2 connections', () => ctx.counters.get('input.tcp', 'connections').value === 2);
    const c = await connect(port);
    await once(c, 'close');
    assert.equal(ctx.counters.get('input.tcp', 'refused', 'max_connections').value, 1);
    await Promise.all([once(a, 'close'), once(b, 'close')]);
    assert.equal(ctx.counters.get('input.tcp', 'closed', 'idle_timeout').value, 2);
    await input.close();
  });

  it('listens on IPv6 and cuts an oversize frame, then resynchronises', async () => {
    const ctx = fakeInputContext('tcp');
    const input = createTcpInput(config({ address: '::1', max_message_bytes: '1024' }), ctx);
    await input.start();
    const s = await connect(portOf(input.describe()), '::1');
    s.end(`<13>Nov 22 04:00:00 h a: ${'z'.repeat(5000)}\n<13>Nov 22 04:00:00 h a: next\n`);
    await waitFor('2 records', () => ctx.records.length === 2);
    await input.close();
    assert.equal(ctx.records[0]!.raw.length, 1024);
    assert.equal(ctx.messages[1], 'next');
    assert.equal(ctx.records[1]!.peer, '::1');
    assert.equal(ctx.counters.get('input.tcp', 'truncated').value, 1);
  });
});
