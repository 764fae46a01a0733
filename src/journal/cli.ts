// `maillogctl journal DIR ...`, what jlogctl was: segments, subscribers (list, add, remove), the
// last payloads (and new ones as they come), stats. It reads the segment files without changing
// them, so it is safe while the daemon has the journal open; add and remove only replace
// checkpoint files, and the journal's writer deletes what no subscriber needs at its next commit.
// Exit codes: 0 ok, 1 unknown subscriber, 64 usage, 66 no such journal directory, 74 I/O error,
// 77 permission denied.

import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Checkpoints, isSubscriberName } from './checkpoints.js';
import { segmentNumber } from './format.js';
import { SegmentStore } from './store.js';

export const JOURNAL_USAGE = `usage: maillogctl journal DIR COMMAND
  list                         segments: first and last seq, records, bytes
  subscribers                  subscribers: checkpoint, records behind
  add NAME [--from begin|end]  adds a subscriber: from the oldest record kept, or (default)
                               only what is appended from now on
  remove NAME                  removes a subscriber; the daemon then deletes what nobody needs
  tail [-n N] [--follow]       the last N payloads (default 10) as text, control bytes as #ooo;
                               --follow: then every new one, until interrupted
  stats                        segments, bytes, seq range, subscribers`;

const EX_OK = 0;
const EX_UNKNOWN = 1;
const EX_USAGE = 64;
const EX_NOINPUT = 66;
const EX_IOERR = 74;
const EX_NOPERM = 77;

class UsageError extends Error {}

export interface JournalCommandOptions {
  /** Ends `tail --follow`. */
  signal?: AbortSignal;
  /** How often `tail --follow` looks for new records (ms). */
  pollMs?: number;
}

/** A payload as one line of text: UTF-8, with control bytes (and DEL) written as # and 3 octal digits. */
export function payloadText(payload: Buffer): string {
  return payload.toString('utf8').replace(/[\x00-\x1f\x7f]/g, (c) => '#' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

function isJournalDir(dir: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return false;
  }
  if (!st.isDirectory()) return false;
  if (fs.existsSync(path.join(dir, 'subscribers'))) return true;
  return fs.readdirSync(dir).some((f) => segmentNumber(f) !== null);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

/** Takes `--name value` (or `--name=value`) out of args. */
function takeOption(args: string[], names: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(0, eq) : a;
    if (!names.includes(key)) continue;
    let value: string | undefined;
    if (eq > 0) {
      value = a.slice(eq + 1);
      args.splice(i, 1);
    } else {
      value = args[i + 1];
      if (value === undefined) throw new UsageError(`${a} needs a value`);
      args.splice(i, 2);
    }
    return value;
  }
  return undefined;
}

function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

function noMore(args: string[]): void {
  if (args.length) throw new UsageError(`unexpected ${args.join(' ')}`);
}

function subscriberArg(args: string[]): string {
  const name = args.shift();
  if (name === undefined) throw new UsageError('a subscriber name is needed');
  if (!isSubscriberName(name)) throw new UsageError(`bad subscriber name ${JSON.stringify(name)}: 1 to 64 of A-Z a-z 0-9 _ . @ = -`);
  return name;
}

export async function journalCommand(argv: string[], out: (line: string) => void, options: JournalCommandOptions = {}): Promise<number> {
  const args = [...argv];
  try {
    const dir = args.shift();
    const command = args.shift();
    if (dir === undefined || command === undefined || dir === '-h' || dir === '--help') throw new UsageError('');
    if (!['list', 'subscribers', 'add', 'remove', 'tail', 'stats'].includes(command)) throw new UsageError(`unknown command ${command}`);
    if (!isJournalDir(dir)) {
      out(`journal: ${dir}: no such journal directory`);
      return EX_NOINPUT;
    }
    const cps = new Checkpoints(dir);
    cps.reload();
    const store = new SegmentStore(dir);
    const load = () => {
      store.load(false);
      for (const p of cps.problems) out(`journal: ${p}`);
    };
    switch (command) {
      case 'list': {
        noMore(args);
        load();
        const rows = [['segment', 'first', 'last', 'records', 'bytes', 'state']];
        for (const s of store.segments) {
          const state = s.damaged ? 'damaged' : s === store.last && !s.sealed ? 'open' : 'sealed';
          rows.push([s.name, String(s.firstSeq), String(s.lastSeq), String(s.records), String(s.size), state]);
        }
        for (const l of table(rows)) out(l);
        for (const p of store.problems) out(`damage: ${p}`);
        break;
      }
      case 'subscribers': {
        noMore(args);
        load();
        const last = store.lastSeq;
        const rows = [['subscriber', 'checkpoint', 'behind']];
        for (const s of cps.list()) rows.push([s.name, String(s.checkpoint), String(Math.max(0, last - s.checkpoint))]);
        for (const l of table(rows)) out(l);
        break;
      }
      case 'add': {
        const from = takeOption(args, ['--from']) ?? 'end';
        if (from !== 'begin' && from !== 'end') throw new UsageError(`--from ${from}: begin or end`);
        const name = subscriberArg(args);
        noMore(args);
        const had = cps.get(name);
        if (had !== undefined) {
          out(`subscriber ${name} already exists, at checkpoint ${had}`);
          break;
        }
        load();
        const cp = from === 'begin' ? store.firstSeq - 1 : store.lastSeq;
        cps.write(name, cp);
        out(`subscriber ${name} added at checkpoint ${cp}`);
        break;
      }
      case 'remove': {
        const name = subscriberArg(args);
        noMore(args);
        if (!cps.remove(name)) {
          out(`journal: no subscriber ${name}`);
          return EX_UNKNOWN;
        }
        out(`subscriber ${name} removed`);
        break;
      }
      case 'tail': {
        const nText = takeOption(args, ['-n', '--lines']) ?? '10';
        const follow = takeFlag(args, '--follow') || takeFlag(args, '-f');
        noMore(args);
        if (!/^\d{1,9}$/.test(nText)) throw new UsageError(`-n ${nText}: a number of records`);
        const n = Number(nText);
        load();
        let shown = Math.max(store.firstSeq, store.lastSeq - n + 1) - 1;
        const show = (upTo: number) => {
          while (shown < upTo) {
            const { entries } = store.read(shown + 1, upTo, 10_000, null);
            if (entries.length === 0) break;
            for (const e of entries) out(payloadText(e.payload));
            shown = entries[entries.length - 1]!.seq;
          }
        };
        if (n > 0) show(store.lastSeq);
        shown = Math.max(shown, store.lastSeq);
        if (follow) {
          const signal = options.signal;
          while (!signal?.aborted) {
            try {
              await sleep(options.pollMs ?? 250, undefined, { signal });
            } catch {
              break;
            }
            store.refresh();
            show(store.lastSeq);
          }
        }
        store.closeAll();
        break;
      }
      case 'stats': {
        noMore(args);
        load();
        const last = store.lastSeq;
        out(`segments: ${store.segments.length}`);
        out(`bytes: ${store.bytes}`);
        out(`first seq: ${store.firstSeq}`);
        out(`last seq: ${last}`);
        for (const s of cps.list()) out(`subscriber ${s.name}: checkpoint ${s.checkpoint}, behind ${Math.max(0, last - s.checkpoint)}`);
        for (const p of store.problems) out(`damage: ${p}`);
        break;
      }
    }
    store.closeAll();
    return EX_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) out(`journal: ${err.message}`);
      out(JOURNAL_USAGE);
      return EX_USAGE;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw err;
    out(`journal: ${(err as Error).message}`);
    return code === 'EACCES' || code === 'EPERM' ? EX_NOPERM : EX_IOERR;
  }
}
