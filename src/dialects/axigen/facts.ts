// Facts read from the start of a message, only where the format is regular. The reference shows
// one such form (formats §2.3, IMAP; the same form is seen for WEBMAIL):
//   [192.0.2.10:993] connection accepted from [198.51.100.10:50000]
// The first address is the listener the connection came in on (993 is the IMAPS port), the second
// the client. A message opening with `[ip:port]` is read the same way for every service; treating
// that address as the server's in messages other than "connection accepted" is INFERRED.

import { isIP } from 'node:net';
import type { AxigenAddresses, AxigenEndpoint } from './fields.js';

const ACCEPTED_FROM = Buffer.from(' connection accepted from ', 'latin1');
/** `[` + the longest IPv6 text + `:65535` + `]`. */
const MAX_BRACKET = 1 + 45 + 6 + 1;

/** `[ip:port]` at `start`: the endpoint and the index after `]`, or null. */
function readEndpoint(msg: Buffer, start: number): { at: AxigenEndpoint; end: number } | null {
  if (msg[start] !== 0x5b) return null;
  const close = msg.indexOf(0x5d, start + 1);
  if (close < 0 || close - start > MAX_BRACKET) return null;
  const text = msg.toString('latin1', start + 1, close);
  const colon = text.lastIndexOf(':');
  const portText = text.slice(colon + 1);
  if (colon < 1 || !/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  const ip = text.slice(0, colon);
  if (port > 65535 || isIP(ip) === 0) return null;
  return { at: { ip, port }, end: close + 1 };
}

/** The addresses a message opens with, or null when it does not open with `[ip:port]`. */
export function readAddresses(msg: Buffer): AxigenAddresses | null {
  if (msg[0] !== 0x5b) return null;
  const server = readEndpoint(msg, 0);
  if (server === null) return null;
  const from = server.end + ACCEPTED_FROM.length;
  const accepted = msg.subarray(server.end, from).equals(ACCEPTED_FROM);
  const client = accepted ? readEndpoint(msg, from) : null;
  return { server: server.at, client: client === null ? null : client.at };
}
