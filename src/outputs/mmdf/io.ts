// The few fs calls the mmdf output makes, as promises; writes are continued after short writes.

import fs from 'node:fs';
import type { Piece } from './layout.js';

export function openAsync(file: string, flags: number, mode: number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, flags, mode, (e, fd) => (e ? reject(e) : resolve(fd))));
}

export function fstatAsync(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (e, st) => (e ? reject(e) : resolve(st))));
}

function writevAsync(fd: number, bufs: Buffer[], position: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (e: NodeJS.ErrnoException | null, n: number): void => (e ? reject(e) : resolve(n));
    if (position === null) fs.writev(fd, bufs, done);
    else fs.writev(fd, bufs, position, done);
  });
}

/** Writes a piece whole, continuing after short writes. */
export async function writePiece(fd: number, piece: Piece): Promise<void> {
  let bufs = piece.bufs;
  let position = piece.position;
  let left = piece.bytes;
  while (left > 0) {
    const n = await writevAsync(fd, bufs, position);
    if (n <= 0) throw Object.assign(new Error('write returned 0'), { code: 'EIO' });
    left -= n;
    if (position !== null) position += n;
    let skip = n;
    while (skip > 0 && bufs.length > 0) {
      const b = bufs[0]!;
      if (b.length <= skip) {
        skip -= b.length;
        bufs = bufs.slice(1);
      } else {
        bufs = [b.subarray(skip), ...bufs.slice(1)];
        skip = 0;
      }
    }
  }
}

export { makeDirs } from '../../util/dirs.js';
