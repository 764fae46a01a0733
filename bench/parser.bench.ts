// Syslog hot path, no sockets: parseRecord on RFC 3164 and RFC 5424 lines (record construction
// included), the TCP deframer over a 200 MB stream, and the traditional formatter.
// Run: node --import tsx bench/parser.bench.ts   Prints the median of 5 runs after a warm-up.

import { LogRecord } from '../src/record.js';
import { StreamDeframer, type Frame } from '../src/syslog/framing.js';
import { writeTraditional } from '../src/syslog/format.js';
import { parseRecord } from '../src/syslog/parse.js';
import { ByteSink } from '../src/util/bytesink.js';

const LINES = 1_000_000;
const POOL = 1000;
const RUNS = 5;
const STREAM_BYTES = 200 * 1024 * 1024;

const HOSTS = ['mx1', 'mx2.example.com', 'relay-03.mail.example.net', 'mailgw', 'smtp-out-7'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const qid = (i: number): string => (0x4f2a1b00 + i * 7919).toString(16).toUpperCase().slice(0, 10);

/** [app, pid, message] of a realistic mail log line. */
function mailLine(i: number): [string, number, string] {
  const q = qid(i);
  const ip = `192.0.2.${i % 250}`;
  const user = `user${i % 97}@example.org`;
  switch (i % 8) {
    case 0: return ['postfix/smtpd', 1000 + (i % 50), `connect from mail-${i % 300}.outbound.example.com[${ip}] helo=<mail-${i % 300}.outbound.example.com> proto=ESMTP tls=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384`];
    case 1: return ['postfix/smtpd', 1000 + (i % 50), `${q}: client=mail-${i % 300}.outbound.example.com[${ip}], sasl_method=PLAIN, sasl_username=${user}, orig_client=mail-${i % 300}.outbound.example.com[${ip}]:587`];
    case 2: return ['postfix/cleanup', 2000 + (i % 10), `${q}: message-id=<${i}.${q}.1767607201.JavaMail.app@mail-${i % 300}.outbound.example.com> resent-message-id=<r${i}.${q}@lists.example.net>`];
    case 3: return ['postfix/qmgr', 900, `${q}: from=<bounce+${i}-${user.replace('@', '=')}@lists.example.net>, size=${4000 + i * 13}, nrcpt=1 (queue active)`];
    case 4: return ['postfix/smtp', 3000 + (i % 20), `${q}: to=<${user}>, relay=mx.example.net[198.51.100.${i % 200}]:25, delay=0.${i % 90 + 10}, delays=0.1/0/0.05/0.2, dsn=2.0.0, status=sent (250 2.0.0 OK ${i} ${q} - gsmtp queued as ${qid(i + 1)})`];
    case 5: return ['dovecot', 4000 + (i % 30), `imap-login: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=10.0.0.1, mpid=${5000 + i}, TLS, session=<${q}AbCdEf>`];
    case 6: return ['amavis', 6000 + (i % 4), `(0${i % 9}${i}-0${i % 7}) Passed CLEAN {RelayedInbound}, [${ip}]:41234 <${user}> -> <postmaster@example.com>, Queue-ID: ${q}, size: ${3000 + i}`];
    default: return ['opendkim', 700, `${q}: DKIM-Signature field added (s=mail-2026, d=example.com) for <${user}> from [${ip}] via relay-${i % 5}.example.com, header.i=@example.com`];
  }
}

// About ten lines per second, as a busy mail host logs, so stamps repeat as they do for real.
const start = new Date(2026, 10, 22, 2, 55, 0).getTime();
const stampOf = (i: number): Date => new Date(start + Math.floor(i / 10) * 1000);
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pool3164(): Buffer[] {
  return Array.from({ length: POOL }, (_, i) => {
    const [app, pid, msg] = mailLine(i);
    const d = stampOf(i);
    const ts = `${MON[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return Buffer.from(`<22>${ts} ${HOSTS[i % HOSTS.length]} ${app}[${pid}]: ${msg}`);
  });
}

function pool5424(): Buffer[] {
  return Array.from({ length: POOL }, (_, i) => {
    const [app, pid, msg] = mailLine(i);
    const ts = new Date(stampOf(i).getTime() + (i % 1000)).toISOString().replace('Z', '000+00:00');
    const sd = i % 3 === 0 ? `[timeQuality tzKnown="1" isSynced="1" syncAccuracy="${100000 + i}"]` : i % 3 === 1 ? `[meta sequenceId="${i}"]` : '-';
    return Buffer.from(`<22>1 ${ts} ${HOSTS[i % HOSTS.length]} ${app} ${pid} - ${sd} ${msg}`);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` once to warm up, then RUNS times; returns the median seconds. */
function time(fn: () => void): number {
  fn();
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(runs);
}

function report(name: string, items: number, bytes: number, secs: number): void {
  const perSec = items / secs;
  console.log(`${name.padEnd(38)} ${(perSec / 1e6).toFixed(2).padStart(6)} M lines/s  ${(bytes / secs / 1e6).toFixed(0).padStart(5)} MB/s  (${(secs * 1000).toFixed(0)} ms)`);
}

let sink = 0; // consumed, so the work cannot be optimised away

function benchParse(name: string, pool: Buffer[]): LogRecord[] {
  const bytes = (pool.reduce((a, b) => a + b.length, 0) / POOL) * LINES;
  const now = Date.now();
  const secs = time(() => {
    for (let i = 0; i < LINES; i++) {
      const rec = new LogRecord(pool[i % POOL]!, now, 'bench', '192.0.2.1');
      parseRecord(rec, '192.0.2.1');
      sink += rec.msgOffset;
    }
  });
  report(`parseRecord ${name}`, LINES, bytes, secs);
  return pool.map((b) => {
    const rec = new LogRecord(b, now, 'bench', '192.0.2.1');
    parseRecord(rec, '192.0.2.1');
    return rec;
  });
}

function benchDeframer(name: string, block: Buffer, framesPerBlock: number): void {
  const CHUNK = 64 * 1024;
  const blocks = Math.ceil(STREAM_BYTES / block.length);
  const secs = time(() => {
    const d = new StreamDeframer(64 * 1024);
    const out: Frame[] = [];
    for (let b = 0; b < blocks; b++) {
      for (let at = 0; at < block.length; at += CHUNK) {
        d.push(block.subarray(at, at + CHUNK), out);
        sink += out.length;
        out.length = 0;
      }
    }
    d.end(out);
  });
  report(`deframer ${name}, 64 KiB chunks`, blocks * framesPerBlock, blocks * block.length, secs);
}

function benchTraditional(records: LogRecord[]): void {
  const out = new ByteSink(1 << 20);
  let bytes = 0;
  const secs = time(() => {
    bytes = 0;
    for (let i = 0; i < LINES; i++) {
      writeTraditional(records[i % POOL]!, out);
      if (i % 1000 === 999) {
        bytes += out.len;
        out.reset();
      }
    }
    bytes += out.len;
    out.reset();
  });
  report('traditional formatter', LINES, bytes, secs);
}

const lines3164 = pool3164();
const lines5424 = pool5424();
console.log(`node ${process.version}; lines ~${Math.round(lines3164.reduce((a, b) => a + b.length, 0) / POOL)} B (3164), ~${Math.round(lines5424.reduce((a, b) => a + b.length, 0) / POOL)} B (5424); median of ${RUNS}`);
const records = benchParse('RFC 3164', lines3164);
benchParse('RFC 5424', lines5424);

const lfBlock = Buffer.concat(Array.from({ length: 20 }, () => lines3164.flatMap((l) => [l, Buffer.from('\n')])).flat());
benchDeframer('LF', lfBlock, 20 * POOL);
const countedBlock = Buffer.concat(Array.from({ length: 20 }, () => lines5424.flatMap((l) => [Buffer.from(`${l.length + 1} `), l, Buffer.from('\n')])).flat());
benchDeframer('octet-counted', countedBlock, 20 * POOL);
benchTraditional(records);
if (sink === 0) console.log('');
