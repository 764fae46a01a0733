// The lifecycle. Start = build everything from the validated config (outputs open before inputs
// listen, so nothing is received that cannot be written). Stop = inputs close → what they
// received is routed → outputs flush and close. Reopen = every output closes and reopens its
// files (SIGHUP after logrotate). A component that fails to start stops the ones already started.

import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { AccessCheck, Input, Output } from '../component.js';
import type { LogRecord } from '../record.js';
import type { DialectMode } from '../dialects/recognise.js';
import type { Config } from '../config/validate.js';
import { compileAccess } from '../engine/access.js';
import { compileRouter } from '../engine/router.js';
import { INPUT_TYPES, OUTPUT_TYPES } from '../registry.js';
import { createFileOutput } from '../outputs/file/index.js';
import { fileOutputSpec } from '../outputs/file/config.js';
import { validateSection } from '../config/schema.js';
import { FORMATTERS } from '../syslog/format.js';
import { ByteSink } from '../util/bytesink.js';
import { Counters } from '../telemetry/counters.js';
import { InternalLog, type LogLevel } from '../telemetry/log.js';
import { Pipeline } from './pipeline.js';
import { internalRecord } from './internal.js';
import { inheritedSockets } from './activation.js';
import { ControlServer, type ControlReply, type ControlRequest } from './control.js';
import { MetricsServer } from './metrics.js';
import { sdNotify } from './notify.js';
import { DaemonJournal } from './journal.js';
import { loadConfig, parseListen } from '../config/validate.js';
import { formatProblem, type ConfigProblem } from '../config/schema.js';
import { VERSION } from '../version.js';

export interface DaemonOptions {
  /** Echo every record to stdout in the traditional format. */
  readonly debug?: boolean;
  /** Also write the daemon's own messages to stderr. */
  readonly stderr?: boolean;
}

export class Daemon {
  readonly counters = new Counters();
  readonly log = new InternalLog();
  private readonly abort = new AbortController();
  private inputs: Input[] = [];
  private outputs: Output[] = [];
  private panic: Output | null = null;
  private statsTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private control: ControlServer | null = null;
  private metrics: MetricsServer | null = null;
  private journal: DaemonJournal | null = null;
  private readonly startedAt = Date.now();

  private constructor(readonly config: Config, private readonly options: DaemonOptions) {}

  static async start(config: Config, options: DaemonOptions = {}): Promise<Daemon> {
    const d = new Daemon(config, options);
    try {
      await d.startAll();
    } catch (err) {
      d.log.error((err as Error).message);
      await d.stop();
      throw err;
    }
    return d;
  }

  private async startAll(): Promise<void> {
    const { daemon } = this.config;
    mkdirSync(daemon.log_root, { recursive: true });
    mkdirSync(daemon.state_dir, { recursive: true });
    const base = { logRoot: daemon.log_root, stateDir: daemon.state_dir, counters: this.counters, log: this.log, shutdown: this.abort.signal };

    if (this.options.stderr) {
      this.log.attach((level, text) => process.stderr.write(`maillogd: ${level}: ${text}\n`));
    }
    const panicConfig = validateSection(fileOutputSpec, { path: path.relative(daemon.log_root, daemon.paniclog) }, 'daemon', []);
    this.panic = createFileOutput(panicConfig, { ...base, id: 'paniclog' });
    await this.panic.open();
    const panic = this.panic;
    this.log.attach((level: LogLevel, text: string, time: number) => panic.write([internalRecord(level, text, time, daemon.hostname)]));

    const outputNames = this.config.outputs.map((o) => o.name);
    const router = compileRouter(this.config.rules, outputNames, daemon.unmatched_output || null,
      this.counters.get('engine', 'discarded', 'unmatched'));
    const readers = this.config.outputs.flatMap((o, i) => (OUTPUT_TYPES[o.type]!.readsJournal ? [i] : []));
    if (readers.length > 0 || this.config.inputs.some((i) => i.type === 'relp' || i.config.journal === true)) {
      const dir = path.resolve(daemon.state_dir, daemon.journal_dir);
      this.journal = DaemonJournal.open(dir, this.outputs, this.log, this.counters,
        { segmentMaxBytes: daemon.journal_segment_max_bytes, fsyncIntervalMs: daemon.journal_fsync_interval_ms,
          dialects: new Map(this.config.inputs.map((i) => [i.name, (i.config.dialect ?? 'auto') as DialectMode])) });
    }
    for (const [i, o] of this.config.outputs.entries()) {
      const journal = readers.includes(i) ? this.journal!.feedFor(i, router, daemon.hostname) : undefined;
      const out = OUTPUT_TYPES[o.type]!.create(o.config, { ...base, id: o.name, journal });
      this.outputs.push(out);
      await out.open();
    }
    if (daemon.control_socket) {
      this.control = new ControlServer(daemon.control_socket, daemon.control_socket_mode, daemon.control_socket_group, (r) => this.command(r));
      await this.control.start();
    }
    const listen = daemon.metrics_listen ? parseListen(daemon.metrics_listen) : null;
    if (listen) {
      this.metrics = new MetricsServer(listen.host, listen.port, this.counters);
      this.log.info(`metrics at ${await this.metrics.start()}`);
    }
    const pipeline = new Pipeline(router, this.outputs, this.journal, readers);
    if (this.options.debug) pipeline.tap = debugTap();

    if (this.journal) {
      await this.journal.replay(pipeline.submit, daemon.hostname);
      this.journal.start();
    }
    const inherited = inheritedSockets();
    for (const i of this.config.inputs) {
      const access: AccessCheck = compileAccess(
        this.config.access.filter((a) => a.inputs.includes('*') || a.inputs.includes(i.name)),
        { defaultPolicy: i.config.access_default === 'deny' ? 'deny' : 'allow' });
      const journal = this.journal;
      // An input with `journal = true`: each record is in the journal before it is routed.
      const submit = journal && i.config.journal === true
        ? (batch: LogRecord[]): boolean => {
          for (const rec of batch) if (rec.journalSeq === 0) journal.append(rec);
          return pipeline.submit(batch);
        }
        : pipeline.submit;
      const input = INPUT_TYPES[i.type]!.create(i.config, {
        ...base, id: i.name, access, localHostname: daemon.hostname, inheritedFd: inherited.get(i.name) ?? null, journal,
        submit, onWritable: pipeline.onWritable,
      });
      this.inputs.push(input);
      await input.start();
    }
    if (daemon.pid_file) writeFileSync(daemon.pid_file, `${process.pid}\n`);
    if (daemon.stats_interval_secs > 0) {
      this.statsTimer = setInterval(() => this.log.notice(`stats: ${this.counters.format()}`), daemon.stats_interval_secs * 1000);
      this.statsTimer.unref();
    }
    for (const name of inherited.keys()) {
      if (!this.config.inputs.some((i) => i.name === name)) this.log.warning(`systemd passed a socket named ${name}, but no [input.${name}] uses it`);
    }
    this.log.notice(`started: ${this.inputs.map((i) => i.describe()).join(', ')}; config ${this.config.files[0]}`);
    void sdNotify(['--ready', `--status=receiving on ${this.inputs.length} input(s)`], (m) => this.log.warning(m));
  }

  /** A maillogctl request on the control socket. */
  private async command(req: ControlRequest): Promise<ControlReply> {
    switch (req.cmd) {
      case 'status':
        return {
          ok: true, pid: process.pid, version: VERSION, started: new Date(this.startedAt).toISOString(),
          uptime_secs: Math.round((Date.now() - this.startedAt) / 1000), config: this.config.files,
          inputs: this.describeInputs(), outputs: this.config.outputs.map((o) => `${o.name} (${o.type})`),
          stopping: this.stopping !== null,
        };
      case 'stats':
        return { ok: true, counters: this.counters.snapshot().map((c) => ({ component: c.scope, name: c.name, reason: c.reason, value: c.value })) };
      case 'reopen':
        await this.reopen();
        return { ok: true };
      case 'check-config': {
        const problems: ConfigProblem[] = [];
        const file = this.config.files[0] === '(embedded default)' ? null : this.config.files[0]!;
        const next = loadConfig(file, problems);
        return { ok: true, files: next.files, problems: problems.map(formatProblem) };
      }
      default:
        return { ok: false, error: `unknown command ${req.cmd}` };
    }
  }

  /** Closes and reopens every file (SIGHUP). */
  async reopen(): Promise<void> {
    await Promise.all([...this.outputs, ...(this.panic ? [this.panic] : [])].map((o) => o.reopen()));
    this.log.notice('files reopened');
  }

  /** Inputs close → drain → outputs flush and close. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    this.abort.abort();
    if (this.statsTimer) clearInterval(this.statsTimer);
    void sdNotify(['STOPPING=1'], () => undefined);
    await this.control?.close();
    await this.metrics?.close();
    await Promise.all(this.inputs.map((i) => i.close().catch((err: Error) => this.log.error(err.message))));
    // Outputs that read the journal finish with it (last acks, checkpoints) before it closes.
    const readers = this.outputs.filter((_, i) => OUTPUT_TYPES[this.config.outputs[i]!.type]!.readsJournal);
    await Promise.all(readers.map((o) => o.close().catch((err: Error) => this.log.error(err.message))));
    await this.journal?.close().catch((err: Error) => this.log.error(`journal: ${err.message}`));
    await Promise.all(this.outputs.map((o) => o.close().catch((err: Error) => this.log.error(err.message))));
    this.log.notice(`stopped; stats: ${this.counters.format()}`);
    await this.panic?.close();
    if (this.config.daemon.pid_file) rmSync(this.config.daemon.pid_file, { force: true });
  }

  describeInputs(): string[] {
    return this.inputs.map((i) => i.describe());
  }
}

function debugTap(): (batch: readonly import('../record.js').LogRecord[]) => void {
  const sink = new ByteSink();
  const format = FORMATTERS.traditional;
  return (batch) => {
    for (const rec of batch) format(rec, sink);
    process.stdout.write(sink.take());
  };
}
