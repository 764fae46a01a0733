// Readiness for systemd's Type=notify without native code: when NOTIFY_SOCKET is set, the
// `systemd-notify` tool sends the state. It runs as the daemon's user, so the unit needs
// NotifyAccess=all (the credentials carry systemd-notify's pid, not ours). Never fatal: a
// missing tool is logged, and systemd then times the start out, which says the same.

import { spawn } from 'node:child_process';

export function sdNotify(args: readonly string[], onError: (message: string) => void): Promise<void> {
  if (!process.env.NOTIFY_SOCKET) return Promise.resolve();
  return new Promise((resolve) => {
    const child = spawn('systemd-notify', [...args], { stdio: 'ignore' });
    child.once('error', (err) => {
      onError(`systemd-notify ${args.join(' ')}: ${err.message}`);
      resolve();
    });
    child.once('exit', (code) => {
      if (code !== 0) onError(`systemd-notify ${args.join(' ')} exited with ${code}`);
      resolve();
    });
  });
}
