// TLS for the stream inputs (tcp, relp) and the RELP client (forward): the config keys, their
// checks, and the two sides of a connection. TLS starts with the first byte (rsyslog's gtls
// driver and omrelp's tls="on" work so, not STARTTLS). Peer names are checked against
// `tls_permitted_peers` (globs on the certificate's DNS names and CN), as rsyslog's x509/name.

import fs from 'node:fs';
import net from 'node:net';
import type tls from 'node:tls';
import { lazy } from './lazy.js';
import { bool, list, str } from '../config/schema.js';
import type { SpecValue } from '../config/schema.js';
import { anyGlobMatches, checkGlob, compileGlob } from '../engine/glob.js';
import type { Counter, Counters } from '../telemetry/counters.js';
import type { InternalLog } from '../telemetry/log.js';

/** The TLS stack, loaded when a TLS input or output first needs it. */
export const tlsLib = lazy<typeof tls>('node:tls');

const permittedPeers = list([], 'Names a peer certificate must carry (a DNS subjectAltName or the CN; globs, case-insensitive), ' +
  'like rsyslog\'s PermittedPeer; empty = any certificate the CA signed.', checkGlob);

export const tlsServerSpec = {
  tls: bool(false, 'TLS from the first byte (rsyslog gtls StreamDriverMode="1", omrelp tls="on").'),
  tls_cert_file: str('', 'PEM certificate of this server (with its chain); required with tls.'),
  tls_key_file: str('', 'PEM private key of tls_cert_file; required with tls.'),
  tls_ca_file: str('', 'PEM CA certificates that client certificates must chain to; required with tls_require_client_cert.'),
  tls_require_client_cert: bool(false, 'Refuse a client without a certificate signed by tls_ca_file (and, if set, named in tls_permitted_peers).'),
  tls_permitted_peers: permittedPeers,
} as const;

export const tlsClientSpec = {
  tls: bool(false, 'TLS from the first byte (the aggregator\'s relp input with tls = true, or omrelp\'s imrelp with tls="on").'),
  tls_ca_file: str('', 'PEM CA certificates the server\'s certificate must chain to; empty = the system\'s CAs.'),
  tls_cert_file: str('', 'PEM client certificate, for a server that requires one.'),
  tls_key_file: str('', 'PEM private key of tls_cert_file.'),
  tls_permitted_peers: list([], 'Names the server certificate must carry (DNS subjectAltName or CN; globs); empty = the host name connected to.', checkGlob),
} as const;

export type TlsServerConfig = SpecValue<typeof tlsServerSpec>;
export type TlsClientConfig = SpecValue<typeof tlsClientSpec>;

function readable(file: string): string | null {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return null;
  } catch (err) {
    return `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

function checkFiles(cfg: Record<string, unknown>, keys: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const k of keys) {
    const v = cfg[k];
    if (typeof v === 'string' && v !== '') {
      const err = readable(v);
      if (err) out.push([k, err]);
    }
  }
  return out;
}

/** Problems with a server's TLS keys, as [key, message]. */
export function checkTlsServer(cfg: TlsServerConfig): [string, string][] {
  if (!cfg.tls) return [];
  const out: [string, string][] = [];
  if (!cfg.tls_cert_file) out.push(['tls_cert_file', 'required with tls = true']);
  if (!cfg.tls_key_file) out.push(['tls_key_file', 'required with tls = true']);
  if (cfg.tls_require_client_cert && !cfg.tls_ca_file) out.push(['tls_ca_file', 'required with tls_require_client_cert = true']);
  if (cfg.tls_permitted_peers.length > 0 && !cfg.tls_require_client_cert) {
    out.push(['tls_permitted_peers', 'only checked on client certificates: set tls_require_client_cert = true']);
  }
  return [...out, ...checkFiles(cfg, ['tls_cert_file', 'tls_key_file', 'tls_ca_file'])];
}

/** Problems with a client's TLS keys, as [key, message]. */
export function checkTlsClient(cfg: TlsClientConfig): [string, string][] {
  if (!cfg.tls) return [];
  const out: [string, string][] = [];
  if (Boolean(cfg.tls_cert_file) !== Boolean(cfg.tls_key_file)) out.push(['tls_key_file', 'tls_cert_file and tls_key_file go together']);
  return [...out, ...checkFiles(cfg, ['tls_cert_file', 'tls_key_file', 'tls_ca_file'])];
}

/** The names a certificate carries: DNS subjectAltNames, then the CN. */
export function certificateNames(cert: tls.PeerCertificate): string[] {
  const names: string[] = [];
  for (const part of (cert.subjectaltname ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) names.push(part.slice(4));
  }
  const cn = cert.subject?.CN;
  if (Array.isArray(cn)) names.push(...cn);
  else if (cn) names.push(cn);
  return names;
}

/** True when one of the certificate's names matches one of the patterns. */
export function peerNameAllowed(cert: tls.PeerCertificate, patterns: readonly string[]): boolean {
  const globs = patterns.map(compileGlob);
  return certificateNames(cert).some((n) => anyGlobMatches(globs, n.toLowerCase()));
}

function readFile(key: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${key}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Options for tls.connect to `host`; throws a clear message for unreadable files. */
export function clientOptions(cfg: TlsClientConfig, host: string): tls.ConnectionOptions {
  const patterns = cfg.tls_permitted_peers;
  return {
    ca: cfg.tls_ca_file ? readFile('tls_ca_file', cfg.tls_ca_file) : undefined,
    cert: cfg.tls_cert_file ? readFile('tls_cert_file', cfg.tls_cert_file) : undefined,
    key: cfg.tls_key_file ? readFile('tls_key_file', cfg.tls_key_file) : undefined,
    servername: net.isIP(host) ? undefined : host,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    checkServerIdentity: (name, cert) => {
      if (patterns.length === 0) return tlsLib().checkServerIdentity(name, cert);
      if (peerNameAllowed(cert, patterns)) return undefined;
      return new Error(`the server certificate names ${certificateNames(cert).join(', ') || 'nothing'}, none of tls_permitted_peers`);
    },
  };
}

const HANDSHAKE_MS = 10_000;
const LOG_EVERY_MS = 10_000;

type FailReason = 'handshake' | 'peer_name' | 'timeout';

interface Waiting {
  readonly peer: string;
  readonly resolve: (s: tls.TLSSocket | null) => void;
}

const connectionKey = (s: net.Socket): string => `${s.remoteAddress ?? ''}|${s.remotePort ?? ''}`;

/**
 * The server side of an input: accepted sockets are handed to a tls.Server that never listens
 * (it verifies client certificates against the CA), then the peer's name is checked. A failed
 * handshake is counted (`tls_failed` by reason) and logged with the peer, at most one line per
 * LOG_EVERY_MS (with how many more there were).
 */
export class TlsAcceptor {
  private readonly server: tls.Server;
  private readonly waiting = new Map<string, Waiting>();
  private readonly failed: Record<FailReason, Counter>;
  private loggedAt = -Infinity;
  private suppressed = 0;
  private orphan: { reason: FailReason; why: string } | null = null;

  /** Throws a clear message for a certificate or key that cannot be used. */
  constructor(private readonly cfg: TlsServerConfig, private readonly scope: string, counters: Counters, private readonly log: InternalLog) {
    const require = cfg.tls_require_client_cert;
    try {
      this.server = tlsLib().createServer({
        cert: readFile('tls_cert_file', cfg.tls_cert_file),
        key: readFile('tls_key_file', cfg.tls_key_file),
        ca: cfg.tls_ca_file ? readFile('tls_ca_file', cfg.tls_ca_file) : undefined,
        requestCert: require, rejectUnauthorized: require, handshakeTimeout: HANDSHAKE_MS, minVersion: 'TLSv1.2',
      });
    } catch (err) {
      throw new Error(`TLS: ${(err as Error).message}`, { cause: err });
    }
    this.failed = {
      handshake: counters.get(scope, 'tls_failed', 'handshake'),
      peer_name: counters.get(scope, 'tls_failed', 'peer_name'),
      timeout: counters.get(scope, 'tls_failed', 'timeout'),
    };
    this.server.on('secureConnection', (s: tls.TLSSocket) => this.secured(s));
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException, s: tls.TLSSocket) => {
      const reason: FailReason = err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'timeout' : 'handshake';
      const w = this.take(s);
      s.destroy();
      if (!w) {
        // The socket was already torn down (its address is gone): the raw socket's close, which
        // follows, reports it with this reason.
        this.orphan = { reason, why: err.message };
        return;
      }
      this.fail(reason, w.peer, err.message);
      w.resolve(null);
    });
  }

  /** The TLS socket once the handshake is done and the peer allowed; null (socket destroyed) otherwise. */
  accept(raw: net.Socket, peer: string): Promise<tls.TLSSocket | null> {
    return new Promise((resolve) => {
      const key = connectionKey(raw);
      this.waiting.set(key, { peer, resolve });
      raw.once('close', () => {
        const w = this.waiting.get(key);
        if (!w) return;
        // Closed before the handshake finished: after a TLS error whose socket had lost its
        // address, or a peer that gave up.
        this.waiting.delete(key);
        const o = this.orphan ?? { reason: 'handshake' as const, why: 'connection closed during the handshake' };
        this.orphan = null;
        this.fail(o.reason, peer, o.why);
        w.resolve(null);
      });
      this.server.emit('connection', raw);
    });
  }

  private take(s: tls.TLSSocket): Waiting | undefined {
    const key = connectionKey(s);
    const w = this.waiting.get(key);
    if (w) this.waiting.delete(key);
    return w;
  }

  private secured(s: tls.TLSSocket): void {
    const w = this.take(s);
    if (!w) {
      s.destroy();
      return;
    }
    const patterns = this.cfg.tls_permitted_peers;
    if (this.cfg.tls_require_client_cert && patterns.length > 0) {
      const cert = s.getPeerCertificate();
      if (!peerNameAllowed(cert, patterns)) {
        this.fail('peer_name', w.peer, `certificate names ${certificateNames(cert).join(', ') || 'nothing'}, none of tls_permitted_peers`);
        s.destroy();
        w.resolve(null);
        return;
      }
    }
    s.on('error', () => { /* a reset by the peer ends the connection */ });
    w.resolve(s);
  }

  private fail(reason: FailReason, peer: string, why: string): void {
    this.failed[reason].value++;
    const now = Date.now();
    if (now - this.loggedAt < LOG_EVERY_MS) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed ? ` (and ${this.suppressed} more since the last report)` : '';
    this.loggedAt = now;
    this.suppressed = 0;
    this.log.warning(`${this.scope}: ${peer}: TLS ${reason === 'peer_name' ? 'peer refused' : 'handshake failed'}: ${why}${more}`);
  }
}
