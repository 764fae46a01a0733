// Cluster logging on loopback: three node daemons, each with a forward output to each of two
// aggregator daemons (two journal subscribers, so two full copies). While the nodes take numbered
// messages over TCP, aggregator 1 is SIGKILLed once and started again, and aggregator 2 is stopped
// for a few seconds and started again. Each aggregator must end with every record exactly once,
// in each node's order, in ROOT/cluster/%Y/%m/%d/<log>/<subcluster>/<node>.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { lines, ROOT, startDaemon, tempDir, type RunningDaemon } from './support/daemon.js';
import { feedTcp, numberOf, numberedText } from './support/feed.js';
import { waitFor } from './support/wait.js';

const NODES = ['node1', 'node2', 'node3'];
const CTL_JS = path.join(ROOT, 'dist/cli/maillogctl.js');
const PER_NODE = 20_000;
const RATE = 2_000;

const aggIni = (port: number | string): string => `[input.relp]
type = relp
port = ${port}
port_file = {PORT:relp}
[output.cluster]
type = cluster
format = raw
[rule.all]
outputs = cluster
`;

const nodeIni = (node: string, agg1: number, agg2: number): string => `[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.local]
type = file
path = all.log
[output.agg1]
type = forward
host = 127.0.0.1
port = ${agg1}
node = ${node}
subcluster = eu
log = mainlog
reconnect_min_ms = 100
reconnect_max_secs = 1
[output.agg2]
type = forward
host = 127.0.0.1
port = ${agg2}
node = ${node}
subcluster = eu
log = mainlog
reconnect_min_ms = 100
reconnect_max_secs = 1
[rule.all]
outputs = local, agg1, agg2
`;

/** node → numbers in file order, from every file under ROOT/cluster (the node is the file name). */
function clusterFiles(logRoot: string): Map<string, { file: string; numbers: number[] }> {
  const out = new Map<string, { file: string; numbers: number[] }>();
  const base = path.join(logRoot, 'cluster');
  for (const file of clusterFilesRaw(logRoot)) {
    const numbers = lines(file).map((l) => numberOf(l)).filter((n): n is number => n !== null);
    out.set(path.basename(file), { file: path.relative(base, file), numbers });
  }
  return out;
}

/** Every file under ROOT/cluster. */
function clusterFilesRaw(logRoot: string): string[] {
  const base = path.join(logRoot, 'cluster');
  if (!fs.existsSync(base)) return [];
  return (fs.readdirSync(base, { recursive: true }) as string[]).map((f) => path.join(base, f)).filter((f) => fs.statSync(f).isFile());
}

function total(logRoot: string): number {
  let n = 0;
  for (const v of clusterFiles(logRoot).values()) n += v.numbers.length;
  return n;
}

describe('cluster: 3 nodes forward to 2 aggregators over RELP', function () {
  this.timeout(180_000);
  const daemons = new Set<RunningDaemon>();
  const start = async (ini: string, dir: string): Promise<RunningDaemon> => {
    const d = await startDaemon(ini, { dir });
    daemons.add(d);
    return d;
  };
  after(async () => {
    for (const d of daemons) await d.stop();
  });

  it('gives each aggregator every record exactly once, in node order, through a stop and a SIGKILL', async () => {
    const aggDirs = [tempDir('maillogd-agg1-'), tempDir('maillogd-agg2-')];
    let agg1 = await start(aggIni(0), aggDirs[0]!);
    let agg2 = await start(aggIni(0), aggDirs[1]!);
    const [p1, p2] = [agg1.ports.relp!, agg2.ports.relp!];
    const nodes: RunningDaemon[] = [];
    for (const n of NODES) nodes.push(await start(nodeIni(n, p1, p2), tempDir(`maillogd-${n}-`)));

    const feeding = Promise.all(nodes.map((d, k) =>
      feedTcp(d.ports.tcp!, PER_NODE, (i) => `<22>Nov 22 10:00:00 mx${k + 1} postfix/smtpd[${k + 1}]: ${numberedText(i)}\n`, RATE)));

    // Aggregator 1 is killed outright and started again at once. The kill must find acknowledged
    // records past its outputs' checkpoint (which moves every 100 ms), or the crash path is not
    // taken: its journal is read between the kill and the start, and it is killed again, a little
    // later, when it had none.
    const killAgg1 = async (): Promise<number> => {
      agg1.proc.kill('SIGKILL');
      await new Promise((r) => agg1.proc.once('exit', r));
      daemons.delete(agg1);
      const r = spawnSync(process.execPath, [CTL_JS, 'journal', path.join(agg1.dir, 'state', 'journal'), 'subscribers'], { encoding: 'utf8' });
      const behind = /^outputs\s+\d+\s+(\d+)\b/m.exec(r.stdout);
      assert.ok(behind, `the journal of aggregator 1 lists its outputs' subscriber: ${r.stdout}${r.stderr}`);
      agg1 = await start(aggIni(p1), aggDirs[0]!);
      return Number(behind[1]);
    };
    await waitFor('aggregator 1 to have some records', () => total(agg1.logRoot) > 6_000, 60_000, 100);
    let behind = await killAgg1();
    let kills = 1;
    for (; behind === 0 && kills < 5; kills++) {
      const seen = total(agg1.logRoot);
      await waitFor('aggregator 1 to take more records', () => total(agg1.logRoot) > seen + 1_000, 60_000, 20);
      behind = await killAgg1();
    }
    assert.ok(behind > 0, 'a SIGKILL left aggregator 1 with acknowledged records past its checkpoint');

    // Aggregator 2 goes away (SIGTERM) for 3 s while records flow.
    await waitFor('aggregator 2 to be well into the run', () => total(agg2.logRoot) > 15_000, 60_000, 100);
    assert.equal(await agg2.stop(), 0);
    daemons.delete(agg2);
    const stoppedAt = total(agg1.logRoot);
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok(total(agg1.logRoot) > stoppedAt, 'aggregator 1 kept receiving while aggregator 2 was down');
    agg2 = await start(aggIni(p2), aggDirs[1]!);

    await feeding;
    const want = NODES.length * PER_NODE;
    for (const agg of [agg1, agg2]) {
      await waitFor(`all ${want} records at ${agg.dir}`, () => total(agg.logRoot) >= want, 90_000, 200);
    }
    // Judged once every node's two subscribers have had everything acknowledged (no resend can follow).
    for (const d of nodes) {
      await waitFor(`${d.dir}: both aggregators caught up`, () => {
        const r = spawnSync(process.execPath, [CTL_JS, 'journal', path.join(d.dir, 'state', 'journal'), 'subscribers'], { encoding: 'utf8' });
        return /agg1\s+\d+\s+0\b/.test(r.stdout) && /agg2\s+\d+\s+0\b/.test(r.stdout);
      }, 60_000, 200);
    }
    for (const [name, agg] of [['aggregator 1', agg1], ['aggregator 2', agg2]] as const) {
      const files = clusterFiles(agg.logRoot);
      assert.deepEqual([...files.keys()].sort(), NODES, `${name}: one file per node`);
      for (const n of NODES) {
        const { file, numbers } = files.get(n)!;
        assert.match(file, new RegExp(`^\\d{4}/11/22/mainlog/eu/${n}$`), `${name}: path of ${n}`);
        assert.equal(numbers.length, PER_NODE, `${name}/${n}: ${numbers.length} lines for ${PER_NODE} records`);
        for (let i = 0; i < numbers.length; i++) {
          if (numbers[i] !== i + 1) assert.fail(`${name}/${n}: line ${i + 1} holds record ${numbers[i]}`);
        }
      }
    }
    // Each node's own file has every line once too, and the aggregators' lines are the node's records verbatim.
    const sample = lines(path.join(agg1.logRoot, 'cluster', clusterFiles(agg1.logRoot).get('node2')!.file))[41]!;
    assert.equal(sample, `<22>Nov 22 10:00:00 mx2 postfix/smtpd[2]: ${numberedText(42)}`);
    for (const d of nodes) assert.equal(lines(path.join(d.logRoot, 'all.log')).length, PER_NODE);
    for (const d of [...nodes, agg1, agg2]) {
      assert.equal(await d.stop(), 0);
      daemons.delete(d);
    }
    // What it took: resends by the nodes, dropped by the aggregators (counted since each one's last start).
    const counter = (d: RunningDaemon, scope: string, name: string): number => {
      const stats = /stopped; stats: (.*)/.exec(d.stderr())?.[1] ?? '';
      const at = stats.indexOf(` ${scope} `) >= 0 ? stats.indexOf(` ${scope} `) : stats.startsWith(`${scope} `) ? 0 : -1;
      if (at < 0) return 0;
      const rest = stats.slice(at).split(' ').filter(Boolean).slice(1);
      const end = rest.findIndex((w) => !w.includes('='));
      const m = (end < 0 ? rest : rest.slice(0, end)).find((w) => w.startsWith(`${name}=`));
      return m ? Number(m.slice(name.length + 1)) : 0;
    };
    if (process.env.CLUSTER_DEBUG) for (const d of [...nodes, agg1, agg2]) console.log(d.stderr());
    const resent = nodes.map((d) => counter(d, 'output.agg1', 'resent') + counter(d, 'output.agg2', 'resent'));
    // Aggregator 1 was killed mid-stream: what its journal held past its checkpoint was routed again
    // at its start (written then, or dropped as already written): the crash path was taken.
    assert.ok(/(\d+) acknowledged records not yet written/.test(agg1.stderr()), `aggregator 1 routed again the ${behind} record(s) its journal held past the checkpoint`);
    console.log(`      nodes resent ${resent.join(', ')} unacknowledged record(s); aggregators dropped ` +
      `${counter(agg1, 'output.cluster', 'duplicate')} and ${counter(agg2, 'output.cluster', 'duplicate')} duplicate(s) since their last start; ` +
      `aggregator 1 after its SIGKILL (${kills} kill(s) to find records past its checkpoint): ${/cut \d+ bytes/.exec(agg1.stderr())?.[0] ?? 'nothing to cut'}, ` +
      `${/(\d+) acknowledged records not yet written/.exec(agg1.stderr())?.[1] ?? 0} record(s) routed again from its journal`);
  });

  it('forwards what a rule picks by dialect, as the rule saw it when the record arrived', async () => {
    const agg = await start(aggIni(0), tempDir('maillogd-agg-dialect-'));
    const node = await start(`[input.tcp]
type = tcp
port = 0
port_file = {PORT:tcp}
[output.local]
type = file
path = all.log
[output.agg]
type = forward
host = 127.0.0.1
port = ${agg.ports.relp}
node = mx9
log = mainlog
[rule.momentum]
priority = 10
dialect = momentum
outputs = agg
[rule.all]
priority = 20
outputs = local
`, tempDir('maillogd-node-dialect-'));
    const momentum = '1064868656@00/00-25004-31B987F3@00/00-03736-F4101B54@00/00-04532-A3456B54@R@bob@example.fict@info@postalengine.com@10.0.1.1@201@esmtp@default@default';
    await feedTcp(node.ports.tcp!, 3, (i) => (i === 2 ? `<22>Nov 22 10:00:00 mx9 postfix/smtpd[1]: not momentum\n` : `<22>Nov 22 10:00:00 mx9 ecelerity: ${momentum}\n`));
    const file = (): string | undefined => [...clusterFilesRaw(agg.logRoot)][0];
    await waitFor('the two Momentum lines at the aggregator', () => { const f = file(); return f !== undefined && lines(f).length === 2; }, 20_000, 50);
    assert.ok(lines(file()!).every((l) => l.endsWith(momentum)));
    assert.equal(await node.stop(), 0);
    daemons.delete(node);
    assert.match(/stopped; stats: (.*)/.exec(node.stderr())![1]!, /output\.agg sent=2 acked=2/);
  });
});
