// systemd socket activation: the sockets a .socket unit passed (LISTEN_FDS from fd 3 on, for this
// process only: LISTEN_PID), by the name each unit gave (FileDescriptorName=, in LISTEN_FDNAMES).
// An input whose section name matches a passed name uses that fd instead of binding. Read once;
// the variables are removed so that child processes do not take them for theirs.

export const SD_LISTEN_FDS_START = 3;

export function inheritedSockets(env: NodeJS.ProcessEnv = process.env, pid = process.pid): Map<string, number> {
  const out = new Map<string, number>();
  const n = Number(env.LISTEN_FDS ?? '');
  const forUs = Number(env.LISTEN_PID ?? '') === pid;
  const names = (env.LISTEN_FDNAMES ?? '').split(':');
  if (env === process.env) {
    delete process.env.LISTEN_FDS;
    delete process.env.LISTEN_PID;
    delete process.env.LISTEN_FDNAMES;
  }
  if (!forUs || !Number.isSafeInteger(n) || n <= 0) return out;
  for (let i = 0; i < n; i++) {
    const name = names[i] || `fd${SD_LISTEN_FDS_START + i}`;
    if (!out.has(name)) out.set(name, SD_LISTEN_FDS_START + i);
  }
  return out;
}
