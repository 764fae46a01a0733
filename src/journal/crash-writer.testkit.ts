// The process test/journal-crash.test.ts kills: it opens the journal in DIR, prints what recovery
// found ("R segments records cutBytes lastSeq"), then appends numbered records as fast as it can,
// several batches in flight as a relp server has them, and prints "A seq" once every record up
// to seq is durable. Run: node --import tsx src/journal/crash-writer.testkit.ts DIR SEGMENT_BYTES

import path from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Journal } from './index.js';

/** The payload of record `seq`: its number, then 0 to 499 bytes that depend on it. */
export function crashPayload(seq: number): Buffer {
  const fill = (seq * 7919) % 500;
  const b = Buffer.alloc(String(seq).length + 1 + fill);
  b.write(`${seq}:`);
  for (let i = b.length - fill; i < b.length; i++) b[i] = 0x21 + ((seq + i) % 90);
  return b;
}

async function main(dir: string, segmentMaxBytes: number): Promise<void> {
  const j = Journal.open(dir, { segmentMaxBytes });
  const r = j.recovered;
  process.stdout.write(`R ${r.segments} ${r.records} ${r.cutBytes} ${j.lastSeq}\n`);
  let inFlight = 0;
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 200);
    let seq = 0;
    for (let i = 0; i < n; i++) seq = j.append(crashPayload(j.lastSeq + 1));
    inFlight++;
    void j.durable(seq).then(() => {
      inFlight--;
      process.stdout.write(`A ${seq}\n`);
    });
    await tick();
    while (inFlight > 20) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv[2]!, Number(process.argv[3]));
}
