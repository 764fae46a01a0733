// `maillogd rotate`: Momentum's ec_rotate job for the files maillogd writes. For each NAME it
// shifts the generations (X.6 → X.7 … X → X.1, keeping N, removing older ones), sends the running
// daemon SIGHUP so it reopens its files, then gzips the rotated generations.
// Owns: the renames, removals and compressed files of one run; it writes nothing the daemon writes.
// Invariants: no line is lost. Lines the daemon writes between the rename and its reopen land in
// X.1 (rename keeps the open file), so X.1 is compressed only once the daemon has let go of it:
// on Linux when no fd of the daemon points at it any more (/proc/<pid>/fd), else when it has not
// grown for a second. A compressed file appears whole (written to .tmp, fsynced, renamed) before
// its source is removed, so a crash leaves the source or both, never neither.
// Failure: nothing is renamed unless every NAME exists and the daemon is running. Exit codes follow
// sysexits: 64 usage, 66 no such file, 69 daemon not running, 74 rename or compress failed,
// 75 X.1 still written to after the wait (left uncompressed; the next run compresses it),
// 77 not allowed to signal the daemon, 78 bad config.

import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { loadConfig } from '../config/validate.js';
import { formatProblem, type ConfigProblem } from '../config/schema.js';

export const USAGE = `usage: maillogd rotate [--keep N] [--no-compress] [--pid-file F | --pid N]
                       [--log-root DIR] [--config FILE] NAME...

  Renames each NAME to NAME.1 (NAME.1 to NAME.2 ... keeping N generations), makes the
  running daemon reopen its files (SIGHUP), then gzips NAME.1 to NAME.1.gz.

  NAME             a log file, relative to the log root (or absolute)
  --keep N         generations to keep (default 7); older ones are removed
  --no-compress    leave rotated files as they are
  --pid-file F     file holding the daemon's pid (default: pid_file of --config)
  --pid N          the daemon's pid
  --log-root DIR   directory NAMEs are relative to (default: log_root of --config,
                   else the current directory)
  --config FILE    the daemon's configuration, for log_root and pid_file
`;

export const EXIT = { ok: 0, usage: 64, noInput: 66, unavailable: 69, ioError: 74, tempFail: 75, noPerm: 77, config: 78 } as const;

export const DEFAULT_KEEP = 7;
const MAX_KEEP = 9999;
const GZ = '.gz';

// ---- The plan: pure ------------------------------------------------------------------------

export type RotateStep = { readonly op: 'remove'; readonly path: string } | { readonly op: 'rename'; readonly from: string; readonly to: string };

export interface RotationPlan {
  readonly file: string;
  /** Removals and renames, in order: done before the daemon is told to reopen. */
  readonly steps: readonly RotateStep[];
  /** The file the current one becomes: compressed once the daemon has let go of it. */
  readonly rotated: string;
  /** Older uncompressed generations (after the shift), left by --no-compress or an interrupted run. */
  readonly older: readonly string[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What rotating `file` takes, given the names in its directory. Generation g is `file.g` or
 * `file.g.gz` (both are moved when both exist). Generations from `keep` up are removed, the rest
 * move up one, and `file` becomes `file.1`.
 */
export function planRotation(file: string, dirEntries: readonly string[], keep: number): RotationPlan {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const gen = new RegExp(`^${escapeRegExp(base)}\\.([1-9][0-9]*)(\\.gz)?$`);
  const found: { g: number; gz: boolean }[] = [];
  for (const name of dirEntries) {
    const m = gen.exec(name);
    if (m) found.push({ g: Number(m[1]), gz: m[2] !== undefined });
  }
  const at = (g: number, gz: boolean) => path.join(dir, `${base}.${g}${gz ? GZ : ''}`);
  const steps: RotateStep[] = [];
  // Oldest first: removals, then each rename into a name already vacated.
  found.sort((a, b) => b.g - a.g || Number(a.gz) - Number(b.gz));
  for (const f of found) if (f.g >= keep) steps.push({ op: 'remove', path: at(f.g, f.gz) });
  for (const f of found) if (f.g < keep) steps.push({ op: 'rename', from: at(f.g, f.gz), to: at(f.g + 1, f.gz) });
  steps.push({ op: 'rename', from: file, to: at(1, false) });
  const older = found.filter((f) => f.g < keep && !f.gz).map((f) => at(f.g + 1, false)).reverse();
  return { file, steps, rotated: at(1, false), older };
}

// ---- Arguments --------------------------------------------------------------------------------

export interface RotateOptions {
  readonly files: readonly string[];
  readonly keep: number;
  readonly compress: boolean;
  /** Where the pid comes from. */
  readonly pid: { readonly kind: 'pid'; readonly pid: number } | { readonly kind: 'file'; readonly file: string };
}

export class RotateError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** Reads the command line (without `rotate`) into options; throws RotateError. */
export function parseRotateArgs(argv: readonly string[], cwd = process.cwd()): RotateOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        keep: { type: 'string', short: 'r' },
        'no-compress': { type: 'boolean', short: 'n' },
        'pid-file': { type: 'string' },
        pid: { type: 'string' },
        'log-root': { type: 'string' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new RotateError(EXIT.usage, (err as Error).message);
  }
  const a = parsed.values;
  if (a.help) return 'help';
  let keep = DEFAULT_KEEP;
  if (a.keep !== undefined) {
    if (!/^[0-9]+$/.test(a.keep) || Number(a.keep) < 1 || Number(a.keep) > MAX_KEEP) {
      throw new RotateError(EXIT.usage, `--keep: expected a whole number from 1 to ${MAX_KEEP}, got ${JSON.stringify(a.keep)}`);
    }
    keep = Number(a.keep);
  }
  if (a.pid !== undefined && a['pid-file'] !== undefined) throw new RotateError(EXIT.usage, 'give --pid or --pid-file, not both');
  if (parsed.positionals.length === 0) throw new RotateError(EXIT.usage, 'no file to rotate');

  let logRoot = a['log-root'] !== undefined ? path.resolve(cwd, a['log-root']) : null;
  let pidFile = a['pid-file'] !== undefined ? path.resolve(cwd, a['pid-file']) : null;
  if (a.config !== undefined) {
    const problems: ConfigProblem[] = [];
    const config = loadConfig(a.config, problems, cwd);
    if (problems.length) throw new RotateError(EXIT.config, problems.map((p) => `config: ${formatProblem(p)}`).join('\n'));
    logRoot ??= config.daemon.log_root;
    if (pidFile === null && a.pid === undefined && config.daemon.pid_file) pidFile = config.daemon.pid_file;
  }
  let pid: RotateOptions['pid'];
  if (a.pid !== undefined) {
    if (!/^[1-9][0-9]{0,9}$/.test(a.pid)) throw new RotateError(EXIT.usage, `--pid: expected a process id, got ${JSON.stringify(a.pid)}`);
    pid = { kind: 'pid', pid: Number(a.pid) };
  } else if (pidFile !== null) {
    pid = { kind: 'file', file: pidFile };
  } else {
    throw new RotateError(EXIT.usage, 'no daemon to signal: give --pid-file, --pid, or --config with a pid_file');
  }
  const root = logRoot ?? cwd;
  const files = [...new Set(parsed.positionals.map((n) => path.resolve(root, n)))];
  return { files, keep, compress: !a['no-compress'], pid };
}

// ---- The daemon -------------------------------------------------------------------------------

/** The daemon's pid, checked to be a running process we may signal. */
export function daemonPid(source: RotateOptions['pid']): number {
  let pid: number;
  if (source.kind === 'pid') pid = source.pid;
  else {
    let text: string;
    try {
      text = fs.readFileSync(source.file, 'utf8');
    } catch (err) {
      throw new RotateError(EXIT.unavailable, `daemon not running: cannot read pid file ${source.file}: ${(err as Error).message}`);
    }
    if (!/^\s*[1-9][0-9]{0,9}\s*$/.test(text)) throw new RotateError(EXIT.unavailable, `daemon not running: ${source.file} holds no pid`);
    pid = Number(text.trim());
  }
  try {
    process.kill(pid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') throw new RotateError(EXIT.noPerm, `not allowed to signal the daemon (pid ${pid})`);
    throw new RotateError(EXIT.unavailable, `daemon not running: no process ${pid}`);
  }
  return pid;
}

/**
 * Whether process `pid` has `file` open (compared by device and inode), from /proc; null when
 * that cannot be told (no /proc, or not allowed to look).
 */
export function heldOpen(pid: number, file: string): boolean | null {
  let target: fs.Stats;
  let fds: string[];
  try {
    target = fs.statSync(file);
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      const st = fs.statSync(`/proc/${pid}/fd/${fd}`);
      if (st.ino === target.ino && st.dev === target.dev) return true;
    } catch { /* closed meanwhile, or not a file */ }
  }
  return false;
}

export interface ReleaseWait {
  readonly quietMs: number;
  readonly maxMs: number;
  readonly pollMs: number;
  readonly heldOpen: (pid: number, file: string) => boolean | null;
}
export const RELEASE_WAIT: ReleaseWait = { quietMs: 1000, maxMs: 10_000, pollMs: 50, heldOpen };

/**
 * Resolves true once the daemon no longer writes `file`: it holds no fd on it, or (when that cannot
 * be told) the file has not grown for quietMs. Resolves false after maxMs.
 */
export async function waitForRelease(pid: number, file: string, w: ReleaseWait = RELEASE_WAIT): Promise<boolean> {
  const start = Date.now();
  let size = -1;
  let since = start;
  for (;;) {
    const held = w.heldOpen(pid, file);
    if (held === false) return true;
    const now = Date.now();
    if (held === null) {
      let s: number;
      try { s = fs.statSync(file).size; } catch { /* gone: nothing more to wait for */ return true; }
      if (s !== size) {
        size = s;
        since = now;
      } else if (now - since >= w.quietMs) return true;
    }
    if (now - start >= w.maxMs) return false;
    await new Promise((r) => setTimeout(r, w.pollMs));
  }
}

// ---- Files ------------------------------------------------------------------------------------

async function syncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

/** Carries out removals and renames in order; the directory is fsynced once at the end. */
export async function applySteps(steps: readonly RotateStep[]): Promise<void> {
  for (const s of steps) {
    if (s.op === 'remove') await fs.promises.rm(s.path, { force: true });
    else await fs.promises.rename(s.from, s.to);
  }
  const dirs = new Set(steps.map((s) => path.dirname(s.op === 'remove' ? s.path : s.to)));
  for (const d of dirs) await syncDir(d);
}

/** gzips `file` to `file.gz` (same mode and mtime), durably, then removes `file`. */
export async function compressFile(file: string): Promise<void> {
  const st = await fs.promises.stat(file);
  const gz = file + GZ;
  const tmp = `${gz}.tmp`;
  try {
    await pipeline(fs.createReadStream(file), zlib.createGzip(), fs.createWriteStream(tmp, { mode: 0o600 }));
    const out = await fs.promises.open(tmp, 'r+');
    try {
      await out.chmod(st.mode & 0o7777);
      await out.sync();
    } finally {
      await out.close();
    }
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await fs.promises.utimes(tmp, st.atime, st.mtime);
  await fs.promises.rename(tmp, gz);
  await syncDir(path.dirname(gz));
  await fs.promises.rm(file);
  await syncDir(path.dirname(gz));
}

// ---- The run ----------------------------------------------------------------------------------

export interface RotateIo {
  readonly stderr: (text: string) => void;
  readonly wait: ReleaseWait;
}

/** Rotates with parsed options; returns the exit code. */
export async function rotate(opts: RotateOptions, io: RotateIo): Promise<number> {
  const fail = (code: number, text: string) => {
    io.stderr(`maillogd rotate: ${text}\n`);
    return code;
  };
  const missing = opts.files.filter((f) => !isFile(f));
  if (missing.length) return fail(EXIT.noInput, missing.map((f) => `${f}: no such file`).join('\n'));
  let pid: number;
  try {
    pid = daemonPid(opts.pid);
  } catch (err) {
    return err instanceof RotateError ? fail(err.code, err.message) : fail(EXIT.unavailable, (err as Error).message);
  }

  const plans: RotationPlan[] = [];
  for (const file of opts.files) {
    const plan = planRotation(file, fs.readdirSync(path.dirname(file)), opts.keep);
    try {
      await applySteps(plan.steps);
    } catch (err) {
      // Files renamed so far are rotated: the daemon must still reopen them.
      signal(pid, io);
      return fail(EXIT.ioError, `${file}: ${(err as Error).message}`);
    }
    plans.push(plan);
  }
  if (!signal(pid, io)) return EXIT.unavailable;
  if (!opts.compress) return EXIT.ok;

  let code: number = EXIT.ok;
  await Promise.all(plans.map(async (plan) => {
    try {
      for (const f of plan.older) await compressFile(f);
      if (!(await waitForRelease(pid, plan.rotated, io.wait))) {
        code = Math.max(code, fail(EXIT.tempFail, `${plan.rotated} still written to ${io.wait.maxMs / 1000} s after the reopen; ` +
          'left uncompressed (the next rotation compresses it)'));
        return;
      }
      await compressFile(plan.rotated);
    } catch (err) {
      code = Math.max(code, fail(EXIT.ioError, `${plan.file}: compress: ${(err as Error).message}`));
    }
  }));
  return code;
}

function isFile(f: string): boolean {
  try {
    return fs.statSync(f).isFile();
  } catch {
    return false;
  }
}

function signal(pid: number, io: RotateIo): boolean {
  try {
    process.kill(pid, 'SIGHUP');
    return true;
  } catch (err) {
    io.stderr(`maillogd rotate: cannot signal the daemon (pid ${pid}): ${(err as Error).message}\n`);
    return false;
  }
}

/** `maillogd rotate ...`: returns the exit code. */
export async function rotateMain(argv: readonly string[], io: RotateIo = {
  stderr: (t) => process.stderr.write(t), wait: RELEASE_WAIT,
}): Promise<number> {
  let opts: RotateOptions | 'help';
  try {
    opts = parseRotateArgs(argv);
  } catch (err) {
    if (!(err instanceof RotateError)) throw err;
    io.stderr(`maillogd rotate: ${err.message}\n${err.code === EXIT.usage ? USAGE : ''}`);
    return err.code;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  return rotate(opts, io);
}
