// Reading the shipped systemd units and checking them with systemd-analyze, offline: no running
// systemd is needed. `verify` resolves units and ExecStart= binaries under a temporary root
// that holds the distribution's units, stub executables and the units under test.

import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, realpathSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from './daemon.js';

export const UNIT_DIR = path.join(ROOT, 'systemd');

export interface UnitEntry {
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

/** The assignments of a unit file in order (comments dropped, continuation lines joined). */
export function readUnit(file: string): UnitEntry[] {
  const out: UnitEntry[] = [];
  let section = '';
  let pending = '';
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = pending + raw.trim();
    pending = '';
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.endsWith('\\')) {
      pending = `${line.slice(0, -1)} `;
      continue;
    }
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`${file}: not an assignment: ${line}`);
    out.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return out;
}

/** Every value of `key` in `section`, in file order. */
export function values(unit: readonly UnitEntry[], section: string, key: string): string[] {
  return unit.filter((e) => e.section === section && e.key === key).map((e) => e.value);
}

/** The single value of `key` in `section`; throws when it is missing or repeated. */
export function value(unit: readonly UnitEntry[], section: string, key: string): string {
  const v = values(unit, section, key);
  if (v.length !== 1) throw new Error(`[${section}] ${key}= appears ${v.length} times`);
  return v[0]!;
}

export function haveSystemdAnalyze(): boolean {
  return spawnSync('systemd-analyze', ['--version']).status === 0;
}

export interface AnalyzeResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function analyze(args: readonly string[]): AnalyzeResult {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The binaries the Exec*= lines of a unit run (prefixes such as `-`, `@`, `+` removed). */
export function execBinaries(unit: readonly UnitEntry[]): string[] {
  return unit.filter((e) => /^Exec[A-Z]/.test(e.key))
    .map((e) => e.value.replace(/^[-@:+!]+/, '').split(/\s+/)[0]!)
    .filter((p) => p.startsWith('/'));
}

/**
 * A root for `systemd-analyze verify --root=`: the distribution's unit directory (for
 * sysinit.target and the other default dependencies), an executable stub at every path the
 * units' Exec*= lines name, and the units themselves in /etc/systemd/system.
 */
export function verifyRoot(unitFiles: readonly string[]): string {
  const root = tempDir('maillogd-verify-');
  const system = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) => existsSync(d));
  if (!system) throw new Error('no /usr/lib/systemd/system or /lib/systemd/system to take sysinit.target from');
  mkdirSync(path.join(root, 'usr/lib/systemd'), { recursive: true });
  cpSync(realpathSync(system), path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  const etc = path.join(root, 'etc/systemd/system');
  mkdirSync(etc, { recursive: true });
  for (const f of unitFiles) {
    copyFileSync(f, path.join(etc, path.basename(f)));
    for (const bin of execBinaries(readUnit(f))) {
      const stub = path.join(root, bin);
      mkdirSync(path.dirname(stub), { recursive: true });
      writeFileSync(stub, '#!/bin/sh\nexit 0\n');
      chmodSync(stub, 0o755);
    }
  }
  return root;
}

/** The number on `systemd-analyze security`'s "Overall exposure level for X: N.N OK" line. */
export function overallExposure(output: string): number {
  const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(output);
  if (!m) throw new Error(`no overall exposure line in:\n${output}`);
  return Number(m[1]);
}

/** Members of every system call group, from `systemd-analyze syscall-filter`. */
export function syscallGroups(): Map<string, string[]> {
  const r = analyze(['syscall-filter']);
  if (r.status !== 0) throw new Error(`systemd-analyze syscall-filter: ${r.stderr}`);
  const groups = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of r.stdout.split('\n')) {
    const g = /^(@[-a-z0-9]+)$/.exec(line);
    if (g) {
      current = [];
      groups.set(g[1]!, current);
      continue;
    }
    const m = /^\s+([-@a-z0-9_]+)$/.exec(line);
    if (m && current) current.push(m[1]!);
  }
  return groups;
}

/**
 * The system calls a unit's SystemCallFilter= lines allow, as systemd combines them: the first
 * line sets the mode (this handles allow lists only), later allow lines add and `~` lines remove.
 * systemd also always allows the calls it names as implicit (execve, exit, getrlimit, ...).
 */
export function allowedSyscalls(unit: readonly UnitEntry[]): Set<string> {
  const groups = syscallGroups();
  const expand = (name: string, seen = new Set<string>()): string[] => {
    if (!name.startsWith('@')) return [name];
    if (seen.has(name)) return [];
    seen.add(name);
    const members = groups.get(name);
    if (!members) throw new Error(`unknown system call group ${name}`);
    return members.flatMap((m) => expand(m, seen));
  };
  const lines = values(unit, 'Service', 'SystemCallFilter');
  if (lines.length === 0 || lines[0]!.startsWith('~')) throw new Error('the unit has no SystemCallFilter= allow list');
  const allowed = new Set<string>(['execve', 'exit', 'exit_group', 'getrlimit', 'rt_sigreturn', 'sigreturn']);
  for (const line of lines) {
    const deny = line.startsWith('~');
    for (const item of line.replace(/^~/, '').split(/\s+/).filter(Boolean)) {
      for (const call of expand(item.replace(/:.*$/, ''))) {
        if (deny) allowed.delete(call);
        else allowed.add(call);
      }
    }
  }
  return allowed;
}
