// How a rotated file is named, and the renames that move it out of the way.
// - numbered: `X` → `X.1` (newest), older ones shift up to `X.N`; any beyond N are deleted.
// - timestamped: `X` → `X.YYYYMMDD-HHMMSS` (local time of the rotation; `.K` added when that name
//   is taken), keeping the N newest.
// N = 0 keeps no old file: the current one is deleted. Owns nothing between calls; a failure
// rejects with the OS error, and what was renamed before it stays renamed (no record is deleted
// except by the keep limit).

import fs from 'node:fs';
import path from 'node:path';

export type NamingKind = 'numbered' | 'timestamped';
export const NAMING_KINDS: readonly NamingKind[] = ['numbered', 'timestamped'];

export interface Naming {
  readonly kind: NamingKind;
  /** Old files kept. */
  readonly keep: number;
}

const p2 = (n: number): string => (n < 10 ? '0' : '') + String(n);

/** `YYYYMMDD-HHMMSS` in local time. */
export function stampSuffix(t: number): string {
  const d = new Date(t);
  return `${String(d.getFullYear()).padStart(4, '0')}${p2(d.getMonth() + 1)}${p2(d.getDate())}-` +
    `${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`;
}

/** The index of `X.N` (N ≥ 1, no leading zero), or null when `name` is not one of base's. */
export function numberedIndex(base: string, name: string): number | null {
  if (!name.startsWith(base + '.')) return null;
  const rest = name.slice(base.length + 1);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : null;
}

/** Sort key of `X.YYYYMMDD-HHMMSS[.K]` (older sorts first), or null when not one of base's. */
export function stampKey(base: string, name: string): string | null {
  if (!name.startsWith(base + '.')) return null;
  const m = /^(\d{8}-\d{6})(?:\.([1-9]\d{0,8}))?$/.exec(name.slice(base.length + 1));
  if (!m) return null;
  return `${m[1]!}.${(m[2] ?? '0').padStart(9, '0')}`;
}

/** The rotated files of `file` that exist now, oldest first, as absolute paths. */
export async function rotatedFiles(file: string, kind: NamingKind): Promise<string[]> {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const names = await fs.promises.readdir(dir);
  if (kind === 'numbered') {
    return names.map((n) => [numberedIndex(base, n), n] as const)
      .filter((e): e is readonly [number, string] => e[0] !== null)
      .sort((a, b) => b[0] - a[0])
      .map((e) => path.join(dir, e[1]));
  }
  return names.map((n) => [stampKey(base, n), n] as const)
    .filter((e): e is readonly [string, string] => e[0] !== null)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((e) => path.join(dir, e[1]));
}

/**
 * Moves `file` out of the way as the naming says; returns its new name, or null when it was
 * deleted (keep 0) or did not exist.
 */
export async function rotateOut(file: string, naming: Naming, now: number): Promise<string | null> {
  if (!(await exists(file))) return null;
  if (naming.keep <= 0) {
    await ignoreMissing(fs.promises.unlink(file));
    return null;
  }
  return naming.kind === 'numbered' ? shiftNumbered(file, naming.keep) : renameStamped(file, naming.keep, now);
}

async function shiftNumbered(file: string, keep: number): Promise<string> {
  const base = path.basename(file);
  // Highest index first, so no rename lands on a file still to be moved.
  for (const old of await rotatedFiles(file, 'numbered')) {
    const i = numberedIndex(base, path.basename(old))!;
    if (i >= keep) await ignoreMissing(fs.promises.unlink(old));
    else await ignoreMissing(fs.promises.rename(old, `${file}.${i + 1}`));
  }
  const to = `${file}.1`;
  await fs.promises.rename(file, to);
  return to;
}

async function renameStamped(file: string, keep: number, now: number): Promise<string> {
  const stem = `${file}.${stampSuffix(now)}`;
  let to = stem;
  for (let k = 1; await exists(to); k++) to = `${stem}.${k}`;
  await fs.promises.rename(file, to);
  const all = await rotatedFiles(file, 'timestamped');
  for (const old of all.slice(0, Math.max(0, all.length - keep))) await ignoreMissing(fs.promises.unlink(old));
  return to;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.lstat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
