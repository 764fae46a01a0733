// Sends numbered lines to a TCP listener, honouring backpressure, optionally paced.

import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

/** The message text of line `n` (no PRI/header): numbered, with UTF-8 and syslog-special bytes. */
export function numberedText(n: number): string {
  return `n=${String(n).padStart(6, '0')} queued as 4F2A1B${n % 10} from=<a.b@example.org> \u00fcn\u00efc\u00f8d\u00e9 "q" [x] \\ end`;
}

export function numberOf(line: string): number | null {
  const m = /n=(\d{6}) /.exec(line);
  return m ? Number(m[1]) : null;
}

/** Writes `count` lines made by `line(i)` (1-based) to 127.0.0.1:port; `perSec` = 0 for full speed. */
export async function feedTcp(port: number, count: number, line: (i: number) => string, perSec = 0): Promise<void> {
  const sock = net.connect({ port, host: '127.0.0.1' });
  // A receiver that goes away (a test killing it) fails the feed, never the test process.
  let failed: Error | null = null;
  sock.on('error', (err) => { failed = err; });
  await once(sock, 'connect');
  const chunk = 500;
  const start = Date.now();
  for (let i = 1; i <= count; i += chunk) {
    if (failed || sock.destroyed) throw failed ?? new Error('connection closed by the receiver');
    let s = '';
    for (let j = i; j < i + chunk && j <= count; j++) s += line(j);
    if (!sock.write(s)) await Promise.race([once(sock, 'drain'), once(sock, 'close')]);
    if (perSec > 0) {
      const due = start + ((i + chunk - 1) / perSec) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await delay(wait);
    }
  }
  sock.end();
  await once(sock, 'close');
}
