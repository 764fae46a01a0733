// Making a unix socket's path ready to listen on: its directory exists, and a file left by a
// process that died is removed, but one a live process still answers on is not taken over.

import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** True when something accepts connections on the socket at `file`. */
export function socketAnswers(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(file);
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

/** Makes the directory, refuses a path a live process listens on, removes a stale file. */
export async function claimSocketPath(file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  if (await socketAnswers(file)) throw new Error('another process is listening on it');
  rmSync(file, { force: true });
}
