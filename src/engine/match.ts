// Compiled routing rules and the uncached decision for one record's routing tuple. The router
// memoises these decisions; this file is the single definition of what a rule matches.

import { anyGlobMatches, compileGlob, globsMatchAll, type Glob } from './glob.js';
import { DIALECT_VALUES, DISPOSITION_VALUES, type RuleConfig } from './rules.js';
import { FACILITY_ALL, SEVERITY_ALL } from './selectors.js';

/** Where one record goes. Decisions are interned: equal decisions are the same object. */
export interface Decision {
  /** Output numbers, each at most once. */
  readonly outputs: readonly number[];
  /** False when no rule matched; `outputs` is then the unmatched output or nothing. */
  readonly matched: boolean;
}

/** A rule with its conditions compiled; null means "any". */
interface CompiledRule {
  readonly inputs: ReadonlySet<string> | null;
  readonly hosts: readonly Glob[] | null;
  readonly apps: readonly Glob[] | null;
  readonly modules: readonly Glob[] | null;
  readonly facilityMask: number | null;
  readonly severityMask: number | null;
  readonly axigenMask: number;
  readonly dialectMask: number | null;
  readonly dispositionMask: number | null;
  readonly outputs: readonly number[];
  readonly final: boolean;
}

const DIALECT_ALL = (1 << DIALECT_VALUES.length) - 1;
const DISPOSITION_ALL = (1 << DISPOSITION_VALUES.length) - 1;

export class RuleSet {
  readonly rules: readonly CompiledRule[];
  /** Which record fields some rule looks at; the router keys its cache on these only. */
  readonly usesInput: boolean;
  readonly usesHost: boolean;
  readonly usesApp: boolean;
  readonly usesFacility: boolean;
  readonly usesSeverity: boolean;
  readonly usesDialect: boolean;
  readonly usesDisposition: boolean;
  private readonly interned = new Map<string, Decision>();
  private readonly unmatched: Decision;
  private readonly taken: Uint8Array;

  constructor(configs: readonly RuleConfig[], outputNames: readonly string[], unmatchedOutput: string | null) {
    const index = (name: string): number => {
      const i = outputNames.indexOf(name);
      if (i < 0) throw new Error(`no output named ${JSON.stringify(name)}`);
      return i;
    };
    this.rules = configs
      .map((c, order) => ({ c, order }))
      .filter(({ c }) => c.enabled)
      .sort((a, b) => a.c.priority - b.c.priority || a.order - b.order)
      .map(({ c }) => compileRule(c, index));
    this.usesInput = this.rules.some((r) => r.inputs !== null);
    this.usesHost = this.rules.some((r) => r.hosts !== null);
    this.usesApp = this.rules.some((r) => r.apps !== null || r.modules !== null);
    this.usesFacility = this.rules.some((r) => r.facilityMask !== null);
    this.usesSeverity = this.rules.some((r) => r.severityMask !== null);
    this.usesDialect = this.rules.some((r) => r.dialectMask !== null);
    this.usesDisposition = this.rules.some((r) => r.dispositionMask !== null);
    this.taken = new Uint8Array(outputNames.length);
    this.unmatched = this.intern(unmatchedOutput === null ? [] : [index(unmatchedOutput)], false);
  }

  /**
   * The decision for one tuple. `facility` 0..31, `severity` 0..7; `axigenBit` is the record's
   * Axigen bit already ANDed with the sender's mask (0 = the sender does not log this level).
   * `dialect` and `disposition` are indexes into DIALECT_VALUES and DISPOSITION_VALUES.
   */
  decide(input: string, host: string, app: string, program: string,
    facility: number, severity: number, axigenBit: number, dialect = 0, disposition = 0): Decision {
    const hostL = host.toLowerCase();
    const appL = app.toLowerCase();
    const progL = program.toLowerCase();
    const outs: number[] = [];
    let matched = false;
    for (const r of this.rules) {
      if (r.inputs !== null && !r.inputs.has(input)) continue;
      if (r.facilityMask !== null && ((r.facilityMask >>> facility) & 1) === 0) continue;
      if (r.severityMask !== null && ((r.severityMask >>> severity) & 1) === 0) continue;
      if ((axigenBit & r.axigenMask) === 0) continue;
      if (r.dialectMask !== null && ((r.dialectMask >>> dialect) & 1) === 0) continue;
      if (r.dispositionMask !== null && ((r.dispositionMask >>> disposition) & 1) === 0) continue;
      if (r.hosts !== null && !anyGlobMatches(r.hosts, hostL)) continue;
      if (r.apps !== null && !appMatches(r.apps, appL, progL)) continue;
      if (r.modules !== null && !appMatches(r.modules, appL, progL)) continue;
      matched = true;
      for (const o of r.outputs) {
        if (this.taken[o] === 0) {
          this.taken[o] = 1;
          outs.push(o);
        }
      }
      if (r.final) break;
    }
    for (const o of outs) this.taken[o] = 0;
    return matched ? this.intern(outs, true) : this.unmatched;
  }

  private intern(outputs: number[], matched: boolean): Decision {
    const key = `${matched ? 'm' : 'u'}${outputs.join(',')}`;
    let d = this.interned.get(key);
    if (d === undefined) {
      d = Object.freeze({ outputs: Object.freeze(outputs), matched });
      this.interned.set(key, d);
    }
    return d;
  }
}

function appMatches(globs: readonly Glob[], app: string, program: string): boolean {
  return anyGlobMatches(globs, app) || (program !== app && anyGlobMatches(globs, program));
}

function compileRule(c: RuleConfig, index: (name: string) => number): CompiledRule {
  const globs = (patterns: readonly string[]): Glob[] | null => {
    const g = patterns.map(compileGlob);
    return globsMatchAll(g) ? null : g;
  };
  return {
    inputs: c.inputs.includes('*') ? null : new Set(c.inputs),
    hosts: globs(c.host),
    apps: globs(c.app),
    modules: globs(c.module),
    facilityMask: (c.facility & FACILITY_ALL) === FACILITY_ALL ? null : c.facility,
    severityMask: (c.severity & SEVERITY_ALL) === SEVERITY_ALL ? null : c.severity,
    axigenMask: c.axigen_level_mask,
    dialectMask: (c.dialect & DIALECT_ALL) === DIALECT_ALL ? null : c.dialect,
    dispositionMask: (c.disposition & DISPOSITION_ALL) === DISPOSITION_ALL ? null : c.disposition,
    outputs: [...new Set(c.outputs.map(index))],
    final: c.final,
  };
}
