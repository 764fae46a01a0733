import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LogRecord } from '../../record.js';
import { parseRecord } from '../../syslog/parse.js';
import { encodeForward } from '../forward/envelope.js';
import { outputEnv, validConfig, type OutputEnv } from '../output.testkit.js';
import { ClusterOutput, clusterOutputSpec } from './index.js';
import { clusterTemplateProblem } from './path.js';

const TIME = '2026-11-22T10:00:00Z';

/** The record an aggregator's relp input makes of what node `node` forwarded as its `seq`. */
function forwarded(node: string, seq: number, text = `record ${seq}`, log = 'mainlog', journal = 'aaaaaaaaaaaaaaaa'): LogRecord {
  const rec = new LogRecord(Buffer.from(`<22>1 ${TIME} ${node}-host app - - - ${text}`), Date.parse(TIME), 'tcp', '192.0.2.1');
  parseRecord(rec, 'x');
  rec.journalSeq = seq;
  const outer = new LogRecord(encodeForward(rec, { node, subcluster: 'eu', log, journal }), Date.now(), 'relp', '127.0.0.1');
  parseRecord(outer, '127.0.0.1');
  return outer;
}

function plain(line: string): LogRecord {
  const rec = new LogRecord(Buffer.from(line), Date.parse(TIME), 'relp', '127.0.0.1');
  parseRecord(rec, '127.0.0.1');
  return rec;
}

describe('outputs/cluster', () => {
  let env: OutputEnv;
  const outputs: ClusterOutput[] = [];
  const make = (keys: Record<string, unknown> = {}): ClusterOutput => {
    const o = new ClusterOutput(validConfig(clusterOutputSpec, { format: 'raw', ...keys }, 'output.cluster'), env.ctx);
    outputs.push(o);
    return o;
  };
  const fileOf = (node: string, log = 'mainlog'): string => {
    const d = new Date(TIME);
    const p = (n: number): string => String(n).padStart(2, '0');
    return path.join(env.root, 'cluster', String(d.getFullYear()), p(d.getMonth() + 1), p(d.getDate()), log, 'eu', node);
  };
  const read = (file: string): string[] => fs.readFileSync(file, 'utf8').trim().split('\n');
  beforeEach(() => {
    env = outputEnv('cluster', 'cluster');
  });
  afterEach(async () => {
    for (const o of outputs.splice(0)) await o.close();
    fs.rmSync(env.base, { recursive: true, force: true });
  });

  it('writes each node\'s records to %Y/%m/%d/<log>/<subcluster>/<node> with the modes asked for', async () => {
    const out = make({ file_mode: '0644', dir_mode: '0750' });
    await out.open();
    out.write([forwarded('n1', 1), forwarded('n2', 1), forwarded('n1', 2), forwarded('n1', 3, 'rejected', 'rejectlog')]);
    await out.flush();
    assert.deepEqual(read(fileOf('n1')), ['<22>1 2026-11-22T10:00:00Z n1-host app - - - record 1', '<22>1 2026-11-22T10:00:00Z n1-host app - - - record 2']);
    assert.deepEqual(read(fileOf('n2')), ['<22>1 2026-11-22T10:00:00Z n2-host app - - - record 1']);
    assert.deepEqual(read(fileOf('n1', 'rejectlog')), ['<22>1 2026-11-22T10:00:00Z n1-host app - - - rejected']);
    assert.equal(fs.statSync(fileOf('n1')).mode & 0o777, 0o644);
    assert.equal(fs.statSync(path.dirname(fileOf('n1'))).mode & 0o777, 0o750);
  });

  it('drops what it already wrote for the same node and log, also after a restart', async () => {
    let out = make();
    await out.open();
    out.write([forwarded('n1', 1), forwarded('n1', 2), forwarded('n1', 3)]);
    out.write([forwarded('n1', 2), forwarded('n1', 3), forwarded('n1', 4), forwarded('n2', 2)]);
    await out.close();
    out = make();
    await out.open();
    out.write([forwarded('n1', 3), forwarded('n1', 4), forwarded('n1', 5), forwarded('n2', 2), forwarded('n2', 3)]);
    await out.flush();
    assert.deepEqual(read(fileOf('n1')).map((l) => l.split(' ').pop()), ['1', '2', '3', '4', '5']);
    assert.deepEqual(read(fileOf('n2')).map((l) => l.split(' ').pop()), ['2', '3']);
    assert.equal(env.counters.get('output.cluster', 'duplicate').value, 2 + 3);
    assert.equal(env.counters.get('output.cluster', 'written').value, 4 + 3);
  });

  it('takes seqs from 1 again from a node whose journal was made anew', async () => {
    const out = make();
    await out.open();
    out.write([forwarded('n1', 1), forwarded('n1', 2), forwarded('n1', 3)]);
    out.write([forwarded('n1', 1, 'anew 1', 'mainlog', 'bbbbbbbbbbbbbbbb'), forwarded('n1', 2, 'anew 2', 'mainlog', 'bbbbbbbbbbbbbbbb'),
      forwarded('n1', 2, 'anew 2', 'mainlog', 'bbbbbbbbbbbbbbbb')]);
    await out.flush();
    assert.deepEqual(read(fileOf('n1')).map((l) => l.split(' - ').pop()), ['record 1', 'record 2', 'record 3', 'anew 1', 'anew 2']);
    assert.equal(env.counters.get('output.cluster', 'duplicate').value, 1);
  });

  it('cuts lines written after the last recorded state, so that their resend is written once', async () => {
    const out = make({ fsync: false });
    await out.open();
    out.write([forwarded('n1', 1), forwarded('n1', 2)]);
    await out.flush();
    // A crash between writing lines and recording them: lines on disk, state behind.
    const stateFile = path.join(env.ctx.stateDir, 'cluster-cluster.json');
    const state = fs.readFileSync(stateFile);
    out.write([forwarded('n1', 3), forwarded('n1', 4)]);
    await out.flush();
    fs.writeFileSync(stateFile, state);
    outputs.pop();
    const again = make();
    await again.open();
    assert.deepEqual(read(fileOf('n1')).map((l) => l.split(' ').pop()), ['1', '2']);
    assert.ok(env.messages.some((m) => /cut \d+ bytes from the end of .*n1/.test(m)), env.messages.join('\n'));
    again.write([forwarded('n1', 2), forwarded('n1', 3), forwarded('n1', 4)]);
    await again.flush();
    assert.deepEqual(read(fileOf('n1')).map((l) => l.split(' ').pop()), ['1', '2', '3', '4']);
    await out.close();
  });

  it('writes plain syslog records under plain_log by their host, or discards them when it is empty', async () => {
    const out = make();
    await out.open();
    out.write([plain('<13>1 2026-11-22T10:00:00Z h1 app - - - hello')]);
    await out.flush();
    const d = path.dirname(path.dirname(path.dirname(fileOf('x'))));
    assert.deepEqual(read(path.join(d, 'syslog', 'default', 'h1')), ['<13>1 2026-11-22T10:00:00Z h1 app - - - hello']);
    const off = make({ plain_log: '', path: 'other/%{node}' });
    await off.open();
    off.write([plain('<13>1 2026-11-22T10:00:00Z h1 app - - - hello')]);
    await off.flush();
    assert.equal(fs.existsSync(path.join(env.root, 'other')), false);
    assert.equal(env.counters.get('output.cluster', 'discarded', 'plain').value, 1);
  });

  it('keeps hostile node, subcluster and log names inside the log root', async () => {
    const out = make({ path: '%{log}/%{subcluster}/%{node}' });
    await out.open();
    const evil = (seq: number, node: string, log: string): LogRecord => {
      const rec = new LogRecord(Buffer.from('<13>1 - h a - - - x'), 0, 'tcp', '');
      parseRecord(rec, 'x');
      rec.journalSeq = seq;
      const outer = new LogRecord(encodeForward(rec, { node, subcluster: '..', log, journal: '' }), 0, 'relp', '');
      parseRecord(outer, 'x');
      return outer;
    };
    out.write([evil(1, '../../../etc/passwd', '..'), evil(1, '/abs', '.'), evil(1, '', '\u0000\n')]);
    await out.flush();
    const found = fs.readdirSync(env.base, { recursive: true }) as string[];
    assert.ok(found.every((f) => f === 'root' || f.startsWith('root/') || f === 'state' || f.startsWith('state/')), found.join(', '));
    assert.equal(env.counters.get('output.cluster', 'written').value, 3);
  });

  it('writes every file of a round that touches more files than max_open_files', async () => {
    const out = make({ max_open_files: 2 });
    await out.open();
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    out.write(nodes.map((n) => forwarded(n, 1)));
    out.write(nodes.map((n) => forwarded(n, 2)));
    await out.flush();
    for (const n of nodes) assert.deepEqual(read(fileOf(n)).map((l) => l.split(' ').pop()), ['1', '2'], n);
    assert.equal(env.counters.get('output.cluster', 'discarded', 'write_failed').value, 0);
  });

  it('reopens (SIGHUP) while records keep coming, losing none and keeping the state whole', async () => {
    const out = make({ fsync: false });
    await out.open();
    let seq = 0;
    for (let round = 0; round < 20; round++) {
      out.write(Array.from({ length: 50 }, () => forwarded('n1', ++seq)));
      if (round % 3 === 0) await out.reopen();
      else await new Promise((r) => setImmediate(r));
    }
    await out.flush();
    assert.deepEqual(read(fileOf('n1')).map((l) => Number(l.split(' ').pop())), Array.from({ length: seq }, (_, i) => i + 1));
    assert.equal(env.counters.get('output.cluster', 'discarded', 'write_failed').value, 0);
    await out.close();
    const state = JSON.parse(fs.readFileSync(path.join(env.ctx.stateDir, 'cluster-cluster.json'), 'utf8')) as { seen: Record<string, number> };
    assert.deepEqual(Object.values(state.seen), [seq]);
    assert.deepEqual(fs.readdirSync(env.ctx.stateDir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('remembers at most max_origins origins and counts what it turns away', async () => {
    const out = make({ max_origins: 2 });
    await out.open();
    out.write([forwarded('n1', 1), forwarded('n2', 1), forwarded('n3', 1), forwarded('n1', 2)]);
    await out.flush();
    assert.equal(env.counters.get('output.cluster', 'discarded', 'max_origins').value, 1);
    assert.equal(env.counters.get('output.cluster', 'written').value, 3);
  });

  it('refuses a path template that leaves the log root', () => {
    assert.match(clusterTemplateProblem('../%{node}', '/var/log/maillogd') ?? '', /outside the log root/);
    assert.equal(clusterTemplateProblem('cluster/%Y/%{node}', '/var/log/maillogd'), null);
    assert.throws(() => validConfig(clusterOutputSpec, { path: 'x/%{nod}' }, 'output.c'), /unknown placeholder %\{nod\}/);
  });
});
