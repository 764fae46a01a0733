// Heartbeat markers: Momentum writes one to the mainlog (`epoch@@@@M`) and the rejectlog
// (`epoch: Marker 1`) every `heartbeat` seconds (60 by default), so a reader can tell a quiet log
// from a dead writer.

import type { MomentumFields } from './fields.js';
import { epochText } from './lex.js';

/** A heartbeat line (no LF) for the mainlog (4.x `M`) or the rejectlog. */
export function heartbeatLine(epochSecs: number, log: 'mainlog' | 'rejectlog', epochMicros: number | null = null): Buffer {
  const epoch = epochText(epochSecs, epochMicros);
  return Buffer.from(log === 'mainlog' ? `${epoch}@@@@M` : `${epoch}: Marker 1`, 'latin1');
}

export function isHeartbeat(f: MomentumFields): boolean {
  return (f.log === 'mainlog' && (f.type === 'M' || f.type === 'M1')) || (f.log === 'rejectlog' && f.type === 'marker');
}
