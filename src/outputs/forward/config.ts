import { int, oneOf, str } from '../../config/schema.js';
import type { Field, SpecValue } from '../../config/schema.js';
import { isSubscriberName } from '../../journal/index.js';
import { tlsClientSpec } from '../../util/tls.js';

/** A `str` whose non-empty value must pass `check` (which returns an error or null). */
function checked(def: string, doc: string, check: (v: string) => string | null): Field<string> {
  const base = str(def, doc);
  return {
    ...base,
    parse(v) {
      const r = base.parse(v);
      if (!r.ok || r.value === '') return r;
      const err = check(r.value);
      return err ? { ok: false, error: err } : r;
    },
  };
}

const printable = (v: string): string | null =>
  /^[\x21-\x7e]{1,200}$/.test(v) ? null : 'printable ASCII without spaces, at most 200 characters';

export const forwardOutputSpec = {
  host: str(undefined, 'The aggregator: host name or address of its relp input.', { nonEmpty: true }),
  port: int(2514, 'TCP port of the aggregator\'s relp input.', { min: 1, max: 65535 }),
  subscriber: checked('', 'Name of this output\'s subscriber in the daemon\'s journal (its checkpoint); empty = the section name. ' +
    'Each aggregator needs its own: two forward outputs with two subscribers give two full copies.',
  (v) => (isSubscriberName(v) ? null : '1 to 64 of A-Z a-z 0-9 _ . @ = -')),
  start: oneOf(['begin', 'end'], 'begin', 'Where a new subscriber starts: begin = every record the journal still keeps, end = records from now on.'),
  node: checked('', 'Node name sent with every record (the last part of the aggregator\'s path); empty = [daemon] hostname or the machine name.', printable),
  subcluster: checked('default', 'Subcluster name sent with every record.', printable),
  log: checked('mainlog', 'Log name sent with every record (mainlog, rejectlog, paniclog, acctlog, ... : the aggregator\'s %{log}).', printable),
  window: int(8192, 'Most messages sent and not yet acknowledged (RELP window); the aggregator acknowledges once its journal is synced, so this bounds the rate to about window / sync time.', { min: 1, max: 65536 }),
  timeout_secs: int(90, 'A connection that gets no answer for this long (connect, open or acks) is dropped and made again; what it had not acknowledged is sent again.', { min: 1, max: 3600 }),
  reconnect_min_ms: int(500, 'First wait before connecting again after a failure; it doubles up to reconnect_max_secs.', { min: 10, max: 600_000 }),
  reconnect_max_secs: int(30, 'Longest wait between connection attempts.', { min: 1, max: 3600 }),
  commit_interval_ms: int(200, 'How often the subscriber\'s checkpoint follows the acknowledgements; after a restart, records acknowledged in the last interval are sent again (the aggregator drops them).', { min: 10, max: 60_000 }),
  ...tlsClientSpec,
} as const;

export type ForwardOutputConfig = SpecValue<typeof forwardOutputSpec>;
