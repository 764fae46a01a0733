import { LogRecord } from '../src/record.js';
import { parseRecord } from '../src/syslog/parse.js';
const hosts = ['mx1', 'mx2.example.com', 'relay-03', 'mailgw'];
const apps = ['postfix/smtpd', 'postfix/cleanup', 'postfix/qmgr', 'dovecot', 'postfix/smtp'];
const pool: Buffer[] = [];
for (let i = 0; i < 1000; i++) {
  const s = String(i % 60).padStart(2, '0');
  const line = `<22>Nov 22 02:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${s} ${hosts[i % 4]} ${apps[i % 5]}[${1000 + i}]: 4F2A1B${i}: to=<user${i}@example.org>, relay=mx.example.net[192.0.2.${i % 255}]:25, delay=0.${i}, delays=0.1/0/0.05/0.2, dsn=2.0.0, status=sent (250 2.0.0 OK id=${i}abc)`;
  pool.push(Buffer.from(line));
}
console.log('avg len', pool.reduce((a, b) => a + b.length, 0) / pool.length);
const now = Date.now();
let sink = 0;
for (let run = 0; run < 7; run++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 1_000_000; i++) {
    const r = new LogRecord(pool[i % 1000]!, now, 'in', '');
    parseRecord(r, 'x');
    sink += r.msgOffset;
  }
  const dt = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log((1e6 / dt / 1e6).toFixed(2), 'M lines/s');
}
console.log(sink);
