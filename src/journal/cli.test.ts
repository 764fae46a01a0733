// `maillogctl journal DIR ...`: each command's output and exit code.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { journalCommand, payloadText } from './cli.js';
import { Journal } from './index.js';

async function run(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await journalCommand(args, (l) => lines.push(l));
  return { code, lines };
}

describe('journal/cli', () => {
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-cli-'));
    const j = Journal.open(dir, { segmentMaxBytes: 1024 });
    j.addSubscriber('outputs', 'begin');
    for (let i = 1; i <= 30; i++) j.append(Buffer.from(`line ${i}\twith tab\n`));
    await j.durable(30);
    j.commit('outputs', 10);
    j.addSubscriber('mirror');
    await j.close();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('escapes control bytes as #ooo', () => {
    assert.equal(payloadText(Buffer.from('a\tb\nc\x00\x7f#d ü')), 'a#011b#012c#000#177#d ü');
  });

  it('lists segments with their seq ranges and sizes', async () => {
    const { code, lines } = await run(dir, 'list');
    assert.equal(code, 0);
    assert.match(lines[0]!, /^segment\s+first\s+last\s+records\s+bytes\s+state$/);
    const rows = lines.slice(1).map((l) => l.split(/\s+/));
    assert.ok(rows.length >= 2);
    assert.equal(rows[rows.length - 1]![2], '30');
    assert.equal(rows[rows.length - 1]![5], 'open');
    for (const r of rows) {
      assert.match(r[0]!, /^\d{10}\.seg$/);
      assert.equal(Number(r[3]), Number(r[2]) - Number(r[1]) + 1);
      assert.equal(Number(r[4]), fs.statSync(path.join(dir, r[0]!)).size);
    }
  });

  it('lists subscribers, adds and removes them', async () => {
    let r = await run(dir, 'subscribers');
    assert.equal(r.code, 0);
    assert.deepEqual(r.lines.map((l) => l.split(/\s+/)), [['subscriber', 'checkpoint', 'behind'], ['mirror', '30', '0'], ['outputs', '10', '20']]);
    r = await run(dir, 'add', 'late');
    assert.deepEqual(r, { code: 0, lines: ['subscriber late added at checkpoint 30'] });
    r = await run(dir, 'add', 'archive', '--from', 'begin');
    assert.equal(r.code, 0);
    assert.match(r.lines[0]!, /^subscriber archive added at checkpoint \d+$/);
    r = await run(dir, 'add', 'late', '--from=begin');
    assert.deepEqual(r, { code: 0, lines: ['subscriber late already exists, at checkpoint 30'] });
    r = await run(dir, 'remove', 'mirror');
    assert.deepEqual(r, { code: 0, lines: ['subscriber mirror removed'] });
    r = await run(dir, 'remove', 'mirror');
    assert.deepEqual(r, { code: 1, lines: ['journal: no subscriber mirror'] });

    const j = Journal.open(dir, { segmentMaxBytes: 1024 });
    assert.deepEqual(j.subscribers().map((s) => s.name), ['archive', 'late', 'outputs']);
    assert.equal(j.read('archive', 1)[0]!.seq, j.stats().firstSeq);
    await j.close();
  });

  it('refuses hostile names and bad usage with 64, a missing journal with 66', async () => {
    for (const name of ['../x', 'a/b', '', '.'.repeat(65)]) {
      const r = await run(dir, 'add', name);
      assert.equal(r.code, 64, name);
      assert.match(r.lines[0]!, /bad subscriber name/);
    }
    assert.deepEqual(fs.readdirSync(path.join(dir, 'subscribers')).sort(), ['mirror.cp', 'outputs.cp']);
    assert.equal((await run(dir)).code, 64);
    assert.equal((await run(dir, 'frobnicate')).code, 64);
    assert.equal((await run(dir, 'add', 'x', '--from', 'middle')).code, 64);
    assert.equal((await run(dir, 'tail', '-n', 'many')).code, 64);
    assert.equal((await run(dir, 'list', 'extra')).code, 64);
    const missing = await run(path.join(dir, 'nope'), 'list');
    assert.deepEqual(missing, { code: 66, lines: [`journal: ${path.join(dir, 'nope')}: no such journal directory`] });
    fs.mkdirSync(path.join(dir, 'empty'));
    assert.equal((await run(path.join(dir, 'empty'), 'stats')).code, 66, 'a directory that is not a journal');
  });

  it('prints the last N payloads as text', async () => {
    const r = await run(dir, 'tail', '-n', '3');
    assert.deepEqual(r, { code: 0, lines: ['line 28#011with tab#012', 'line 29#011with tab#012', 'line 30#011with tab#012'] });
    const all = await run(dir, 'tail', '-n', '1000');
    assert.equal(all.lines.length, 30);
    assert.equal((await run(dir, 'tail')).lines.length, 10);
  });

  it('follows new records with --follow until stopped', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    const done = journalCommand([dir, 'tail', '-n', '1', '--follow'], (l) => lines.push(l), { signal: stop.signal, pollMs: 20 });
    await sleep(50);
    const j = Journal.open(dir, { segmentMaxBytes: 1024 });
    for (let i = 31; i <= 60; i++) j.append(Buffer.from(`line ${i}`));
    await j.durable(60);
    const t0 = Date.now();
    while (lines.length < 31 && Date.now() - t0 < 5000) await sleep(20);
    stop.abort();
    assert.equal(await done, 0);
    await j.close();
    assert.deepEqual(lines, ['line 30#011with tab#012', ...Array.from({ length: 30 }, (_, k) => `line ${31 + k}`)]);
  });

  it('prints the stats', async () => {
    const r = await run(dir, 'stats');
    assert.equal(r.code, 0);
    assert.equal(r.lines[0], `segments: ${fs.readdirSync(dir).filter((f) => f.endsWith('.seg')).length}`);
    assert.match(r.lines[1]!, /^bytes: \d+$/);
    assert.match(r.lines[2]!, /^first seq: \d+$/);
    assert.deepEqual(r.lines.slice(3), ['last seq: 30', 'subscriber mirror: checkpoint 30, behind 0', 'subscriber outputs: checkpoint 10, behind 20']);
  });
});
