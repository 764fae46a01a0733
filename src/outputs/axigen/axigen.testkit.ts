// Helpers for the axigen output's tests: a context on a temp log root and validated configs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { OutputContext } from '../../component.js';
import { validateSection, type ConfigProblem } from '../../config/schema.js';
import { Counters } from '../../telemetry/counters.js';
import { InternalLog } from '../../telemetry/log.js';
import { axigenOutputSpec, type AxigenOutputConfig } from './config.js';

export interface Harness {
  readonly base: string;
  readonly root: string;
  readonly ctx: OutputContext;
  readonly counters: Counters;
  readonly messages: string[];
  config(keys: Record<string, unknown>): AxigenOutputConfig;
  count(name: string, reason?: string): number;
  cleanup(): void;
}

export function harness(id = 'ax'): Harness {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-axigen-'));
  const root = path.join(base, 'root');
  fs.mkdirSync(root);
  const counters = new Counters();
  const log = new InternalLog();
  const messages: string[] = [];
  log.attach((level, text) => messages.push(`${level}: ${text}`));
  const ctx: OutputContext = {
    id, logRoot: root, stateDir: path.join(base, 'state'), counters, log, shutdown: new AbortController().signal,
  };
  return {
    base, root, ctx, counters, messages,
    config(keys) {
      const problems: ConfigProblem[] = [];
      const c = validateSection(axigenOutputSpec, keys, `output.${id}`, problems);
      if (problems.length) throw new Error(JSON.stringify(problems));
      return c;
    },
    count(name, reason = '') {
      return reason === '' ? counters.total(`output.${id}`, name) : counters.get(`output.${id}`, name, reason).value;
    },
    cleanup() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
