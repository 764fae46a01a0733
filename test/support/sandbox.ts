// Runs a command inside an emulation of a service unit's sandbox, for hosts where systemd is not
// PID 1 and units cannot be started: a private mount namespace whose /proc is mounted as
// ProtectProc=/ProcSubset= ask, the unit's UMask=, an unprivileged user (65534) that keeps only
// the unit's capabilities (bounding, inheritable and ambient sets, as AmbientCapabilities= gives
// them), no_new_privs, and a seccomp allow list built from the unit's SystemCallFilter= lines
// and SystemCallArchitectures=native. A call outside the list kills the process (SIGSYS), which is
// stricter than the unit's SystemCallErrorNumber=EPERM: the test sees every call the filter
// would refuse. Linux on x86-64 as root only, with util-linux and /usr/bin/python3 (for prctl).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { allowedSyscalls, value, values, type UnitEntry } from './systemd.js';
import { waitFor } from './wait.js';

const UNISTD = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
// The system's python, not a per-user one (pyenv) that the unprivileged user cannot run.
const PYTHON = '/usr/bin/python3';
export const SANDBOX_UID = 65534;

/** Why the emulation cannot run here, or null when it can. */
export function sandboxUnavailable(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the seccomp emulation knows x86-64 Linux system call numbers only';
  if (process.getuid?.() !== 0) return 'needs root (mount namespace, setpriv)';
  for (const tool of ['unshare', 'setpriv', 'mount', PYTHON]) {
    if (spawnSync(tool, ['--version']).status !== 0) return `${tool} is not installed`;
  }
  if (!existsSync(UNISTD)) return `${UNISTD} is missing (linux-libc-dev)`;
  if (spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status !== 0) return 'cannot create a mount namespace here';
  return null;
}

// Installs the allow list (native architecture only, x32 refused) and execs the command.
const SECCOMP_PY = String.raw`
import ctypes, os, re, struct, sys
nums = {}
for line in open(${JSON.stringify(UNISTD)}):
    m = re.match(r'#define __NR_(\w+)\s+(\d+)', line)
    if m:
        nums[m.group(1)] = int(m.group(2))
names = open(sys.argv[1]).read().split()
allowed = sorted({nums[n] for n in names if n in nums})
KILL = 0x80000000
ALLOW = 0x7fff0000
prog = [(0x20, 0, 0, 4), (0x15, 1, 0, 0xc000003e), (0x06, 0, 0, KILL),
        (0x20, 0, 0, 0), (0x35, 0, 1, 0x40000000), (0x06, 0, 0, KILL)]
for n in allowed:
    prog += [(0x15, 0, 1, n), (0x06, 0, 0, ALLOW)]
prog.append((0x06, 0, 0, KILL))
buf = ctypes.create_string_buffer(b''.join(struct.pack('HBBI', *i) for i in prog))
class SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]
fprog = SockFprog(len(prog), ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) != 0:
    sys.exit('seccomp: errno %d' % ctypes.get_errno())
os.execvp(sys.argv[2], sys.argv[2:])
`;

/** The capability names (lower case, no CAP_) of a unit's CapabilityBoundingSet=. */
function capabilities(unit: readonly UnitEntry[]): string[] {
  return values(unit, 'Service', 'CapabilityBoundingSet').join(' ').split(/\s+/).filter(Boolean)
    .map((c) => c.replace(/^CAP_/, '').toLowerCase());
}

/** argv (file first) that runs `command` inside the unit's emulated sandbox; files go to `dir`. */
export function sandboxedArgv(unit: readonly UnitEntry[], dir: string, command: readonly string[]): string[] {
  const allowedFile = path.join(dir, 'seccomp.allowed');
  writeFileSync(allowedFile, [...allowedSyscalls(unit)].join('\n'));
  const seccompPy = path.join(dir, 'seccomp.py');
  writeFileSync(seccompPy, SECCOMP_PY);
  const procOptions = [
    value(unit, 'Service', 'ProcSubset') === 'pid' ? 'subset=pid' : '',
    values(unit, 'Service', 'ProtectProc')[0] ? `hidepid=${value(unit, 'Service', 'ProtectProc')}` : '',
  ].filter(Boolean).join(',');
  const caps = capabilities(unit).map((c) => `+${c}`).join(',');
  const capSet = `-all${caps ? `,${caps}` : ''}`;
  const script = [
    'set -e',
    procOptions ? `mount -t proc -o ${procOptions} proc /proc` : '',
    `umask ${value(unit, 'Service', 'UMask')}`,
    `exec setpriv --reuid=${SANDBOX_UID} --regid=${SANDBOX_UID} --clear-groups` +
      `${value(unit, 'Service', 'NoNewPrivileges') === 'yes' ? ' --no-new-privs' : ''}` +
      ` --inh-caps=${capSet} --ambient-caps=${capSet} --bounding-set=${capSet}` +
      ` ${PYTHON} ${seccompPy} ${allowedFile} "$@"`,
  ].filter(Boolean).join('\n');
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...command];
}

// A stand-in for the service manager's notification socket: prints each datagram on one line
// ('|' for newlines) with the sender's pid, and closes passed fds so BARRIER=1 completes.
const NOTIFY_PY = String.raw`
import array, os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
print('listening', flush=True)
while True:
    data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(4 * 16) + socket.CMSG_SPACE(12))
    pid = 0
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array('i')
            fds.frombytes(payload[:len(payload) - len(payload) % 4])
            for fd in fds:
                os.close(fd)
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = int.from_bytes(payload[:4], 'little')
    print('%d %s' % (pid, data.decode(errors='replace').strip().replace('\n', '|')), flush=True)
`;

export interface NotifyListener {
  readonly socket: string;
  /** Datagrams received so far: sender pid and text. */
  messages(): { pid: number; text: string }[];
  stop(): void;
}

export async function startNotifyListener(dir: string): Promise<NotifyListener> {
  const socketPath = path.join(dir, 'notify.sock');
  const script = path.join(dir, 'notify.py');
  writeFileSync(script, NOTIFY_PY);
  const proc: ChildProcess = spawn(PYTHON, [script, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor('the notify listener', () => out.startsWith('listening\n'), 10_000);
  return {
    socket: socketPath,
    messages: () => out.split('\n').slice(1).filter(Boolean).map((l) => {
      const sp = l.indexOf(' ');
      return { pid: Number(l.slice(0, sp)), text: l.slice(sp + 1) };
    }),
    stop: () => { proc.kill('SIGTERM'); },
  };
}

/** A socket to pass as systemd does: a port (dual-stack [::], or 0.0.0.0 without IPv6) or a unix path. */
export interface PassedSocket {
  readonly name: string;
  readonly type: 'datagram' | 'stream';
  readonly address: number | string;
  /** Mode of a unix socket file (SocketMode=). */
  readonly mode?: number;
}

// Socket activation as the service manager does it: binds each socket (root, so low ports work),
// puts them at fds 3, 4, ... and sets LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID (this process:
// every later step execs, so the pid is the daemon's).
const ACTIVATE_PY = String.raw`
import json, os, socket, sys
fds = []
for s in json.loads(sys.argv[1]):
    kind = socket.SOCK_DGRAM if s['type'] == 'datagram' else socket.SOCK_STREAM
    if isinstance(s['address'], str):
        sock = socket.socket(socket.AF_UNIX, kind)
        try:
            os.unlink(s['address'])
        except FileNotFoundError:
            pass
        sock.bind(s['address'])
        os.chmod(s['address'], s.get('mode', 0o666))
    else:
        try:
            sock = socket.socket(socket.AF_INET6, kind)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            host = '::'
        except OSError:
            sock = socket.socket(socket.AF_INET, kind)
            host = '0.0.0.0'
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, s['address']))
    if kind == socket.SOCK_STREAM:
        sock.listen(128)
    fds.append(os.dup(sock.fileno()))
    sock.close()
# Out of the way first, so that moving one to 3.. never overwrites another.
high = [os.dup2(fd, 100 + i) for i, fd in enumerate(fds)]
for fd in fds:
    os.close(fd)
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i, inheritable=True)
    os.close(fd)
os.environ['LISTEN_FDS'] = str(len(high))
os.environ['LISTEN_FDNAMES'] = ':'.join(s['name'] for s in json.loads(sys.argv[1]))
os.environ['LISTEN_PID'] = str(os.getpid())
os.execvp(sys.argv[2], sys.argv[2:])
`;

/** argv that runs `command` with `sockets` passed the way a .socket unit passes them. */
export function activatedArgv(dir: string, sockets: readonly PassedSocket[], command: readonly string[]): string[] {
  const script = path.join(dir, 'activate.py');
  writeFileSync(script, ACTIVATE_PY);
  return [PYTHON, script, JSON.stringify(sockets), ...command];
}
