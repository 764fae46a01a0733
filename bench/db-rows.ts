// The rows the database benchmarks write (db.bench.ts, pg-indexes.bench.ts): ~200 B of message, a
// Postfix-like queue id (one id per 5 rows, in scrambled order), 200 hosts, 8 apps, spread over 30
// days of `time` whatever the total.

import type { RecordRow } from '../src/db/rows.js';

export const T0 = Date.UTC(2026, 10, 1) * 1000;
export const HOSTS = 200;
export const APPS = ['postfix/smtpd', 'postfix/smtp', 'postfix/qmgr', 'postfix/cleanup', 'dovecot', 'ecelerity', 'emg', 'axigen'];

export const queueId = (i: number) => ((Math.floor(i / 5) * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, '0') + 'A1';
export const messageOf = (i: number, id: string) =>
  `${id}: to=<user${i % 100000}@example.net>, relay=mx.example.net[192.0.2.${i % 250}]:25, delay=0.${i % 10}, status=sent (250 2.0.0 Ok queued as ${id})`;

/** Row i of `total`. */
export function row(i: number, total: number): RecordRow {
  const id = queueId(i);
  return {
    timeUs: T0 + Math.floor(i * (30 * 86_400_000_000 / total)),
    receivedUs: T0 + Math.floor(i * (30 * 86_400_000_000 / total)) + 1500,
    host: `mx${i % HOSTS}.example.org`,
    app: APPS[i % APPS.length]!,
    procid: String(1000 + (i % 30000)),
    msgid: '',
    mailId: id,
    facility: 2,
    severity: i % 97 === 0 ? 3 : 6,
    levelScheme: null,
    levelValue: null,
    message: messageOf(i, id),
    dialect: null,
    disposition: null,
    fields: null,
    input: 'tcp',
    peer: '127.0.0.1',
  };
}
