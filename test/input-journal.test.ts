// `journal = true` on a tcp input: records are in the daemon's journal as they arrive, so a SIGKILL
// in the middle of a stream loses none the journal had: what the outputs' checkpoint had not passed
// is routed again at the next start (some lines may then be written twice; none is missing).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { lines, ROOT, startDaemon, tempDir } from './support/daemon.js';
import { feedTcp, numberOf, numberedText } from './support/feed.js';
import { waitFor } from './support/wait.js';

const COUNT = 300_000;
const CTL_JS = path.join(ROOT, 'dist/cli/maillogctl.js');

/**
 * The tcp input's received counter, asked on the control socket from this process: no child to
 * start, so the answer comes within milliseconds even on a loaded machine, and the SIGKILL that
 * follows falls while the feed is still sending.
 */
async function received(socket: string): Promise<number> {
  const sock = net.connect(socket);
  sock.on('error', () => undefined);
  try {
    await once(sock, 'connect');
    sock.write('{"cmd":"stats"}\n');
    let text = '';
    for await (const chunk of sock) {
      text += String(chunk);
      if (text.includes('\n')) break;
    }
    const { counters } = JSON.parse(text) as { counters: { component: string; name: string; value: number }[] };
    return counters.find((c) => c.component === 'input.tcp' && c.name === 'received')?.value ?? 0;
  } catch {
    return -1;
  } finally {
    sock.destroy();
  }
}

describe('tcp input with journal = true', function () {
  this.timeout(120_000);

  it('has every record its journal had after a SIGKILL in the middle of a stream', async () => {
    const dir = tempDir('maillogd-injournal-');
    const ini = (port: number | string): string => `[input.tcp]
type = tcp
port = ${port}
port_file = {PORT:tcp}
journal = true
[output.all]
type = file
path = all.log
[rule.all]
outputs = all
`;
    let d = await startDaemon(ini(0), { dir });
    const port = d.ports.tcp!;
    // Paced, so that the SIGKILL falls in the middle of the stream.
    let fed = false;
    const feeding = feedTcp(port, COUNT, (i) => `<22>Nov 22 10:00:00 mx1 app[1]: ${numberedText(i)}\n`, 100_000)
      .then(() => { fed = true; }, () => undefined);
    const control = path.join(dir, 'control.sock');
    await waitFor('a third of the records', async () => (await received(control)) >= COUNT / 3, 60_000, 10);
    assert.ok(!fed, 'the feed ended before the SIGKILL: the machine was too slow for this test to mean anything');
    d.proc.kill('SIGKILL');
    await new Promise((r) => d.proc.once('exit', r));
    await feeding;
    const file = path.join(d.logRoot, 'all.log');
    const atKill = lines(file).length;
    const stats = spawnSync(process.execPath, [CTL_JS, 'journal', path.join(dir, 'state', 'journal'), 'stats'], { encoding: 'utf8' });
    const inJournal = Number(/last seq:\s*(\d+)/.exec(stats.stdout)?.[1]);
    assert.ok(inJournal > 0, stats.stdout + stats.stderr);
    d = await startDaemon(ini(port), { dir });
    assert.equal(await d.stop(), 0);
    // What the outputs' checkpoint had not passed was routed again at the start.
    const replayed = Number(/journal: (\d+) acknowledged records not yet written/.exec(d.stderr())?.[1] ?? 0);
    assert.ok(replayed > 0, d.stderr());
    const numbers = lines(file).map((l) => numberOf(l)!);
    const have = new Set(numbers);
    for (let i = 1; i <= inJournal; i++) assert.ok(have.has(i), `record ${i} (in the journal) missing`);
    console.log(`      SIGKILL with ${inJournal} records in the journal, ${atKill} of them in the file; ${replayed} routed again at ` +
      `the restart; all ${inJournal} in the file after it (${numbers.length - have.size} written twice)`);
    assert.ok(atKill <= inJournal);
  });
});
