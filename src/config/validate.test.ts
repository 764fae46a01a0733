import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, validateConfig } from './validate.js';
import { loadConfigText } from './load.js';
import { formatProblem, type ConfigProblem } from './schema.js';
import { renderReference, withReference } from './reference.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function check(text: string): { problems: string[] } {
  const problems: ConfigProblem[] = [];
  validateConfig(loadConfigText(text, 'test.ini', problems), problems, '/tmp');
  return { problems: problems.map(formatProblem) };
}

/** Every ```ini block of a markdown file. */
function iniBlocks(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/```ini\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('config validation', () => {
  it('accepts the embedded default', () => {
    const problems: ConfigProblem[] = [];
    const c = loadConfig(null, problems, '/srv/x');
    assert.deepEqual(problems, []);
    assert.equal(c.daemon.log_root, '/srv/x/var/log/maillogd');
    assert.equal(c.daemon.paniclog, '/srv/x/var/log/maillogd/paniclog');
    assert.deepEqual(c.inputs.map((i) => [i.name, i.type, i.config.port]), [['udp', 'udp', 5514], ['tcp', 'tcp', 5514], ['axigen', 'udp', 2000]]);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.inputs[0]!.config));
  });

  for (const file of ['docs/CONFIG.md', 'README.md']) {
    it(`accepts every ini example in ${file}`, () => {
      const blocks = iniBlocks(file);
      assert.ok(blocks.length >= 1, 'the examples are gone');
      // Certificates and keys an example names live on the admin's machine, not on this one.
      const elsewhere = /^\[[^\]]+\] tls_\w+_file: cannot read \/etc\/maillogd\/tls\//;
      for (const b of blocks) assert.deepEqual(check(b).problems.filter((p) => !elsewhere.test(p)), [], b);
    });
  }

  it('keeps the key reference in docs/CONFIG.md in step with the specs', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/CONFIG.md'), 'utf8');
    assert.ok(doc.includes(renderReference()), 'docs/CONFIG.md is stale: run npm run docs');
    assert.equal(withReference(doc), doc);
  });

  it('gives each forward output a journal subscriber and an origin of its own', () => {
    const base = '[input.t]\ntype = tcp\n[rule.all]\noutputs = a, b, outputs\n';
    const fwd = (name: string, extra: string): string => `[output.${name}]\ntype = forward\nhost = agg.example\n${extra}`;
    assert.deepEqual(check(base + fwd('a', 'log = mainlog\n') + fwd('b', 'log = rejectlog\n') + fwd('outputs', 'log = acctlog\n')).problems, [
      '[output.outputs] subscriber: "outputs" is the daemon\'s own journal subscriber; choose another name',
    ]);
    assert.deepEqual(check(base + fwd('a', 'subscriber = s1\n') + fwd('b', 'subscriber = s1\nlog = x\n') + '[output.outputs]\ntype = file\npath = f\n').problems, [
      '[output.b] subscriber: s1 is also the subscriber of [output.a]: each forward output needs its own',
    ]);
    assert.deepEqual(check(base + fwd('a', '') + fwd('b', 'host = AGG.example\n').replace('host = agg.example\nhost', 'host') + '[output.outputs]\ntype = file\npath = f\n').problems, [
      '[output.b] log: [output.a] sends the same node, subcluster and log to AGG.example:2514; the aggregator would take the two streams for one: give each its own log (or subcluster)',
    ]);
  });

  it('reports every problem at once, each with its section and key', () => {
    const { problems } = check(`
[daemon]
stats_interval_sec = 10
unmatched_output = nowhere
[input.a]
type = udp
port = 70000
[input.b]
type = carrier-pigeon
[output.f]
type = file
path = ../../etc/passwd
file_mode = 0999
[rule.r]
facility = mial
outputs = f, ghost
inputs = a, z
[access.x]
action = maybe
sources = 10.0.0.0/33
`);
    assert.deepEqual(problems.sort(), [
      '[access.x] action: expected one of allow, deny, got "maybe"',
      ...problems.filter((p) => p.startsWith('[access.x] sources:')),
      '[daemon] stats_interval_sec: unknown key (did you mean stats_interval_secs?)',
      '[daemon] unmatched_output: no [output.nowhere]',
      '[input.a] port: must be <= 65535',
      '[input.b] type: unknown input type "carrier-pigeon"; known: udp, tcp, unix, journal, relp',
      '[output.f] file_mode: expected an octal mode such as 0644, got "0999"',
      ...problems.filter((p) => p.startsWith('[output.f] path:')),
      ...problems.filter((p) => p.startsWith('[rule.r] facility:')),
      '[rule.r] inputs: no [input.z]',
      '[rule.r] outputs: no [output.ghost]',
    ].sort());
    assert.equal(problems.filter((p) => p.startsWith('[access.x] sources:')).length, 1);
    assert.equal(problems.filter((p) => p.startsWith('[output.f] path:')).length, 1);
    assert.equal(problems.filter((p) => p.startsWith('[rule.r] facility:')).length, 1);
  });

  it('reads includes in sorted order and rejects a section defined twice', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'maillogd-conf-'));
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(path.join(dir, 'main.ini'), 'include = conf.d/*.ini\n[daemon]\nlog_root = logs\n[output.all]\ntype = file\npath = all.log\n');
    writeFileSync(path.join(dir, 'conf.d', '20-rules.ini'), '[rule.all]\noutputs = all\n');
    writeFileSync(path.join(dir, 'conf.d', '10-inputs.ini'), '[input.tcp]\ntype = tcp\nport = 0\n');
    let problems: ConfigProblem[] = [];
    const c = loadConfig(path.join(dir, 'main.ini'), problems, dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(c.files.map((f) => path.basename(f)), ['main.ini', '10-inputs.ini', '20-rules.ini']);
    assert.equal(c.daemon.log_root, path.join(dir, 'logs'));

    writeFileSync(path.join(dir, 'conf.d', '30-dup.ini'), '[rule.all]\noutputs = all\n');
    problems = [];
    loadConfig(path.join(dir, 'main.ini'), problems, dir);
    assert.equal(problems.length, 1);
    assert.match(formatProblem(problems[0]!), /^\[rule\.all\]: defined twice/);
  });

  it('names a missing file and keys outside a section', () => {
    const problems: ConfigProblem[] = [];
    loadConfig('/nonexistent/maillogd.ini', problems);
    assert.match(formatProblem(problems[0]!), /cannot read: ENOENT/);
    assert.ok(check('stray = 1\n[input.t]\ntype=tcp\n[output.o]\ntype=file\npath=x\n[rule.r]\noutputs=o\n')
      .problems.some((p) => p.includes('keys outside a section')));
  });

  it('rejects a paniclog outside the log root', () => {
    assert.ok(check('[daemon]\nlog_root=/var/log/m\npaniclog=../../etc/x\n[input.t]\ntype=tcp\n[output.o]\ntype=file\npath=x\n[rule.r]\noutputs=o\n')
      .problems.includes('[daemon] paniclog: must lie inside log_root (/var/log/m)'));
  });
});
