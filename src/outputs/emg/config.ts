// Keys of the `emg` output: EMG's log directory (general, debug, connector.<instance>,
// pdu.<instance>) and its rotation.

import path from 'node:path';
import { bool, int, octalMode, str, type SpecValue } from '../../config/schema.js';

export const emgOutputSpec = {
  dir: str('emg/log', "EMG's log directory (EMGDIR/log), relative to log_root; an absolute path must lie inside it. " +
    'The environment variable EMGLOGDIR, when set and not empty, overrides it, and must lie inside log_root too.', { nonEmpty: true }),
  log_year: bool(false, 'Timestamps with the year, YYYY-MM-DD hh:mm:ss.uuuuuu (EMG\'s LOGYEAR); otherwise Mon DD hh:mm:ss.uuuuuu.'),
  max_size_kb: int(0, 'Rotate each file by size: before a record would take it over this many KiB, it becomes .1 (older ones ' +
    'shift up to .<max_files>). 0 = no size rotation.', { min: 0, max: 1024 * 1024 * 1024 }),
  rotate_interval_secs: int(0, 'Rotate each file by time: once it has been in use this long, it is renamed with a ' +
    '.YYYYMMDD-HHMMSS suffix (local time). 0 = no time rotation. Not together with max_size_kb.', { min: 0 }),
  max_files: int(10, 'Rotated files kept per log file; older ones are deleted. 0 = keep none.', { min: 0, max: 100_000 }),
  max_open_files: int(64, 'Most files kept open at once (one per connector and pdu instance, plus general and debug); ' +
    'the least recently used is closed first.', { min: 2, max: 65536 }),
  file_mode: octalMode(0o640, 'Mode of files this output creates, applied exactly (umask ignored). Files that already exist keep their mode.'),
  dir_mode: octalMode(0o750, 'Mode of directories this output creates, applied exactly (umask ignored).'),
  fsync: bool(false, 'fdatasync after each write, so a written record survives a power loss; slower.'),
  queue_max_bytes: int(64 * 1024 * 1024, 'Bytes formatted but not yet written above which the output reports busy (stream inputs pause); ' +
    'records beyond twice this are discarded as queue_overflow.', { min: 1 }),
} as const;

export type EmgOutputConfig = SpecValue<typeof emgOutputSpec>;

/** The directory the files go to: EMGLOGDIR when set, else `dir`; it must lie inside the log root. */
export function emgLogDir(config: EmgOutputConfig, logRoot: string, env: NodeJS.ProcessEnv = process.env):
  { ok: true; dir: string } | { ok: false; key: string; error: string } {
  const fromEnv = env.EMGLOGDIR !== undefined && env.EMGLOGDIR !== '';
  const wanted = fromEnv ? env.EMGLOGDIR! : config.dir;
  const root = path.resolve(logRoot);
  const dir = path.resolve(root, wanted);
  if (dir !== root && !dir.startsWith(root + path.sep)) {
    const source = fromEnv ? `the environment variable EMGLOGDIR (${wanted})` : wanted;
    return { ok: false, key: 'dir', error: `${source} is outside the log root ${root}` };
  }
  return { ok: true, dir };
}

export function checkEmgOutput(config: EmgOutputConfig, logRoot: string): [string, string][] {
  const problems: [string, string][] = [];
  const d = emgLogDir(config, logRoot);
  if (!d.ok) problems.push([d.key, d.error]);
  if (config.max_size_kb > 0 && config.rotate_interval_secs > 0) {
    problems.push(['rotate_interval_secs', 'EMG rotates by size or by time, not both: set max_size_kb or rotate_interval_secs to 0']);
  }
  return problems;
}
