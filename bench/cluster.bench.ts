// Cluster forwarding end to end, with the built daemons: TCP feeder → node (tcp input, journal,
// forward output) → RELP → aggregator (relp input, journal, cluster output) → one file per node.
// Prints records/s from the first record sent to the last one in the aggregator's file, and the
// CPU each daemon used per record (user + system, whole process life).
// Run: npm run build && node --import tsx bench/cluster.bench.ts [--count N] [--runs R]

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { option } from './options.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAEMON = path.join(ROOT, 'dist/cli/maillogd.js');

const COUNT = Number(option('--count', '300000'));
const RUNS = Number(option('--runs', '3'));
const TICK = 100; // clock ticks per second (USER_HZ) on Linux

function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / TICK;
}

async function daemon(dir: string, ini: string): Promise<{ proc: ChildProcess; port: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'maillogd.ini');
  fs.writeFileSync(conf, `[daemon]\nlog_root = ${dir}/log\nstate_dir = ${dir}/state\ncontrol_socket = ${dir}/control.sock\n` +
    `stats_interval_secs = 0\n${ini.replaceAll('{PORTFILE}', `${dir}/port`)}`);
  const extra = process.env.MAILLOGD_NODE_OPTIONS ? process.env.MAILLOGD_NODE_OPTIONS.split(' ') : [];
  const proc = spawn(process.execPath, [...extra, DAEMON, '--config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const until = Date.now() + 20_000;
  while (!err.includes(': started:')) {
    if (Date.now() > until || proc.exitCode !== null) throw new Error(`daemon did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { proc, port: Number(fs.readFileSync(`${dir}/port`, 'utf8')) };
}

async function stop(p: ChildProcess): Promise<void> {
  p.kill('SIGTERM');
  if (p.exitCode === null) await once(p, 'exit');
}

function countLines(file: string): number {
  try {
    const b = fs.readFileSync(file);
    let n = 0;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
    return n;
  } catch {
    return 0;
  }
}

async function run(): Promise<{ rate: number; nodeUs: number; aggUs: number }> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'maillogd-cluster-bench-'));
  const agg = await daemon(`${base}/agg`, `[input.relp]\ntype = relp\nport = 0\nport_file = {PORTFILE}\n` +
    '[output.cluster]\ntype = cluster\nformat = raw\npath = cluster/%{node}\n[rule.all]\noutputs = cluster\n');
  const node = await daemon(`${base}/node`, `[input.tcp]\ntype = tcp\nport = 0\nport_file = {PORTFILE}\n` +
    `[output.agg]\ntype = forward\nhost = 127.0.0.1\nport = ${agg.port}\nnode = n1\n[rule.all]\noutputs = agg\n`);
  const pad = 'x'.repeat(120);
  const sock = net.connect(node.port, '127.0.0.1');
  await once(sock, 'connect');
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= COUNT; i += 1000) {
    let s = '';
    for (let j = i; j < i + 1000 && j <= COUNT; j++) s += `<22>Nov 22 10:00:00 mx1 postfix/smtpd[12]: n=${j} ${pad}\n`;
    if (!sock.write(s)) await once(sock, 'drain');
  }
  sock.end();
  const file = `${base}/agg/log/cluster/n1`;
  const deadline = Date.now() + 300_000;
  while (countLines(file) < COUNT) {
    if (Date.now() > deadline) throw new Error(`only ${countLines(file)} of ${COUNT} arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const nodeCpu = cpuSeconds(node.proc.pid!);
  const aggCpu = cpuSeconds(agg.proc.pid!);
  await stop(node.proc);
  await stop(agg.proc);
  fs.rmSync(base, { recursive: true, force: true });
  return { rate: COUNT / secs, nodeUs: (nodeCpu / COUNT) * 1e6, aggUs: (aggCpu / COUNT) * 1e6 };
}

const results: { rate: number; nodeUs: number; aggUs: number }[] = [];
for (let r = 0; r < RUNS; r++) {
  const x = await run();
  results.push(x);
  console.log(`run ${r + 1}: ${x.rate.toFixed(0)} records/s, node ${x.nodeUs.toFixed(2)} µs/record, aggregator ${x.aggUs.toFixed(2)} µs/record`);
}
const med = (f: (x: (typeof results)[0]) => number): number => results.map(f).sort((a, b) => a - b)[results.length >> 1]!;
console.log(`cluster forward: ${med((x) => x.rate).toFixed(0)} records/s, node ${med((x) => x.nodeUs).toFixed(2)} µs/record, ` +
  `aggregator ${med((x) => x.aggUs).toFixed(2)} µs/record (median of ${RUNS} × ${COUNT}; load ${os.loadavg()[0]!.toFixed(2)})`);
