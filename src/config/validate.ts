// Turns raw sections into the one validated, frozen Config the daemon starts from. Every problem
// in every section is collected; nothing starts unless the list is empty.

import path from 'node:path';
import os from 'node:os';
import { OUTPUTS_SUBSCRIBER } from '../daemon/journal.js';
import { INPUT_TYPES, OUTPUT_TYPES } from '../registry.js';
import { ruleSpec } from '../engine/rules.js';
import { accessSpec } from '../engine/access.js';
import { daemonSpec } from './daemon.js';
import { loadConfigFile, loadConfigText, type RawConfig, type RawSection } from './load.js';
import { validateSection, type ConfigProblem, type SpecValue } from './schema.js';
import { EMBEDDED_DEFAULT_INI } from './defaults.js';

export interface ComponentConfig {
  readonly name: string;
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
}
export type DaemonSettings = SpecValue<typeof daemonSpec>;
export type RuleSettings = SpecValue<typeof ruleSpec> & { readonly name: string };
export type AccessSettings = SpecValue<typeof accessSpec> & { readonly name: string };

export interface Config {
  /** log_root, state_dir and paniclog resolved to absolute paths. */
  readonly daemon: DaemonSettings;
  readonly inputs: readonly ComponentConfig[];
  readonly outputs: readonly ComponentConfig[];
  readonly rules: readonly RuleSettings[];
  readonly access: readonly AccessSettings[];
  /** The files read, main file first; '(embedded default)' when none. */
  readonly files: readonly string[];
}

/** Loads a config file, or the embedded default when `file` is null. Problems are appended. */
export function loadConfig(file: string | null, problems: ConfigProblem[], cwd = process.cwd()): Config {
  const raw = file === null
    ? loadConfigText(EMBEDDED_DEFAULT_INI, '(embedded default)', problems)
    : loadConfigFile(path.resolve(cwd, file), problems);
  return validateConfig(raw, problems, cwd);
}

export function validateConfig(raw: RawConfig, problems: ConfigProblem[], cwd = process.cwd()): Config {
  const seen = new Map<string, RawSection>();
  for (const s of raw.sections) {
    const label = s.kind === 'daemon' ? 'daemon' : `${s.kind}.${s.name}`;
    const prev = seen.get(label);
    if (prev) problems.push({ section: label, key: '', message: `defined twice (${prev.file} and ${s.file})` });
    else seen.set(label, s);
  }
  const of = (kind: RawSection['kind']) => [...seen.values()].filter((s) => s.kind === kind);

  const d = validateSection(daemonSpec, of('daemon')[0]?.keys ?? {}, 'daemon', problems, []);
  const logRoot = path.resolve(cwd, d.log_root);
  const daemon: DaemonSettings = Object.freeze({
    ...d,
    log_root: logRoot,
    state_dir: path.resolve(cwd, d.state_dir),
    paniclog: path.resolve(logRoot, d.paniclog),
    hostname: d.hostname || os.hostname().split('.')[0] || 'localhost',
    pid_file: d.pid_file ? path.resolve(cwd, d.pid_file) : '',
    control_socket: d.control_socket ? path.resolve(cwd, d.control_socket) : '',
  });
  if (daemon.metrics_listen && parseListen(daemon.metrics_listen) === null) {
    problems.push({ section: 'daemon', key: 'metrics_listen', message: `expected a loopback ADDRESS:PORT (127.0.0.1:9465, [::1]:9465), got ${JSON.stringify(daemon.metrics_listen)}` });
  }
  if (!inside(logRoot, daemon.paniclog)) {
    problems.push({ section: 'daemon', key: 'paniclog', message: `must lie inside log_root (${logRoot})` });
  }

  const inputs = components(of('input'), 'input', INPUT_TYPES, problems, logRoot);
  const outputs = components(of('output'), 'output', OUTPUT_TYPES, problems, logRoot);
  const inputNames = new Set(inputs.map((i) => i.name));
  const outputNames = new Set(outputs.map((o) => o.name));
  if (inputs.length === 0) problems.push({ section: 'input', key: '', message: 'no [input.NAME] section: nothing would be received' });
  if (outputs.length === 0) problems.push({ section: 'output', key: '', message: 'no [output.NAME] section: nothing would be written' });
  if (daemon.unmatched_output && !outputNames.has(daemon.unmatched_output)) {
    problems.push({ section: 'daemon', key: 'unmatched_output', message: `no [output.${daemon.unmatched_output}]` });
  }

  checkForwards(outputs, daemon.hostname, problems);

  const rules = of('rule').map((s) => {
    const section = `rule.${s.name}`;
    const v = validateSection(ruleSpec, s.keys, section, problems, []);
    refs(v.outputs, outputNames, 'output', section, 'outputs', problems);
    refs(v.inputs, inputNames, 'input', section, 'inputs', problems);
    return Object.freeze({ ...v, name: s.name });
  });
  const access = of('access').map((s) => {
    const section = `access.${s.name}`;
    const v = validateSection(accessSpec, s.keys, section, problems, []);
    refs(v.inputs, inputNames, 'input', section, 'inputs', problems);
    return Object.freeze({ ...v, name: s.name });
  });
  if (rules.length === 0 && !daemon.unmatched_output) {
    problems.push({ section: 'rule', key: '', message: 'no [rule.NAME] section and no unmatched_output: every record would be discarded' });
  }

  return Object.freeze({ daemon, inputs, outputs, rules, access, files: Object.freeze([...raw.files]) });
}

/**
 * Forward outputs each need a journal subscriber of their own (not the daemon's `outputs`), and two
 * that send to one aggregator must differ in node, subcluster or log: the aggregator drops a record
 * whose (node, subcluster, log) it has seen up to a higher seq.
 */
function checkForwards(outputs: readonly { name: string; type: string; config: Record<string, unknown> }[], hostname: string,
  problems: ConfigProblem[]): void {
  const subscribers = new Map<string, string>();
  const origins = new Map<string, string>();
  for (const o of outputs) {
    if (o.type !== 'forward') continue;
    const c = o.config as { subscriber: string; host: string; port: number; node: string; subcluster: string; log: string };
    const section = `output.${o.name}`;
    const sub = c.subscriber || o.name;
    if (sub === OUTPUTS_SUBSCRIBER) {
      problems.push({ section, key: 'subscriber', message: `"${OUTPUTS_SUBSCRIBER}" is the daemon's own journal subscriber; choose another name` });
    }
    const prevSub = subscribers.get(sub);
    if (prevSub) problems.push({ section, key: 'subscriber', message: `${sub} is also the subscriber of [output.${prevSub}]: each forward output needs its own` });
    else subscribers.set(sub, o.name);
    const origin = `${c.host.toLowerCase()}:${c.port} ${c.node || hostname} ${c.subcluster} ${c.log}`;
    const prevOrigin = origins.get(origin);
    if (prevOrigin) {
      problems.push({ section, key: 'log', message: `[output.${prevOrigin}] sends the same node, subcluster and log to ${c.host}:${c.port}; ` +
        'the aggregator would take the two streams for one: give each its own log (or subcluster)' });
    } else origins.set(origin, o.name);
  }
}

function components(sections: RawSection[], kind: 'input' | 'output',
  types: typeof INPUT_TYPES | typeof OUTPUT_TYPES, problems: ConfigProblem[], logRoot: string): ComponentConfig[] {
  const out: ComponentConfig[] = [];
  for (const s of sections) {
    const section = `${kind}.${s.name}`;
    const type = typeof s.keys.type === 'string' ? s.keys.type.trim() : '';
    const t = types[type];
    if (!t) {
      problems.push({ section, key: 'type', message: type ? `unknown ${kind} type "${type}"; known: ${Object.keys(types).join(', ')}` : 'is required' });
      continue;
    }
    const before = problems.length;
    const config = validateSection(t.spec, s.keys, section, problems);
    // A bad value falls back to its default, but a missing required key leaves a hole that
    // checks across keys cannot work with.
    const missing = problems.slice(before).some((p) => p.message === 'is required');
    if (t.check && !missing) {
      for (const [key, message] of t.check(config, logRoot)) problems.push({ section, key, message });
    }
    out.push(Object.freeze({ name: s.name, type, config }));
  }
  return out;
}

function refs(names: readonly string[], known: Set<string>, kind: string, section: string, key: string, problems: ConfigProblem[]): void {
  for (const n of names) {
    if (n !== '*' && !known.has(n)) problems.push({ section, key, message: `no [${kind}.${n}]` });
  }
}

/** `127.0.0.1:9465` or `[::1]:9465` on a loopback address, else null. */
export function parseListen(text: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+|localhost)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  return loopback ? { host: host === 'localhost' ? '127.0.0.1' : host, port } : null;
}

export function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
