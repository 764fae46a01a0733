// Certificates for TLS tests, made with the openssl CLI in a temp dir: a CA, a server certificate
// for `logsrv.example` (and 127.0.0.1), client certificates for `node1.example` and
// `other.example` from that CA, and one for `node1.example` from an unrelated CA.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Certs {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly otherCert: string;
  readonly otherKey: string;
  /** node1.example, signed by a CA the server does not trust. */
  readonly strangerCert: string;
  readonly strangerKey: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30',
    '-subj', `/CN=${name} test CA`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function makeCert(dir: string, ca: string, name: string, cn: string, san: string): void {
  openssl(dir, 'req', ...KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  fs.writeFileSync(path.join(dir, `${name}.ext`),
    `subjectAltName=${san}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.pem`, '-days', '30', '-extfile', `${name}.ext`);
}

export function makeCerts(dir: string): Certs {
  fs.mkdirSync(dir, { recursive: true });
  makeCa(dir, 'ca');
  makeCa(dir, 'strangers');
  makeCert(dir, 'ca', 'server', 'logsrv.example', 'DNS:logsrv.example,IP:127.0.0.1');
  makeCert(dir, 'ca', 'client', 'node1.example', 'DNS:node1.example');
  makeCert(dir, 'ca', 'other', 'other.example', 'DNS:other.example');
  makeCert(dir, 'strangers', 'stranger', 'node1.example', 'DNS:node1.example');
  const f = (n: string): string => path.join(dir, n);
  return {
    dir, ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key'),
    otherCert: f('other.pem'), otherKey: f('other.key'), strangerCert: f('stranger.pem'), strangerKey: f('stranger.key'),
  };
}
