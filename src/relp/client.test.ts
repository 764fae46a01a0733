import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { RelpReader, rspFrame, type RelpFrame } from './frame.js';
import { RelpSession } from './client.js';

/** A scripted RELP server: `onFrame` answers each frame (or not). */
async function server(onFrame: (f: RelpFrame, sock: net.Socket) => void): Promise<{ port: number; srv: net.Server; frames: RelpFrame[] }> {
  const frames: RelpFrame[] = [];
  const srv = net.createServer((sock) => {
    const reader = new RelpReader(1 << 20);
    sock.on('data', (chunk: Buffer) => {
      const got: RelpFrame[] = [];
      reader.push(chunk, got);
      for (const f of got) {
        frames.push({ ...f, data: Buffer.from(f.data) });
        onFrame(f, sock);
      }
    });
    sock.on('error', () => undefined);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { port: (srv.address() as net.AddressInfo).port, srv, frames };
}

const OPEN_OK = (f: RelpFrame): Buffer => rspFrame(f.txnr, 200, 'OK', 'relp_version=0\nrelp_software=test\ncommands=syslog');

interface Seen { opened: number; answers: [number, number][]; ended: { err: Error | null; unanswered: number[] } | null }

function session(port: number, seen: Seen, opts: Partial<{ window: number; timeoutMs: number }> = {}): RelpSession<number> {
  return new RelpSession<number>({ host: '127.0.0.1', port, tls: null, window: opts.window ?? 4, timeoutMs: opts.timeoutMs ?? 5000 }, {
    opened: () => { seen.opened++; },
    answered: (tag, code) => { seen.answers.push([tag, code]); },
    ended: (err, unanswered) => { seen.ended = { err, unanswered }; },
  });
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('relp/client', () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  it('opens with relp_version=0 and commands=syslog, sends within the window, takes answers in order, closes', async () => {
    const s = await server((f, sock) => {
      if (f.command === 'open') sock.write(OPEN_OK(f));
      else if (f.command === 'syslog') sock.write(rspFrame(f.txnr, f.data.toString() === 'bad' ? 500 : 200, f.data.toString() === 'bad' ? 'refused' : 'OK'));
      else if (f.command === 'close') sock.end(Buffer.concat([rspFrame(f.txnr, 200, 'OK'), Buffer.from('0 serverclose 0\n')]));
    });
    servers.push(s.srv);
    const seen: Seen = { opened: 0, answers: [], ended: null };
    const c = session(s.port, seen, { window: 2 });
    c.connect();
    await until(() => seen.opened === 1);
    assert.match(s.frames[0]!.data.toString(), /^relp_version=0\nrelp_software=maillogd,[^\n]+\ncommands=syslog$/);
    c.send(Buffer.from('one'), 1);
    c.send(Buffer.from('bad'), 2);
    assert.equal(c.canSend, false, 'window of 2 is full');
    await until(() => seen.answers.length === 2);
    c.send(Buffer.from('three'), 3);
    await until(() => seen.answers.length === 3);
    assert.deepEqual(seen.answers, [[1, 200], [2, 500], [3, 200]]);
    assert.deepEqual(s.frames.slice(1).map((f) => `${f.txnr} ${f.command} ${f.data.toString()}`), ['2 syslog one', '3 syslog bad', '4 syslog three']);
    await c.close(1000);
    assert.equal(s.frames[s.frames.length - 1]!.command, 'close');
    assert.deepEqual(seen.ended, { err: null, unanswered: [] });
  });

  it('hands back what was not answered when the server goes away', async () => {
    const s = await server((f, sock) => {
      if (f.command === 'open') sock.write(OPEN_OK(f));
      else if (f.command === 'syslog' && f.data.toString() === 'a') sock.write(rspFrame(f.txnr, 200, 'OK'));
      else if (f.command === 'syslog' && f.data.toString() === 'c') sock.destroy();
    });
    servers.push(s.srv);
    const seen: Seen = { opened: 0, answers: [], ended: null };
    const c = session(s.port, seen);
    c.connect();
    await until(() => seen.opened === 1);
    c.send(Buffer.from('a'), 1);
    c.send(Buffer.from('b'), 2);
    c.send(Buffer.from('c'), 3);
    await until(() => seen.ended !== null);
    assert.deepEqual(seen.answers, [[1, 200]]);
    assert.deepEqual(seen.ended!.unanswered, [2, 3]);
    assert.match(seen.ended!.err!.message, /closed by the server/);
  });

  it('gives up on a server that does not answer, and on one that refuses open or lacks syslog', async () => {
    const silent = await server((f, sock) => { if (f.command === 'open') sock.write(OPEN_OK(f)); });
    const refusing = await server((f, sock) => sock.write(rspFrame(f.txnr, 500, 'go away')));
    const noSyslog = await server((f, sock) => sock.write(rspFrame(f.txnr, 200, 'OK', 'relp_version=0\ncommands=other')));
    servers.push(silent.srv, refusing.srv, noSyslog.srv);
    const a: Seen = { opened: 0, answers: [], ended: null };
    const ca = session(silent.port, a, { timeoutMs: 300 });
    ca.connect();
    await until(() => a.opened === 1);
    ca.send(Buffer.from('x'), 7);
    await until(() => a.ended !== null);
    assert.match(a.ended!.err!.message, /timed out after 300 ms waiting for answers/);
    assert.deepEqual(a.ended!.unanswered, [7]);
    for (const [s, re] of [[refusing, /refused open: 500 go away/], [noSyslog, /does not offer the syslog command/]] as const) {
      const seen: Seen = { opened: 0, answers: [], ended: null };
      session(s.port, seen).connect();
      await until(() => seen.ended !== null);
      assert.equal(seen.opened, 0);
      assert.match(seen.ended!.err!.message, re);
    }
  });

  it('reports a refused connection', async () => {
    const s = await server(() => undefined);
    const port = s.port;
    s.srv.close();
    await once(s.srv, 'close');
    const seen: Seen = { opened: 0, answers: [], ended: null };
    session(port, seen).connect();
    await until(() => seen.ended !== null);
    assert.match(seen.ended!.err!.message, /ECONNREFUSED/);
  });
});
