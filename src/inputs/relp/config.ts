import { int, oneOf, str } from '../../config/schema.js';
import { tlsServerSpec } from '../../util/tls.js';
import { DIALECT_MODES } from '../../dialects/recognise.js';
import { accessDefaultField } from '../../engine/access.js';

export const relpInputSpec = {
  address: str('127.0.0.1', 'Address to listen on: an IPv4 or IPv6 address (`::` for every address, both families).', { nonEmpty: true }),
  port: int(2514, 'TCP port of the RELP server; 0 = any free port (see port_file).', { min: 0, max: 65535 }),
  max_data_bytes: int(128 * 1024, 'Largest RELP frame data accepted (librelp\'s default, 128 KiB); a larger frame ends the session (the sender keeps the message).', { min: 1024, max: 64 * 1024 * 1024 }),
  max_connections: int(1000, 'Sessions beyond this many are refused and counted.', { min: 1 }),
  dialect: oneOf(DIALECT_MODES, 'auto',
    'Legacy line recognition: auto (Momentum, EMG, MMDF, Axigen lines by their shape), none, or one dialect by name.'),
  access_default: accessDefaultField,
  port_file: str('', 'File the bound port number is written to at start (useful with port = 0); empty = none.'),
  ...tlsServerSpec,
} as const;
