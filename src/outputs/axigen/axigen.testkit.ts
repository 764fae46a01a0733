// Helpers for the axigen output's tests: a context on a temp log root and validated configs.

import { outputEnv, validConfig } from '../output.testkit.js';
import fs from 'node:fs';
import type { OutputContext } from '../../component.js';
import { Counters } from '../../telemetry/counters.js';
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
  const { base, root, ctx, counters, messages } = outputEnv(id, 'axigen');
  return {
    base, root, ctx, counters, messages,
    config(keys) {
      return validConfig(axigenOutputSpec, keys, `output.${id}`);
    },
    count(name, reason = '') {
      return reason === '' ? counters.total(`output.${id}`, name) : counters.get(`output.${id}`, name, reason).value;
    },
    cleanup() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
