import { int, octalMode, oneOf, str } from '../../config/schema.js';
import { journalInputField } from '../decode.js';
import { DIALECT_MODES } from '../../dialects/recognise.js';

export const unixInputSpec = {
  path: str('/run/maillogd/log.sock', 'Socket file to listen on; its directory is created. A stale socket file is replaced.', { nonEmpty: true }),
  socket_type: oneOf(['stream', 'dgram'], 'stream', 'stream: a stream socket (logger -u, glibc syslog() fallback, systemd socket units); ' +
    'dgram: a datagram socket like /dev/log (needs the optional unix-dgram module; cannot take a socket from systemd).'),
  mode: octalMode(0o666, 'Mode of the socket file: who may log to it (0666: every local process, as /dev/log).'),
  max_message_bytes: int(64 * 1024, 'Longer records are cut at this size, flagged truncated and counted.', { min: 64, max: 16 * 1024 * 1024 }),
  max_connections: int(1000, 'Connections beyond this many are refused and counted.', { min: 1 }),
  dialect: oneOf(DIALECT_MODES, 'auto',
    'Legacy line recognition: auto (Momentum, EMG, MMDF, Axigen lines by their shape), none, or one dialect by name.'),
  journal: journalInputField,
} as const;
