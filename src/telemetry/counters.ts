// Counters that components increment on the data path. A counter is a plain object with a numeric
// field, so incrementing it is one property write; the registry only reads them for reports.

export interface Counter {
  /** `received`, `discarded`, ... */
  readonly name: string;
  /** `input.udp`, `output.all`, `engine`, ... */
  readonly scope: string;
  /** Why, for counters split by reason (`discarded` by `unmatched`, `queue_full`, ...). */
  readonly reason: string;
  value: number;
}

export class Counters {
  private readonly all: Counter[] = [];
  private readonly byKey = new Map<string, Counter>();

  /** The counter for (scope, name, reason), created at 0 on first use. Call at start, not per record. */
  get(scope: string, name: string, reason = ''): Counter {
    const key = `${scope}\0${name}\0${reason}`;
    let c = this.byKey.get(key);
    if (!c) {
      c = { scope, name, reason, value: 0 };
      this.byKey.set(key, c);
      this.all.push(c);
    }
    return c;
  }

  /** Sum of every counter with this name in this scope (all reasons). */
  total(scope: string, name: string): number {
    let n = 0;
    for (const c of this.all) if (c.scope === scope && c.name === name) n += c.value;
    return n;
  }

  snapshot(): readonly Counter[] {
    return this.all.map((c) => ({ ...c }));
  }

  /** One line: `input.udp received=10 parse_errors=0 output.all written=10 ...`, zero counters left out. */
  format(): string {
    const parts: string[] = [];
    let scope = '';
    // Plain code-unit order: localeCompare would load ICU's collator (~10 ms) for ASCII names.
    for (const c of [...this.all].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0))) {
      if (c.value === 0) continue;
      if (c.scope !== scope) {
        parts.push(c.scope);
        scope = c.scope;
      }
      parts.push(`${c.name}${c.reason ? `.${c.reason}` : ''}=${c.value}`);
    }
    return parts.join(' ');
  }
}
