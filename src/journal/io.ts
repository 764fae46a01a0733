// The calls that make journal data durable, in one object so that tests can count them or make
// them fail.

import fs from 'node:fs';

export const io = {
  fdatasync: (fd: number, done: (err: NodeJS.ErrnoException | null) => void): void => fs.fdatasync(fd, done),
  fsyncSync: (fd: number): void => fs.fsyncSync(fd),
};
