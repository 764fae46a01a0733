// What the cluster output has committed, in one file under state_dir: for each (node, subcluster,
// log) the last journal seq written, and for each open file its length when that was recorded.
// The files are written first (and fdatasynced), the state after (new file, fsync, rename), so the
// state never claims a line that is not on disk. At open, a file longer than its recorded length
// holds lines whose seqs were not recorded: it is cut back, and those records, sent again by the
// node or routed again from the aggregator's own journal, are written once.

import fs from 'node:fs';
import path from 'node:path';

/** fsync of a directory, so that a rename or a new file in it survives a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface ClusterStateData {
  /** originKey(node, subcluster, log, journal) → last seq written. */
  seen: Record<string, number>;
  /** Absolute path → committed length in bytes. */
  files: Record<string, number>;
}

/**
 * Length-prefixed, so that no two different origins share a key whatever their names hold. The
 * node's journal id is part of it: a node whose journal was made anew counts its seqs from 1 again.
 */
export function originKey(node: string, subcluster: string, log: string, journal: string): string {
  return `${node.length}:${node}${subcluster.length}:${subcluster}${log.length}:${log}${journal}`;
}

export class ClusterState {
  readonly seen = new Map<string, number>();
  readonly files = new Map<string, number>();

  private saves = 0;

  constructor(readonly file: string) {}

  /** Reads the state; a missing file is an empty state, a damaged one an error. */
  load(): void {
    // Saves a crash interrupted.
    const base = path.basename(this.file);
    for (const f of fs.readdirSync(path.dirname(this.file))) {
      if (f.startsWith(`${base}.`) && f.endsWith('.tmp')) fs.rmSync(path.join(path.dirname(this.file), f), { force: true });
    }
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const data = JSON.parse(text) as Partial<ClusterStateData>;
    for (const [k, v] of Object.entries(data.seen ?? {})) if (Number.isSafeInteger(v)) this.seen.set(k, v);
    for (const [k, v] of Object.entries(data.files ?? {})) if (Number.isSafeInteger(v) && path.isAbsolute(k)) this.files.set(k, v);
  }

  /**
   * Cuts every file back to its committed length; returns what was cut. Files that are gone or
   * shorter (rotated away) are forgotten.
   */
  repair(): { file: string; bytes: number }[] {
    const cut: { file: string; bytes: number }[] = [];
    for (const [file, len] of this.files) {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        this.files.delete(file);
        continue;
      }
      if (size > len) {
        fs.truncateSync(file, len);
        cut.push({ file, bytes: size - len });
      } else if (size < len) this.files.delete(file);
    }
    return cut;
  }

  /** Writes the state atomically and durably (new file, fsync, rename, fsync of the directory). */
  async save(): Promise<void> {
    const data: ClusterStateData = { seen: Object.fromEntries(this.seen), files: Object.fromEntries(this.files) };
    const tmp = `${this.file}.${++this.saves}.tmp`;
    const fh = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, this.file);
    await syncDir(path.dirname(this.file));
  }
}
