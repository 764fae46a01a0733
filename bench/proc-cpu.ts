// CPU time of another process (a PostgreSQL backend), for the benchmarks that count the server's work.

import fs from 'node:fs';

/** CPU seconds a process has used (user + system), from /proc; counted in 10 ms ticks. */
export function cpuOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
