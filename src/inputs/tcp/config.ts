import { int, oneOf, str } from '../../config/schema.js';
import { tlsServerSpec } from '../../util/tls.js';
import { journalInputField } from '../decode.js';
import { DIALECT_MODES } from '../../dialects/recognise.js';
import { accessDefaultField } from '../../engine/access.js';

export const tcpInputSpec = {
  address: str('127.0.0.1', 'Address to listen on: an IPv4 or IPv6 address (`::` for every address, both families).', { nonEmpty: true }),
  port: int(5514, 'TCP port; 0 = any free port (see port_file).', { min: 0, max: 65535 }),
  max_message_bytes: int(64 * 1024, 'Longer frames are cut at this size, flagged truncated and counted; the stream resynchronises at the next frame.', { min: 64, max: 16 * 1024 * 1024 }),
  max_connections: int(1000, 'Connections beyond this many are refused (closed at once) and counted.', { min: 1 }),
  idle_timeout_secs: int(600, 'A connection that sends nothing for this long is closed; 0 = never.', { min: 0 }),
  dialect: oneOf(DIALECT_MODES, 'auto',
    'Legacy line recognition: auto (Momentum, EMG, MMDF, Axigen lines by their shape), none, or one dialect by name.'),
  access_default: accessDefaultField,
  port_file: str('', 'File the bound port number is written to at start (useful with port = 0); empty = none.'),
  journal: journalInputField,
  ...tlsServerSpec,
} as const;
