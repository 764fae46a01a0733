// Keys of the `momentum` output: Momentum's ec_logger settings (log paths, one octal mode per log,
// the event switches and the heartbeat), with the paths under the daemon's log root.

import path from 'node:path';
import { bool, int, octalMode, str, type SpecValue } from '../../config/schema.js';

/** The five logs, in the order Momentum documents them. */
export const MOMENTUM_LOGS = ['mainlog', 'rejectlog', 'paniclog', 'acctlog', 'importlog'] as const;
export type MomentumLogName = (typeof MOMENTUM_LOGS)[number];

const where = 'relative to log_root (an absolute path must lie inside it); empty = this log is not written';
const mode = (log: string) => octalMode(0o644, `Mode of the ${log} when this output creates it, applied exactly (umask ignored). ` +
  'A file that already exists keeps its mode.');

export const momentumOutputSpec = {
  mainlog: str('ecelerity/mainlog.ec', `Message dispositions (R, D, X, T, P records and the heartbeat), ${where}.`),
  rejectlog: str('ecelerity/rejectlog.ec', `Rejected connections and messages, ${where}.`),
  paniclog: str('ecelerity/paniclog.ec', `System events and errors (epoch:text), ${where}.`),
  acctlog: str('ecelerity/acctlog.ec', `Authentication and authorization (N, T, Z records), ${where}.`),
  importlog: str('', `Outcomes of spool imports; off by default (Momentum's is ecelerity/importlog.ec), ${where}.`),
  mainlog_mode: mode('mainlog'),
  rejectlog_mode: mode('rejectlog'),
  paniclog_mode: mode('paniclog'),
  acctlog_mode: mode('acctlog'),
  importlog_mode: mode('importlog'),
  dir_mode: octalMode(0o755, 'Mode of directories this output creates, applied exactly (umask ignored).'),
  log_receptions: bool(true, 'Write receptions (mainlog R).'),
  log_deliveries: bool(true, 'Write deliveries (mainlog D and X).'),
  log_transient_failures: bool(true, 'Write transient failures (mainlog T).'),
  log_permanent_failures: bool(true, 'Write permanent failures (mainlog P).'),
  log_rejections: bool(true, 'Write rejections (rejectlog).'),
  log_errors: bool(true, 'Write errors (paniclog).'),
  heartbeat_secs: int(60, 'Every this many seconds write `epoch@@@@M` to the mainlog and `epoch: Marker 1` to the ' +
    'rejectlog, so a reader can tell a quiet log from a dead writer; 0 = off.', { min: 0, max: 86400 }),
} as const;

export type MomentumOutputConfig = SpecValue<typeof momentumOutputSpec>;

/** Where each log goes: an absolute path, or null when the log is off (its path is empty). */
export function logPaths(config: MomentumOutputConfig, logRoot: string): Record<MomentumLogName, string | null> {
  const out = {} as Record<MomentumLogName, string | null>;
  for (const log of MOMENTUM_LOGS) out[log] = config[log] === '' ? null : path.resolve(logRoot, config[log]);
  return out;
}

/** Problems that need the log root to be seen, as [key, message]: paths outside it, two logs on one file. */
export function checkMomentumOutput(config: MomentumOutputConfig, logRoot: string): [string, string][] {
  const problems: [string, string][] = [];
  const root = path.resolve(logRoot);
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const paths = logPaths(config, logRoot);
  const seen = new Map<string, MomentumLogName>();
  for (const log of MOMENTUM_LOGS) {
    const p = paths[log];
    if (p === null) continue;
    if (!p.startsWith(prefix) || p.length === prefix.length) {
      problems.push([log, `${config[log]} is outside the log root ${root}; use a path relative to it`]);
      continue;
    }
    const other = seen.get(p);
    if (other !== undefined) problems.push([log, `${config[log]} is also the ${other}; each log needs its own file`]);
    else seen.set(p, log);
  }
  return problems;
}
