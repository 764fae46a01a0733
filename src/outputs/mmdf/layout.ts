// Where a batch of entries goes in an MMDF log, decided before anything is written: pure, so the
// size rules can be tested at the byte. It reproduces ll_cycle() (lib/util/ll_log.c):
// - Size in blocks is ceil(bytes / 1024); the log is full when blocks >= the limit (size × 25).
//   The test is made before every entry, so the entry that crosses the limit is written whole
//   and the next one is refused. (MMDF skips the test on the entry that opens the file, so with
//   close or some it never fires; here it applies to every entry, in every mode.)
// - Not cycling: a full log takes no more entries (`full`).
// - Cycling: `"\n\n***  CYCLING  ***\n"` overwrites the 20 bytes before the write position (the
//   end of the newest entry), `"***  CYCLED  ***\n"` goes at offset 0 and entries continue after
//   it, over the old ones. On the first wrap of an opening the limit becomes the file's size in
//   whole units of 25 blocks, as MMDF resets ll_msize. Where MMDF then lets the file grow past its
//   old end until it is more than limit + 1 block and gives up, this wraps again each time the
//   write position reaches the limit, so the file never exceeds it by more than one entry; the
//   give-up remains for a file that something else made longer than limit + 1 block.

export const CYCLING = Buffer.from('\n\n***  CYCLING  ***\n', 'latin1');
export const CYCLED = Buffer.from('***  CYCLED  ***\n', 'latin1');
/** What ll_close() writes at the write position of a log that cycled during the opening. */
export const CYCLED_CLOSE = CYCLED.subarray(5);

export const BLOCK_BYTES = 1024;
/** A limit of `size` is size × 25 blocks. */
export const BLOCKS_PER_UNIT = 25;

export function blocksOf(bytes: number): number {
  return Math.ceil(bytes / BLOCK_BYTES);
}

/** What the layout knows about the open file; updated as a batch is placed. */
export interface FileState {
  /** Offset of the next entry; the end of the file when appending. */
  pos: number;
  /** File size: fstat at the start of the batch, grown by what is placed. */
  size: number;
  /** Largest end offset this output placed since the open. */
  ownEnd: number;
  /** Wrapped during this opening (MMDF's _LLDIDC): ll_close() then marks the end. */
  cycled: boolean;
  /** Limit in blocks; 0 = none. */
  maxBlocks: number;
}

/** One write: `bufs` at `position` (null: append). */
export interface Piece {
  readonly position: number | null;
  readonly bufs: Buffer[];
  bytes: number;
  /** Entries that end in this piece. */
  entries: number;
}

export interface Placement {
  readonly pieces: Piece[];
  /** Entries placed: the first `accepted`; the rest are refused. */
  readonly accepted: number;
  /** Why entries were refused: the log is full, or a cycled log grew past its limit + 1 block. */
  readonly stop: 'full' | 'gave_up' | null;
  /** Wraps made. */
  readonly cycles: number;
}

/** Entries of a batch: one buffer, entry i ending at ends[i]. */
export interface EntryRun {
  readonly buf: Buffer;
  readonly ends: readonly number[];
  readonly count: number;
}

/**
 * Places entries into the file state `s` (mutated). `cycle` says whether the log wraps (positional
 * writes) or appends. `header(i)` gives the OPEN line to put before entry i, or null.
 */
export function place(s: FileState, run: EntryRun, cycle: boolean, header: (i: number) => Buffer | null): Placement {
  if (cycle && s.cycled && s.maxBlocks > 0 && blocksOf(s.size) > s.maxBlocks + 1 && s.size > s.ownEnd) {
    return { pieces: [], accepted: 0, stop: 'gave_up', cycles: 0 };
  }
  const out = new Pieces(s, run.buf);
  let accepted = 0;
  let stop: Placement['stop'] = null;
  let cycles = 0;
  for (let i = 0; i < run.count; i++) {
    if (s.maxBlocks > 0 && blocksOf(s.pos) >= s.maxBlocks) {
      if (!cycle) {
        stop = 'full';
        break;
      }
      if (!s.cycled) s.maxBlocks = Math.floor(blocksOf(s.size) / BLOCKS_PER_UNIT) * BLOCKS_PER_UNIT;
      s.cycled = true;
      cycles++;
      out.start(Math.max(0, s.pos - CYCLING.length));
      out.add(CYCLING);
      out.start(0);
      out.add(CYCLED);
    }
    if (!out.started) out.start(cycle ? s.pos : null);
    const h = header(i);
    if (h !== null) out.add(h);
    out.entry(i === 0 ? 0 : run.ends[i - 1]!, run.ends[i]!);
    accepted++;
  }
  return { pieces: out.done(), accepted, stop, cycles };
}

/** Builds the pieces, joining neighbouring entries of the batch buffer into one view. */
class Pieces {
  private readonly list: Piece[] = [];
  private cur: Piece | null = null;
  private from = -1;
  private to = -1;

  constructor(private readonly s: FileState, private readonly buf: Buffer) {}

  get started(): boolean {
    return this.cur !== null;
  }

  start(position: number | null): void {
    this.close();
    this.cur = { position, bufs: [], bytes: 0, entries: 0 };
    this.list.push(this.cur);
    if (position !== null) this.s.pos = position;
  }

  add(b: Buffer): void {
    this.close();
    this.cur!.bufs.push(b);
    this.grow(b.length);
  }

  entry(from: number, to: number): void {
    if (this.to !== from) {
      this.close();
      this.from = from;
    }
    this.to = to;
    this.cur!.entries++;
    this.grow(to - from);
  }

  done(): Piece[] {
    this.close();
    return this.list.filter((p) => p.bytes > 0);
  }

  private grow(n: number): void {
    const s = this.s;
    this.cur!.bytes += n;
    s.pos += n;
    if (s.pos > s.size) s.size = s.pos;
    if (s.pos > s.ownEnd) s.ownEnd = s.pos;
  }

  /** Ends the run of batch entries in progress. */
  private close(): void {
    if (this.cur !== null && this.from >= 0 && this.to > this.from) this.cur.bufs.push(this.buf.subarray(this.from, this.to));
    this.from = this.to = -1;
  }
}
