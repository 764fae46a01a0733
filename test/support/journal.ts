// Writes real journal files without a running journald: systemd-journal-remote turns the journal
// export format into a .journal file (and appends to one that exists), which `journalctl --file`
// then reads and follows. The tool comes from Debian's package, unpacked into a cache beside its
// own libsystemd-shared, so the system's systemd is left as it is.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const CACHE = '/var/cache/maillogd-test/journal-remote';
const BIN = path.join(CACHE, 'root/lib/systemd/systemd-journal-remote');
const LIBS = [path.join(CACHE, 'root/usr/lib/x86_64-linux-gnu/systemd'), path.join(CACHE, 'root/usr/lib/x86_64-linux-gnu')];

function ensureTool(): void {
  if (existsSync(BIN)) return;
  const debs = path.join(CACHE, 'debs');
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(debs, { recursive: true });
  const r = spawnSync('apt-get', ['download', 'systemd-journal-remote', 'libsystemd-shared', 'libmicrohttpd12'], { cwd: debs, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`apt-get download systemd-journal-remote failed: ${r.stderr}`);
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) execFileSync('dpkg-deb', ['-x', path.join(debs, deb), path.join(CACHE, 'root')]);
  if (!existsSync(BIN)) throw new Error(`no ${BIN} after unpacking`);
}

export interface ExportEntry {
  /** µs since the epoch. */
  readonly timeUs: number;
  readonly fields: Readonly<Record<string, string>>;
}

let seq = 0;

/** Appends entries to the journal file `file` (made if missing; the name must end in .journal). */
export function writeJournal(file: string, entries: readonly ExportEntry[]): void {
  ensureTool();
  let text = '';
  for (const e of entries) {
    seq++;
    text += `__CURSOR=s=${seq}\n__REALTIME_TIMESTAMP=${e.timeUs}\n__MONOTONIC_TIMESTAMP=${seq}\n_BOOT_ID=0f0e0d0c0b0a09080706050403020100\n`;
    for (const [k, v] of Object.entries(e.fields)) {
      if (v.includes('\n')) throw new Error('multi-line values need the binary export form');
      text += `${k}=${v}\n`;
    }
    text += '\n';
  }
  const r = spawnSync(BIN, ['-o', file, '-'], { input: text, encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: LIBS.join(':') } });
  if (r.status !== 0) throw new Error(`systemd-journal-remote failed (${r.status}): ${r.stderr}`);
}
