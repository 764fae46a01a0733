// TLS from the first byte on the tcp and relp inputs and on the forward output, with certificates
// the test makes with openssl: a real rsyslog sends over its gtls driver (rsyslog-gnutls) and over
// omrelp with tls="on"; a client with an untrusted certificate, a certificate with a name that is
// not permitted, and a plain-text peer are refused, counted and logged, while a good peer is served.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { once } from 'node:events';
import { makeCerts, type Certs } from './support/certs.js';
import { lines, startDaemon, tempDir, type RunningDaemon } from './support/daemon.js';
import { feedTcp, numberOf, numberedText } from './support/feed.js';
import { haveRsyslog, haveRsyslogModule, startRsyslog, type Rsyslog } from './support/rsyslog.js';
import { waitFor } from './support/wait.js';

const COUNT = 20_000;

function numbersIn(file: string): Map<number, number> {
  const seen = new Map<number, number>();
  for (const l of lines(file)) {
    const n = numberOf(l);
    if (n !== null) seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  return seen;
}

function assertEveryNumberOnce(seen: Map<number, number>, count: number): void {
  assert.equal(seen.size, count);
  for (let i = 1; i <= count; i++) assert.equal(seen.get(i), 1, `number ${i}`);
}

/**
 * Tries a TLS handshake with the given client certificate and sends a line; resolves with the
 * error or refusal, or null when the connection is still up after `waitMs` (a refusal of the
 * client certificate comes after the client's side of a TLS 1.3 handshake ends).
 */
async function handshake(port: number, certs: Certs, cert?: string, key?: string, waitMs = 5000): Promise<string | null> {
  const sock = tls.connect({
    host: '127.0.0.1', port, ca: fs.readFileSync(certs.ca), servername: 'logsrv.example',
    cert: cert ? fs.readFileSync(cert) : undefined, key: key ? fs.readFileSync(key) : undefined,
  });
  return new Promise((resolve) => {
    sock.once('error', (e: Error) => resolve(e.message));
    // TLS 1.3: the server's verdict on the client certificate comes after the client's handshake ends.
    sock.once('secureConnect', () => {
      sock.write('<13>Nov 22 10:00:00 h probe: hello\n');
      sock.once('close', () => resolve('closed by the server'));
      setTimeout(() => { sock.destroy(); resolve(null); }, waitMs);
    });
  });
}

describe('TLS', function () {
  this.timeout(180_000);
  let certs: Certs;
  const daemons: RunningDaemon[] = [];
  const rsyslogs: Rsyslog[] = [];
  before(function () {
    if (!haveRsyslog()) this.skip();
    certs = makeCerts(tempDir('maillogd-certs-'));
  });
  afterEach(async () => {
    for (const r of rsyslogs.splice(0)) await r.stop();
    for (const d of daemons.splice(0)) await d.stop();
  });
  const start = async (ini: string): Promise<RunningDaemon> => {
    const d = await startDaemon(ini);
    daemons.push(d);
    return d;
  };

  it('takes rsyslog\'s gtls omfwd on the tcp input, also with client certificates required and named', async function () {
    if (!haveRsyslogModule('lmnsd_gtls.so')) this.skip();
    const d = await start(`[input.tls]
type = tcp
port = 0
port_file = {PORT:tls}
tls = true
tls_cert_file = ${certs.serverCert}
tls_key_file = ${certs.serverKey}
tls_ca_file = ${certs.ca}
tls_require_client_cert = true
tls_permitted_peers = node1.example, *.cluster.example
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`);
    assert.match(d.stderr(), /listening on tcp\+tls 127\.0\.0\.1:/);
    const rs = await startRsyslog(tempDir('maillogd-gtls-'),
      `action(type="omfwd" target="127.0.0.1" port="${d.ports.tls}" protocol="tcp" StreamDriver="gtls" StreamDriverMode="1"
        StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="logsrv.example"
        action.resumeRetryCount="-1" queue.type="LinkedList" queue.size="100000")`,
      `global(DefaultNetstreamDriverCAFile="${certs.ca}" DefaultNetstreamDriverCertFile="${certs.clientCert}"
        DefaultNetstreamDriverKeyFile="${certs.clientKey}")`);
    rsyslogs.push(rs);
    await feedTcp(rs.port, COUNT, (i) => `<22>Nov 22 10:00:00 mx1 postfix/smtpd[1]: ${numberedText(i)}\n`);
    const file = path.join(d.logRoot, 'all.log');
    await waitFor(`${COUNT} lines over TLS`, () => numbersIn(file).size >= COUNT, 60_000, 100);
    assertEveryNumberOnce(numbersIn(file), COUNT);
    assert.ok(lines(file).some((l) => l.endsWith(`mx1 postfix/smtpd[1]: ${numberedText(77)}`)));
  });

  it('takes rsyslog\'s omrelp with tls="on" on the relp input', async function () {
    if (!haveRsyslogModule('omrelp.so')) this.skip();
    const d = await start(`[input.relp]
type = relp
port = 0
port_file = {PORT:relp}
tls = true
tls_cert_file = ${certs.serverCert}
tls_key_file = ${certs.serverKey}
tls_ca_file = ${certs.ca}
tls_require_client_cert = true
tls_permitted_peers = node1.example
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`);
    const rs = await startRsyslog(tempDir('maillogd-relptls-'),
      `action(type="omrelp" target="127.0.0.1" port="${d.ports.relp}" windowSize="1024" tls="on"
        tls.caCert="${certs.ca}" tls.myCert="${certs.clientCert}" tls.myPrivKey="${certs.clientKey}"
        tls.authMode="name" tls.permittedPeer=["logsrv.example"]
        action.resumeRetryCount="-1" queue.type="LinkedList" queue.size="100000")`,
      'module(load="omrelp")');
    rsyslogs.push(rs);
    await feedTcp(rs.port, COUNT, (i) => `<22>Nov 22 10:00:00 mx1 app[1]: ${numberedText(i)}\n`);
    const file = path.join(d.logRoot, 'all.log');
    await waitFor(`${COUNT} lines over RELP/TLS`, () => numbersIn(file).size >= COUNT, 90_000, 100);
    assertEveryNumberOnce(numbersIn(file), COUNT);
  });

  it('refuses an untrusted certificate, a name not permitted and plain text, counts and logs them, and goes on serving', async () => {
    const d = await start(`[input.tls]
type = tcp
port = 0
port_file = {PORT:tls}
tls = true
tls_cert_file = ${certs.serverCert}
tls_key_file = ${certs.serverKey}
tls_ca_file = ${certs.ca}
tls_require_client_cert = true
tls_permitted_peers = node1.example
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`);
    const port = d.ports.tls!;
    assert.notEqual(await handshake(port, certs, certs.strangerCert, certs.strangerKey), null, 'a certificate from another CA');
    assert.notEqual(await handshake(port, certs, certs.otherCert, certs.otherKey), null, 'other.example is not permitted');
    assert.notEqual(await handshake(port, certs), null, 'no client certificate');
    const plain = net.connect(port, '127.0.0.1');
    await once(plain, 'connect');
    plain.write('<13>Nov 22 10:00:00 h plain: not TLS\n');
    await once(plain, 'close');
    assert.equal(await handshake(port, certs, certs.clientCert, certs.clientKey, 300), null, 'the good client');
    await waitFor('the good client\'s line', () => lines(path.join(d.logRoot, 'all.log')).length === 1, 10_000);
    assert.match(lines(path.join(d.logRoot, 'all.log'))[0]!, /probe: hello$/);
    await d.stop();
    const stats = /stopped; stats: (.*)/.exec(d.stderr())![1]!;
    assert.match(stats, /tls_failed\.handshake=3\b/, stats);
    assert.match(stats, /tls_failed\.peer_name=1\b/, stats);
    assert.match(d.stderr(), /input\.tls: 127\.0\.0\.1: TLS (handshake failed|peer refused): /);
  });

  it('forwards over TLS to an aggregator, and refuses an aggregator whose name is not the one expected', async () => {
    const agg = await start(`[input.relp]
type = relp
port = 0
port_file = {PORT:relp}
tls = true
tls_cert_file = ${certs.serverCert}
tls_key_file = ${certs.serverKey}
tls_ca_file = ${certs.ca}
tls_require_client_cert = true
tls_permitted_peers = node1.example
[output.cluster]
type = cluster
format = raw
[rule.all]
outputs = cluster
`);
    const node = (peers: string): Promise<RunningDaemon> => start(`[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.agg]
type = forward
host = 127.0.0.1
port = ${agg.ports.relp}
node = node1
reconnect_min_ms = 100
tls = true
tls_ca_file = ${certs.ca}
tls_cert_file = ${certs.clientCert}
tls_key_file = ${certs.clientKey}
tls_permitted_peers = ${peers}
[rule.all]
outputs = agg
`);
    const good = await node('logsrv.example');
    assert.match(good.stderr(), /started:/);
    await feedTcp(good.ports.tcp!, 2_000, (i) => `<22>Nov 22 10:00:00 mx1 app[1]: ${numberedText(i)}\n`);
    const base = path.join(agg.logRoot, 'cluster');
    const files = (): string[] => (fs.existsSync(base) ? (fs.readdirSync(base, { recursive: true }) as string[]).map((f) => path.join(base, f)).filter((f) => fs.statSync(f).isFile()) : []);
    await waitFor('2,000 records at the aggregator', () => files().length === 1 && numbersIn(files()[0]!).size === 2_000, 30_000, 100);
    assertEveryNumberOnce(numbersIn(files()[0]!), 2_000);
    const wrong = await node('someone-else.example');
    await waitFor('the refusal', () => /output\.agg: relp\+tls 127\.0\.0\.1:\d+: .*none of tls_permitted_peers/.test(wrong.stderr()), 10_000);
  });
});
