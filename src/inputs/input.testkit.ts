// A fake InputContext for input tests: records what is submitted and lets a test make the
// pipeline "busy" to check that stream inputs pause and resume.

import type { AccessCheck, InputContext } from '../component.js';
import type { LogRecord } from '../record.js';
import { Counters } from '../telemetry/counters.js';
import { InternalLog } from '../telemetry/log.js';

export interface FakeInputContext extends InputContext {
  readonly records: LogRecord[];
  readonly messages: string[];
  /** While true, submit returns false; setting it to false fires the onWritable callbacks. */
  busy: boolean;
  readonly logLines: string[];
}

export function fakeInputContext(id: string, access?: AccessCheck): FakeInputContext {
  const counters = new Counters();
  const log = new InternalLog();
  const logLines: string[] = [];
  log.attach((level, text) => logLines.push(`${level}: ${text}`));
  const records: LogRecord[] = [];
  const messages: string[] = [];
  let waiters: (() => void)[] = [];
  let busy = false;
  return {
    id, counters, log, logLines, records, messages,
    logRoot: '/nonexistent', stateDir: '/nonexistent', shutdown: new AbortController().signal,
    localHostname: 'testhost', inheritedFd: null, journal: null,
    access: access ?? { usesHostnames: false, decide: () => true },
    submit(batch) {
      for (const r of batch) {
        records.push(r);
        messages.push(r.msg.toString('utf8'));
      }
      return !busy;
    },
    onWritable(cb) {
      if (!busy) queueMicrotask(cb);
      else waiters.push(cb);
    },
    get busy() { return busy; },
    set busy(v: boolean) {
      busy = v;
      if (!v) {
        const ws = waiters;
        waiters = [];
        for (const w of ws) w();
      }
    },
  };
}
