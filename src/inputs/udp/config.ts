import { int, oneOf, str } from '../../config/schema.js';
import { journalInputField } from '../decode.js';
import { DIALECT_MODES } from '../../dialects/recognise.js';
import { accessDefaultField } from '../../engine/access.js';

export const udpInputSpec = {
  address: str('127.0.0.1', 'Address to listen on: an IPv4 or IPv6 address (`::` for every address, both families).', { nonEmpty: true }),
  port: int(5514, 'UDP port; 0 = any free port (see port_file).', { min: 0, max: 65535 }),
  receive_buffer_bytes: int(8 * 1024 * 1024, 'Socket receive buffer asked of the kernel; the size granted is logged at start. ' +
    'With receive_method recvmmsg it is set with SO_RCVBUFFORCE when the process may (root, CAP_NET_ADMIN), so it can pass ' +
    'net.core.rmem_max, as rsyslog does; else SO_RCVBUF, capped by net.core.rmem_max. A bigger buffer from systemd is kept.', { min: 0 }),
  receive_method: oneOf(['auto', 'recvmmsg', 'dgram'], 'auto',
    'recvmmsg: read up to 64 datagrams per system call and hand them on as one batch (the built-in udp_recv addon, ' +
    'built by `npm run build` when a C compiler is present); dgram: node:dgram, one call per datagram; auto: recvmmsg when the addon is built, else dgram. ' +
    'The method used is logged at start.'),
  max_message_bytes: int(64 * 1024, 'Longer datagrams are cut at this size and flagged truncated.', { min: 64 }),
  dialect: oneOf(DIALECT_MODES, 'auto',
    'Legacy line recognition: auto (Momentum, EMG, MMDF, Axigen lines by their shape), none, or one dialect by name.'),
  access_default: accessDefaultField,
  port_file: str('', 'File the bound port number is written to at start (useful with port = 0); empty = none.'),
  journal: journalInputField,
} as const;
