import assert from 'node:assert/strict';
import type tls from 'node:tls';
import { validateSection, type ConfigProblem } from '../config/schema.js';
import { certificateNames, checkTlsClient, checkTlsServer, peerNameAllowed, tlsClientSpec, tlsServerSpec } from './tls.js';

const cert = (cn: string, san?: string): tls.PeerCertificate => ({ subject: { CN: cn }, subjectaltname: san } as unknown as tls.PeerCertificate);

describe('util/tls', () => {
  it('names a certificate by its DNS subjectAltNames, then its CN', () => {
    assert.deepEqual(certificateNames(cert('mx1', 'DNS:mx1.example, IP Address:10.0.0.1, DNS:mail.example')), ['mx1.example', 'mail.example', 'mx1']);
    assert.deepEqual(certificateNames(cert('only-cn')), ['only-cn']);
  });

  it('allows a peer when one of its names matches a permitted glob, case-insensitively', () => {
    assert.ok(peerNameAllowed(cert('x', 'DNS:Node1.Cluster.Example'), ['*.cluster.example']));
    assert.ok(peerNameAllowed(cert('node7'), ['node?']));
    assert.equal(peerNameAllowed(cert('other', 'DNS:other.example'), ['node1.example', '*.cluster.example']), false);
  });

  it('reports what a TLS server or client section lacks, by key', () => {
    const problems: ConfigProblem[] = [];
    const server = validateSection(tlsServerSpec, { tls: 'true', tls_ca_file: '/nonexistent/ca.pem', tls_permitted_peers: 'a.example' }, 'input.t', problems);
    assert.deepEqual(problems, []);
    assert.deepEqual(checkTlsServer(server).map(([k, m]) => `${k}: ${m}`), [
      'tls_cert_file: required with tls = true',
      'tls_key_file: required with tls = true',
      'tls_permitted_peers: only checked on client certificates: set tls_require_client_cert = true',
      'tls_ca_file: cannot read /nonexistent/ca.pem: ENOENT',
    ]);
    assert.deepEqual(checkTlsServer(validateSection(tlsServerSpec, { tls_cert_file: '/nonexistent' }, 'input.t', problems)), [], 'nothing is checked with tls off');
    const client = validateSection(tlsClientSpec, { tls: 'true', tls_cert_file: '/etc/hostname' }, 'output.f', problems);
    assert.deepEqual(checkTlsClient(client), [['tls_key_file', 'tls_cert_file and tls_key_file go together']]);
  });
});
