// Subscriber checkpoints: `subscribers/<name>.cp` holds, as decimal text, the last seq the
// subscriber has committed. A checkpoint is replaced atomically (new file, fsync, rename, fsync of
// the directory). The files on disk are the truth, so that `maillogctl journal DIR add|remove`
// works while the daemon has the journal open: reload() picks up what another process changed.

import fs from 'node:fs';
import path from 'node:path';

const NAME = /^[A-Za-z0-9_.@=-]{1,64}$/;
const SUFFIX = '.cp';
const TMP_SUFFIX = '.cp.tmp';

export function isSubscriberName(name: string): boolean {
  return NAME.test(name);
}

export function checkSubscriberName(name: string): void {
  if (!isSubscriberName(name)) throw new Error(`bad subscriber name ${JSON.stringify(name)}: 1 to 64 of A-Z a-z 0-9 _ . @ = -`);
}

export class UnknownSubscriberError extends Error {
  constructor(readonly subscriber: string) {
    super(`no subscriber ${subscriber}`);
  }
}

/** fsync of a directory, so that a rename or unlink in it survives a crash. */
export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class Checkpoints {
  readonly dir: string;
  private map = new Map<string, number>();
  /** Checkpoint files that could not be read, as messages. */
  problems: string[] = [];

  constructor(journalDir: string) {
    this.dir = path.join(journalDir, 'subscribers');
  }

  /** Removes the temporary files a crash may have left behind. Only for the journal's writer. */
  cleanup(): void {
    for (const f of fs.readdirSync(this.dir)) {
      if (f.endsWith(TMP_SUFFIX) && isSubscriberName(f.slice(0, -TMP_SUFFIX.length))) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }

  reload(): void {
    const map = new Map<string, number>();
    const problems: string[] = [];
    let files: string[];
    try {
      files = fs.readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      files = [];
    }
    for (const f of files) {
      if (!f.endsWith(SUFFIX)) continue;
      const name = f.slice(0, -SUFFIX.length);
      if (!isSubscriberName(name)) continue;
      let text: string;
      try {
        text = fs.readFileSync(path.join(this.dir, f), 'latin1');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
        throw err;
      }
      const m = /^(\d{1,16})\n?$/.exec(text);
      if (m) {
        map.set(name, Number(m[1]));
      } else {
        // Reading everything again repeats records; taking a guess could lose them.
        problems.push(`subscriber ${name}: unreadable checkpoint file, starting it over from the beginning`);
        map.set(name, 0);
      }
    }
    this.map = map;
    this.problems = problems;
  }

  get(name: string): number | undefined {
    return this.map.get(name);
  }

  /** The checkpoint of `name`, looking on disk once more if another process may have added it. */
  require(name: string): number {
    checkSubscriberName(name);
    let cp = this.map.get(name);
    if (cp === undefined) {
      this.reload();
      cp = this.map.get(name);
    }
    if (cp === undefined) throw new UnknownSubscriberError(name);
    return cp;
  }

  list(): { name: string; checkpoint: number }[] {
    return [...this.map].map(([name, checkpoint]) => ({ name, checkpoint })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get size(): number {
    return this.map.size;
  }

  /** The lowest checkpoint, or Infinity when there is no subscriber. */
  min(): number {
    let m = Infinity;
    for (const cp of this.map.values()) m = Math.min(m, cp);
    return m;
  }

  max(): number {
    let m = 0;
    for (const cp of this.map.values()) m = Math.max(m, cp);
    return m;
  }

  write(name: string, seq: number): void {
    checkSubscriberName(name);
    const file = path.join(this.dir, name + SUFFIX);
    const tmp = path.join(this.dir, name + TMP_SUFFIX);
    const fd = fs.openSync(tmp, 'w', 0o640);
    try {
      fs.writeSync(fd, `${seq}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDir(this.dir);
    this.map.set(name, seq);
  }

  /** Removes a subscriber; false when there was none of that name. */
  remove(name: string): boolean {
    checkSubscriberName(name);
    try {
      fs.unlinkSync(path.join(this.dir, name + SUFFIX));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.map.delete(name);
      return false;
    }
    syncDir(this.dir);
    this.map.delete(name);
    return true;
  }
}
