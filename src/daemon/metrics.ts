// The counters as a Prometheus text endpoint (GET /metrics) on a loopback address only: the same
// numbers as maillogctl stats and the paniclog's stats lines, counters as `maillogd_<name>_total`
// labelled with the component and the reason.

import type http from 'node:http';
import { lazy } from '../util/lazy.js';
import type { Counters } from '../telemetry/counters.js';

/** node:http, loaded when the metrics endpoint is configured. */
const httpLib = lazy<typeof http>('node:http');

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function prometheusText(counters: Counters): string {
  const byName = new Map<string, string[]>();
  for (const c of counters.snapshot()) {
    const name = `maillogd_${c.name.replace(/[^a-zA-Z0-9_]/g, '_')}_total`;
    const labels = `component="${label(c.scope)}"${c.reason ? `,reason="${label(c.reason)}"` : ''}`;
    let lines = byName.get(name);
    if (!lines) byName.set(name, (lines = []));
    lines.push(`${name}{${labels}} ${c.value}`);
  }
  let out = '';
  for (const [name, lines] of [...byName].sort((a, b) => a[0].localeCompare(b[0]))) {
    out += `# TYPE ${name} counter\n${lines.join('\n')}\n`;
  }
  return out + `# TYPE maillogd_up gauge\nmaillogd_up 1\n`;
}

export class MetricsServer {
  private server: http.Server | null = null;

  constructor(private readonly host: string, private readonly port: number, private readonly counters: Counters) {}

  async start(): Promise<string> {
    const server = httpLib().createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(prometheusText(this.counters));
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => { server.off('error', reject); resolve(); });
    }).catch((err: Error) => { throw new Error(`metrics_listen ${this.host}:${this.port}: ${err.message}`, { cause: err }); });
    this.server = server;
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}/metrics`;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections(); });
  }
}
