// What every output's tests start from: a temp dir with a log root, a context with counters and
// an internal log that remembers what it was told, and a config validated from INI-like keys.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OutputContext } from '../component.js';
import { validateSection, type ConfigProblem, type Spec, type SpecValue } from '../config/schema.js';
import { Counters } from '../telemetry/counters.js';
import { InternalLog } from '../telemetry/log.js';

export interface OutputEnv {
  /** Parent of the log root: nothing may appear here except the root. */
  readonly base: string;
  readonly root: string;
  readonly ctx: OutputContext;
  readonly counters: Counters;
  /** Everything the daemon's own log (the paniclog) was told, as `level: text`. */
  readonly messages: string[];
}

export function outputEnv(id: string, prefix: string): OutputEnv {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `maillogd-${prefix}-`));
  const root = path.join(base, 'root');
  fs.mkdirSync(root);
  const counters = new Counters();
  const log = new InternalLog();
  const messages: string[] = [];
  log.attach((level, text) => messages.push(`${level}: ${text}`));
  const ctx: OutputContext = {
    id, logRoot: root, stateDir: path.join(base, 'state'), counters, log, shutdown: new AbortController().signal,
  };
  return { base, root, ctx, counters, messages };
}

/** The section's validated value; throws with the problems when the keys are not valid. */
export function validConfig<S extends Spec>(spec: S, keys: Record<string, unknown>, section: string): SpecValue<S> {
  const problems: ConfigProblem[] = [];
  const c = validateSection(spec, keys, section, problems);
  if (problems.length) throw new Error(JSON.stringify(problems));
  return c;
}

/** Polls `cond` until it holds; fails after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Open fds of this process that point at `file`. */
export function openFds(file: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) n++;
    } catch { /* closed while listing */ }
  }
  return n;
}
