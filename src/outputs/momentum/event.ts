// A message event in Momentum's terms, filled from whatever another dialect's record tells, and
// the mainlog record it becomes. What a dialect does not tell stays empty ('' or 0), so every
// line has the documented field count and reads back with the Momentum parser.

import type { MainlogFields } from '../../dialects/momentum/index.js';
import { stageName } from '../../dialects/momentum/index.js';

/** Connection stage 22: `unknown` in Momentum's table; the stage of a failure another system logged. */
export const STAGE_UNKNOWN = 22;

export interface EventParts {
  /** Whole seconds since the epoch. */
  epoch: number;
  messageId: string;
  batchId: string;
  connectionId: string;
  // Reception (R).
  rcptLocalpart: string;
  rcptDomain: string;
  senderLocalpart: string;
  senderDomain: string;
  sourceIp: string;
  sizeBytes: number;
  protocol: string;
  bindingGroup: string;
  binding: string;
  // Delivery (D) and failures (T, P).
  domain: string;
  bytes: number;
  retries: number;
  secondsSinceReception: number;
  remoteIp: string;
  // Failures only.
  stage: number;
  error: string;
}

export function blankEvent(epoch: number): EventParts {
  return {
    epoch, messageId: '', batchId: '', connectionId: '',
    rcptLocalpart: '', rcptDomain: '', senderLocalpart: '', senderDomain: '', sourceIp: '', sizeBytes: 0,
    protocol: '', bindingGroup: '', binding: '',
    domain: '', bytes: 0, retries: 0, secondsSinceReception: 0, remoteIp: '', stage: STAGE_UNKNOWN, error: '',
  };
}

/** One line per record: CR and LF inside a value would start another, so they become spaces. */
export function oneLine(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}

/** `local@domain` split at its last `@`; a value without one is all local part. */
export function splitAddress(addr: string): [string, string] {
  const at = addr.lastIndexOf('@');
  return at < 0 ? [addr, ''] : [addr.slice(0, at), addr.slice(at + 1)];
}

/** A count from text (`17:3` style option values), 0 when it is not a plain non-negative integer. */
export function countOf(s: string | null | undefined): number {
  return s !== null && s !== undefined && /^[0-9]{1,15}$/.test(s) ? Number(s) : 0;
}

export type EventKind = 'reception' | 'delivery' | 'transient_failure' | 'permanent_failure';

/** The mainlog record of an event (`@` inside a value becomes `_` when it is written). */
export function mainlogEvent(kind: EventKind, e: EventParts): MainlogFields {
  const ids = {
    log: 'mainlog' as const, epoch: e.epoch, epochMicros: null,
    messageId: oneLine(e.messageId), batchId: oneLine(e.batchId), connectionId: oneLine(e.connectionId),
  };
  if (kind === 'reception') {
    return {
      ...ids, type: 'R', rcptLocalpart: oneLine(e.rcptLocalpart), rcptDomain: oneLine(e.rcptDomain),
      senderLocalpart: oneLine(e.senderLocalpart), senderDomain: oneLine(e.senderDomain), sourceIp: oneLine(e.sourceIp),
      sizeBytes: e.sizeBytes, protocol: oneLine(e.protocol), bindingGroup: oneLine(e.bindingGroup), binding: oneLine(e.binding),
    };
  }
  const attempt = {
    domain: oneLine(e.domain), bytes: e.bytes, bindingGroup: oneLine(e.bindingGroup), binding: oneLine(e.binding),
    retries: e.retries, secondsSinceReception: e.secondsSinceReception, remoteIp: oneLine(e.remoteIp),
  };
  if (kind === 'delivery') return { ...ids, type: 'D', ...attempt };
  return {
    ...ids, type: kind === 'transient_failure' ? 'T' : 'P', ...attempt,
    stage: e.stage, stageName: stageName(e.stage), error: oneLine(e.error),
  };
}
