import { int, str } from './schema.js';

/** Keys of the [daemon] section. Relative paths are relative to the working directory. */
export const daemonSpec = {
  log_root: str('/var/log/maillogd', 'Directory every log file is written under; no output can write outside it.', { nonEmpty: true }),
  state_dir: str('/var/lib/maillogd', 'Directory for state: cursors, queues, databases.', { nonEmpty: true }),
  paniclog: str('paniclog', "File, relative to log_root, for the daemon's own messages and counters.", { nonEmpty: true }),
  stats_interval_secs: int(300, 'How often the counters are written to the paniclog; 0 = never.', { min: 0, max: 86400 }),
  hostname: str('', 'Name used for records that carry no HOSTNAME (local syslog() lines); empty = the machine name.'),
  unmatched_output: str('', 'Output that receives records no rule takes; empty = such records are counted as discarded.'),
  pid_file: str('', 'File to write the daemon process id to; empty = none.'),
} as const;
