// Helpers for the momentum output's tests: records read from legacy lines the way an input
// recognises them, and an output on a temp log root.

import { outputEnv, validConfig } from '../output.testkit.js';
import fs from 'node:fs';
import path from 'node:path';
import type { OutputContext } from '../../component.js';
import { DialectRecogniser } from '../../dialects/recognise.js';
import { LogRecord, RecordFlag } from '../../record.js';
import { Counters } from '../../telemetry/counters.js';
import { momentumOutputSpec, type MomentumOutputConfig } from './config.js';
import { MomentumOutput } from './index.js';

const recogniser = new DialectRecogniser('auto', new Counters(), 'test');

/** Record time of the derived-line tests: 2026-03-01T12:00:00.250Z. */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0, 250);
export const T0_EPOCH = Math.floor(T0 / 1000);

/** A record of a legacy line sent with no syslog header (as a file relay sends it), dialect recognised. */
export function legacy(line: string | Buffer, time = T0): LogRecord {
  const rec = new LogRecord(typeof line === 'string' ? Buffer.from(line) : line, time, 'tcp', '127.0.0.1');
  rec.flags |= RecordFlag.PRI_MISSING;
  recogniser.apply(rec);
  return rec;
}

/** A plain syslog-ish record: no dialect, no disposition. */
export function plain(text: string, app = ''): LogRecord {
  const rec = new LogRecord(Buffer.from(text), T0, 'udp', '127.0.0.1');
  rec.app = app;
  return rec;
}

export function momentumConfig(keys: Record<string, unknown> = {}): MomentumOutputConfig {
  return validConfig(momentumOutputSpec, { heartbeat_secs: 0, ...keys }, 'output.m');
}

export interface MomentumHarness {
  readonly root: string;
  readonly counters: Counters;
  readonly messages: string[];
  readonly ctx: OutputContext;
  output(keys?: Record<string, unknown>): MomentumOutput;
  /** Absolute path of a file under the root. */
  file(rel: string): string;
  count(name: string, reason: string): number;
  cleanup(): Promise<void>;
}

export function momentumHarness(): MomentumHarness {
  const { base, root, ctx, counters, messages } = outputEnv('m', 'momentum');
  const outputs: MomentumOutput[] = [];
  return {
    root, counters, messages, ctx,
    output(keys = {}) {
      const out = new MomentumOutput(momentumConfig(keys), ctx);
      outputs.push(out);
      return out;
    },
    file: (rel) => path.join(root, rel),
    count: (name, reason) => counters.get('output.m', name, reason).value,
    async cleanup() {
      await Promise.all(outputs.map((o) => o.close()));
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
