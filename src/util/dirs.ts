import fs from 'node:fs';
import path from 'node:path';

/** mkdir -p, then chmod every directory it created, so each gets `mode` whatever the umask. */
export async function makeDirs(dir: string, mode: number): Promise<void> {
  const first = await fs.promises.mkdir(dir, { recursive: true, mode });
  if (first === undefined) return;
  const created: string[] = [];
  for (let d = dir; d.length >= first.length; d = path.dirname(d)) {
    created.push(d);
    if (d === first || d === path.dirname(d)) break;
  }
  for (const d of created.reverse()) await fs.promises.chmod(d, mode);
}
