// Helpers for the file output's tests: a context on a temp log root, records, a listing of what
// is on disk, and waiting on a condition.

import { outputEnv, validConfig } from '../output.testkit.js';
import fs from 'node:fs';
import type { OutputContext } from '../../component.js';
import { LogRecord } from '../../record.js';
import type { Formatter } from '../../syslog/formatter.js';
import { Counters } from '../../telemetry/counters.js';
import { fileOutputSpec, type FileOutputConfig } from './config.js';
import { FileOutput } from './index.js';

/** The raw bytes and a LF: enough to count lines without depending on a real line format. */
export const rawLine: Formatter = (rec, out) => {
  out.bytes(rec.raw);
  out.byte(0x0a);
};

export interface Harness {
  /** Parent of the log root: nothing may appear here except the root. */
  readonly base: string;
  readonly root: string;
  readonly ctx: OutputContext;
  readonly counters: Counters;
  readonly messages: string[];
  config(keys: Record<string, unknown>): FileOutputConfig;
  output(keys: Record<string, unknown>): FileOutput;
  cleanup(): Promise<void>;
}

export function harness(id = 't'): Harness {
  const { base, root, ctx, counters, messages } = outputEnv(id, 'file');
  const outputs: FileOutput[] = [];
  const config = (keys: Record<string, unknown>): FileOutputConfig => validConfig(fileOutputSpec, keys, `output.${id}`);
  return {
    base, root, ctx, counters, messages, config,
    output(keys) {
      const out = new FileOutput(config(keys), ctx, rawLine);
      outputs.push(out);
      return out;
    },
    async cleanup() {
      await Promise.all(outputs.map((o) => o.close()));
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

export function record(text: string, fields: Partial<Pick<LogRecord, 'hostname' | 'app' | 'program' | 'facility' | 'severity' | 'time'>> = {}): LogRecord {
  const rec = new LogRecord(Buffer.from(text), Date.now(), 'udp', '127.0.0.1');
  Object.assign(rec, fields);
  return rec;
}

/** Numbered records `first .. first+count-1`, text `<prefix><n>`. */
export function numbered(first: number, count: number, fields: Parameters<typeof record>[1] = {}, prefix = ''): LogRecord[] {
  return Array.from({ length: count }, (_, i) => record(`${prefix}${first + i}`, fields));
}

/** Every file and directory under `dir`, as paths relative to it, sorted. */
export function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })).sort();
}

export function lines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

export { openFds, waitFor } from '../output.testkit.js';

export function count(h: Harness, name: string, reason = ''): number {
  return reason === '' ? h.counters.total(`output.${h.ctx.id}`, name) : h.counters.get(`output.${h.ctx.id}`, name, reason).value;
}
