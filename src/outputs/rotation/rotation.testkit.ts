// Helpers for rotation tests: a time zone switch, event recorders and reading a rotated family of
// files back in the order they were written.

import fs from 'node:fs';
import type { NamingKind } from './naming.js';
import { rotatedFiles } from './naming.js';
import type { RotateReason } from './policy.js';
import type { RotationEvents } from './writer.js';

/** Runs `fn` with the process in time zone `tz`, then (once its promise settles) puts the zone back. */
export async function inZone<T>(tz: string, fn: () => T | Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

export interface EventLog extends RotationEvents {
  written_: number;
  lost_: number;
  readonly rotations: { reason: RotateReason; to: string | null }[];
  readonly errors: string[];
}

export function eventLog(): EventLog {
  const log: EventLog = {
    written_: 0,
    lost_: 0,
    rotations: [],
    errors: [],
    written(records) { log.written_ += records; },
    lost(records) { log.lost_ += records; },
    error(_w, op, err) { log.errors.push(`${op}: ${err.message}`); },
    rotated(_file, reason, to) { log.rotations.push({ reason, to }); },
    rotateFailed(_file, err) { log.errors.push(`rotate: ${err.message}`); },
  };
  return log;
}

/** The files of a family, oldest first and the current one last, that exist now. */
export async function family(file: string, kind: NamingKind): Promise<string[]> {
  const all = await rotatedFiles(file, kind);
  if (fs.existsSync(file)) all.push(file);
  return all;
}

export function fileLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

export const WRITER_OPTS = Object.freeze({ fileMode: 0o640, dirMode: 0o750, fsync: false, flushIntervalMs: 0 });

