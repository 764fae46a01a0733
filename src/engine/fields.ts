// Config field types the engine's sections add to the schema language: selectors parsed into
// masks at load time, and lists that must not be empty.

import { list, type Field } from '../config/schema.js';
import { FACILITY_ALL, SEVERITY_ALL, parseFacilitySelector, parseSeveritySelector } from './selectors.js';

export function severitySelector(doc: string): Field<number> {
  return maskField('severity selector', doc, SEVERITY_ALL, parseSeveritySelector);
}

export function facilitySelector(doc: string): Field<number> {
  return maskField('facility list', doc, FACILITY_ALL, parseFacilitySelector);
}

/**
 * A list of names from a fixed set (index i = bit i), `*` = all; parsed into a mask. `none` is
 * bit 0 where the set has it (records no dialect recognised, records without a disposition).
 */
export function nameSetField(kind: string, doc: string, names: readonly string[]): Field<number> {
  const all = (1 << names.length) - 1;
  return maskField(kind, doc, all, (items) => {
    let mask = 0;
    for (const item of items) {
      if (item === '*') return all;
      const i = names.indexOf(item.toLowerCase());
      if (i < 0) return `unknown value ${JSON.stringify(item)}; expected ${names.join(', ')} or *`;
      mask |= 1 << i;
    }
    return mask;
  });
}

/** A list value parsed once into a mask; the default is "every value", written `*`. */
function maskField(kind: string, doc: string, all: number,
  toMask: (items: readonly string[]) => number | string): Field<number> {
  const base = list(['*'], doc);
  return {
    kind, doc, default: all, defaultText: '*',
    parse(v) {
      const r = base.parse(v);
      if (!r.ok) return r;
      const mask = toMask(r.value);
      return typeof mask === 'string' ? { ok: false, error: mask } : { ok: true, value: mask };
    },
  };
}

/** A list field that refuses an empty list. */
export function nonEmpty(f: Field<readonly string[]>): Field<readonly string[]> {
  return {
    ...f,
    parse(v) {
      const r = f.parse(v);
      return r.ok && r.value.length === 0 ? { ok: false, error: 'must list at least one value' } : r;
    },
  };
}
