import { bool, int, octalMode, oneOf, str } from '../../config/schema.js';
import type { Field, SpecValue } from '../../config/schema.js';
import { LINE_FORMATS } from '../../syslog/formatter.js';
import { parseTemplate, templateProblem } from './path.js';

/** A `str` that must also be a valid path template by `parse` (the file output's templates by default). */
export function templateField(def: string | undefined, doc: string,
  parse: (text: string) => { ok: true } | { ok: false; error: string } = parseTemplate): Field<string> {
  const base = str(def, doc, { nonEmpty: true });
  return {
    ...base,
    kind: 'path template',
    parse(v) {
      const r = base.parse(v);
      if (!r.ok) return r;
      const t = parse(r.value);
      return t.ok ? r : { ok: false, error: t.error };
    },
  };
}

export const fileOutputSpec = {
  path: templateField(undefined, 'File to write, relative to log_root (an absolute path must lie inside it). ' +
    'Placeholders: %{host} %{app} %{program} %{facility} %{severity} %{input}, and %Y %m %d %H from the ' +
    "record's time in local time; %% is a literal %. Substituted values never leave the root: " +
    '/, \\ and control characters become _, and ., .. or an empty value become _.'),
  format: oneOf(LINE_FORMATS, 'traditional', 'Line format: traditional, rfc5424, json or raw (the bytes as received).'),
  file_mode: octalMode(0o640, 'Mode of files this output creates, applied exactly (umask ignored). Files that already exist keep their mode.'),
  dir_mode: octalMode(0o750, 'Mode of directories this output creates, applied exactly (umask ignored).'),
  max_open_files: int(256, 'Most files kept open at once (templated paths); the least recently used is closed first.', { min: 1, max: 65536 }),
  idle_close_secs: int(60, 'A file not written for this long is closed; 0 = keep files open until reopen or stop.', { min: 0, max: 86400 }),
  queue_max_bytes: int(64 * 1024 * 1024, 'Bytes formatted but not yet written above which the output is full (see when_full); it is free again below half of this.', { min: 1 }),
  when_full: oneOf(['block', 'drop'], 'block', 'block: report busy so stream inputs pause (records that arrive anyway are queued, up to twice queue_max_bytes, then discarded as queue_overflow); ' +
    'drop: never slow the inputs, discard new records while full (counted as queue_full).'),
  flush_interval_ms: int(2, 'Records are gathered for up to this long (or 1 MiB) before a write; 0 = write as soon as the previous write has finished. ' +
    'The default of 2 ms makes a busy file cost a few hundred writes a second instead of one per batch received (each write is a hand-off to a thread), ' +
    'at no delay anyone reading the file can see.', { min: 0, max: 60_000 }),
  fsync: bool(false, 'fdatasync after each write, so a written record survives a power loss; slower.'),
} as const;

export type FileOutputConfig = SpecValue<typeof fileOutputSpec>;

/** Problems that need the log root to be seen (the path must stay inside it), as [key, message]. */
export function checkFileOutput(config: FileOutputConfig, logRoot: string): [string, string][] {
  const problem = templateProblem(config.path, logRoot);
  return problem ? [['path', problem]] : [];
}
