import { int, octalMode, str } from './schema.js';

/** Keys of the [daemon] section. Relative paths are relative to the working directory. */
export const daemonSpec = {
  log_root: str('/var/log/maillogd', 'Directory every log file is written under; no output can write outside it.', { nonEmpty: true }),
  state_dir: str('/var/lib/maillogd', 'Directory for state: cursors, queues, databases.', { nonEmpty: true }),
  paniclog: str('paniclog', "File, relative to log_root, for the daemon's own messages and counters.", { nonEmpty: true }),
  stats_interval_secs: int(300, 'How often the counters are written to the paniclog; 0 = never.', { min: 0, max: 86400 }),
  hostname: str('', 'Name used for records that carry no HOSTNAME (local syslog() lines); empty = the machine name.'),
  unmatched_output: str('', 'Output that receives records no rule takes; empty = such records are counted as discarded.'),
  pid_file: str('', 'File to write the daemon process id to; empty = none.'),
  control_socket: str('/run/maillogd/control.sock', 'Unix socket maillogctl talks to (status, stats, reopen, check-config); its directory is created; empty = none.'),
  control_socket_mode: octalMode(0o660, 'Mode of the control socket: who may connect.'),
  control_socket_group: str('', 'Group given the control socket (members may use maillogctl); empty = the daemon\'s own group.'),
  journal_dir: str('journal', 'Directory of the durable journal (kept when a relp input is configured), relative to state_dir.', { nonEmpty: true }),
  journal_segment_max_bytes: int(64 * 1024 * 1024, 'Size at which a journal segment is closed and a new one begun; whole segments every subscriber has passed are deleted.', { min: 64 * 1024 }),
  journal_fsync_interval_ms: int(20, 'Group commit: appended records are fsynced at most this long after the first one waiting (acks wait for it).', { min: 0, max: 10_000 }),
  metrics_listen: str('', 'Loopback address and port of a Prometheus text endpoint with the counters (`127.0.0.1:9465`, `[::1]:9465`); empty = none.'),
} as const;
