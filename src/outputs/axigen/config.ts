// Keys of the `axigen` output: one Axigen Log Service rule's file.

import path from 'node:path';
import { bool, int, octalMode, oneOf, str, type SpecValue } from '../../config/schema.js';
import { NAMING_KINDS } from '../rotation/naming.js';
import { ROTATE_PERIODS } from '../rotation/policy.js';

export const axigenOutputSpec = {
  path: str(undefined, "The rule's file (Axigen's fileName, e.g. axigen/everything.txt), relative to log_root; " +
    'an absolute path must lie inside it. Written as given: no suffix is added and % is literal.', { nonEmpty: true }),
  level_mask: int(31, "The rule's level mask, 0..31 (1 critical, 2 error, 4 warning, 8 info, 16 protocol). A record " +
    "is written only if its Axigen level bit is in both its sender's mask and this one (sender 15, rule 9: bits 1 and 8). " +
    'A record that is not Axigen is filtered by the bit of its syslog severity and a sender mask of 31.', { min: 0, max: 31 }),
  max_size_kb: int(0, 'Rotate before a record would take the file over this many KiB; 0 = no size limit.', { min: 0, max: 1024 * 1024 * 1024 }),
  max_age_secs: int(0, 'Rotate once the file has been in use this long (from its creation); 0 = no age limit.', { min: 0 }),
  rotate_period: oneOf(ROTATE_PERIODS, 'none', 'Also rotate at the start of each local day, month or year: none, daily, monthly or yearly. ' +
    'Whichever of max_size_kb, max_age_secs and rotate_period comes first rotates the file.'),
  max_files: int(10, 'Rotated files kept; older ones are deleted. 0 = keep none (a rotated file is deleted).', { min: 0, max: 100_000 }),
  rotate_naming: oneOf(NAMING_KINDS, 'numbered', 'Names of rotated files: numbered (X.1 newest ... X.<max_files>) or ' +
    'timestamped (X.YYYYMMDD-HHMMSS, local time of the rotation, .K added when taken).'),
  file_mode: octalMode(0o640, 'Mode of files this output creates, applied exactly (umask ignored). Files that already exist keep their mode.'),
  dir_mode: octalMode(0o750, 'Mode of directories this output creates, applied exactly (umask ignored).'),
  fsync: bool(false, 'fdatasync after each write, so a written record survives a power loss; slower.'),
  queue_max_bytes: int(64 * 1024 * 1024, 'Bytes formatted but not yet written above which the output reports busy (stream inputs pause); ' +
    'records beyond twice this are discarded as queue_overflow.', { min: 1 }),
} as const;

export type AxigenOutputConfig = SpecValue<typeof axigenOutputSpec>;

/** The absolute path of the rule's file, or a problem when it is not a file inside the root. */
export function axigenFilePath(p: string, logRoot: string): { ok: true; file: string } | { ok: false; error: string } {
  const root = path.resolve(logRoot);
  const file = path.resolve(root, p);
  if (p.endsWith('/') || !file.startsWith(root + path.sep)) {
    return { ok: false, error: `${p} is not a file inside the log root ${root}; use a path relative to it` };
  }
  return { ok: true, file };
}

export function checkAxigenOutput(config: AxigenOutputConfig, logRoot: string): [string, string][] {
  const r = axigenFilePath(config.path, logRoot);
  return r.ok ? [] : [['path', r.error]];
}
