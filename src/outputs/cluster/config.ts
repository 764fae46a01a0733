import { bool, int, octalMode, oneOf, str } from '../../config/schema.js';
import type { SpecValue } from '../../config/schema.js';
import { templateField } from '../file/config.js';
import { LINE_FORMATS } from '../../syslog/formatter.js';
import { clusterTemplateProblem, parseClusterTemplate } from './path.js';

export const clusterOutputSpec = {
  path: templateField('cluster/%Y/%m/%d/%{log}/%{subcluster}/%{node}', 'Where each node\'s records go, relative to log_root (inside it). ' +
    'Placeholders: %{node} %{subcluster} %{log} (sent by the node\'s forward output), %{host} (the record\'s host), and %Y %m %d %H ' +
    'from the record\'s time in local time; %% is a literal %. Values never leave the root (/, \\ and control characters become _).', parseClusterTemplate),
  format: oneOf(LINE_FORMATS, 'traditional', 'Line format of the node\'s record: traditional, rfc5424, json or raw (the frame as the node received it).'),
  file_mode: octalMode(0o640, 'Mode of files this output creates, applied exactly (umask ignored).'),
  dir_mode: octalMode(0o755, 'Mode of directories this output creates, applied exactly (umask ignored).'),
  max_open_files: int(256, 'Most files kept open at once; the least recently used is closed first.', { min: 1, max: 65536 }),
  idle_close_secs: int(60, 'A file not written for this long is closed; 0 = keep files open until reopen or stop.', { min: 0, max: 86400 }),
  fsync: bool(true, 'fdatasync the files before their new length and the last sequence numbers are recorded, so that ' +
    'after a power loss no record is written twice or lost; off = faster, exact only across a crash of the daemon.'),
  queue_max_bytes: int(64 * 1024 * 1024, 'Bytes formatted and not yet written above which the output is busy (stream inputs pause).', { min: 1024 }),
  max_origins: int(10_000, 'Most node/subcluster/log origins remembered (for dropping resends); records of further ones are discarded and counted. ' +
    'Guards the state against a sender that makes up names; restrict who may send with access rules or TLS client certificates.', { min: 1, max: 10_000_000 }),
  plain_log: str('syslog', 'Records that come without a node\'s cluster data (a plain syslog sender) are written with %{log} = this, ' +
    '%{node} = their host and %{subcluster} = default, never deduplicated; empty = discard them (counted).'),
} as const;

export type ClusterOutputConfig = SpecValue<typeof clusterOutputSpec>;

export function checkClusterOutput(config: ClusterOutputConfig, logRoot: string): [string, string][] {
  const problem = clusterTemplateProblem(config.path, logRoot);
  return problem ? [['path', problem]] : [];
}
