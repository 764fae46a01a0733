// Helpers for the mmdf output's tests: a context on a temp log root, records (plain and MMDF
// lines), and the prefixes MMDF would write for a local time.

import { outputEnv, validConfig } from '../output.testkit.js';
import fs from 'node:fs';
import type { OutputContext } from '../../component.js';
import { mmdfDialect } from '../../dialects/mmdf/index.js';
import { LogRecord } from '../../record.js';
import { Counters } from '../../telemetry/counters.js';
import { mmdfOutputSpec, type MmdfOutputConfig } from './config.js';
import { MmdfOutput } from './index.js';

export interface Harness {
  readonly base: string;
  readonly root: string;
  readonly ctx: OutputContext;
  readonly counters: Counters;
  /** Everything the daemon's own log (the paniclog) was told, as `level: text`. */
  readonly messages: string[];
  config(keys: Record<string, unknown>): MmdfOutputConfig;
  output(keys: Record<string, unknown>): MmdfOutput;
  count(name: string, reason?: string): number;
  cleanup(): Promise<void>;
}

export function harness(id = 'mm'): Harness {
  const { base, root, ctx, counters, messages } = outputEnv(id, 'mmdf');
  const outputs: MmdfOutput[] = [];
  const config = (keys: Record<string, unknown>): MmdfOutputConfig => validConfig(mmdfOutputSpec, keys, `output.${id}`);
  return {
    base, root, ctx, counters, messages, config,
    output(keys) {
      const out = new MmdfOutput(config(keys), ctx);
      outputs.push(out);
      return out;
    },
    count(name, reason = '') {
      return reason === '' ? counters.total(`output.${id}`, name) : counters.get(`output.${id}`, name, reason).value;
    },
    async cleanup() {
      await Promise.all(outputs.map((o) => o.close()));
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** 2026-09-11 09:02:15 local time. */
export const T0 = new Date(2026, 8, 11, 9, 2, 15).getTime();

/** A plain syslog record: `msg` from `program[procid]` at `time`. */
export function record(msg: string, opts: { program?: string; procid?: string; severity?: number; time?: number } = {}): LogRecord {
  const head = `<22>${opts.program ?? 'submit'}: `;
  const rec = new LogRecord(Buffer.from(head + msg), T0, 'udp', '127.0.0.1');
  rec.format = 'rfc3164';
  rec.msgOffset = head.length;
  rec.program = rec.app = opts.program ?? 'submit';
  rec.procid = opts.procid ?? '1234';
  rec.severity = opts.severity ?? 6;
  rec.time = opts.time ?? T0;
  return rec;
}

/** A record the MMDF dialect read from `line`. */
export function mmdfRecord(line: string, severity = 6): LogRecord {
  const rec = new LogRecord(Buffer.from(line), T0, 'udp', '127.0.0.1');
  const r = mmdfDialect.parse(Buffer.from(line));
  if (!r.ok) throw new Error(`not an MMDF line: ${line}`);
  rec.dialect = 'mmdf';
  rec.fields = r.fields as unknown as Record<string, unknown>;
  rec.disposition = r.disposition;
  rec.severity = severity;
  return rec;
}

/** `n` records whose whole entries (long prefix, tag `submit1234`) are each exactly `bytes` long. */
export function sized(n: number, bytes: number, start = 0): LogRecord[] {
  const prefix = ' 9/11  9:02:15 submit1234:  '.length;
  return Array.from({ length: n }, (_, i) => {
    const label = String(start + i);
    return record(label + 'x'.repeat(bytes - prefix - 1 - label.length));
  });
}

export { openFds, waitFor } from '../output.testkit.js';
